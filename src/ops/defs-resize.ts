/**
 * Ops whose output size comes from amounts given as attributes or (from some opset on) as
 * inputs: Pad (Pad-11: pads input; Pad-18: axes input), Resize (10/11/13/18/19), Upsample
 * (7: scales attribute; 9: scales input; deprecated at 10), ReduceSum (13: axes input) and
 * ReduceMean (18: axes input). Sources: onnx docs/Operators.md and docs/Changelog.md.
 */

import {
  attr,
  fail,
  floatAttr,
  floatsAttr,
  info,
  intAttr,
  intsAttr,
  normAxis,
  req,
  shapeOf,
  stringAttr,
  versions,
} from './shape-math.js';
import type { AttrSpec, Dim, InferContext, InferFn, OpSchema } from './types.js';

/** True when the node gives input `i` (present and not the empty name). */
function given(ctx: InferContext, i: number): boolean {
  return ctx.node.inputs.length > i && ctx.node.inputs[i] !== '';
}

/** Pad: each padded axis grows by its begin and end pads (negative pads crop). */
const padInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const dtype = ctx.inputs[0]?.dtype;
  if (x === undefined) return [info(dtype, undefined)];
  const pads = given(ctx, 1) ? ctx.value(1) : (intsAttr(ctx, 'pads') ?? intsAttr(ctx, 'paddings'));
  const axes0 = given(ctx, 3) ? ctx.value(3) : null;
  if (axes0 === undefined)
    return [
      info(
        dtype,
        x.map(() => null),
      ),
    ];
  const axes = axes0 === null ? x.map((_, i) => i) : axes0.map((a) => normAxis(ctx, a, x.length));
  if (pads === undefined)
    return [
      info(
        dtype,
        x.map((d, i) => (axes.includes(i) ? null : d)),
      ),
    ];
  const n = axes.length;
  if (pads.length !== 2 * n) fail(ctx, `pads has ${pads.length} values for ${n} axes (needs ${2 * n})`);
  const out: Dim[] = [...x];
  axes.forEach((a, k) => {
    const d = x[a];
    if (typeof d !== 'number') out[a] = null;
    else {
      const size = d + (pads[k] as number) + (pads[k + n] as number);
      if (size < 0) fail(ctx, `axis ${a} would have size ${size}`);
      out[a] = size;
    }
  });
  return [info(dtype, out)];
};

/** float32 `floor(dim × scale)`, as onnx's resize shape inference computes it in C++ floats. */
function scaled(d: Dim, scale: number): Dim {
  return typeof d === 'number' ? Math.floor(Math.fround(Math.fround(d) * Math.fround(scale))) : null;
}

/**
 * Resize: `sizes` (when given and non-empty) fix the output dims; else `scales` multiply them
 * (floor). Resize-18's `axes` restricts both to some axes, and `keep_aspect_ratio_policy`
 * (not_larger / not_smaller) turns sizes into one common scale, rounded (Operators.md Resize-18).
 */
const resizeInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const dtype = ctx.inputs[0]?.dtype;
  if (x === undefined) return [info(dtype, undefined)];
  const axesAttr = intsAttr(ctx, 'axes');
  const axes = axesAttr === undefined ? x.map((_, i) => i) : axesAttr.map((a) => normAxis(ctx, a, x.length));
  const scalesAt = ctx.since === 10 ? 1 : 2;
  const sizes = given(ctx, 3) ? ctx.value(3) : undefined;
  const scales = given(ctx, scalesAt) ? ctx.value(scalesAt) : undefined;
  const out: Dim[] = [...x];
  if (sizes !== undefined && sizes.length > 0) {
    if (sizes.length !== axes.length) fail(ctx, `sizes has ${sizes.length} values for ${axes.length} axes`);
    const policy = stringAttr(ctx, 'keep_aspect_ratio_policy') ?? 'stretch';
    if (policy === 'stretch') {
      for (const [k, a] of axes.entries()) out[a] = sizes[k] as number;
    } else {
      const ratios = axes.map((a, k) => {
        const d = x[a];
        return typeof d === 'number' ? (sizes[k] as number) / d : null;
      });
      if (ratios.some((r) => r === null)) {
        for (const a of axes) out[a] = null;
      } else {
        const r =
          policy === 'not_larger' ? Math.min(...(ratios as number[])) : Math.max(...(ratios as number[]));
        for (const a of axes) out[a] = Math.round(r * (x[a] as number));
      }
    }
    return [info(dtype, out)];
  }
  if (scales !== undefined && scales.length > 0) {
    if (scales.length !== axes.length)
      fail(ctx, `scales has ${scales.length} values for ${axes.length} axes`);
    axes.forEach((a, k) => {
      const s = scales[k] as number;
      if (!(s > 0)) fail(ctx, `scale ${s} is not positive`);
      out[a] = scaled(x[a] ?? null, s);
    });
    return [info(dtype, out)];
  }
  return [
    info(
      dtype,
      x.map((d, i) => (axes.includes(i) ? null : d)),
    ),
  ];
};

/** Upsample: floor(dim × scale) per axis; scales from attributes (1, 7) or input (9). */
const upsampleInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const dtype = ctx.inputs[0]?.dtype;
  if (x === undefined) return [info(dtype, undefined)];
  let scales: readonly number[] | undefined;
  if (ctx.since === 1) {
    if (x.length !== 4) fail(ctx, `Upsample-1 takes a 4-D input, got rank ${x.length}`);
    scales = [1, 1, floatAttr(ctx, 'height_scale') ?? 1, floatAttr(ctx, 'width_scale') ?? 1];
  } else scales = ctx.since === 7 ? floatsAttr(ctx, 'scales') : ctx.value(1);
  if (scales === undefined)
    return [
      info(
        dtype,
        x.map(() => null),
      ),
    ];
  if (scales.length !== x.length) fail(ctx, `scales has ${scales.length} values for rank ${x.length}`);
  return [
    info(
      dtype,
      x.map((d, i) => scaled(d, scales[i] as number)),
    ),
  ];
};

/**
 * ReduceSum / ReduceMean: the reduced axes become 1 (keepdims) or vanish. No axes means all
 * axes, or none with `noop_with_empty_axes` (ReduceSum-13, ReduceMean-18).
 */
export const reduceInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const dtype = ctx.inputs[0]?.dtype;
  const keep = (intAttr(ctx, 'keepdims') ?? 1) === 1;
  if (x === undefined) return [info(dtype, undefined)];
  let axes0: readonly number[] | undefined = intsAttr(ctx, 'axes');
  if (given(ctx, 1)) {
    axes0 = ctx.value(1);
    if (axes0 === undefined) return [info(dtype, keep ? x.map(() => null) : undefined)];
  }
  if (axes0 === undefined || axes0.length === 0) {
    if (intAttr(ctx, 'noop_with_empty_axes') === 1) return [ctx.inputs[0]];
    axes0 = x.map((_, i) => i);
  }
  const axes = axes0.map((a) => normAxis(ctx, a, x.length));
  const out: Dim[] = [];
  x.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keep) out.push(1);
  });
  return [info(dtype, out)];
};

const RESIZE_11: AttrSpec[] = [
  attr('coordinate_transformation_mode', 'string', 'half_pixel'),
  attr('cubic_coeff_a', 'float', -0.75),
  attr('exclude_outside', 'int', 0),
  attr('extrapolation_value', 'float', 0),
  attr('mode', 'string', 'nearest'),
  attr('nearest_mode', 'string', 'round_prefer_floor'),
];
const KEEPDIMS = attr('keepdims', 'int', 1);
const NOOP = attr('noop_with_empty_axes', 'int', 0);

