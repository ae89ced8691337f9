/** GlobalLpPool (Operators.md GlobalLpPool): the p-norm (Σ |x|^p)^(1/p) of each [N, C] plane; `p` default 2. */
import { attrFloat } from '../attrs.js';
import { floatInput, kernelFail, prod } from '../conv-window.js';
import type { ExecTensor, Kernel } from '../kernel.js';

/** GlobalLpPool: X [N, C, D...] → Y [N, C, 1...]. */
export const globalLpPoolKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  if (x.shape.length < 3) kernelFail(ctx, `X must be [N, C, D...], got rank ${x.shape.length}`);
  const p = attrFloat(ctx, 'p', 2);
  const planes = (x.shape[0] as number) * (x.shape[1] as number);
  const size = prod(x.shape.slice(2));
  const y = new Float32Array(planes);
  for (let q = 0; q < planes; q++) {
    let sum = 0;
    for (let i = q * size; i < (q + 1) * size; i++) sum += Math.abs(x.data[i] as number) ** p;
    y[q] = sum ** (1 / p);
  }
  const out: ExecTensor<'float32'> = {
    dtype: 'float32',
    shape: [...x.shape.slice(0, 2), ...x.shape.slice(2).map(() => 1)],
    data: y,
  };
  return [out];
};
