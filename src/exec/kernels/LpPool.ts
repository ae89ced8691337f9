/**
 * LpPool (Operators.md LpPool, versions 1/2/11/18/22): the p-norm (Σ |x|^p)^(1/p) over each
 * (dilated) window; padding contributes zeros, so only the taps inside X count. `p` is a float
 * at version 1 and an int from 2; ceil_mode and dilations arrived at 18.
 */
import { attrFloat, attrInt } from '../attrs.js';
import { floatInput, kernelFail, kernelShape, prod, resolveWindow, windowTable } from '../conv-window.js';
import type { ExecTensor, Kernel } from '../kernel.js';

/** LpPool: X [N, C, D...] → Y [N, C, out...]. */
export const lpPoolKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  if (x.shape.length < 3) kernelFail(ctx, `X must be [N, C, D...], got rank ${x.shape.length}`);
  const [n, c] = x.shape as [number, number];
  const p = attrFloat(ctx, 'p', 2);
  const spatial = x.shape.slice(2);
  const win = resolveWindow(ctx, spatial, kernelShape(ctx), attrInt(ctx, 'ceil_mode', 0) === 1);
  const table = windowTable(win);
  const inSize = prod(spatial);
  const outSize = prod(win.output);
  const y = new Float32Array(n * c * outSize);
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inSize;
    for (let q = 0; q < outSize; q++) {
      let sum = 0;
      for (let t = table.start[q] as number; t < (table.start[q + 1] as number); t++) {
        sum += Math.abs(x.data[base + (table.taps[t] as number)] as number) ** p;
      }
      y[plane * outSize + q] = sum ** (1 / p);
    }
  }
  const out: ExecTensor<'float32'> = { dtype: 'float32', shape: [n, c, ...win.output], data: y };
  return [out];
};
