/**
 * Model metadata and graphs as JSON, shared by every text format (JSON documents, and the one-line
 * JSON header lines of CSV and TXT). JSON numbers are written exactly: `bigint`s as integers with
 * every digit, `-0` as `-0`, other numbers as ECMAScript's shortest round-trip `Number::toString`;
 * parsing gives integers beyond 2^53 back as `bigint`. The graph encoding is described in
 * docs/formats/json.md ("Graph") and docs/formats/nnport.schema.json (`$defs/graph`).
 */
import { type DType, isDType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { AttributeValue, Graph, GraphNode, ValueInfo } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import { encodeUtf8 } from '../cursor.js';
import { JsonScanner } from './json-scan.js';
import { JsonTreeBuilder, memberStep } from './json-tree.js';

/** A JSON value whose integers may be `bigint` (exact beyond 2^53). `JsonValue` is one. */
export type JsonExact =
  | null
  | boolean
  | number
  | bigint
  | string
  | readonly JsonExact[]
  | { readonly [key: string]: JsonExact };

/** Spellings of the non-finite numbers JSON cannot hold as numbers (DESIGN §4; text-common "Values"). */
function nonFinite(n: number): string {
  return Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
}

/** A number as JSON text: `-0` keeps its sign; non-finite numbers become the strings "NaN", "Infinity", "-Infinity". */
function numberText(n: number): string {
  if (Object.is(n, -0)) return '-0';
  return Number.isFinite(n) ? String(n) : `"${nonFinite(n)}"`;
}

function scalarText(v: JsonExact): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'number':
      return numberText(v);
    case 'bigint':
      return v.toString();
    case 'string':
      // JSON.stringify escapes quotes, backslashes, control characters and lone surrogates (ES2019).
      return JSON.stringify(v);
    default:
      throw new NnportError('UNREPRESENTABLE', `a ${typeof v} cannot be written as JSON`);
  }
}

/** An object's members, skipping `undefined` values as JSON.stringify does (they cannot be written). */
function members(o: { readonly [key: string]: JsonExact }): [string, JsonExact][] {
  return Object.entries(o).filter(([, v]) => v !== undefined);
}

function isContainer(v: JsonExact): v is readonly JsonExact[] | { readonly [key: string]: JsonExact } {
  return typeof v === 'object' && v !== null;
}

/**
 * One-line JSON (no spaces), as CSV and TXT header lines carry metadata and graphs. Exact for
 * bigints and -0; non-finite numbers are written as strings (JSON has no such numbers).
 */
export function stringifyJson(value: JsonExact): string {
  if (!isContainer(value)) return scalarText(value);
  if (Array.isArray(value)) return `[${(value as readonly JsonExact[]).map(stringifyJson).join(',')}]`;
  const parts: string[] = [];
  for (const [k, v] of members(value as { readonly [key: string]: JsonExact }))
    parts.push(`${JSON.stringify(k)}:${stringifyJson(v)}`);
  return `{${parts.join(',')}}`;
}

/** True for a container written on one line by `prettyJson`: each child a scalar or an array of scalars. */
function isFlat(value: JsonExact): boolean {
  if (!isContainer(value)) return true;
  for (const v of Object.values(value)) {
    if (!isContainer(v)) continue;
    if (!Array.isArray(v)) return false;
    for (const x of v as readonly JsonExact[]) if (isContainer(x)) return false;
  }
  return true;
}

function oneLine(value: JsonExact): string {
  if (!isContainer(value)) return scalarText(value);
  if (Array.isArray(value)) return `[${(value as readonly JsonExact[]).map(oneLine).join(', ')}]`;
  const parts: string[] = [];
  for (const [k, v] of members(value as { readonly [key: string]: JsonExact }))
    parts.push(`${JSON.stringify(k)}: ${oneLine(v)}`);
  return `{${parts.join(', ')}}`;
}

/**
 * Pretty JSON as the nnport JSON document lays it out (docs/formats/json.md, "Layout"): a
 * container holding only scalars and arrays of scalars is written on one line
 * (`{"type": "int", "value": 1}`, `[1, 3, "N"]`); any other container has one member or element per
 * line, indented two spaces more than `indent`. With `expand`, the value itself is expanded even
 * when flat (the document's own objects: metadata, graph, tensor meta). The first line has no
 * indentation (it follows a member name); the closing bracket is indented by `indent`.
 */
