/**
 * MXNet symbol files (`X-symbol.json`) of every generation, parsed into one neutral form. Facts
 * from apache/mxnet (nnvm `saveload_json.cc`, `legacy_json_util.cc`) and the files themselves; no
 * code was copied. The generations:
 *
 * - MXNet ≤ 0.8: each node has `param` (the op's parameters) and `attr` (hidden keys written
 *   without underscores: `ctx_group`, `lr_mult`, `wd_mult`, and on op nodes `weight_lr_mult` …);
 *   inputs are `[node, output]` pairs; a `backward_source_id` per node.
 * - nnvm (MXNet ≥ 0.9, 1.x, Gluon `HybridBlock.export`): one `attrs` object (older nnvm: `attr`)
 *   holding the parameters and the hidden keys `__shape__`, `__dtype__`, `__init__`, `__lr_mult__` …;
 *   inputs are `[node, output, version]`; optional `node_row_ptr`; top-level
 *   `attrs.mxnet_version = ["int", 10500]`.
 *
 * Nodes are listed producers first; a file whose inputs point past the node list, at a missing
 * output, or around a cycle is refused (INVALID_STRUCTURE naming the node and the JSON path). A
 * file whose references point forward without a cycle is put in order.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_HEADER_BYTES } from '../../core/limits.js';
import { decodeUtf8 } from '../../io/cursor.js';
import { isJsonObject, parseJsonExact } from '../../io/text/model-json.js';

/** Format id errors carry. */
export const MXNET_FORMAT = 'mxnet';

/** One input of a node: output `output` of node `node` (an index into `MxSymbol.nodes`). */
export interface MxEntry {
  readonly node: number;
  readonly output: number;
}

/** One node of a symbol: an operator, or a variable (`op === 'null'`). */
export interface MxNode {
  /** MXNet op name (`'null'` for a variable: a graph input or a parameter). */
  readonly op: string;
  /** Node name (unique in files MXNet writes; checked). */
  readonly name: string;
  /** The op's parameters as MXNet stores them: strings (`"(3, 3)"`, `"True"`, `"0.001"`). */
  readonly attrs: Readonly<Record<string, string>>;
  /**
   * Hidden keys, always in the `__key__` spelling (0.8's `lr_mult` becomes `__lr_mult__`):
   * `__shape__`, `__dtype__`, `__init__`, `__lr_mult__`, `__wd_mult__`, `__layout__` ...
   */
  readonly hidden: Readonly<Record<string, string>>;
  /** Inputs in the op's order. */
  readonly inputs: readonly MxEntry[];
}

/** A parsed symbol file. */
export interface MxSymbol {
  /** Nodes in an order where every input comes before its consumer. */
  readonly nodes: readonly MxNode[];
  /** The graph's outputs. */
  readonly heads: readonly MxEntry[];
  /** `mxnet_version` (e.g. 10500 for 1.5.0), or null when the file does not say (0.8 and older). */
  readonly version: number | null;
  /** `legacy` for the 0.8 layout (`param` + `attr`), `nnvm` for 0.9 and later. */
  readonly generation: 'legacy' | 'nnvm';
  /**
   * Names for the heads, when the file keeps them: nnport's MXNet writer stores the canonical
   * output names as the graph attribute `nnport_output_names` (`["list_str", [...]]`).
   */
  readonly outputNames?: readonly string[];
}

function fail(detail: string, path: string, file: string): never {
  throw new NnportError('INVALID_STRUCTURE', detail, { file, format: MXNET_FORMAT, at: { path } });
}

/** Whether a key is written in the hidden `__key__` spelling. */
function isHiddenKey(key: string): boolean {
  return key.length > 4 && key.startsWith('__') && key.endsWith('__');
}

function stringMap(v: unknown, path: string, file: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isJsonObject(v)) fail('must be a JSON object of strings', path, file);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (typeof x === 'string') out[k] = x;
    else if (typeof x === 'number' || typeof x === 'boolean' || typeof x === 'bigint') out[k] = String(x);
    else fail(`attribute '${k}' must be a string`, `${path}.${k}`, file);
  }
  return out;
}

