/**
 * Turns what the pickle machine built into JSON (the encoding documented in
 * docs/formats/pytorch.md, "Structure"), handing each host value (a tensor, an array) to the
 * caller, which names it and returns the reference to put in its place. The walk is bounded:
 * MAX_PICKLE_DEPTH levels, MAX_PICKLE_NODES items, and a container that contains itself is
 * refused (Python can pickle cycles; nnport's outputs cannot hold them).
 */
import { NnportError } from '../../core/errors.js';
import { MAX_PICKLE_DEPTH, MAX_PICKLE_NODES } from '../../core/limits.js';
import type { JsonValue } from '../../core/model.js';
import {
  PyBytes,
  PyDict,
  PyFloat,
  PyGlobal,
  PyHost,
  PyObject,
  PySet,
  PyTuple,
  PyUnsafe,
  type PyValue,
} from './values.js';

/** One step of a path into the pickled object: a dict key or a sequence index. */
export type PathStep = string | number;

/** What the walk asks its caller. */
export interface ToJsonOptions {
  /** Replaces a host value (tensor, array) found at `path` by the JSON to record there. */
  host(value: PyHost, path: readonly PathStep[]): JsonValue;
  /** Where the pickle came from, for messages. */
  readonly label?: string;
}

/** A key as a path step: strings and ints as themselves, anything else by its JSON text. */
function keyStep(key: PyValue, json: JsonValue): PathStep {
  if (typeof key === 'string') return key;
  if (typeof key === 'number') return key;
  return JSON.stringify(json);
}

/** Base64 without Node's Buffer (platform-neutral). */
export function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Encodes a Python float: JSON numbers where JSON can say it, strings for the rest. */
export function floatJson(value: number): JsonValue {
  if (Number.isNaN(value)) return { $float: 'nan' };
  if (value === Number.POSITIVE_INFINITY) return { $float: 'inf' };
  if (value === Number.NEGATIVE_INFINITY) return { $float: '-inf' };
  if (Object.is(value, -0)) return { $float: '-0' };
  return { $float: value };
}

/** The values a container holds, in the order the walk visits them. */
function childrenOf(v: PyValue): readonly PyValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof PyTuple || v instanceof PySet) return v.items;
  if (v instanceof PyDict) {
    const out = v.entries.flat();
    if (v.state !== undefined && v.state !== null) out.push(v.state);
    return out;
  }
  if (v instanceof PyObject) {
    const out = [...v.args];
    if (v.kwargs !== undefined) out.push(v.kwargs);
    if (v.state !== undefined) out.push(v.state);
    for (const item of v.items) out.push(item);
    return out;
  }
  return undefined;
}

/**
 * How many values the JSON of `root` holds: a container the pickle references many times (the
 * memo lets a few bytes name one list again and again: a "billion laughs") counts every time, as
 * the JSON repeats it. Each distinct container is counted once and its total remembered, so the
 * answer costs time linear in the pickle, not in its expansion. Stops past `limit`; a cycle counts
 * once here (the walk refuses it), and so does anything deeper than MAX_PICKLE_DEPTH (ditto).
 */
function expandedCount(root: PyValue, limit: number): number {
  const known = new Map<object, number>();
  const count = (v: PyValue, depth: number): number => {
    const children = depth > MAX_PICKLE_DEPTH ? undefined : childrenOf(v);
    if (children === undefined) return 1;
    const seen = known.get(v as object);
    if (seen !== undefined) return seen;
    known.set(v as object, 1);
    let n = 1;
    for (const c of children) {
      n += count(c, depth + 1);
      if (n > limit) break;
    }
    known.set(v as object, n);
    return n;
  };
  return count(root, 0);
}

/** Encodes `value` as JSON; host values go through `options.host`. */
export function pyToJson(value: PyValue, options: ToJsonOptions): JsonValue {
  let nodes = 0;
  const open = new Set<object>();
  const where = options.label === undefined ? '' : ` in ${options.label}`;
  const fail = (code: 'LIMIT_EXCEEDED' | 'INVALID_STRUCTURE', detail: string, path: readonly PathStep[]) => {
    throw new NnportError(code, `${detail}${where}`, {
      at: { path: `$${path.map((p) => `[${JSON.stringify(p)}]`).join('')}` },
    });
  };

  const walk = (v: PyValue, path: PathStep[]): JsonValue => {
    if (++nodes > MAX_PICKLE_NODES)
      fail('LIMIT_EXCEEDED', `more than ${MAX_PICKLE_NODES} values in the object`, path);
    if (path.length > MAX_PICKLE_DEPTH)
      fail('LIMIT_EXCEEDED', `containers nested deeper than ${MAX_PICKLE_DEPTH}`, path);
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isSafeInteger(v) ? v : { $int: String(v) };
    if (typeof v === 'bigint') return { $int: v.toString() };
    if (v instanceof PyFloat) return floatJson(v.value);
    if (v instanceof PyBytes)
      return v.kind === 'bytearray' ? { $bytearray: toBase64(v.bytes) } : { $bytes: toBase64(v.bytes) };
    if (v instanceof PyGlobal) return { $global: v.qualifiedName };
    if (v instanceof PyUnsafe) return { $unsafe: v.what };
    if (v instanceof PyHost) return options.host(v, path);
    if (open.has(v)) fail('INVALID_STRUCTURE', 'a container that contains itself', path);
    open.add(v);
    try {
      return container(v, path);
    } finally {
      open.delete(v);
    }
  };

  const items = (list: readonly PyValue[], path: PathStep[]): JsonValue[] =>
    list.map((item, i) => walk(item, [...path, i]));

  const container = (v: PyValue[] | PyTuple | PyDict | PySet | PyObject, path: PathStep[]): JsonValue => {
    if (Array.isArray(v)) return items(v, path);
    if (v instanceof PyTuple) return { $tuple: items(v.items, path) };
    if (v instanceof PySet) return { [v.frozen ? '$frozenset' : '$set']: items(v.items, path) };
    if (v instanceof PyDict) {
      const entries = v.entries.map(([k, val]): JsonValue => {
        const kj = walk(k, path);
        return [kj, walk(val, [...path, keyStep(k, kj)])];
      });
      const out: Record<string, JsonValue> = { $dict: entries };
      if (v.cls !== undefined) out.$class = v.cls;
      if (v.state !== undefined && v.state !== null) out.$state = walk(v.state, [...path, '$state']);
      return out;
    }
    const out: Record<string, JsonValue> = { $object: v.cls };
    if (v.args.length > 0) out.args = items(v.args, [...path, '$args']);
    if (v.kwargs !== undefined) out.kwargs = walk(v.kwargs, [...path, '$kwargs']);
    // An object's attributes are its path's next steps: `model.fc.weight`, not `model.$state.fc.weight`.
    if (v.state !== undefined) out.state = walk(v.state, path);
    if (v.items.length > 0) out.items = items(v.items, [...path, '$items']);
    return out;
  };

  // Refuse an expansion bomb before walking it (the walk would take minutes to reach the limit).
  if (expandedCount(value, MAX_PICKLE_NODES) > MAX_PICKLE_NODES)
    fail(
      'LIMIT_EXCEEDED',
      `more than ${MAX_PICKLE_NODES} values in the object (counting repeated references)`,
      [],
    );
  return walk(value, []);
}
