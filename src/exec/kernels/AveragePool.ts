/**
 * AveragePool (Operators.md AveragePool, versions 1/7/10/11/19/22): the mean over each (dilated)
 * window. The divisor counts the taps inside X, or with `count_include_pad` also those in the
 * explicit/auto padding (but not the ones ceil_mode's extra window puts past the end padding).
 */
import { attrInt } from '../attrs.js';
import { floatInput, kernelFail, kernelShape, prod, resolveWindow, windowTable } from '../conv-window.js';
import type { ExecTensor, Kernel } from '../kernel.js';

/** AveragePool: X [N, C, D...] → Y [N, C, out...]. */
export const averagePoolKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  if (x.shape.length < 3) kernelFail(ctx, `X must be [N, C, D...], got rank ${x.shape.length}`);
  const [n, c] = x.shape as [number, number];
  const spatial = x.shape.slice(2);
  const win = resolveWindow(ctx, spatial, kernelShape(ctx), attrInt(ctx, 'ceil_mode', 0) === 1);
  const table = windowTable(win);
  const includePad = attrInt(ctx, 'count_include_pad', 0) === 1;
  const inSize = prod(spatial);
  const outSize = prod(win.output);
  const y = new Float32Array(n * c * outSize);
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inSize;
    for (let p = 0; p < outSize; p++) {
      const from = table.start[p] as number;
      const to = table.start[p + 1] as number;
      let sum = 0;
      for (let t = from; t < to; t++) sum += x.data[base + (table.taps[t] as number)] as number;
      const count = includePad ? (table.padded[p] as number) : to - from;
      y[plane * outSize + p] = count > 0 ? sum / count : 0;
    }
  }
  const out: ExecTensor<'float32'> = { dtype: 'float32', shape: [n, c, ...win.output], data: y };
  return [out];
};