export function prettyJson(value: JsonExact, indent: number, expand = false): string {
  if (!isContainer(value)) return scalarText(value);
  const entries = Array.isArray(value)
    ? (value as readonly JsonExact[]).map((v): [string | undefined, JsonExact] => [undefined, v])
    : members(value as { readonly [key: string]: JsonExact }).map(
        ([k, v]): [string | undefined, JsonExact] => [k, v],
      );
  if (entries.length === 0) return Array.isArray(value) ? '[]' : '{}';
  if (!expand && isFlat(value)) return oneLine(value);
  const inner = ' '.repeat(indent + 2);
  const lines = entries.map(
    ([k, v]) => `${inner}${k === undefined ? '' : `${JSON.stringify(k)}: `}${prettyJson(v, indent + 2)}`,
  );
  const [open, close] = Array.isArray(value) ? ['[', ']'] : ['{', '}'];
  return `${open}\n${lines.join(',\n')}\n${' '.repeat(indent)}${close}`;
}

/**
 * Parses JSON text exactly (integers beyond 2^53 as `bigint`). `origin` is where the text starts
 * in its file, so syntax errors name the file's line and column (a CSV header line). Throws
 * INVALID_STRUCTURE, TRUNCATED or LIMIT_EXCEEDED.
 */
export function parseJsonExact(text: string, origin?: { line: number; column: number }): JsonExact {
  const builder = new JsonTreeBuilder();
  const scanner = new JsonScanner(builder, origin === undefined ? {} : { origin });
  scanner.feed(encodeUtf8(text));
  scanner.finish();
  return builder.result as JsonExact;
}

// ---- checking parsed values ----

function fail(detail: string, path: string): never {
  throw new NnportError('INVALID_STRUCTURE', detail, { at: { path } });
}

/** True for a plain JSON object (not an array, not a class instance such as a skipped value). */
export function isJsonObject(v: unknown): v is { readonly [key: string]: unknown } {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function expectObject(v: unknown, path: string, what: string): { readonly [key: string]: unknown } {
  if (!isJsonObject(v)) fail(`${what} must be a JSON object`, path);
  return v;
}

function expectArray(v: unknown, path: string, what: string): readonly unknown[] {
  if (!Array.isArray(v)) fail(`${what} must be a JSON array`, path);
  return v;
}

function expectString(v: unknown, path: string, what: string): string {
  if (typeof v !== 'string') fail(`${what} must be a string`, path);
  return v;
}

/** Refuses members other than `allowed` (the format is strict so that typos are not silently lost). */
function onlyKeys(o: { readonly [key: string]: unknown }, allowed: readonly string[], path: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) fail(`unknown member ${JSON.stringify(k)}`, path + memberStep(k));
  }
}

