/**
 * Building block of ReduceMax, ReduceMin, ReduceProd, ReduceL2 and ReduceLogSumExp (not a kernel
 * itself). Axes as for every Reduce* op (Operators.md ReduceMax-18): the `axes` attribute before
 * 18, the optional int64 input from 18; none means all axes, or no reduction with
 * noop_with_empty_axes=1. Each input element is mapped to its output slot once, so a reduction
 * is a plain loop over (slot, value) pairs — LogSumExp needs two.
 */
import { attrInt, attrInts } from '../attrs.js';
import type { ExecTensor, KernelContext } from '../kernel.js';
import { alloc, isBig, normAxis, stridesOf, toNumbers } from '../tensors.js';

/** The reduced axes and output slot of every input element. */
export interface ReducePlan {
  /** Output shape (with keepdims applied). */
  readonly shape: number[];
  /** Output slot of each input element, row-major. */
  readonly slot: Int32Array;
  /** Number of output elements. */
  readonly size: number;
}

/**
 * The plan of a reduction. With noop_with_empty_axes and no axes nothing is reduced but each
 * element still goes through the reduction on its own (Operators.md ReduceSumSquare-18: "acts as
 * a vanilla Square"; onnxruntime agrees), so ReduceL2 then gives |x|.
 */
export function planReduce(x: ExecTensor, axesInput: ExecTensor | undefined, ctx: KernelContext): ReducePlan {
  const byInput = ctx.since >= 18;
  const rank = x.shape.length;
  const given = byInput
    ? axesInput === undefined
      ? undefined
      : toNumbers(axesInput)
    : attrInts(ctx, 'axes');
  const none = given === undefined || given.length === 0;
  const noop = none && byInput && attrInt(ctx, 'noop_with_empty_axes', 0) !== 0;
  const axes = new Set(
    noop ? [] : none ? x.shape.map((_, i) => i) : given.map((a) => normAxis(a, rank, ctx)),
  );
  const kept = x.shape.map((d, i) => (axes.has(i) ? 1 : d));
  const keep = attrInt(ctx, 'keepdims', 1) !== 0;
  const oStr = stridesOf(kept);
  const n = x.data.length;
  const slot = new Int32Array(n);
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < n; k++) {
    let off = 0;
    for (let d = 0; d < rank; d++) if (!axes.has(d)) off += (idx[d] as number) * (oStr[d] as number);
    slot[k] = off;
    for (let d = rank - 1; d >= 0; d--) {
      idx[d] = (idx[d] as number) + 1;
      if ((idx[d] as number) < (x.shape[d] as number)) break;
      idx[d] = 0;
    }
  }
  const shape = keep ? kept : x.shape.filter((_, i) => !axes.has(i));
  return { shape, slot, size: kept.reduce((a, b) => a * b, 1) };
}

/** How one reduction combines values: in float64 (numbers) and, for int64/uint64, in BigInts. */
export interface Reducer {
  /** Starting accumulator. */
  readonly init: number;
  /** Adds one value. */
  readonly step: (acc: number, v: number) => number;
  /** The accumulator's final value. */
  readonly finish?: (acc: number) => number;
  /** BigInt form (absent: BigInt inputs go through numbers). */
  readonly big?: { readonly init: bigint; readonly step: (acc: bigint, v: bigint) => bigint };
}

/** Reduces `x` with `r`; integer results truncate toward zero (ReduceL2 of ints). */
export function reduceWith(
  x: ExecTensor,
  axesInput: ExecTensor | undefined,
  ctx: KernelContext,
  r: Reducer,
): ExecTensor {
  const plan = planReduce(x, axesInput, ctx);
  const out = alloc(x.dtype, plan.shape);
  const n = x.data.length;
  if (isBig(x.dtype) && r.big !== undefined) {
    const acc = new Array<bigint>(plan.size).fill(r.big.init);
    for (let k = 0; k < n; k++)
      acc[plan.slot[k] as number] = r.big.step(acc[plan.slot[k] as number] as bigint, x.data[k] as bigint);
    for (let i = 0; i < plan.size; i++) out.data[i] = acc[i] as bigint;
    return out;
  }
  const acc = new Float64Array(plan.size).fill(r.init);
  for (let k = 0; k < n; k++)
    acc[plan.slot[k] as number] = r.step(acc[plan.slot[k] as number] as number, Number(x.data[k]));
  const isInt = x.dtype !== 'float32' && x.dtype !== 'float64';
  for (let i = 0; i < plan.size; i++) {
    const v = r.finish === undefined ? (acc[i] as number) : r.finish(acc[i] as number);
    if (isBig(x.dtype)) out.data[i] = BigInt(Math.trunc(v));
    else out.data[i] = isInt ? Math.trunc(v) : v;
  }
  return out;
}
