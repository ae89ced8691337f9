/**
 * InstanceNormalization (Operators.md InstanceNormalization, versions 1/6/22): each [n, c] plane
 * normalised by its own mean and (biased) variance, then scale[c] · x̂ + B[c]; sums in float64.
 */
import { attrFloat } from '../attrs.js';
import { floatInput, kernelFail, prod } from '../conv-window.js';
import type { ExecTensor, Kernel } from '../kernel.js';

/** InstanceNormalization: input [N, C, D...], scale [C], B [C] → output like input. */
export const instanceNormalizationKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  const scale = floatInput(ctx, inputs, 1);
  const bias = floatInput(ctx, inputs, 2);
  if (x.shape.length < 3) kernelFail(ctx, `input must be [N, C, D...], got rank ${x.shape.length}`);
  const c = x.shape[1] as number;
  if (scale.data.length !== c || bias.data.length !== c)
    kernelFail(ctx, `scale and B must have ${c} elements`);
  const eps = attrFloat(ctx, 'epsilon', 1e-5);
  const size = prod(x.shape.slice(2));
  const planes = (x.shape[0] as number) * c;
  const y = new Float32Array(x.data.length);
  for (let p = 0; p < planes; p++) {
    const start = p * size;
    let sum = 0;
    for (let i = start; i < start + size; i++) sum += x.data[i] as number;
    const mean = sum / size;
    let sq = 0;
    for (let i = start; i < start + size; i++) {
      const d = (x.data[i] as number) - mean;
      sq += d * d;
    }
    const ch = p % c;
    const a = (scale.data[ch] as number) / Math.sqrt(sq / size + eps);
    const b = bias.data[ch] as number;
    for (let i = start; i < start + size; i++) y[i] = ((x.data[i] as number) - mean) * a + b;
  }
  const out: ExecTensor<'float32'> = { dtype: 'float32', shape: x.shape, data: y };
  return [out];
};