/** A parsed value as a `JsonValue`: bigints become (rounded) numbers, as `JsonValue` has no bigint. */
export function jsonValueOf(v: unknown, path: string): JsonValue {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map((x, i) => jsonValueOf(x, `${path}[${i}]`));
  const o = expectObject(v, path, 'a value');
  const out: { [key: string]: JsonValue } = {};
  for (const [k, x] of Object.entries(o)) {
    Object.defineProperty(out, k, {
      value: jsonValueOf(x, path + memberStep(k)),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/** Model metadata (or tensor `meta`) from parsed JSON: must be an object. */
export function metadataFromJson(v: unknown, path: string): Record<string, JsonValue> {
  expectObject(v, path, 'metadata');
  return jsonValueOf(v, path) as Record<string, JsonValue>;
}

// ---- graphs ----

/** A float attribute value: a finite number, or one of the non-finite spellings. */
function floatToJson(n: number): JsonExact {
  return Number.isFinite(n) ? n : nonFinite(n);
}

function floatFromJson(v: unknown, path: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v === 'NaN') return Number.NaN;
  if (v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return fail('a float attribute must be a number, "NaN", "Infinity" or "-Infinity"', path);
}

function intToJson(n: number | bigint): JsonExact {
  if (typeof n === 'number' && !Number.isInteger(n)) {
    throw new NnportError('UNREPRESENTABLE', `int attribute value ${n} is not an integer`);
  }
  return n;
}

/** An int attribute value: a safe integer as a number, a larger one as an exact bigint. */
function intFromJson(v: unknown, path: string): number | bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  return fail('an int attribute must be an integer', path);
}

function attributeToJson(a: AttributeValue): JsonExact {
  switch (a.type) {
    case 'int':
      return { type: 'int', value: intToJson(a.value) };
    case 'float':
      return { type: 'float', value: floatToJson(a.value) };
    case 'string':
    case 'tensor':
      return { type: a.type, value: a.value };
    case 'ints':
      return { type: 'ints', value: a.value.map(intToJson) };
    case 'floats':
      return { type: 'floats', value: a.value.map(floatToJson) };
    case 'strings':
      return { type: 'strings', value: [...a.value] };
    case 'graph':
      return { type: 'graph', value: graphToJson(a.value) };
    default:
      throw new NnportError('UNREPRESENTABLE', `attribute type ${a.type} has no JSON encoding yet`);
  }
}

function attributeFromJson(v: unknown, path: string): AttributeValue {
  const o = expectObject(v, path, 'an attribute');
  onlyKeys(o, ['type', 'value'], path);
  const type = o.type;
  const value = o.value;
  const vpath = `${path}.value`;
  if (!Object.hasOwn(o, 'value')) fail('an attribute needs a value', path);
  switch (type) {
    case 'int':
      return { type, value: intFromJson(value, vpath) };
    case 'float':
      return { type, value: floatFromJson(value, vpath) };
    case 'string':
    case 'tensor':
      return { type, value: expectString(value, vpath, `a ${type} attribute`) };
    case 'ints':
      return {
        type,
        value: expectArray(value, vpath, 'ints').map((x, i) => intFromJson(x, `${vpath}[${i}]`)),
      };
    case 'floats':
      return {
        type,
        value: expectArray(value, vpath, 'floats').map((x, i) => floatFromJson(x, `${vpath}[${i}]`)),
      };
    case 'strings':
      return {
        type,
        value: expectArray(value, vpath, 'strings').map((x, i) =>
          expectString(x, `${vpath}[${i}]`, 'a string'),
        ),
      };
    case 'graph':
      return { type, value: graphFromJson(value, vpath) };
    default:
      return fail(
        'attribute type must be one of int, float, string, ints, floats, strings, tensor, graph',
        `${path}.type`,
      );
  }
}

function valueInfoToJson(v: ValueInfo): JsonExact {
  const out: { [key: string]: JsonExact } = { name: v.name };
  if (v.dtype !== undefined) out.dtype = v.dtype;
  if (v.shape !== undefined) out.shape = [...v.shape];
  return out;
}

function valueInfoFromJson(v: unknown, path: string): ValueInfo {
  const o = expectObject(v, path, 'a value info');
  onlyKeys(o, ['name', 'dtype', 'shape'], path);
  const name = expectString(o.name, `${path}.name`, 'name');
  let dtype: DType | undefined;
  if (o.dtype !== undefined) {
    const d = expectString(o.dtype, `${path}.dtype`, 'dtype');
    if (!isDType(d))
      throw new NnportError('UNSUPPORTED_DTYPE', `unknown dtype ${JSON.stringify(d)}`, {
        at: { path: `${path}.dtype` },
      });
    dtype = d;
  }
  let shape: (number | string | null)[] | undefined;
  if (o.shape !== undefined) {
    shape = expectArray(o.shape, `${path}.shape`, 'shape').map((d, i) => {
      if (d === null || typeof d === 'string' || (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
        return d;
      return fail('a dimension must be a non-negative integer, a name or null', `${path}.shape[${i}]`);
    });
  }
  const info: { name: string; dtype?: DType; shape?: (number | string | null)[] } = { name };
  if (dtype !== undefined) info.dtype = dtype;
  if (shape !== undefined) info.shape = shape;
  return info;
}

function nodeToJson(n: GraphNode): JsonExact {
  const out: { [key: string]: JsonExact } = { name: n.name, op: n.op };
  if (n.domain !== undefined) out.domain = n.domain;
  out.inputs = [...n.inputs];
  out.outputs = [...n.outputs];
  const attributes: { [key: string]: JsonExact } = {};
  for (const [k, a] of Object.entries(n.attributes)) {
    Object.defineProperty(attributes, k, {
      value: attributeToJson(a),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  out.attributes = attributes;
  return out;
}

function stringsFromJson(v: unknown, path: string, what: string): string[] {
  return expectArray(v, path, what).map((x, i) => expectString(x, `${path}[${i}]`, `an entry of ${what}`));
}

function nodeFromJson(v: unknown, path: string): GraphNode {
  const o = expectObject(v, path, 'a node');
  onlyKeys(o, ['name', 'op', 'domain', 'inputs', 'outputs', 'attributes'], path);
  const attrs = expectObject(o.attributes, `${path}.attributes`, 'attributes');
  const attributes: Record<string, AttributeValue> = {};
  for (const [k, a] of Object.entries(attrs)) {
    Object.defineProperty(attributes, k, {
      value: attributeFromJson(a, `${path}.attributes${memberStep(k)}`),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  const node = {
    name: expectString(o.name, `${path}.name`, 'name'),
    op: expectString(o.op, `${path}.op`, 'op'),
    inputs: stringsFromJson(o.inputs, `${path}.inputs`, 'inputs'),
    outputs: stringsFromJson(o.outputs, `${path}.outputs`, 'outputs'),
    attributes,
  };
  return o.domain === undefined
    ? node
    : { ...node, domain: expectString(o.domain, `${path}.domain`, 'domain') };
}

/**
 * A graph as JSON (docs/formats/json.md, "Graph"): `{name?, opsets?, inputs, outputs, nodes}`,
 * nodes `{name, op, domain?, inputs, outputs, attributes}`, each attribute `{type, value}`.
 * Key order is fixed, so the text is deterministic.
 */
export function graphToJson(graph: Graph): JsonExact {
  const out: { [key: string]: JsonExact } = {};
  if (graph.name !== undefined) out.name = graph.name;
  if (graph.opsets !== undefined) {
    const opsets: { [key: string]: JsonExact } = {};
    for (const [k, v] of Object.entries(graph.opsets)) {
      Object.defineProperty(opsets, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    out.opsets = opsets;
  }
  out.inputs = graph.inputs.map(valueInfoToJson);
  out.outputs = graph.outputs.map(valueInfoToJson);
  out.nodes = graph.nodes.map(nodeToJson);
  return out;
}

/**
 * A graph from parsed JSON, checked member by member; errors are INVALID_STRUCTURE (or
 * UNSUPPORTED_DTYPE for a value info's unknown dtype) at the JSON path below `path`. Int attribute
 * values come back as numbers when they are safe integers and as bigints otherwise.
 */
export function graphFromJson(value: unknown, path: string): Graph {
  const o = expectObject(value, path, 'graph');
  onlyKeys(o, ['name', 'opsets', 'inputs', 'outputs', 'nodes'], path);
  const graph: {
    name?: string;
    opsets?: Record<string, number>;
    inputs: ValueInfo[];
    outputs: ValueInfo[];
    nodes: GraphNode[];
  } = {
    inputs: expectArray(o.inputs, `${path}.inputs`, 'inputs').map((v, i) =>
      valueInfoFromJson(v, `${path}.inputs[${i}]`),
    ),
    outputs: expectArray(o.outputs, `${path}.outputs`, 'outputs').map((v, i) =>
      valueInfoFromJson(v, `${path}.outputs[${i}]`),
    ),
    nodes: expectArray(o.nodes, `${path}.nodes`, 'nodes').map((v, i) =>
      nodeFromJson(v, `${path}.nodes[${i}]`),
    ),
  };
  if (o.name !== undefined) graph.name = expectString(o.name, `${path}.name`, 'name');
  if (o.opsets !== undefined) {
    const opsets: Record<string, number> = {};
    for (const [k, v] of Object.entries(expectObject(o.opsets, `${path}.opsets`, 'opsets'))) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v))
        fail('an opset version must be an integer', `${path}.opsets${memberStep(k)}`);
      Object.defineProperty(opsets, k, { value: v, enumerable: true, writable: true, configurable: true });
    }
    graph.opsets = opsets;
  }
  return graph;
}
