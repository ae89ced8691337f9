/**
 * Conv (Operators.md Conv, versions 1/11/22): N-D convolution with groups, strides, dilations,
 * pads and auto_pad, as im2col (each group's input windows unrolled into a [C/group · kernel,
 * output positions] matrix) times the group's [M/group, C/group · kernel] weights, plus bias.
 */

import {
  floatInput,
  groupOf,
  kernelFail,
  kernelShape,
  prod,
  resolveWindow,
  stridesOf,
  type Window,
} from '../conv-window.js';
import { gemm } from '../gemm-core.js';
import type { ExecTensor, Kernel } from '../kernel.js';

/**
 * Unrolls channels [c0, c0 + channels) of one image (`x` at `xOff`, spatial dims `w.input`) into
 * `col`: row (c · kernel positions + kernel offset), column = output position; zero where the
 * window reaches into padding.
 */
export function im2col(x: Float32Array, xOff: number, channels: number, w: Window, col: Float32Array): void {
  const rank = w.input.length;
  const kSize = prod(w.kernel);
  const outSize = prod(w.output);
  const inSize = prod(w.input);
  const last = rank - 1;
  const outLast = w.output[last] as number;
  const inLast = w.input[last] as number;
  const sLast = w.strides[last] as number;
  const dLast = w.dilations[last] as number;
  const pLast = w.padBegin[last] as number;
  const outer = outSize / outLast;
  const inStrides = stridesOf(w.input);
  const kOff = new Array<number>(rank).fill(0);
  const oIdx = new Array<number>(rank).fill(0);
  for (let c = 0; c < channels; c++) {
    const chanBase = xOff + c * inSize;
    kOff.fill(0);
    for (let kk = 0; kk < kSize; kk++) {
      let row = (c * kSize + kk) * outSize;
      const kLastPos = (kOff[last] as number) * dLast - pLast;
      oIdx.fill(0);
      for (let o = 0; o < outer; o++) {
        // Offset and validity over the leading spatial axes of this output row.
        let base = chanBase;
        let valid = true;
        for (let a = 0; a < last; a++) {
          const pos =
            (oIdx[a] as number) * (w.strides[a] as number) +
            (kOff[a] as number) * (w.dilations[a] as number) -
            (w.padBegin[a] as number);
          if (pos < 0 || pos >= (w.input[a] as number)) {
            valid = false;
            break;
          }
          base += pos * (inStrides[a] as number);
        }
        if (!valid) col.fill(0, row, row + outLast);
        else {
          for (let j = 0; j < outLast; j++) {
            const pos = j * sLast + kLastPos;
            col[row + j] = pos >= 0 && pos < inLast ? (x[base + pos] as number) : 0;
          }
        }
        row += outLast;
        for (let a = last - 1; a >= 0; a--) {
          oIdx[a] = (oIdx[a] as number) + 1;
          if ((oIdx[a] as number) < (w.output[a] as number)) break;
          oIdx[a] = 0;
        }
      }
      for (let a = last; a >= 0; a--) {
        kOff[a] = (kOff[a] as number) + 1;
        if ((kOff[a] as number) < (w.kernel[a] as number)) break;
        kOff[a] = 0;
      }
    }
  }
}

/** Conv: inputs X [N, C, D...], W [M, C/group, k...], optional B [M]; output Y [N, M, out...]. */
export const convKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  const wt = floatInput(ctx, inputs, 1);
  const b = inputs[2] === undefined ? undefined : floatInput(ctx, inputs, 2);
  const rank = x.shape.length;
  if (rank < 3 || wt.shape.length !== rank)
    kernelFail(ctx, `X rank ${rank} and W rank ${wt.shape.length} must match and be ≥ 3`);
  const group = groupOf(ctx);
  const [n, c] = x.shape as [number, number];
  const [m, cg] = wt.shape as [number, number];
  if (cg * group !== c) kernelFail(ctx, `X has ${c} channels, W expects ${cg} × group ${group}`);
  if (m % group !== 0) kernelFail(ctx, `W's ${m} output channels are not divisible by group ${group}`);
  if (b !== undefined && (b.shape.length !== 1 || b.shape[0] !== m)) kernelFail(ctx, `B must be [${m}]`);
  const wSpatial = wt.shape.slice(2);
  const kernel = kernelShape(ctx, wSpatial);
  if (kernel.some((k, i) => k !== wSpatial[i])) kernelFail(ctx, 'kernel_shape does not match W');
  const win = resolveWindow(ctx, x.shape.slice(2), kernel);
  const mg = m / group;
  const kRows = cg * prod(kernel);
  const outSize = prod(win.output);
  const inSize = prod(win.input);
  const y = new Float32Array(n * m * outSize);
  const pointwise =
    win.kernel.every((k) => k === 1) &&
    win.strides.every((st) => st === 1) &&
    win.padBegin.every((p) => p === 0) &&
    win.padEnd.every((p) => p === 0);
  const col = new Float32Array(pointwise ? 0 : kRows * outSize);
  for (let i = 0; i < n; i++) {
    for (let g = 0; g < group; g++) {
      const xOff = (i * c + g * cg) * inSize;
      const yOff = (i * m + g * mg) * outSize;
      // A pointwise convolution's column matrix is the input itself.
      if (pointwise) gemm(mg, outSize, kRows, wt.data, g * mg * kRows, x.data, xOff, y, yOff);
      else {
        im2col(x.data, xOff, cg, win, col);
        gemm(mg, outSize, kRows, wt.data, g * mg * kRows, col, 0, y, yOff);
      }
    }
  }
  if (b !== undefined) {
    for (let i = 0; i < n; i++) {
      for (let o = 0; o < m; o++) {
        const bias = b.data[o] as number;
        const start = (i * m + o) * outSize;
        for (let p = start; p < start + outSize; p++) y[p] = (y[p] as number) + bias;
      }
    }
  }
  const out: ExecTensor<'float32'> = { dtype: 'float32', shape: [n, m, ...win.output], data: y };
  return [out];
};
