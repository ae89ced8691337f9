/**
 * Helpers shared by the executor and its kernels: ExecTensors from and to model Tensors (float16,
 * bfloat16 and float8 upcast to float32, as issue #5 asks), allocation, axis normalisation, and
 * the numpy-style broadcasting index maps the binary kernels use (ONNX Broadcasting.md).
 */
import { DTYPES, type DType, viewAs } from '../core/dtype.js';
import { NnportError } from '../core/errors.js';
import { decodeMiniFloat, isMiniFloat } from '../core/minifloat.js';
import { elementCount, readTensorBytes, type Tensor, tensorFromArray } from '../core/tensor.js';
import { bf16BitsToNumber, f16BitsToNumber } from '../io/text/float-bits.js';
import type { ExecArrayOf, ExecDType, ExecTensor, KernelContext } from './kernel.js';

/**
 * The context the executor actually passes: the contract's KernelContext plus the values of the
 * node's tensor attributes (Constant `value`, ConstantOfShape `value`), which name model tensors a
 * kernel cannot read by itself.
 */
export interface ExecKernelContext extends KernelContext {
  /** Tensor attributes of the node, loaded, by attribute name. */
  readonly attrTensors?: ReadonlyMap<string, ExecTensor>;
}

/** A node's tensor attribute as loaded by the executor (undefined when absent). */
export function tensorAttr(ctx: KernelContext, name: string): ExecTensor | undefined {
  return (ctx as ExecKernelContext).attrTensors?.get(name);
}

/** Where a node's error points: its name, else its first output, else its op. */
export function nodeAt(ctx: KernelContext): { node: string } {
  return { node: ctx.node.name || ctx.node.outputs[0] || ctx.node.op };
}

/** Throws INVALID_STRUCTURE naming the node. */
export function fail(ctx: KernelContext, detail: string): never {
  throw new NnportError('INVALID_STRUCTURE', `${ctx.node.op}: ${detail}`, { at: nodeAt(ctx) });
}

/** The inputs a kernel requires: throws when slot `i` is omitted. */
export function need(inputs: readonly (ExecTensor | undefined)[], i: number, ctx: KernelContext): ExecTensor {
  const t = inputs[i];
  if (t === undefined) return fail(ctx, `input ${i} is required`);
  return t;
}

const CTORS = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

/** True for the dtypes held as BigInt arrays. */
export function isBig(dtype: ExecDType): dtype is 'int64' | 'uint64' {
  return dtype === 'int64' || dtype === 'uint64';
}

/** True for float32/float64. */
export function isFloat(dtype: ExecDType): dtype is 'float32' | 'float64' {
  return dtype === 'float32' || dtype === 'float64';
}

/** A zero-filled array of `n` elements of `dtype`. */
export function allocArray<D extends ExecDType>(dtype: D, n: number): ExecArrayOf[D] {
  return new CTORS[dtype](n) as ExecArrayOf[D];
}

/** A new zero-filled tensor (the shape is checked against MAX_ELEMENTS first). */
export function alloc<D extends ExecDType>(dtype: D, shape: readonly number[]): ExecTensor<D> {
  return { dtype, shape, data: allocArray(dtype, elementCount(shape)) };
}

/** The number of elements of a shape (unchecked product; shapes here already exist). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major strides of a shape. */
export function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Normalises an axis in [-rank, rank) (or [-rank-1, rank] with `extra`), failing otherwise. */
export function normAxis(axis: number, rank: number, ctx: KernelContext, extra = 0): number {
  const r = rank + extra;
  if (!Number.isInteger(axis) || axis < -r || axis >= r)
    fail(ctx, `axis ${axis} out of range for rank ${rank}`);
  return axis < 0 ? axis + r : axis;
}

/** The elements of an integer tensor (shape, axes, indices) as numbers. */
export function toNumbers(t: ExecTensor): number[] {
  const out = new Array<number>(t.data.length);
  for (let i = 0; i < t.data.length; i++) out[i] = Number(t.data[i]);
  return out;
}

/** Element `i` as a number (BigInt elements converted). */
export function numAt(t: ExecTensor, i: number): number {
  return Number(t.data[i]);
}

