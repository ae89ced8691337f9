/**
 * Clip: x limited to [min, max]. Before opset 11 the bounds are attributes (default ∓FLT_MAX);
 * from 11 they are optional scalar inputs (ONNX Operators.md Clip).
 */
import { attrFloat } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { alloc, isBig, need } from '../tensors.js';

/** The Clip kernel. */
export const clipKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const out = alloc(x.dtype, x.shape);
  if (ctx.since < 11) {
    const lo = attrFloat(ctx, 'min', Number.NEGATIVE_INFINITY);
    const hi = attrFloat(ctx, 'max', Number.POSITIVE_INFINITY);
    for (let i = 0; i < x.data.length; i++) out.data[i] = Math.min(hi, Math.max(lo, x.data[i] as number));
    return [out];
  }
  const lo = inputs[1]?.data[0];
  const hi = inputs[2]?.data[0];
  const big = isBig(x.dtype);
  for (let i = 0; i < x.data.length; i++) {
    let v = x.data[i];
    if (lo !== undefined && v < lo) v = lo;
    if (hi !== undefined && v > hi) v = hi;
    out.data[i] = big ? BigInt(v) : v;
  }
  return [out];
};
