/**
 * Upsample (Operators.md Upsample, versions 1/7/9/10): Resize's nearest / linear with the
 * asymmetric transform and onnxruntime's "simple" nearest rounding; output size
 * floor(in · scale). Scales come from height_scale/width_scale (1: on a 4-D NCHW input), the
 * `scales` attribute (7) or the `scales` input (9, 10). Mode 'bilinear' (version 1) is linear.
 */
import { attrFloat, attrFloats, attrString } from '../attrs.js';
import { floatInput, kernelFail } from '../conv-window.js';
import type { ExecTensor, Kernel } from '../kernel.js';
import { resample } from '../resample.js';

/** Upsample: X (and scales, since 9) → Y. */
export const upsampleKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  const rank = x.shape.length;
  let scales: number[];
  if (ctx.since >= 9) {
    const s = floatInput(ctx, inputs, 1);
    scales = Array.from(s.data);
  } else if (ctx.since >= 7) {
    scales = [...(attrFloats(ctx, 'scales') ?? kernelFail(ctx, 'scales attribute is missing'))];
  } else {
    if (rank !== 4) kernelFail(ctx, `Upsample-1 needs a 4-D input, got rank ${rank}`);
    scales = [1, 1, attrFloat(ctx, 'height_scale'), attrFloat(ctx, 'width_scale')];
  }
  if (scales.length !== rank) kernelFail(ctx, `${scales.length} scales for rank ${rank}`);
  if (scales.some((s) => !(s >= 1))) kernelFail(ctx, `scales [${scales.join(', ')}] must be ≥ 1`);
  let mode = attrString(ctx, 'mode', 'nearest');
  if (mode === 'bilinear') mode = 'linear';
  if (mode !== 'nearest' && mode !== 'linear') kernelFail(ctx, `mode '${mode}' is unknown`);
  const plans = x.shape.map((d, a) => ({
    input: d,
    output: Math.floor(Math.fround(d * Math.fround(scales[a] as number))),
    scale: scales[a] as number,
  }));
  const data = resample(x.data, plans, {
    mode,
    transform: 'asymmetric',
    nearest: 'simple',
    cubicA: -0.75,
    excludeOutside: false,
    extrapolation: 0,
  });
  const out: ExecTensor<'float32'> = { dtype: 'float32', shape: plans.map((p) => p.output), data };
  return [out];
};
