/**
 * Resize (Operators.md Resize, versions 10/11/13/18/19): nearest, linear and cubic resampling of
 * any rank (separable, src/exec/resample.ts), with every coordinate_transformation_mode and
 * nearest_mode, output size from `scales` (floor(in · scale)) or `sizes`, Resize-18's `axes` and
 * `keep_aspect_ratio_policy`. Resize-10 is asymmetric with onnxruntime's "simple" nearest
 * rounding. `antialias` 1 is refused (UNSUPPORTED_OP).
 */
import { NnportError } from '../../core/errors.js';
import { attrFloat, attrInt, attrInts, attrString } from '../attrs.js';
import { floatInput, kernelFail } from '../conv-window.js';
import type { ExecTensor, Kernel, KernelContext } from '../kernel.js';
import { type AxisPlan, resample } from '../resample.js';

/** A non-empty optional input's values as numbers, else undefined (empty tensors mean "absent"). */
function values(t: ExecTensor | undefined): number[] | undefined {
  if (t === undefined || t.data.length === 0) return undefined;
  return Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v));
}

/** The per-axis plans from scales or sizes (Operators.md Resize: output size rules). */
function plans(
  ctx: KernelContext,
  shape: readonly number[],
  scales: number[] | undefined,
  sizes: number[] | undefined,
  roi: number[] | undefined,
  axes: number[],
  crop: boolean,
): AxisPlan[] {
  const rank = shape.length;
  if (scales !== undefined && sizes !== undefined)
    kernelFail(ctx, 'only one of scales and sizes may be given');
  if (scales === undefined && sizes === undefined) kernelFail(ctx, 'one of scales and sizes is required');
  const given = (scales ?? sizes) as number[];
  if (given.length !== axes.length) kernelFail(ctx, `${given.length} scales/sizes for ${axes.length} axes`);
  const scale = new Array<number>(rank).fill(1);
  const out = [...shape];
  if (scales !== undefined) {
    for (const [i, a] of axes.entries()) {
      const s = scales[i] as number;
      if (!(s > 0)) kernelFail(ctx, `scale ${s} is not positive`);
      scale[a] = s;
    }
  } else {
    const policy = attrString(ctx, 'keep_aspect_ratio_policy', 'stretch');
    // onnxruntime divides in float32.
    const ratios = axes.map((a, i) => Math.fround((sizes?.[i] as number) / (shape[a] as number)));
    if (policy === 'stretch') for (const [i, a] of axes.entries()) scale[a] = ratios[i] as number;
    else if (policy === 'not_larger' || policy === 'not_smaller') {
      const common = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      for (const a of axes) scale[a] = common;
    } else kernelFail(ctx, `keep_aspect_ratio_policy '${policy}' is unknown`);
  }
  const roiOf = (a: number): [number, number] => {
    const k = axes.indexOf(a);
    if (!crop || roi === undefined || k < 0) return [0, 1];
    if (roi.length !== 2 * axes.length)
      kernelFail(ctx, `roi has ${roi.length} values for ${axes.length} axes`);
    return [roi[k] as number, roi[k + axes.length] as number];
  };
  for (const [i, a] of axes.entries()) {
    const inSize = shape[a] as number;
    const [s, e] = roiOf(a);
    const policy = attrString(ctx, 'keep_aspect_ratio_policy', 'stretch');
    if (sizes !== undefined) {
      out[a] = policy === 'stretch' ? (sizes[i] as number) : Math.round(inSize * (scale[a] as number));
    } else {
      // onnxruntime multiplies in float32 before truncating.
      out[a] = Math.floor(Math.fround(inSize * (crop ? e - s : 1) * Math.fround(scale[a] as number)));
    }
    if ((out[a] as number) < 1 && inSize > 0)
      kernelFail(ctx, `output size ${out[a]} on axis ${a} is not positive`);
  }
  return shape.map((d, a) => {
    const p: AxisPlan = { input: d, output: out[a] as number, scale: scale[a] as number };
    return crop ? { ...p, roi: roiOf(a) } : p;
  });
}

/** Resize: X, roi?, scales?, sizes? (Resize-10: X, scales) → Y. */
export const resizeKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  const rank = x.shape.length;
  const where = { at: { node: ctx.node.name || ctx.node.outputs[0] || ctx.node.op } };
  if (attrInt(ctx, 'antialias', 0) !== 0)
    throw new NnportError('UNSUPPORTED_OP', 'Resize: antialias is not supported', where);
  const old = ctx.since < 11;
  const mode = attrString(ctx, 'mode', 'nearest');
  if (!['nearest', 'linear', 'cubic'].includes(mode)) kernelFail(ctx, `mode '${mode}' is unknown`);
  const transform = old ? 'asymmetric' : attrString(ctx, 'coordinate_transformation_mode', 'half_pixel');
  const known = [
    'half_pixel',
    'half_pixel_symmetric',
    'pytorch_half_pixel',
    'align_corners',
    'asymmetric',
    'tf_half_pixel_for_nn',
    'tf_crop_and_resize',
  ];
  if (!known.includes(transform)) kernelFail(ctx, `coordinate_transformation_mode '${transform}' is unknown`);
  const nearest = old ? 'simple' : attrString(ctx, 'nearest_mode', 'round_prefer_floor');
  if (!['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil', 'simple'].includes(nearest))
    kernelFail(ctx, `nearest_mode '${nearest}' is unknown`);
  const axesAttr = attrInts(ctx, 'axes');
  const axes = axesAttr === undefined ? [...Array(rank).keys()] : axesAttr.map((a) => (a < 0 ? a + rank : a));
  if (axes.some((a) => a < 0 || a >= rank))
    kernelFail(ctx, `axes [${axesAttr?.join(', ')}] out of range for rank ${rank}`);
  const scales = values(old ? inputs[1] : inputs[2]);
  const sizes = old ? undefined : values(inputs[3]);
  const roi = old ? undefined : values(inputs[1]);
  const crop = transform === 'tf_crop_and_resize';
  const p = plans(ctx, x.shape, scales, sizes, roi, axes, crop);
  const data = resample(x.data, p, {
    mode,
    transform,
    nearest,
    cubicA: attrFloat(ctx, 'cubic_coeff_a', -0.75),
    excludeOutside: attrInt(ctx, 'exclude_outside', 0) === 1,
    extrapolation: attrFloat(ctx, 'extrapolation_value', 0),
  });
  const out: ExecTensor<'float32'> = { dtype: 'float32', shape: p.map((q) => q.output), data };
  return [out];
};
