/**
 * BatchNormalization in inference mode (Operators.md BatchNormalization, versions 1–15):
 * Y = (X − mean) / √(var + ε) · scale + B per channel (axis 1). The running-statistics outputs of
 * training mode are not produced; `training_mode` 1 (since 14) and the per-element `spatial` 0
 * (before 9) are refused.
 */
import { NnportError } from '../../core/errors.js';
import { attrFloat, attrInt } from '../attrs.js';
import { floatInput, kernelFail, prod } from '../conv-window.js';
import type { ExecTensor, Kernel } from '../kernel.js';

/** BatchNormalization: X [N, C, D...], scale/B/mean/var [C] → Y like X. */
export const batchNormalizationKernel: Kernel = (inputs, ctx) => {
  const where = { at: { node: ctx.node.name || ctx.node.outputs[0] || ctx.node.op } };
  if (attrInt(ctx, 'training_mode', 0) !== 0) {
    throw new NnportError(
      'UNSUPPORTED_OP',
      'BatchNormalization: training_mode 1 is not supported (inference only)',
      where,
    );
  }
  if (attrInt(ctx, 'spatial', 1) !== 1) {
    throw new NnportError('UNSUPPORTED_OP', 'BatchNormalization: spatial 0 is not supported', where);
  }
  const x = floatInput(ctx, inputs, 0);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => floatInput(ctx, inputs, i)) as [
    ExecTensor<'float32'>,
    ExecTensor<'float32'>,
    ExecTensor<'float32'>,
    ExecTensor<'float32'>,
  ];
  if (x.shape.length < 2) kernelFail(ctx, `X must be [N, C, ...], got rank ${x.shape.length}`);
  const c = x.shape[1] as number;
  for (const t of [scale, bias, mean, variance]) {
    if (t.data.length !== c) kernelFail(ctx, `statistics must have ${c} elements, got ${t.data.length}`);
  }
  const eps = attrFloat(ctx, 'epsilon', 1e-5);
  const size = prod(x.shape.slice(2));
  const n = x.shape[0] as number;
  const y = new Float32Array(x.data.length);
  // Folded per channel: y = x · a + b with a = scale / √(var + ε), b = B − mean · a.
  for (let ch = 0; ch < c; ch++) {
    const a = (scale.data[ch] as number) / Math.sqrt((variance.data[ch] as number) + eps);
    const b = (bias.data[ch] as number) - (mean.data[ch] as number) * a;
    for (let i = 0; i < n; i++) {
      const start = (i * c + ch) * size;
      for (let p = start; p < start + size; p++) y[p] = (x.data[p] as number) * a + b;
    }
  }
  const out: ExecTensor<'float32'> = { dtype: 'float32', shape: x.shape, data: y };
  return [out];
};
