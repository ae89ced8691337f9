/**
 * MatMul: numpy.matmul semantics (ONNX Operators.md MatMul): 1-D operands are promoted (A to
 * [1,K], B to [K,1]) and the added dimension removed again; batch dimensions broadcast.
 */
import type { Kernel } from '../kernel.js';
import { alloc, broadcastShapes, fail, isBig, need, sizeOf, stridesOf } from '../tensors.js';
import { matmul, type NumArray } from './matmul-core.js';

/** The MatMul kernel. */
export const matMulKernel: Kernel = (inputs, ctx) => {
  const a = need(inputs, 0, ctx);
  const b = need(inputs, 1, ctx);
  if (a.dtype !== b.dtype) fail(ctx, `input dtypes ${a.dtype} and ${b.dtype} differ`);
  if (a.shape.length === 0 || b.shape.length === 0) fail(ctx, 'inputs must have rank ≥ 1');
  const as = a.shape.length === 1 ? [1, a.shape[0]] : [...a.shape];
  const bs = b.shape.length === 1 ? [b.shape[0], 1] : [...b.shape];
  const M = as[as.length - 2];
  const K = as[as.length - 1];
  const N = bs[bs.length - 1];
  if (bs[bs.length - 2] !== K) fail(ctx, `inner dimensions ${K} and ${bs[bs.length - 2]} differ`);
  const aBatch = as.slice(0, -2);
  const bBatch = bs.slice(0, -2);
  const batch = broadcastShapes([aBatch, bBatch], ctx);
  const outShape = [...batch];
  if (a.shape.length > 1) outShape.push(M);
  if (b.shape.length > 1) outShape.push(N);
  const out = alloc(a.dtype, outShape);
  const nb = sizeOf(batch);
  const aStr = batchStrides(aBatch, batch);
  const bStr = batchStrides(bBatch, batch);
  const idx = new Array<number>(batch.length).fill(0);
  for (let p = 0; p < nb; p++) {
    let ao = 0;
    let bo = 0;
    for (let d = 0; d < batch.length; d++) {
      ao += idx[d] * aStr[d];
      bo += idx[d] * bStr[d];
    }
    ao *= M * K;
    bo *= K * N;
    if (isBig(a.dtype))
      bigMatmul(
        a.data as BigInt64Array,
        ao,
        b.data as BigInt64Array,
        bo,
        out.data as BigInt64Array,
        p * M * N,
        M,
        K,
        N,
      );
    else
      matmul(
        a.data as NumArray,
        ao,
        false,
        b.data as NumArray,
        bo,
        false,
        out.data as NumArray,
        p * M * N,
        M,
        K,
        N,
      );
    for (let d = batch.length - 1; d >= 0; d--) {
      if (++idx[d] < batch[d]) break;
      idx[d] = 0;
    }
  }
  return [out];
};

/** Strides (in matrices) of each broadcast batch dimension in an operand: 0 where it broadcasts. */
function batchStrides(own: readonly number[], batch: readonly number[]): number[] {
  const s = stridesOf(own);
  const out = new Array<number>(batch.length).fill(0);
  for (let i = 0; i < own.length; i++) {
    const o = batch.length - own.length + i;
    out[o] = own[i] === 1 ? 0 : s[i];
  }
  return out;
}

/** int64/uint64 matrices: exact BigInt sums, wrapping as the typed array stores them. */
function bigMatmul(
  a: BigInt64Array | BigUint64Array,
  ao: number,
  b: BigInt64Array | BigUint64Array,
  bo: number,
  out: BigInt64Array | BigUint64Array,
  oo: number,
  M: number,
  K: number,
  N: number,
): void {
  for (let i = 0; i < M; i++) {
    for (let j = 0; j < N; j++) {
      let s = 0n;
      for (let k = 0; k < K; k++) s += a[ao + i * K + k] * b[bo + k * N + j];
      out[oo + i * N + j] = s;
    }
  }
}