function entryOf(v: unknown, path: string, file: string, count: number): MxEntry {
  if (!Array.isArray(v) || v.length < 2 || v.length > 3) {
    fail('an input must be [node, output] or [node, output, version]', path, file);
  }
  const [node, output] = v.map((x) => (typeof x === 'bigint' ? Number(x) : x)) as unknown[];
  if (
    !Number.isSafeInteger(node) ||
    (node as number) < 0 ||
    !Number.isSafeInteger(output) ||
    (output as number) < 0
  ) {
    fail('node and output indices must be non-negative integers', path, file);
  }
  if ((node as number) >= count) {
    fail(`points at node ${String(node)}, past the node list (${count} nodes)`, path, file);
  }
  return { node: node as number, output: output as number };
}

/**
 * Parses a symbol file's bytes. `file` names it in errors. Throws INVALID_STRUCTURE (with the JSON
 * path or node) for anything that is not a well-formed symbol, LIMIT_EXCEEDED for oversized input.
 */
export function parseSymbol(bytes: Uint8Array, file: string): MxSymbol {
  if (bytes.length > MAX_HEADER_BYTES) {
    throw new NnportError('LIMIT_EXCEEDED', `symbol file of ${bytes.length} bytes exceeds MAX_HEADER_BYTES`, {
      file,
      format: MXNET_FORMAT,
    });
  }
  let root: unknown;
  try {
    root = parseJsonExact(decodeUtf8(bytes, 0));
  } catch (e) {
    if (e instanceof NnportError) {
      throw new NnportError(e.code, e.detail, { file, format: MXNET_FORMAT, ...(e.at ? { at: e.at } : {}) });
    }
    throw e;
  }
  if (!isJsonObject(root) || !Array.isArray(root.nodes))
    fail('not an MXNet symbol: no "nodes" array', '$', file);
  const raw = root.nodes as readonly unknown[];
  const legacy = raw.some((n) => isJsonObject(n) && 'param' in n);
  const parsed: MxNode[] = raw.map((n, i) => parseNode(n, i, raw.length, legacy, file));
  const names = new Map<string, number>();
  parsed.forEach((n, i) => {
    const prior = names.get(n.name);
    if (prior !== undefined && n.op !== 'null') {
      // MXNet names are unique per graph; two ops of one name would make outputs ambiguous.
      fail(`node name '${n.name}' is used by nodes ${prior} and ${i}`, `$.nodes[${i}].name`, file);
    }
    names.set(n.name, i);
  });
  const headsRaw = root.heads;
  if (!Array.isArray(headsRaw) || headsRaw.length === 0)
    fail('"heads" must list the outputs', '$.heads', file);
  const heads = headsRaw.map((h, i) => entryOf(h, `$.heads[${i}]`, file, parsed.length));
  const { nodes, heads: orderedHeads } = topological(parsed, heads, file);
  const sym: MxSymbol = {
    nodes,
    heads: orderedHeads,
    version: versionOf(root.attrs),
    generation: legacy ? 'legacy' : 'nnvm',
  };
  const outputNames = outputNamesOf(root.attrs, heads.length);
  return outputNames === undefined ? sym : { ...sym, outputNames };
}

function parseNode(v: unknown, i: number, count: number, legacy: boolean, file: string): MxNode {
  const path = `$.nodes[${i}]`;
  if (!isJsonObject(v)) fail('a node must be a JSON object', path, file);
  if (typeof v.op !== 'string' || v.op === '') fail('a node needs an "op" string', `${path}.op`, file);
  if (typeof v.name !== 'string') fail('a node needs a "name" string', `${path}.name`, file);
  const inputsRaw = v.inputs ?? [];
  if (!Array.isArray(inputsRaw)) fail('"inputs" must be an array', `${path}.inputs`, file);
  const inputs = inputsRaw.map((e, k) => entryOf(e, `${path}.inputs[${k}]`, file, count));
  if (v.op === 'null' && inputs.length > 0)
    fail('a variable (op "null") cannot have inputs', `${path}.inputs`, file);
  const attrs: Record<string, string> = {};
  const hidden: Record<string, string> = {};
  const put = (k: string, x: string): void => {
    if (isHiddenKey(k)) hidden[k] = x;
    else attrs[k] = x;
  };
  if (legacy) {
    for (const [k, x] of Object.entries(stringMap(v.param, `${path}.param`, file))) attrs[k] = x;
    // 0.8's `attr` holds only hidden keys, written without the underscores.
    for (const [k, x] of Object.entries(stringMap(v.attr, `${path}.attr`, file))) {
      hidden[isHiddenKey(k) ? k : `__${k}__`] = x;
    }
  } else {
    for (const [k, x] of Object.entries(stringMap(v.attr, `${path}.attr`, file))) put(k, x);
    for (const [k, x] of Object.entries(stringMap(v.attrs, `${path}.attrs`, file))) put(k, x);
  }
  if (Array.isArray(v.subgraphs) && v.subgraphs.length > 0) {
    // _foreach, _while_loop, _cond: their bodies are symbols of their own.
    throw new NnportError(
      'UNSUPPORTED_OP',
      `node '${v.name}' (${v.op}): control-flow subgraphs are not supported`,
      {
        file,
        format: MXNET_FORMAT,
        at: { path: `${path}.subgraphs` },
      },
    );
  }
  return { op: v.op, name: v.name, attrs, hidden, inputs };
}

