/**
 * Python values as plain JSON, for the places where readers want values rather than the exact
 * encoding of the structure (io/pickle/to-json.ts): scikit-learn parameters in
 * `metadata.sklearn.params` and the items of NumPy object and string arrays. Plain means: floats
 * and ints are JSON numbers (non-finite floats the strings `nan`, `inf`, `-inf`; ints beyond 2^53
 * decimal strings), tuples and sets are arrays, dicts with string keys are objects (other dicts
 * `[[key, value], ...]` pairs), bytes `{"$bytes": base64}`, classes their qualified name, dtypes
 * their NumPy name, NumPy scalars their value, numeric arrays `{"$tensor": name}`.
 */
import { DTYPES } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import { MAX_PICKLE_DEPTH, MAX_PICKLE_NODES } from '../../core/limits.js';
import type { JsonValue } from '../../core/model.js';
import { elementCount } from '../../core/tensor.js';
import { NumpyArray, NumpyDType } from '../../io/pickle/numpy-globals.js';
import { type PathStep, toBase64 } from '../../io/pickle/to-json.js';
import {
  PyBytes,
  PyDict,
  PyFloat,
  PyGlobal,
  PyHost,
  PyObject,
  PySet,
  PyTuple,
  type PyValue,
  pyTypeName,
} from '../../io/pickle/values.js';

/** What is being converted: estimator parameters (anything goes) or array items (plain data only). */
export type PlainMode = 'params' | 'items';

/** JSON path text for errors: `$["coef_"][0]`. */
export function pathText(path: readonly PathStep[]): string {
  return `$${path.map((p) => `[${JSON.stringify(p)}]`).join('')}`;
}

/** A plain JSON number for a float (see the module comment). */
export function plainFloat(v: number): JsonValue {
  if (Number.isNaN(v)) return 'nan';
  if (v === Number.POSITIVE_INFINITY) return 'inf';
  if (v === Number.NEGATIVE_INFINITY) return '-inf';
  return v;
}

/** The value of a 0-d numeric array (a NumPy scalar), read from its bytes: a number, a bigint (64-bit ints) or a bool. */
export function scalarRaw(a: NumpyArray): number | bigint | boolean {
  const e = a.dtype.element;
  const data = a.data;
  if (e.kind !== 'tensor' || data === undefined || data.length === 0) return 0;
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const le = !e.bigEndian;
  switch (e.dtype) {
    case 'float64':
      return v.getFloat64(0, le);
    case 'float32':
      return v.getFloat32(0, le);
    case 'float16':
      return halfToNumber(v.getUint16(0, le));
    case 'bfloat16':
      return new Float32Array(new Uint32Array([v.getUint16(0, le) << 16]).buffer)[0] as number;
    case 'bool':
      return v.getUint8(0) !== 0;
    case 'int64':
      return v.getBigInt64(0, le);
    case 'uint64':
      return v.getBigUint64(0, le);
    default: {
      const bits = DTYPES[e.dtype].bits;
      const signed = DTYPES[e.dtype].kind === 'int';
      if (bits === 8) return signed ? v.getInt8(0) : v.getUint8(0);
      if (bits === 16) return signed ? v.getInt16(0, le) : v.getUint16(0, le);
      return signed ? v.getInt32(0, le) : v.getUint32(0, le);
    }
  }
}

/** A NumPy scalar as plain JSON (floats per `plainFloat`, 64-bit ints beyond 2^53 as decimal strings). */
export function scalarValue(a: NumpyArray): JsonValue {
  const v = scalarRaw(a);
  if (typeof v === 'bigint') {
    const n = Number(v);
    return Number.isSafeInteger(n) ? n : v.toString();
  }
  if (
    typeof v === 'number' &&
    a.dtype.element.kind === 'tensor' &&
    DTYPES[a.dtype.element.dtype].kind === 'float'
  ) {
    return plainFloat(v);
  }
  return v;
}

/** IEEE 754 binary16 bits → number. */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/**
 * Converts values to plain JSON with one budget for a whole read: at most MAX_PICKLE_NODES values
 * and MAX_PICKLE_DEPTH levels, and a container holding itself is refused (pickles can hold cycles).
 */
export class PlainConverter {
  #nodes = 0;
  readonly #open = new Set<object>();
  /** Names of the arrays that became tensors. */
  readonly #tensorNames: ReadonlyMap<NumpyArray, string>;

  constructor(tensorNames: ReadonlyMap<NumpyArray, string>) {
    this.#tensorNames = tensorNames;
  }

