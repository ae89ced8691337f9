/**
 * PRelu: x, or slope·x below zero; slope broadcasts unidirectionally to X (ONNX Operators.md
 * PRelu, since 7).
 */
import type { Kernel } from '../kernel.js';
import { alloc, broadcastIndex, broadcastShapes, fail, isBig, need } from '../tensors.js';

/** The PRelu kernel. */
export const preluKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const slope = need(inputs, 1, ctx);
  const shape = broadcastShapes([x.shape, slope.shape], ctx);
  if (shape.length !== x.shape.length || shape.some((d, i) => d !== x.shape[i])) {
    fail(ctx, `slope [${slope.shape.join(',')}] does not broadcast to X [${x.shape.join(',')}]`);
  }
  const out = alloc(x.dtype, x.shape);
  const is = broadcastIndex(slope.shape, shape);
  const big = isBig(x.dtype);
  for (let i = 0; i < out.data.length; i++) {
    const v = x.data[i];
    const s = slope.data[is === undefined ? i : is[i]];
    out.data[i] = v >= 0 ? v : big ? (v as bigint) * (s as bigint) : (v as number) * (s as number);
  }
  return [out];
};
