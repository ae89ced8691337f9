/**
 * Sliding-window geometry shared by Conv, ConvTranspose, MaxPool and AveragePool: kernel, strides,
 * dilations and begin/end pads per spatial axis, resolved from `auto_pad` (Operators.md Conv,
 * MaxPool: "output_spatial_shape" and the SAME_UPPER / SAME_LOWER rule), and the error helper
 * the kernels of this family share.
 */
import { NnportError } from '../core/errors.js';
import { attrInt, attrInts, attrString } from './attrs.js';
import type { ExecTensor, KernelContext } from './kernel.js';

/** An INVALID_STRUCTURE error naming the node. */
export function kernelFail(ctx: KernelContext, detail: string): never {
  throw new NnportError('INVALID_STRUCTURE', `${ctx.node.op}: ${detail}`, {
    at: { node: ctx.node.name || ctx.node.outputs[0] || ctx.node.op },
  });
}

/** A present float32 input, or an error naming the slot. */
export function floatInput(
  ctx: KernelContext,
  inputs: readonly (ExecTensor | undefined)[],
  i: number,
): ExecTensor<'float32'> {
  const t = inputs[i];
  if (t === undefined) return kernelFail(ctx, `input ${i} is missing`);
  if (t.dtype !== 'float32') return kernelFail(ctx, `input ${i} is ${t.dtype}, expected float32`);
  return t as ExecTensor<'float32'>;
}

/** The resolved window of every spatial axis. */
export interface Window {
  /** Input spatial dims. */
  readonly input: number[];
  /** Output spatial dims. */
  readonly output: number[];
  /** Kernel extent per axis (undilated). */
  readonly kernel: number[];
  /** Stride per axis. */
  readonly strides: number[];
  /** Dilation per axis. */
  readonly dilations: number[];
  /** Padding before each axis (the output's first window starts at −padBegin). */
  readonly padBegin: number[];
  /** Padding after each axis, as given or as auto_pad computed it. */
  readonly padEnd: number[];
}

/** A per-axis ints attribute of `count` values, or `fill` repeated. */
function perAxis(ctx: KernelContext, name: string, count: number, fill: number): number[] {
  const v = attrInts(ctx, name);
  if (v === undefined) return new Array<number>(count).fill(fill);
  if (v.length !== count) kernelFail(ctx, `${name} has ${v.length} values for ${count} axes`);
  return [...v];
}

/**
 * Resolves the window of a conv/pool node over the input's spatial dims. `ceil_mode` rounds the
 * output size up, dropping a last window that would start in the end padding (the rule
 * onnxruntime and PyTorch share; the tests check it against onnxruntime).
 */
export function resolveWindow(
  ctx: KernelContext,
  input: readonly number[],
  kernel: readonly number[],
  ceilMode = false,
): Window {
  const n = input.length;
  if (kernel.length !== n) kernelFail(ctx, `kernel has ${kernel.length} axes, input ${n} spatial axes`);
  const strides = perAxis(ctx, 'strides', n, 1);
  const dilations = perAxis(ctx, 'dilations', n, 1);
  const pads = perAxis(ctx, 'pads', 2 * n, 0);
  const autoPad = attrString(ctx, 'auto_pad', 'NOTSET');
  const padBegin: number[] = [];
  const padEnd: number[] = [];
  const output: number[] = [];
  for (let i = 0; i < n; i++) {
    const size = input[i] as number;
    const s = strides[i] as number;
    const d = dilations[i] as number;
    const k = kernel[i] as number;
    if (s < 1 || d < 1 || k < 1) kernelFail(ctx, `stride, dilation and kernel must be positive on axis ${i}`);
    const span = (k - 1) * d + 1;
    let pb = pads[i] as number;
    let pe = pads[i + n] as number;
    let out: number;
    if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      out = Math.ceil(size / s);
      const total = Math.max(0, (out - 1) * s + span - size);
      pb = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
      pe = total - pb;
    } else if (autoPad === 'VALID') {
      pb = 0;
      pe = 0;
      out = Math.floor((size - span) / s) + 1;
    } else if (autoPad === 'NOTSET') {
      const room = size + pb + pe - span;
      out = (ceilMode ? Math.ceil(room / s) : Math.floor(room / s)) + 1;
      if (ceilMode && (out - 1) * s >= size + pb) out--;
    } else return kernelFail(ctx, `auto_pad '${autoPad}' is not NOTSET, SAME_UPPER, SAME_LOWER or VALID`);
    if (out < 1) kernelFail(ctx, `output size ${out} on spatial axis ${i} is not positive`);
    padBegin.push(pb);
    padEnd.push(pe);
    output.push(out);
  }
  return { input: [...input], output, kernel: [...kernel], strides, dilations, padBegin, padEnd };
}