function outputNamesOf(attrs: unknown, count: number): string[] | undefined {
  if (!isJsonObject(attrs)) return undefined;
  const v = attrs.nnport_output_names;
  if (!Array.isArray(v) || v[0] !== 'list_str' || !Array.isArray(v[1])) return undefined;
  const names = v[1] as unknown[];
  const unique = new Set(names);
  if (
    names.length !== count ||
    !names.every((n) => typeof n === 'string' && n !== '') ||
    unique.size !== names.length
  ) {
    return undefined;
  }
  return names as string[];
}

function versionOf(attrs: unknown): number | null {
  if (!isJsonObject(attrs)) return null;
  const v = attrs.mxnet_version;
  if (Array.isArray(v) && v.length === 2) {
    const n = typeof v[1] === 'bigint' ? Number(v[1]) : v[1];
    if (Number.isSafeInteger(n)) return n as number;
  }
  return null;
}

/**
 * Orders the nodes producers-first (keeping the file's order when it already is) and refuses
 * cycles, naming a node on the cycle.
 */
function topological(
  nodes: readonly MxNode[],
  heads: readonly MxEntry[],
  file: string,
): { nodes: MxNode[]; heads: MxEntry[] } {
  if (nodes.every((n, i) => n.inputs.every((e) => e.node < i)))
    return { nodes: [...nodes], heads: [...heads] };
  const state = new Uint8Array(nodes.length); // 0 new, 1 on the stack, 2 done
  const order: number[] = [];
  for (let start = 0; start < nodes.length; start++) {
    if (state[start] !== 0) continue;
    const stack: { id: number; next: number }[] = [{ id: start, next: 0 }];
    state[start] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: number; next: number };
      const inputs = (nodes[top.id] as MxNode).inputs;
      if (top.next < inputs.length) {
        const dep = (inputs[top.next++] as MxEntry).node;
        if (state[dep] === 1) {
          const name = (nodes[dep] as MxNode).name;
          fail(`the inputs form a cycle through node '${name}'`, `$.nodes[${dep}].inputs`, file);
        }
        if (state[dep] === 0) {
          state[dep] = 1;
          stack.push({ id: dep, next: 0 });
        }
      } else {
        state[top.id] = 2;
        order.push(top.id);
        stack.pop();
      }
    }
  }
  const newIndex = new Map(order.map((old, i) => [old, i]));
  const remap = (e: MxEntry): MxEntry => ({ node: newIndex.get(e.node) as number, output: e.output });
  return {
    nodes: order.map((old) => {
      const n = nodes[old] as MxNode;
      return { ...n, inputs: n.inputs.map(remap) };
    }),
    heads: heads.map(remap),
  };
}

/**
 * Parses an MXNet tuple attribute: `"(3, 3)"`, `"[1,2]"`, `"(0L, 3L)"` (Python 2 longs), `"5"`,
 * `"()"`, `"None"` entries. Returns null for the text `None`. Throws INVALID_STRUCTURE otherwise.
 */
export function parseTuple(text: string, what: string): (number | null)[] | null {
  const t = text.trim();
  if (t === 'None') return null;
  const body = t
    .replace(/^[([]/, '')
    .replace(/[)\]]$/, '')
    .trim();
  if (body === '') return [];
  return body
    .split(',')
    .map((s) => s.trim())
    .filter((s, i, all) => s !== '' || i < all.length - 1)
    .map((s) => {
      if (s === 'None') return null;
      const m = /^(-?\d+)[Ll]?$/.exec(s);
      if (m === null)
        throw new NnportError('INVALID_STRUCTURE', `${what}: '${text}' is not a tuple of integers`);
      return Number(m[1]);
    });
}

/** Parses an MXNet boolean attribute (`True`/`False`, `1`/`0`, any case). */
export function parseBool(text: string, what: string): boolean {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw new NnportError('INVALID_STRUCTURE', `${what}: '${text}' is not a boolean`);
}
