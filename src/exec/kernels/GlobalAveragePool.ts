/** GlobalAveragePool (Operators.md GlobalAveragePool): the mean of each [N, C] plane, in float64. */
import { floatInput, kernelFail, prod } from '../conv-window.js';
import type { ExecTensor, Kernel } from '../kernel.js';

/** GlobalAveragePool: X [N, C, D...] → Y [N, C, 1...]. */
export const globalAveragePoolKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  if (x.shape.length < 3) kernelFail(ctx, `X must be [N, C, D...], got rank ${x.shape.length}`);
  const planes = (x.shape[0] as number) * (x.shape[1] as number);
  const size = prod(x.shape.slice(2));
  const y = new Float32Array(planes);
  for (let p = 0; p < planes; p++) {
    let sum = 0;
    for (let i = p * size; i < (p + 1) * size; i++) sum += x.data[i] as number;
    y[p] = size > 0 ? sum / size : Number.NaN;
  }
  const out: ExecTensor<'float32'> = {
    dtype: 'float32',
    shape: [...x.shape.slice(0, 2), ...x.shape.slice(2).map(() => 1)],
    data: y,
  };
  return [out];
};
