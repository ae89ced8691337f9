/**
 * Slice (ONNX Operators.md Slice-1/10/11/13): starts/ends/axes as attributes before opset 10,
 * inputs (with steps) from 10. Negative starts/ends add the dimension; then, for a positive step,
 * both clamp to [0, dim]; for a negative step, start clamps to [0, dim−1] and end to [−1, dim−1].
 */
import { attrInts } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { alloc, fail, need, normAxis, stridesOf, toNumbers } from '../tensors.js';

/** The Slice kernel. */
export const sliceKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const rank = x.shape.length;
  let starts: readonly number[];
  let ends: readonly number[];
  let axes: readonly number[] | undefined;
  let steps: readonly number[] | undefined;
  if (ctx.since < 10) {
    starts = attrInts(ctx, 'starts') ?? fail(ctx, 'starts are required');
    ends = attrInts(ctx, 'ends') ?? fail(ctx, 'ends are required');
    axes = attrInts(ctx, 'axes');
  } else {
    starts = toNumbers(need(inputs, 1, ctx));
    ends = toNumbers(need(inputs, 2, ctx));
    axes = inputs[3] === undefined ? undefined : toNumbers(inputs[3]);
    steps = inputs[4] === undefined ? undefined : toNumbers(inputs[4]);
  }
  const ax = axes ?? starts.map((_, i) => i);
  if (
    ends.length !== starts.length ||
    ax.length !== starts.length ||
    (steps !== undefined && steps.length !== starts.length)
  ) {
    fail(ctx, 'starts, ends, axes and steps differ in length');
  }
  const first = new Array<number>(rank).fill(0);
  const step = new Array<number>(rank).fill(1);
  const shape = [...x.shape];
  const seen = new Set<number>();
  for (let i = 0; i < starts.length; i++) {
    const a = normAxis(ax[i], rank, ctx);
    if (seen.has(a)) fail(ctx, `axis ${a} repeated`);
    seen.add(a);
    const dim = x.shape[a];
    const st = steps?.[i] ?? 1;
    if (st === 0) fail(ctx, 'step 0');
    let s = starts[i] < 0 ? starts[i] + dim : starts[i];
    let e = ends[i] < 0 ? ends[i] + dim : ends[i];
    if (st > 0) {
      s = Math.min(Math.max(s, 0), dim);
      e = Math.min(Math.max(e, 0), dim);
    } else {
      s = Math.min(Math.max(s, 0), dim - 1);
      e = Math.min(Math.max(e, -1), dim - 1);
    }
    first[a] = s;
    step[a] = st;
    shape[a] = Math.max(0, Math.ceil((e - s) / st));
  }
  const out = alloc(x.dtype, shape);
  const n = out.data.length;
  if (n === 0) return [out];
  const inStr = stridesOf(x.shape);
  const str = inStr.map((s, d) => s * step[d]);
  let off = 0;
  for (let d = 0; d < rank; d++) off += first[d] * inStr[d];
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    out.data[k] = x.data[off];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      off += str[d];
      if (idx[d] < shape[d]) break;
      off -= str[d] * idx[d];
      idx[d] = 0;
    }
  }
  return [out];
};
