/**
 * What Softmax and LogSoftmax share, not a kernel: the axis rule of each version and a stable
 * (max-subtracted) pass in float64. Before opset 13 the input is coerced to 2-D at `axis`
 * (default 1) and normalised over the whole second part; from 13 over the one `axis` (default −1).
 */
import { attrInt } from '../attrs.js';
import type { ExecTensor, KernelContext } from '../kernel.js';
import { alloc, fail, normAxis, sizeOf } from '../tensors.js';

/** Runs softmax (or log-softmax when `log`) over the version's normalisation axes. */
export function softmaxLike(x: ExecTensor, ctx: KernelContext, log: boolean): ExecTensor {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') fail(ctx, `${x.dtype} input is not a float`);
  const rank = x.shape.length;
  const old = ctx.since < 13;
  let axis: number;
  if (old) {
    // Softmax-1/11: axis in [-r, r], the coercion point of the 2-D view.
    const a = attrInt(ctx, 'axis', 1);
    axis = a < 0 ? a + rank : a;
    if (axis < 0 || axis > rank) fail(ctx, `axis ${a} out of range for rank ${rank}`);
  } else {
    axis = normAxis(attrInt(ctx, 'axis', -1), rank, ctx);
  }
  // outer × D × inner, normalising over D (inner = 1 for the pre-13 2-D coercion).
  const outer = sizeOf(x.shape.slice(0, axis));
  const D = old ? sizeOf(x.shape.slice(axis)) : (x.shape[axis] ?? 1);
  const inner = old ? 1 : sizeOf(x.shape.slice(axis + 1));
  const out = alloc(x.dtype, x.shape);
  const xd = x.data as Float32Array;
  const od = out.data as Float32Array;
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < inner; r++) {
      const base = o * D * inner + r;
      let max = Number.NEGATIVE_INFINITY;
      for (let d = 0; d < D; d++) max = Math.max(max, xd[base + d * inner]);
      let sum = 0;
      for (let d = 0; d < D; d++) sum += Math.exp(xd[base + d * inner] - max);
      if (log) {
        const ls = Math.log(sum);
        for (let d = 0; d < D; d++) od[base + d * inner] = xd[base + d * inner] - max - ls;
      } else {
        for (let d = 0; d < D; d++) od[base + d * inner] = Math.exp(xd[base + d * inner] - max) / sum;
      }
    }
  }
  return out;
}