  /** Converts `v` found at `path`. Throws UNSUPPORTED_DTYPE for an item `items` mode cannot hold. */
  convert(v: PyValue, path: readonly PathStep[], mode: PlainMode): JsonValue {
    if (++this.#nodes > MAX_PICKLE_NODES)
      this.#fail('LIMIT_EXCEEDED', `more than ${MAX_PICKLE_NODES} values`, path);
    if (path.length > MAX_PICKLE_DEPTH)
      this.#fail('LIMIT_EXCEEDED', `nested deeper than ${MAX_PICKLE_DEPTH}`, path);
    if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
    if (typeof v === 'number') return Number.isSafeInteger(v) ? v : String(v);
    if (typeof v === 'bigint') return v.toString();
    if (v instanceof PyFloat) return plainFloat(v.value);
    if (v instanceof PyBytes) {
      // A Python 2 `str` is text to its writer (class names, labels); real bytes stay exact as base64.
      return v.kind === 'str8' ? latin1Text(v.bytes) : { $bytes: toBase64(v.bytes) };
    }
    if (v instanceof NumpyDType) return mode === 'params' ? v.name : this.#notPlain(v, path);
    if (v instanceof NumpyArray) return this.#array(v, path, mode);
    if (v instanceof PyGlobal) return mode === 'params' ? v.qualifiedName : this.#notPlain(v, path);
    if (v instanceof PyHost) return this.#notPlain(v, path);
    if (v instanceof PyObject) return mode === 'params' ? this.#object(v, path) : this.#notPlain(v, path);
    if (!(Array.isArray(v) || v instanceof PyTuple || v instanceof PySet || v instanceof PyDict)) {
      return this.#notPlain(v, path);
    }
    // Python pickles cycles (a list holding itself); JSON cannot hold them, and walking one never ends.
    if (this.#open.has(v)) this.#fail('INVALID_STRUCTURE', 'a container that contains itself', path);
    this.#open.add(v);
    try {
      if (v instanceof PyDict) return this.#dict(v, path, mode);
      const items = Array.isArray(v) ? v : v.items;
      return items.map((x, i) => this.convert(x, [...path, i], mode));
    } finally {
      this.#open.delete(v);
    }
  }

  #dict(d: PyDict, path: readonly PathStep[], mode: PlainMode): JsonValue {
    // A JSON object only when every key is a string: `{1: 'a'}` and `{'1': 'a'}` must not merge.
    if (d.entries.every(([k]) => typeof k === 'string')) {
      const out: Record<string, JsonValue> = {};
      for (const [k, val] of d.entries) out[k as string] = this.convert(val, [...path, k as string], mode);
      return out;
    }
    return d.entries.map(
      ([k, val], i): JsonValue => [
        this.convert(k, [...path, i, 0], mode),
        this.convert(val, [...path, i, 1], mode),
      ],
    );
  }

  /** A nested object in parameters (a Pipeline's steps): its class and its own parameters. */
  #object(o: PyObject, path: readonly PathStep[]): JsonValue {
    const out: Record<string, JsonValue> = { class: o.cls };
    if (o.state instanceof PyDict) out.params = this.params(o.state, path);
    else if (o.args.length > 0) out.args = this.convert([...o.args], [...path, '$args'], 'params');
    return out;
  }

  /** An estimator's constructor parameters: state keys neither private (`_x`) nor fitted (`x_`). */
  params(state: PyDict, path: readonly PathStep[]): Record<string, JsonValue> {
    const out: Record<string, JsonValue> = {};
    for (const [k, val] of state.entries) {
      if (typeof k !== 'string' || k.startsWith('_') || k.endsWith('_')) continue;
      out[k] = this.convert(val, [...path, k], 'params');
    }
    return out;
  }

