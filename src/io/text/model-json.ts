/**
 * Model metadata and graphs as JSON, shared by every text format (JSON documents, and the one-line
 * JSON header lines of CSV and TXT). JSON numbers are written exactly: `bigint`s as integers with
 * every digit, `-0` as `-0`, other numbers as ECMAScript's shortest round-trip `Number::toString`;
 * parsing gives integers beyond 2^53 back as `bigint`. The graph encoding is described in
 * docs/formats/json.md ("Graph") and docs/formats/nnport.schema.json (`$defs/graph`).
 */
import { type DType, isDType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type {
  AttributeValue,
  Graph,
  GraphNode,
  SparseTensorRef,
  StringTensor,
  ValueInfo,
} from '../../core/graph.js';
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

/** Defines `key` as an own data member (so `__proto__` and friends are ordinary keys). */
function put<T>(o: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

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

/**
 * An int attribute value, exact: a safe integer as itself, a larger integer-valued double (which
 * `Number::toString` would round, e.g. 2^60 → 1152921504606847000) by its exact digits.
 */
function intToJson(n: number | bigint): JsonExact {
  if (typeof n === 'bigint' || Number.isSafeInteger(n)) return n;
  if (!Number.isInteger(n)) {
    throw new NnportError('UNREPRESENTABLE', `int attribute value ${n} is not an integer`);
  }
  return BigInt(n);
}

/** An int attribute value: a safe integer as a number, a larger one as an exact bigint. */
function intFromJson(v: unknown, path: string): number | bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  return fail('an int attribute must be an integer', path);
}

/** A dimension of a dense shape (sparse tensor dims, string tensor shapes): a non-negative safe integer. */
function dimFromJson(v: unknown, path: string): number {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  return fail('a dimension must be a non-negative integer', path);
}

function dimsFromJson(v: unknown, path: string, what: string): number[] {
  return expectArray(v, path, what).map((d, i) => dimFromJson(d, `${path}[${i}]`));
}

function stringsFromJson(v: unknown, path: string, what: string): string[] {
  return expectArray(v, path, what).map((x, i) => expectString(x, `${path}[${i}]`, `an entry of ${what}`));
}

/** A `meta` member (graph, node, value info): any JSON object, numbers as doubles like metadata. */
function metaFromJson(v: unknown, path: string): Record<string, JsonValue> {
  expectObject(v, path, 'meta');
  return jsonValueOf(v, path) as Record<string, JsonValue>;
}

/** `{name, values, indices, dims}`: the two tensors by name, as the graph references model tensors. */
function sparseToJson(s: SparseTensorRef): JsonExact {
  return { name: s.name, values: s.values, indices: s.indices, dims: [...s.dims] };
}

function sparseFromJson(v: unknown, path: string): SparseTensorRef {
  const o = expectObject(v, path, 'a sparse tensor');
  onlyKeys(o, ['name', 'values', 'indices', 'dims'], path);
  return {
    name: expectString(o.name, `${path}.name`, 'name'),
    values: expectString(o.values, `${path}.values`, 'values'),
    indices: expectString(o.indices, `${path}.indices`, 'indices'),
    dims: dimsFromJson(o.dims, `${path}.dims`, 'dims'),
  };
}

/** `{name, shape, values}` with the values flat in C order (a string tensor is small: labels, vocabularies). */
function stringTensorToJson(t: StringTensor): JsonExact {
  return { name: t.name, shape: [...t.shape], values: [...t.values] };
}

function stringTensorFromJson(v: unknown, path: string): StringTensor {
  const o = expectObject(v, path, 'a string tensor');
  onlyKeys(o, ['name', 'shape', 'values'], path);
  const name = expectString(o.name, `${path}.name`, 'name');
  const shape = dimsFromJson(o.shape, `${path}.shape`, 'shape');
  const values = stringsFromJson(o.values, `${path}.values`, 'values');
  // The product is compared as it grows, so a huge shape fails before it could overflow (a 0
  // anywhere makes it 0, however large the dimensions before it).
  let count = shape.includes(0) ? 0 : 1;
  for (const d of shape) {
    if (count === 0 || count > values.length) break;
    count *= d;
  }
  if (count !== values.length) {
    const says = count > values.length ? `more than ${values.length}` : String(count);
    fail(`${values.length} values, the shape [${shape.join(', ')}] says ${says}`, `${path}.values`);
  }
  return { name, shape, values };
}

/** The value of an attribute, by kind. */
function attributeValueToJson(a: AttributeValue): JsonExact {
  switch (a.type) {
    case 'int':
      return intToJson(a.value);
    case 'float':
      return floatToJson(a.value);
    case 'string':
    case 'tensor':
      return a.value;
    case 'ints':
      return a.value.map(intToJson);
    case 'floats':
      return a.value.map(floatToJson);
    case 'strings':
    case 'tensors':
      return [...a.value];
    case 'graph':
      return graphToJson(a.value);
    case 'graphs':
      return a.value.map(graphToJson);
    case 'sparse_tensor':
      return sparseToJson(a.value);
    case 'sparse_tensors':
      return a.value.map(sparseToJson);
    case 'type_proto':
      return a.value;
    case 'type_protos':
      return [...a.value];
    default:
      throw new NnportError('UNREPRESENTABLE', `attribute type ${(a as { type: string }).type} is unknown`);
  }
}

/** `{type, value, ref?, doc?}` in this order; `ref`/`doc` only when present (older files have neither). */
function attributeToJson(a: AttributeValue): JsonExact {
  const out: { [key: string]: JsonExact } = { type: a.type, value: attributeValueToJson(a) };
  if (a.ref !== undefined) out.ref = a.ref;
  if (a.doc !== undefined) out.doc = a.doc;
  return out;
}

/** The attribute kinds, as the error for an unknown one lists them. */
const ATTRIBUTE_TYPES = [
  'int',
  'float',
  'string',
  'ints',
  'floats',
  'strings',
  'tensor',
  'tensors',
  'graph',
  'graphs',
  'sparse_tensor',
  'sparse_tensors',
  'type_proto',
  'type_protos',
] as const;

/** An attribute's value from JSON, checked against its kind (`type` is known to be one of ATTRIBUTE_TYPES). */
function attributeValueFromJson(type: string, v: unknown, path: string): AttributeValue {
  switch (type) {
    case 'int':
      return { type, value: intFromJson(v, path) };
    case 'float':
      return { type, value: floatFromJson(v, path) };
    case 'string':
    case 'tensor':
      return { type, value: expectString(v, path, `a ${type} attribute`) };
    case 'ints':
      return { type, value: expectArray(v, path, 'ints').map((x, i) => intFromJson(x, `${path}[${i}]`)) };
    case 'floats':
      return {
        type,
        value: expectArray(v, path, 'floats').map((x, i) => floatFromJson(x, `${path}[${i}]`)),
      };
    case 'strings':
    case 'tensors':
      return { type, value: stringsFromJson(v, path, type) };
    case 'graph':
      return { type, value: graphFromJson(v, path) };
    case 'graphs':
      return { type, value: expectArray(v, path, 'graphs').map((x, i) => graphFromJson(x, `${path}[${i}]`)) };
    case 'sparse_tensor':
      return { type, value: sparseFromJson(v, path) };
    case 'sparse_tensors':
      return {
        type,
        value: expectArray(v, path, 'sparse_tensors').map((x, i) => sparseFromJson(x, `${path}[${i}]`)),
      };
    case 'type_proto':
      return { type, value: jsonValueOf(v, path) };
    default:
      return {
        type: 'type_protos',
        value: expectArray(v, path, 'type_protos').map((x, i) => jsonValueOf(x, `${path}[${i}]`)),
      };
  }
}

function attributeFromJson(v: unknown, path: string): AttributeValue {
  const o = expectObject(v, path, 'an attribute');
  onlyKeys(o, ['type', 'value', 'ref', 'doc'], path);
  const type = o.type;
  if (typeof type !== 'string' || !(ATTRIBUTE_TYPES as readonly string[]).includes(type)) {
    fail(`attribute type must be one of ${ATTRIBUTE_TYPES.join(', ')}`, `${path}.type`);
  }
  if (!Object.hasOwn(o, 'value')) fail('an attribute needs a value', path);
  const a = attributeValueFromJson(type, o.value, `${path}.value`);
  const ref = o.ref === undefined ? undefined : expectString(o.ref, `${path}.ref`, 'ref');
  const doc = o.doc === undefined ? undefined : expectString(o.doc, `${path}.doc`, 'doc');
  if (ref === undefined && doc === undefined) return a;
  return { ...a, ...(ref === undefined ? {} : { ref }), ...(doc === undefined ? {} : { doc }) };
}

function valueInfoToJson(v: ValueInfo): JsonExact {
  const out: { [key: string]: JsonExact } = { name: v.name };
  if (v.dtype !== undefined) out.dtype = v.dtype;
  if (v.shape !== undefined) out.shape = [...v.shape];
  if (v.type !== undefined) out.type = v.type;
  if (v.meta !== undefined) out.meta = v.meta;
  return out;
}

function valueInfoFromJson(v: unknown, path: string): ValueInfo {
  const o = expectObject(v, path, 'a value info');
  onlyKeys(o, ['name', 'dtype', 'shape', 'type', 'meta'], path);
  const info: {
    name: string;
    dtype?: DType;
    shape?: (number | string | null)[];
    type?: JsonValue;
    meta?: Record<string, JsonValue>;
  } = { name: expectString(o.name, `${path}.name`, 'name') };
  if (o.dtype !== undefined) {
    const d = expectString(o.dtype, `${path}.dtype`, 'dtype');
    if (!isDType(d))
      throw new NnportError('UNSUPPORTED_DTYPE', `unknown dtype ${JSON.stringify(d)}`, {
        at: { path: `${path}.dtype` },
      });
    info.dtype = d;
  }
  if (o.shape !== undefined) {
    info.shape = expectArray(o.shape, `${path}.shape`, 'shape').map((d, i) => {
      if (d === null || typeof d === 'string' || (typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
        return d;
      return fail('a dimension must be a non-negative integer, a name or null', `${path}.shape[${i}]`);
    });
  }
  // `type` is the ONNX format's JSON of a TypeProto (docs/formats/onnx.md): kept as any JSON value.
  if (Object.hasOwn(o, 'type')) info.type = jsonValueOf(o.type, `${path}.type`);
  if (o.meta !== undefined) info.meta = metaFromJson(o.meta, `${path}.meta`);
  return info;
}

function nodeToJson(n: GraphNode): JsonExact {
  const out: { [key: string]: JsonExact } = { name: n.name, op: n.op };
  if (n.domain !== undefined) out.domain = n.domain;
  out.inputs = [...n.inputs];
  out.outputs = [...n.outputs];
  const attributes: { [key: string]: JsonExact } = {};
  for (const [k, a] of Object.entries(n.attributes)) put(attributes, k, attributeToJson(a));
  out.attributes = attributes;
  if (n.meta !== undefined) out.meta = n.meta;
  return out;
}

function nodeFromJson(v: unknown, path: string): GraphNode {
  const o = expectObject(v, path, 'a node');
  onlyKeys(o, ['name', 'op', 'domain', 'inputs', 'outputs', 'attributes', 'meta'], path);
  const attrs = expectObject(o.attributes, `${path}.attributes`, 'attributes');
  const attributes: Record<string, AttributeValue> = {};
  for (const [k, a] of Object.entries(attrs)) {
    put(attributes, k, attributeFromJson(a, `${path}.attributes${memberStep(k)}`));
  }
  const node: {
    name: string;
    op: string;
    domain?: string;
    inputs: string[];
    outputs: string[];
    attributes: Record<string, AttributeValue>;
    meta?: Record<string, JsonValue>;
  } = {
    name: expectString(o.name, `${path}.name`, 'name'),
    op: expectString(o.op, `${path}.op`, 'op'),
    inputs: stringsFromJson(o.inputs, `${path}.inputs`, 'inputs'),
    outputs: stringsFromJson(o.outputs, `${path}.outputs`, 'outputs'),
    attributes,
  };
  if (o.domain !== undefined) node.domain = expectString(o.domain, `${path}.domain`, 'domain');
  if (o.meta !== undefined) node.meta = metaFromJson(o.meta, `${path}.meta`);
  return node;
}

/**
 * A graph as JSON (docs/formats/json.md, "Graph"): `{name?, opsets?, inputs, outputs, valueInfo?,
 * initializers?, sparseInitializers?, stringTensors?, nodes, meta?}`, nodes `{name, op, domain?,
 * inputs, outputs, attributes, meta?}`, each attribute `{type, value, ref?, doc?}`. Absent
 * optional members are not written, so a graph without the ONNX extras reads as it always did.
 * Key order is fixed, so the text is deterministic.
 */
export function graphToJson(graph: Graph): JsonExact {
  const out: { [key: string]: JsonExact } = {};
  if (graph.name !== undefined) out.name = graph.name;
  if (graph.opsets !== undefined) {
    const opsets: { [key: string]: JsonExact } = {};
    for (const [k, v] of Object.entries(graph.opsets)) put(opsets, k, v);
    out.opsets = opsets;
  }
  out.inputs = graph.inputs.map(valueInfoToJson);
  out.outputs = graph.outputs.map(valueInfoToJson);
  if (graph.valueInfo !== undefined) out.valueInfo = graph.valueInfo.map(valueInfoToJson);
  if (graph.initializers !== undefined) out.initializers = [...graph.initializers];
  if (graph.sparseInitializers !== undefined)
    out.sparseInitializers = graph.sparseInitializers.map(sparseToJson);
  if (graph.stringTensors !== undefined) out.stringTensors = graph.stringTensors.map(stringTensorToJson);
  out.nodes = graph.nodes.map(nodeToJson);
  if (graph.meta !== undefined) out.meta = graph.meta;
  return out;
}

/** Graph members, in the order nnport writes them. */
const GRAPH_KEYS = [
  'name',
  'opsets',
  'inputs',
  'outputs',
  'valueInfo',
  'initializers',
  'sparseInitializers',
  'stringTensors',
  'nodes',
  'meta',
];

/**
 * A graph from parsed JSON, checked member by member; errors are INVALID_STRUCTURE (or
 * UNSUPPORTED_DTYPE for a value info's unknown dtype) at the JSON path below `path`. Int attribute
 * values come back as numbers when they are safe integers and as bigints otherwise; `meta` and
 * TypeProto JSON numbers as doubles (like metadata).
 */
export function graphFromJson(value: unknown, path: string): Graph {
  const o = expectObject(value, path, 'graph');
  onlyKeys(o, GRAPH_KEYS, path);
  const infos = (key: string): ValueInfo[] =>
    expectArray(o[key], `${path}.${key}`, key).map((v, i) => valueInfoFromJson(v, `${path}.${key}[${i}]`));
  const graph: {
    name?: string;
    opsets?: Record<string, number>;
    inputs: ValueInfo[];
    outputs: ValueInfo[];
    nodes: GraphNode[];
    valueInfo?: ValueInfo[];
    initializers?: string[];
    sparseInitializers?: SparseTensorRef[];
    stringTensors?: StringTensor[];
    meta?: Record<string, JsonValue>;
  } = {
    inputs: infos('inputs'),
    outputs: infos('outputs'),
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
      put(opsets, k, v);
    }
    graph.opsets = opsets;
  }
  if (o.valueInfo !== undefined) graph.valueInfo = infos('valueInfo');
  if (o.initializers !== undefined) {
    graph.initializers = stringsFromJson(o.initializers, `${path}.initializers`, 'initializers');
  }
  if (o.sparseInitializers !== undefined) {
    const p = `${path}.sparseInitializers`;
    graph.sparseInitializers = expectArray(o.sparseInitializers, p, 'sparseInitializers').map((v, i) =>
      sparseFromJson(v, `${p}[${i}]`),
    );
  }
  if (o.stringTensors !== undefined) {
    const p = `${path}.stringTensors`;
    graph.stringTensors = expectArray(o.stringTensors, p, 'stringTensors').map((v, i) =>
      stringTensorFromJson(v, `${p}[${i}]`),
    );
  }
  if (o.meta !== undefined) graph.meta = metaFromJson(o.meta, `${path}.meta`);
  return graph;
}