/** The `kernel_shape` attribute, or `fallback` (W's spatial dims for convolutions). */
export function kernelShape(ctx: KernelContext, fallback?: readonly number[]): number[] {
  const k = attrInts(ctx, 'kernel_shape') ?? fallback;
  if (k === undefined) return kernelFail(ctx, 'kernel_shape is missing');
  return [...k];
}

/** The `group` attribute, checked positive. */
export function groupOf(ctx: KernelContext): number {
  const g = attrInt(ctx, 'group', 1);
  if (g < 1) kernelFail(ctx, `group ${g} is not positive`);
  return g;
}

/** The product of dims. */
export function prod(dims: readonly number[]): number {
  let p = 1;
  for (const d of dims) p *= d;
  return p;
}

/** C-order strides of a shape (in elements). */
export function stridesOf(shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i] as number;
  }
  return out;
}

/** Every output position's window, precomputed once and reused across batch and channels. */
export interface WindowTable {
  /** Spatial offsets (C-order into one input plane) of the in-input taps, window after window. */
  readonly taps: Int32Array;
  /** `taps` of output position p are `taps[start[p] .. start[p + 1])`. */
  readonly start: Int32Array;
  /** Per output position: how many window taps lie inside the padded input (count_include_pad's divisor). */
  readonly padded: Int32Array;
}

/**
 * Lists, for every output position, the in-input taps of its (dilated) window, and how many taps
 * fall inside the padded input [−padBegin, in + padEnd) — AveragePool's count_include_pad divisor,
 * which leaves out the taps ceil_mode adds past the end padding (as onnxruntime does).
 */
export function windowTable(w: Window): WindowTable {
  const rank = w.input.length;
  const outSize = prod(w.output);
  const inStrides = stridesOf(w.input);
  const start = new Int32Array(outSize + 1);
  const padded = new Int32Array(outSize);
  const taps: number[] = [];
  const oIdx = new Array<number>(rank).fill(0);
  const axisTaps: number[][] = [];
  for (let p = 0; p < outSize; p++) {
    let pad = 1;
    axisTaps.length = 0;
    for (let a = 0; a < rank; a++) {
      const list: number[] = [];
      let inPad = 0;
      const size = w.input[a] as number;
      for (let k = 0; k < (w.kernel[a] as number); k++) {
        const pos =
          (oIdx[a] as number) * (w.strides[a] as number) +
          k * (w.dilations[a] as number) -
          (w.padBegin[a] as number);
        if (pos >= 0 && pos < size) list.push(pos * (inStrides[a] as number));
        if (pos >= -(w.padBegin[a] as number) && pos < size + (w.padEnd[a] as number)) inPad++;
      }
      pad *= inPad;
      axisTaps.push(list);
    }
    padded[p] = pad;
    // Cartesian product of the per-axis tap offsets.
    let acc = [0];
    for (const list of axisTaps) {
      const next: number[] = [];
      for (const base of acc) for (const off of list) next.push(base + off);
      acc = next;
    }
    for (const t of acc) taps.push(t);
    start[p + 1] = taps.length;
    for (let a = rank - 1; a >= 0; a--) {
      oIdx[a] = (oIdx[a] as number) + 1;
      if ((oIdx[a] as number) < (w.output[a] as number)) break;
      oIdx[a] = 0;
    }
  }
  return { taps: Int32Array.from(taps), start, padded };
}
