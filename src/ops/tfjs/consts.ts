/**
 * Values of Const nodes kept inline in the GraphDef (`attr.value.tensor`, tensor.proto as JSON):
 * the typed value lists (`floatVal`, `intVal`, `int64Val` as strings, `boolVal`, `doubleVal`) or
 * `tensorContent` (base64 of the little-endian array). As in TensorFlow, a list shorter than the
 * shape repeats its last value. tfjs-converter moves weights to the manifest and leaves only
 * small tensors inline, so these stay small.
 */
import type { DType } from '../../core/dtype.js';
import type { JsonValue } from '../../core/model.js';
import { base64Bytes, dtypeOf, intOf, type JsonObject, shapeOf } from './attrs.js';

/** A Const's inline value. */
export interface InlineConst {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly values: readonly number[];
}

/** The most elements an inline Const may hold. */
export const MAX_INLINE_ELEMENTS = 1 << 20;

function listOf(t: JsonObject): number[] | undefined {
  for (const key of ['floatVal', 'doubleVal', 'intVal', 'int64Val', 'halfVal', 'boolVal']) {
    const v: JsonValue | undefined = t[key];
    if (Array.isArray(v) && v.length > 0) {
      return v.map((x) =>
        typeof x === 'boolean' ? (x ? 1 : 0) : typeof x === 'number' ? x : (intOf(x) ?? 0),
      );
    }
  }
  return undefined;
}

function fromContent(bytes: Uint8Array, dtype: DType, n: number): number[] | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const read: Partial<Record<DType, [number, (at: number) => number]>> = {
    float32: [4, (at) => view.getFloat32(at, true)],
    float64: [8, (at) => view.getFloat64(at, true)],
    int32: [4, (at) => view.getInt32(at, true)],
    int64: [8, (at) => Number(view.getBigInt64(at, true))],
    int16: [2, (at) => view.getInt16(at, true)],
    int8: [1, (at) => view.getInt8(at)],
    uint8: [1, (at) => view.getUint8(at)],
    uint16: [2, (at) => view.getUint16(at, true)],
    bool: [1, (at) => view.getUint8(at)],
  };
  const r = read[dtype];
  if (r === undefined || bytes.byteLength !== r[0] * n) return undefined;
  return Array.from({ length: n }, (_, i) => r[1](i * r[0]));
}

/**
 * The inline value of a Const's `value` tensor; undefined when it carries no data (a weight the
 * manifest should hold) or a dtype nnport does not read inline.
 */
export function inlineConst(tensor: JsonObject | undefined): InlineConst | undefined {
  if (tensor === undefined) return undefined;
  const dtype = dtypeOf(tensor.dtype);
  const dims = shapeOf(tensor.tensorShape) ?? [];
  if (dtype === undefined || dims.some((d) => d === null)) return undefined;
  const shape = dims as number[];
  const n = shape.reduce((a, b) => a * b, 1);
  if (n > MAX_INLINE_ELEMENTS) return undefined;
  if (n === 0) return { dtype, shape, values: [] };
  let values: number[] | undefined;
  if (typeof tensor.tensorContent === 'string') {
    const bytes = base64Bytes(tensor.tensorContent);
    if (bytes !== undefined) values = fromContent(bytes, dtype, n);
  } else {
    const list = listOf(tensor);
    if (list !== undefined && list.length <= n) {
      const last = list[list.length - 1] as number;
      values = Array.from({ length: n }, (_, i) => list[i] ?? last);
    }
  }
  return values === undefined ? undefined : { dtype, shape, values };
}