  #array(a: NumpyArray, path: readonly PathStep[], mode: PlainMode): JsonValue {
    const e = a.dtype.element;
    if (e.kind === 'tensor') {
      if (a.shape.length === 0) return scalarValue(a);
      const name = this.#tensorNames.get(a);
      if (mode === 'items') return this.#notPlain(a, path);
      // Every array the structure reaches is named; describe one that is not rather than fail.
      return name !== undefined ? { $tensor: name } : { $ndarray: a.dtype.str, shape: [...a.shape] };
    }
    if (e.kind === 'object') return this.objectArray(a, path);
    if (e.kind === 'unicode' || e.kind === 'bytes') return this.textArray(a, path);
    return this.#fail('UNSUPPORTED_DTYPE', `NumPy array of ${e.why}`, path);
  }

  /**
   * An object array as `{"$array": items nested by shape, "dtype": "|O", "shape": [...]}`. Its
   * items must be plain (numbers, strings, None, bytes, NumPy scalars and containers of them);
   * NumPy keeps them in C order whatever the array's order (methods.c `_getlist_pkl`).
   */
  objectArray(a: NumpyArray, path: readonly PathStep[]): JsonValue {
    const items = a.items ?? [];
    // Paths name each item by its flat index, so an error points at the offending element.
    const flat = items.map((x, i) => this.convert(x, [...path, i], 'items'));
    return { $array: nest(flat, a.shape), dtype: a.dtype.str, shape: [...a.shape] };
  }

  /**
   * A fixed-width string array (`<U5`: UTF-32 code units; `|S5`: bytes, shown as Latin-1 text)
   * as `{"$array": strings nested by shape, "dtype", "shape"}`. NumPy pads items with NULs, which
   * are dropped as NumPy drops them when it reads an item; Fortran-order data is put in C order.
   */
  textArray(a: NumpyArray, path: readonly PathStep[]): JsonValue {
    const data = a.data ?? new Uint8Array(0);
    const size = a.dtype.itemSize ?? 0;
    // Zero-width items (`<U0`) have no bytes to bound their count: charge the count up front, so
    // a shape of 2^50 empty strings stops at MAX_PICKLE_NODES instead of looping.
    const count = size === 0 ? elementCount(a.shape) : data.length / size;
    this.#nodes += count;
    if (this.#nodes > MAX_PICKLE_NODES)
      this.#fail('LIMIT_EXCEEDED', `more than ${MAX_PICKLE_NODES} values`, path);
    const unicode = a.dtype.element.kind === 'unicode';
    const big = a.dtype.byteOrder === '>';
    const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
    const items: string[] = [];
    for (let i = 0; i < count; i++) {
      let end = (i + 1) * size;
      // NumPy pads short items with NULs and drops trailing NULs when it reads an item back.
      if (unicode) {
        while (end > i * size && view.getUint32(end - 4, !big) === 0) end -= 4;
        let text = '';
        for (let p = i * size; p < end; p += 4) {
          const cp = view.getUint32(p, !big);
          if (cp > 0x10ffff) {
            this.#fail('INVALID_STRUCTURE', 'a NumPy string array holds a code point beyond U+10FFFF', [
              ...path,
              i,
            ]);
          }
          text += String.fromCodePoint(cp);
        }
        items.push(text);
      } else {
        while (end > i * size && data[end - 1] === 0) end--;
        items.push(latin1Text(data.subarray(i * size, end)));
      }
    }
    const ordered = a.fortran ? fortranToCOrder(items, a.shape) : items;
    return { $array: nest(ordered, a.shape), dtype: a.dtype.str, shape: [...a.shape] };
  }

  #notPlain(v: PyValue, path: readonly PathStep[]): never {
    return this.#fail(
      'UNSUPPORTED_DTYPE',
      `a NumPy object array holds a ${pyTypeName(v)}; nnport keeps only plain values (numbers, strings, None, bytes) from object arrays`,
      path,
    );
  }

  #fail(
    code: 'UNSUPPORTED_DTYPE' | 'LIMIT_EXCEEDED' | 'INVALID_STRUCTURE',
    detail: string,
    path: readonly PathStep[],
  ): never {
    throw new NnportError(code, detail, { at: { path: pathText(path) } });
  }
}

/** Flat C-order values → nested arrays following `shape` (a 0-d array gives its one value). */
export function nest(flat: readonly JsonValue[], shape: readonly number[]): JsonValue {
  // Recursion depth is the rank, at most MAX_RANK (shapes are checked when the array is built).
  if (shape.length === 0) return flat[0] ?? null;
  let pos = 0;
  const build = (dim: number): JsonValue[] => {
    const n = shape[dim] as number;
    const out: JsonValue[] = [];
    for (let i = 0; i < n; i++) out.push(dim === shape.length - 1 ? (flat[pos++] ?? null) : build(dim + 1));
    return out;
  };
  return build(0);
}

/** Items stored in Fortran order (first index fastest) → C order (last index fastest). */
export function fortranToCOrder<T>(items: readonly T[], shape: readonly number[]): T[] {
  // An odometer over the C-order index computes each item's Fortran offset (first index fastest).
  const out: T[] = new Array(items.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  for (let c = 0; c < items.length; c++) {
    let f = 0;
    let stride = 1;
    for (let k = 0; k < rank; k++) {
      f += (index[k] as number) * stride;
      stride *= shape[k] as number;
    }
    out[c] = items[f] as T;
    for (let k = rank - 1; k >= 0; k--) {
      index[k] = (index[k] as number) + 1;
      if ((index[k] as number) < (shape[k] as number)) break;
      index[k] = 0;
    }
  }
  return out;
}

/** Bytes as Latin-1 text (a Python 2 `str`). */
export function latin1Text(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return s;
}
