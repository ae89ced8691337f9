/**
 * Gemm: Y = alpha·A'·B' + beta·C with A' = transA ? Aᵀ : A (M×K), B' likewise (K×N), and C
 * broadcast unidirectionally to M×N (ONNX Operators.md Gemm; C optional from opset 11).
 */
import { attrFloat, attrInt } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { alloc, broadcastIndex, broadcastShapes, fail, isBig, need } from '../tensors.js';
import { matmul, type NumArray } from './matmul-core.js';

/** The Gemm kernel. */
export const gemmKernel: Kernel = (inputs, ctx) => {
  const a = need(inputs, 0, ctx);
  const b = need(inputs, 1, ctx);
  const c = inputs[2];
  if (a.shape.length !== 2 || b.shape.length !== 2) fail(ctx, 'A and B must be 2-D');
  if (isBig(a.dtype)) fail(ctx, `${a.dtype} Gemm is not supported`);
  const transA = attrInt(ctx, 'transA', 0) !== 0;
  const transB = attrInt(ctx, 'transB', 0) !== 0;
  const alpha = attrFloat(ctx, 'alpha', 1);
  const beta = attrFloat(ctx, 'beta', 1);
  const M = transA ? a.shape[1] : a.shape[0];
  const K = transA ? a.shape[0] : a.shape[1];
  const K2 = transB ? b.shape[1] : b.shape[0];
  const N = transB ? b.shape[0] : b.shape[1];
  if (K !== K2) fail(ctx, `inner dimensions ${K} and ${K2} differ`);
  const prod = new Float64Array(M * N);
  matmul(a.data as NumArray, 0, transA, b.data as NumArray, 0, transB, prod, 0, M, K, N);
  const y = alloc(a.dtype, [M, N]);
  const yd = y.data as NumArray;
  if (c === undefined || beta === 0) {
    for (let i = 0; i < prod.length; i++) yd[i] = alpha * prod[i];
    return [y];
  }
  const shape = broadcastShapes([[M, N], c.shape], ctx);
  if (shape.length !== 2 || shape[0] !== M || shape[1] !== N) {
    fail(ctx, `C [${c.shape.join(',')}] does not broadcast to [${M},${N}]`);
  }
  const ic = broadcastIndex(c.shape, shape);
  const cd = c.data as NumArray;
  for (let i = 0; i < prod.length; i++) yd[i] = alpha * prod[i] + beta * cd[ic === undefined ? i : ic[i]];
  return [y];
};