/** The schemas of this family. */
export const RESIZE_SCHEMAS: readonly OpSchema[] = [
  ...versions('Pad', [1], {
    inputs: 'data',
    outputs: 'output',
    attributes: [attr('mode', 'string', 'constant'), req('paddings', 'ints'), attr('value', 'float', 0)],
    infer: padInfer,
  }),
  ...versions('Pad', [2], {
    inputs: 'data',
    outputs: 'output',
    attributes: [attr('mode', 'string', 'constant'), req('pads', 'ints'), attr('value', 'float', 0)],
    infer: padInfer,
  }),
  ...versions('Pad', [11, 13], {
    inputs: 'data pads constant_value?',
    outputs: 'output',
    attributes: [attr('mode', 'string', 'constant')],
    infer: padInfer,
  }),
  // Pad-18 added the axes input; Pad-19 the 'wrap' mode (Changelog Pad-18, Pad-19).
  ...versions('Pad', [18, 19, 21, 23], {
    inputs: 'data pads constant_value? axes?',
    outputs: 'output',
    attributes: [attr('mode', 'string', 'constant')],
    infer: padInfer,
  }),
  ...versions('Resize', [10], {
    inputs: 'X scales',
    outputs: 'Y',
    attributes: [attr('mode', 'string', 'nearest')],
    infer: resizeInfer,
  }),
  ...versions('Resize', [11], {
    inputs: 'X roi scales sizes?',
    outputs: 'Y',
    attributes: RESIZE_11,
    infer: resizeInfer,
  }),
  ...versions('Resize', [13], {
    inputs: 'X roi? scales? sizes?',
    outputs: 'Y',
    attributes: RESIZE_11,
    infer: resizeInfer,
  }),
  // Resize-18: antialias, axes, keep_aspect_ratio_policy; Resize-19: the half_pixel_symmetric mode.
  ...versions('Resize', [18, 19], {
    inputs: 'X roi? scales? sizes?',
    outputs: 'Y',
    attributes: [
      attr('antialias', 'int', 0),
      attr('axes', 'ints'),
      ...RESIZE_11.slice(0, 5),
      attr('keep_aspect_ratio_policy', 'string', 'stretch'),
      ...RESIZE_11.slice(5),
    ],
    infer: resizeInfer,
  }),
  ...versions('Upsample', [1], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [
      req('height_scale', 'float'),
      attr('mode', 'string', 'nearest'),
      req('width_scale', 'float'),
    ],
    infer: upsampleInfer,
  }),
  ...versions('Upsample', [7], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [attr('mode', 'string', 'nearest'), req('scales', 'floats')],
    infer: upsampleInfer,
  }),
  ...versions('Upsample', [9], {
    inputs: 'X scales',
    outputs: 'Y',
    attributes: [attr('mode', 'string', 'nearest')],
    infer: upsampleInfer,
  }),
  // Upsample-10 is deprecated in favour of Resize (Changelog Upsample-10).
  ...versions('Upsample', [10], {
    inputs: 'X scales',
    outputs: 'Y',
    attributes: [attr('mode', 'string', 'nearest')],
    infer: upsampleInfer,
    deprecated: true,
  }),
  ...versions('ReduceSum', [1, 11], {
    inputs: 'data',
    outputs: 'reduced',
    attributes: [attr('axes', 'ints'), KEEPDIMS],
    infer: reduceInfer,
  }),
  ...versions('ReduceSum', [13], {
    inputs: 'data axes?',
    outputs: 'reduced',
    attributes: [KEEPDIMS, NOOP],
    infer: reduceInfer,
  }),
  ...versions('ReduceMean', [1, 11, 13], {
    inputs: 'data',
    outputs: 'reduced',
    attributes: [attr('axes', 'ints'), KEEPDIMS],
    infer: reduceInfer,
  }),
  ...versions('ReduceMean', [18], {
    inputs: 'data axes?',
    outputs: 'reduced',
    attributes: [KEEPDIMS, NOOP],
    infer: reduceInfer,
  }),
];
