/**
 * Pad (Operators.md Pad, versions 1/2/11/13/18/19/21/23): constant, reflect, edge and (since 19)
 * wrap padding of any dtype. Pads come from the `paddings` (1) / `pads` (2) attribute or, since
 * 11, the int64 `pads` input with an optional scalar `constant_value`; since 18 an `axes` input
 * restricts them to some axes. Negative pads crop.
 */
import { attrFloat, attrInts, attrString } from '../attrs.js';
import { kernelFail, prod, stridesOf } from '../conv-window.js';
import type { ExecArrayOf, ExecDType, ExecTensor, Kernel, KernelContext } from '../kernel.js';

/** Integer values of an int32/int64 input. */
function intValues(ctx: KernelContext, t: ExecTensor | undefined, what: string): number[] {
  if (t === undefined) return kernelFail(ctx, `${what} is missing`);
  if (t.dtype !== 'int64' && t.dtype !== 'int32')
    return kernelFail(ctx, `${what} is ${t.dtype}, expected int64`);
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Source coordinate for output coordinate `o` of an axis, or −1 for the constant value. */
function source(o: number, begin: number, size: number, mode: string): number {
  let i = o - begin;
  if (i >= 0 && i < size) return i;
  if (mode === 'constant' || size === 0) return -1;
  if (mode === 'edge') return i < 0 ? 0 : size - 1;
  if (mode === 'wrap') return ((i % size) + size) % size;
  // reflect: mirror about the first and last element without repeating them (numpy 'reflect').
  if (size === 1) return 0;
  const period = 2 * (size - 1);
  i = ((i % period) + period) % period;
  return i < size ? i : period - i;
}

/** Pad: data, pads (attr or input), optional constant_value and axes → output. */
export const padKernel: Kernel = (inputs, ctx) => {
  const x = inputs[0];
  if (x === undefined) return kernelFail(ctx, 'data is missing');
  const rank = x.shape.length;
  const mode = attrString(ctx, 'mode', 'constant');
  if (!['constant', 'reflect', 'edge', 'wrap'].includes(mode)) kernelFail(ctx, `mode '${mode}' is unknown`);
  let pads: number[];
  let value: number | bigint = 0;
  if (ctx.since < 11) {
    pads = [
      ...(attrInts(ctx, ctx.since < 2 ? 'paddings' : 'pads') ?? kernelFail(ctx, 'pads attribute is missing')),
    ];
    value = attrFloat(ctx, 'value', 0);
  } else {
    pads = intValues(ctx, inputs[1], 'pads');
    const cv = inputs[2];
    if (cv !== undefined && cv.data.length > 0) value = cv.data[0] as number | bigint;
  }
  // Axes (Pad-18): pads lists begins then ends for the listed axes only.
  const axesInput = ctx.since >= 18 ? inputs[3] : undefined;
  const axes =
    axesInput === undefined
      ? [...Array(rank).keys()]
      : intValues(ctx, axesInput, 'axes').map((a) => (a < 0 ? a + rank : a));
  if (pads.length !== 2 * axes.length)
    kernelFail(ctx, `pads has ${pads.length} values for ${axes.length} axes`);
  const begin = new Array<number>(rank).fill(0);
  const end = new Array<number>(rank).fill(0);
  for (const [i, a] of axes.entries()) {
    if (a < 0 || a >= rank) kernelFail(ctx, `axis ${a} is out of range for rank ${rank}`);
    begin[a] = pads[i] as number;
    end[a] = pads[i + axes.length] as number;
  }
  const shape = x.shape.map((d, a) => d + (begin[a] as number) + (end[a] as number));
  if (shape.some((d) => d < 0)) kernelFail(ctx, `negative pads crop below zero: [${shape.join(', ')}]`);
  if (mode !== 'constant' && x.shape.some((d, a) => d === 0 && (shape[a] as number) > 0)) {
    kernelFail(ctx, `mode '${mode}' cannot pad an empty axis`);
  }
  // Per axis, the source coordinate of every output coordinate (−1: the constant value).
  const maps = shape.map((d, a) =>
    Int32Array.from({ length: d }, (_, o) => source(o, begin[a] as number, x.shape[a] as number, mode)),
  );
  const inStrides = stridesOf(x.shape);
  const size = prod(shape);
  const Ctor = x.data.constructor as new (n: number) => ExecArrayOf[ExecDType];
  const out = new Ctor(size) as unknown as { [i: number]: number | bigint; fill(v: number | bigint): void };
  const src = x.data as unknown as { [i: number]: number | bigint };
  const fill = typeof out[0] === 'bigint' ? BigInt(value) : Number(value);
  const idx = new Array<number>(rank).fill(0);
  for (let p = 0; p < size; p++) {
    let off = 0;
    for (let a = 0; a < rank; a++) {
      const s = (maps[a] as Int32Array)[idx[a] as number] as number;
      if (s < 0) {
        off = -1;
        break;
      }
      off += s * (inStrides[a] as number);
    }
    out[p] = off < 0 ? fill : (src[off] as number | bigint);
    for (let a = rank - 1; a >= 0; a--) {
      idx[a] = (idx[a] as number) + 1;
      if ((idx[a] as number) < (shape[a] as number)) break;
      idx[a] = 0;
    }
  }
  const result = { dtype: x.dtype, shape, data: out } as unknown as ExecTensor;
  return [result];
};