/**
 * The broadcast shape of several shapes (ONNX multidirectional broadcasting: align right, each
 * dimension equal or 1). Throws INVALID_STRUCTURE naming the node.
 */
export function broadcastShapes(shapes: readonly (readonly number[])[], ctx: KernelContext): number[] {
  let rank = 0;
  for (const s of shapes) rank = Math.max(rank, s.length);
  const out = new Array<number>(rank).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const o = rank - s.length + i;
      const d = s[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) out[o] = d;
      else fail(ctx, `shapes [${shapes.map((x) => x.join(',')).join('] [')}] do not broadcast`);
    }
  }
  return out;
}

/**
 * For each element of `outShape` (row-major), the index of the element of a tensor of `inShape`
 * that broadcasting pairs with it; `undefined` when the shapes are equal (the identity map).
 */
export function broadcastIndex(
  inShape: readonly number[],
  outShape: readonly number[],
): Int32Array | undefined {
  const rank = outShape.length;
  if (inShape.length === rank && inShape.every((d, i) => d === outShape[i])) return undefined;
  const n = sizeOf(outShape);
  const map = new Int32Array(n);
  const inStr = stridesOf(inShape);
  // Stride of each output dimension in the input: 0 where the input broadcasts (dim 1 or absent).
  const str = new Array<number>(rank).fill(0);
  for (let i = 0; i < inShape.length; i++) {
    const o = rank - inShape.length + i;
    str[o] = inShape[i] === 1 ? 0 : inStr[i];
  }
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  for (let k = 0; k < n; k++) {
    map[k] = off;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      off += str[d];
      if (idx[d] < outShape[d]) break;
      off -= str[d] * idx[d];
      idx[d] = 0;
    }
  }
  return map;
}

/** Converts a model dtype to the dtype the executor computes in (undefined: not executable). */
export function execDTypeOf(dtype: DType): ExecDType | undefined {
  if (dtype === 'float16' || dtype === 'bfloat16' || isMiniFloat(dtype)) return 'float32';
  return dtype in CTORS ? (dtype as ExecDType) : undefined;
}

/** Reads a model tensor into an ExecTensor, upcasting float16/bfloat16/float8 to float32. */
export async function fromModelTensor(t: Tensor): Promise<ExecTensor> {
  const bytes = await readTensorBytes(t);
  const n = elementCount(t.shape);
  if (t.dtype === 'float16' || t.dtype === 'bfloat16') {
    const bits = viewAs('uint16', bytes);
    const out = new Float32Array(n);
    const conv = t.dtype === 'float16' ? f16BitsToNumber : bf16BitsToNumber;
    for (let i = 0; i < n; i++) out[i] = conv(bits[i]);
    return { dtype: 'float32', shape: t.shape, data: out };
  }
  if (isMiniFloat(t.dtype) && DTYPES[t.dtype].bits === 8) {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = decodeMiniFloat(t.dtype, bytes[i]);
    return { dtype: 'float32', shape: t.shape, data: out };
  }
  const dt = execDTypeOf(t.dtype);
  if (dt === undefined || isMiniFloat(t.dtype)) {
    throw new NnportError('UNSUPPORTED_DTYPE', `the executor does not compute in ${t.dtype}`, {
      at: { tensor: t.name },
    });
  }
  // Copy: viewAs may alias the source's bytes, and kernels may reuse their input arrays.
  const view = viewAs(dt, bytes);
  const data = allocArray(dt, n);
  (data as Uint8Array).set(view as Uint8Array);
  return { dtype: dt, shape: t.shape, data };
}

/** An ExecTensor as a model Tensor named `name` (its array's bytes are used, not copied). */
export function toModelTensor(name: string, t: ExecTensor): Tensor {
  return tensorFromArray(name, t.dtype, t.shape, t.data as never);
}

/** A tensor of the same dtype and new shape sharing the data (Reshape, Squeeze, Identity...). */
export function withShape<D extends ExecDType>(t: ExecTensor<D>, shape: readonly number[]): ExecTensor<D> {
  return { dtype: t.dtype, shape, data: t.data };
}
