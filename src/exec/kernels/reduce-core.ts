/**
 * What the Reduce* kernels share, not a kernel: which axes (the `axes` attribute before the op's
 * input version — ReduceSum 13, the others 18 — the optional int64 input from then on; none means
 * all axes, or no reduction at all with noop_with_empty_axes=1), keepdims, and a float64 (or
 * BigInt) accumulation pass.
 */
import { attrInt, attrInts } from '../attrs.js';
import type { ExecTensor, KernelContext } from '../kernel.js';
import { alloc, isBig, normAxis, stridesOf, toNumbers } from '../tensors.js';

/** Reduces `x` by summing (divided by the count when `mean`). `inputSince`: the version axes became an input. */
export function reduce(
  x: ExecTensor,
  axesInput: ExecTensor | undefined,
  ctx: KernelContext,
  inputSince: number,
  mean: boolean,
): ExecTensor {
  const rank = x.shape.length;
  const given =
    ctx.since < inputSince
      ? attrInts(ctx, 'axes')
      : axesInput === undefined
        ? undefined
        : toNumbers(axesInput);
  const keep = attrInt(ctx, 'keepdims', 1) !== 0;
  if (
    (given === undefined || given.length === 0) &&
    ctx.since >= inputSince &&
    attrInt(ctx, 'noop_with_empty_axes', 0) !== 0
  ) {
    return x;
  }
  const axes = new Set(
    given === undefined || given.length === 0
      ? x.shape.map((_, i) => i)
      : given.map((a) => normAxis(a, rank, ctx)),
  );
  const keptShape = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
  const outShape = keep ? keptShape : x.shape.filter((_, i) => !axes.has(i));
  const out = alloc(x.dtype, outShape);
  const oStr = stridesOf(keptShape);
  // Output stride of each input axis: 0 along reduced axes.
  const str = x.shape.map((_, i) => (axes.has(i) ? 0 : oStr[i]));
  let count = 1;
  for (const a of axes) count *= x.shape[a];
  const n = x.data.length;
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  if (isBig(x.dtype)) {
    const acc = new Array<bigint>(out.data.length).fill(0n);
    for (let k = 0; k < n; k++) {
      acc[off] += x.data[k] as bigint;
      off = step(idx, x.shape, str, off);
    }
    for (let i = 0; i < acc.length; i++) out.data[i] = mean ? acc[i] / BigInt(count) : acc[i];
    return out;
  }
  const acc = new Float64Array(out.data.length);
  for (let k = 0; k < n; k++) {
    acc[off] += x.data[k] as number;
    off = step(idx, x.shape, str, off);
  }
  const isInt = x.dtype !== 'float32' && x.dtype !== 'float64';
  for (let i = 0; i < acc.length; i++) {
    const v = mean ? acc[i] / count : acc[i];
    out.data[i] = isInt ? Math.trunc(v) : v;
  }
  return out;
}

/** Advances a row-major index over `shape`, returning the new output offset. */
function step(idx: number[], shape: readonly number[], str: readonly number[], off: number): number {
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d]++;
    off += str[d];
    if (idx[d] < shape[d]) return off;
    off -= str[d] * idx[d];
    idx[d] = 0;
  }
  return off;
}
