/**
 * Shape-manipulating ops: Flatten, Reshape, Transpose, Concat, Split, Slice, Gather, Squeeze,
 * Unsqueeze, Expand, Shape, Constant, ConstantOfShape. Many of them moved an attribute to an
 * input at some opset (docs/Changelog.md: Reshape-5, Slice-10, Split-13, Squeeze-13,
 * Unsqueeze-13); the input's value is then needed as a constant for the output shape to be known.
 */

import {
  attr,
  broadcast,
  fail,
  info,
  intAttr,
  intsAttr,
  normAxis,
  product,
  req,
  shapeOf,
  versions,
} from './shape-math.js';
import { reshapeToDims } from './shape-vectors.js';
import type { Dim, InferContext, InferFn, OpSchema } from './types.js';

/**
 * Reshape's target (Operators.md Reshape): 0 copies the input dim at that index (unless
 * `allowzero`), one −1 takes what is left. Dims copied by 0 cancel out of the −1 computation,
 * so `[N, 3, 4]` to `[0, -1]` gives `[N, 12]` even with N symbolic.
 */
function reshapeTo(
  ctx: InferContext,
  x: readonly Dim[] | undefined,
  target: readonly number[],
  zero: boolean,
): Dim[] {
  const out: Dim[] = [];
  const copied = new Set<number>();
  let free = -1;
  target.forEach((t, i) => {
    if (t === -1) {
      if (free >= 0) fail(ctx, 'shape has more than one -1');
      free = i;
      out.push(null);
    } else if (t === 0 && !zero) {
      if (x !== undefined && i >= x.length)
        fail(ctx, `shape[${i}] = 0 copies a dim the input (rank ${x.length}) lacks`);
      copied.add(i);
      out.push(x?.[i] ?? null);
    } else if (t < 0 || !Number.isInteger(t)) fail(ctx, `shape[${i}] = ${t} is not a dimension`);
    else out.push(t);
  });
  if (x === undefined) return out;
  const inProd = product(x.filter((_, i) => !copied.has(i)));
  const outProd = product(out.filter((_, i) => i !== free && !copied.has(i)));
  if (inProd === null || outProd === null) return out;
  if (free >= 0) {
    if (outProd === 0 ? inProd !== 0 : inProd % outProd !== 0) {
      fail(ctx, `cannot reshape [${x.join(', ')}] to [${target.join(', ')}]`);
    }
    out[free] = outProd === 0 ? 0 : inProd / outProd;
  } else if (inProd !== outProd)
    fail(ctx, `cannot reshape [${x.join(', ')}] (${inProd} elements) to [${target.join(', ')}]`);
  return out;
}

const reshapeInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const dtype = ctx.inputs[0]?.dtype;
  const zero = intAttr(ctx, 'allowzero') === 1;
  const target = ctx.node.inputs.length > 1 ? ctx.value(1) : intsAttr(ctx, 'shape');
  if (target !== undefined) return [info(dtype, reshapeTo(ctx, x, target, zero))];
  const sym = ctx.node.inputs.length > 1 ? ctx.dims?.(1) : undefined;
  if (sym !== undefined) return [info(dtype, reshapeToDims(ctx, x, sym, zero))];
  const s = shapeOf(ctx, 1);
  const n = s?.[0];
  return [info(dtype, s?.length === 1 && typeof n === 'number' ? new Array<Dim>(n).fill(null) : undefined)];
};

/** Flatten: [prod(d[:axis]), prod(d[axis:])], axis in [-r, r] (Operators.md Flatten-13). */
const flattenInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  if (x === undefined) return [info(ctx.inputs[0]?.dtype, [null, null])];
  const axis = normAxis(ctx, intAttr(ctx, 'axis') ?? 1, x.length, true);
  return [info(ctx.inputs[0]?.dtype, [product(x.slice(0, axis)), product(x.slice(axis))])];
};

/** Transpose: `perm` (default: reversed axes) must be a permutation of the axes. */
const transposeInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  if (x === undefined) return [info(ctx.inputs[0]?.dtype, undefined)];
  const perm = intsAttr(ctx, 'perm') ?? x.map((_, i) => x.length - 1 - i);
  const sorted = [...perm].sort((a, b) => a - b);
  if (perm.length !== x.length || sorted.some((p, i) => p !== i)) {
    fail(ctx, `perm [${perm.join(', ')}] is not a permutation of ${x.length} axes`);
  }
  return [
    info(
      ctx.inputs[0]?.dtype,
      perm.map((p) => x[p] ?? null),
    ),
  ];
};

/** Concat: equal ranks, equal dims off the axis, the axis dims summed. */
const concatInfer: InferFn = (ctx) => {
  const shapes = ctx.inputs.map((t) => t?.shape);
  const dtype = ctx.inputs.find((t) => t?.dtype !== undefined)?.dtype;
  const known = shapes.filter((s): s is readonly Dim[] => s !== undefined);
  if (known.length === 0) return [info(dtype, undefined)];
  const rank = (known[0] as readonly Dim[]).length;
  if (known.some((s) => s.length !== rank)) fail(ctx, 'inputs have different ranks');
  const axis = normAxis(ctx, intAttr(ctx, 'axis') ?? 1, rank);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    if (i === axis) {
      out.push(known.length === shapes.length ? sumDims(known.map((s) => s[i] ?? null)) : null);
      continue;
    }
    const nums = known.map((s) => s[i]).filter((d) => typeof d === 'number');
    if (new Set(nums).size > 1) fail(ctx, `inputs disagree on axis ${i}: ${[...new Set(nums)].join(' vs ')}`);
    const syms = known.map((s) => s[i]).filter((d) => typeof d === 'string');
    out.push(
      nums[0] ?? (syms.length === known.length && new Set(syms).size === 1 ? (syms[0] as string) : null),
    );
  }
  return [info(dtype, out)];
};

function sumDims(dims: readonly Dim[]): Dim {
  let s = 0;
  for (const d of dims) {
    if (typeof d !== 'number') return null;
    s += d;
  }
  return s;
}

/**
 * Split: sizes from the `split` attribute (≤ 11) or input (1 and ≥ 13), else equal parts; from 18
 * `num_outputs` allows a smaller last part (Changelog Split-18: "the last chunk will be smaller").
 */
const splitInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const n = ctx.node.outputs.length;
  const dtype = ctx.inputs[0]?.dtype;
  if (x === undefined) return ctx.node.outputs.map(() => info(dtype, undefined));
  const axis = normAxis(ctx, intAttr(ctx, 'axis') ?? 0, x.length);
  const dim = x[axis] ?? null;
  const hasInput = ctx.node.inputs.length > 1 && ctx.node.inputs[1] !== '';
  let sizes: readonly (number | null)[] | undefined = hasInput ? ctx.value(1) : intsAttr(ctx, 'split');
  const numOutputs = intAttr(ctx, 'num_outputs');
  if (numOutputs !== undefined && numOutputs !== n) fail(ctx, `num_outputs ${numOutputs} but ${n} outputs`);
  if (hasInput && sizes === undefined) sizes = new Array<null>(n).fill(null);
  if (sizes !== undefined) {
    if (sizes.length !== n) fail(ctx, `split has ${sizes.length} sizes for ${n} outputs`);
    const total = sizes.every((s) => s !== null) ? (sizes as number[]).reduce((a, b) => a + b, 0) : null;
    if (typeof dim === 'number' && total !== null && total !== dim)
      fail(ctx, `split sizes sum to ${total}, axis is ${dim}`);
  } else if (typeof dim === 'number') {
    if (numOutputs !== undefined) {
      const chunk = Math.ceil(dim / n);
      const last = dim - chunk * (n - 1);
      if (last < 0) fail(ctx, `axis ${dim} cannot be split into ${n} parts`);
      sizes = Array.from({ length: n }, (_, i) => (i === n - 1 ? last : chunk));
    } else {
      if (dim % n !== 0) fail(ctx, `axis ${dim} does not split evenly into ${n} outputs`);
      sizes = new Array<number>(n).fill(dim / n);
    }
  }
  return ctx.node.outputs.map((_, i) =>
    info(
      dtype,
      x.map((d, k) => (k === axis ? (sizes?.[i] ?? null) : d)),
    ),
  );
};

/**
 * One sliced axis (Operators.md Slice-13): negative starts/ends count from the end; starts clamp
 * to [0, d] (to [0, d−1] for negative steps), ends to [0, d] (to [−1, d−1]); the length is
 * ceil((end − start) / step), at least 0.
 */
function sliceLength(d: number, start0: number, end0: number, step: number): number {
  let start = start0 < 0 ? start0 + d : start0;
  let end = end0 < 0 ? end0 + d : end0;
  if (step > 0) {
    start = Math.min(Math.max(start, 0), d);
    end = Math.min(Math.max(end, 0), d);
  } else {
    start = Math.min(Math.max(start, 0), d - 1);
    end = Math.min(Math.max(end, -1), d - 1);
  }
  return Math.max(0, Math.ceil((end - start) / step));
}

const sliceInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const dtype = ctx.inputs[0]?.dtype;
  if (x === undefined) return [info(dtype, undefined)];
  const byInput = ctx.node.inputs.length > 1;
  const starts = byInput ? ctx.value(1) : intsAttr(ctx, 'starts');
  const ends = byInput ? ctx.value(2) : intsAttr(ctx, 'ends');
  const given = (i: number): boolean => ctx.node.inputs.length > i && ctx.node.inputs[i] !== '';
  const axes0 = byInput ? (given(3) ? ctx.value(3) : null) : (intsAttr(ctx, 'axes') ?? null);
  const steps0 = byInput && given(4) ? ctx.value(4) : null;
  if (axes0 === undefined)
    return [
      info(
        dtype,
        x.map(() => null),
      ),
    ];
  if (starts === undefined || ends === undefined || steps0 === undefined) {
    if (axes0 === null)
      return [
        info(
          dtype,
          x.map(() => null),
        ),
      ];
    const axes = axes0.map((a) => normAxis(ctx, a, x.length));
    return [
      info(
        dtype,
        x.map((d, i) => (axes.includes(i) ? null : d)),
      ),
    ];
  }
  if (starts.length !== ends.length) fail(ctx, `${starts.length} starts but ${ends.length} ends`);
  const axes = (axes0 ?? starts.map((_, i) => i)).map((a) => normAxis(ctx, a, x.length));
  const steps = steps0 ?? starts.map(() => 1);
  if (axes.length !== starts.length || steps.length !== starts.length)
    fail(ctx, 'starts, ends, axes and steps differ in length');
  if (new Set(axes).size !== axes.length) fail(ctx, 'an axis is sliced twice');
  const out: Dim[] = [...x];
  axes.forEach((a, k) => {
    const step = steps[k] as number;
    if (step === 0) fail(ctx, 'a step is 0');
    const d = x[a];
    out[a] = typeof d === 'number' ? sliceLength(d, starts[k] as number, ends[k] as number, step) : null;
  });
  return [info(dtype, out)];
};

/** Gather: data[:axis] + indices' shape + data[axis+1:] (Operators.md Gather). */
const gatherInfer: InferFn = (ctx) => {
  const d = shapeOf(ctx, 0);
  const idx = shapeOf(ctx, 1);
  const dtype = ctx.inputs[0]?.dtype;
  if (d === undefined || idx === undefined) return [info(dtype, undefined)];
  if (d.length === 0) fail(ctx, 'data must have rank ≥ 1');
  const axis = normAxis(ctx, intAttr(ctx, 'axis') ?? 0, d.length);
  return [info(dtype, [...d.slice(0, axis), ...idx, ...d.slice(axis + 1)])];
};

/** Axes from the `axes` attribute (before 13) or input 1 (from 13); `null` = not given, `undefined` = unknown. */
function axesOf(ctx: InferContext): readonly number[] | null | undefined {
  if (ctx.node.inputs.length > 1 && ctx.node.inputs[1] !== '') return ctx.value(1);
  return intsAttr(ctx, 'axes') ?? null;
}

/** Squeeze: drops the listed axes (which must be 1), or every 1 when none are listed. */
const squeezeInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const dtype = ctx.inputs[0]?.dtype;
  const axes0 = axesOf(ctx);
  if (x === undefined || axes0 === undefined) return [info(dtype, undefined)];
  if (axes0 === null) {
    if (x.some((d) => typeof d !== 'number')) return [info(dtype, undefined)];
    return [
      info(
        dtype,
        x.filter((d) => d !== 1),
      ),
    ];
  }
  const axes = axes0.map((a) => normAxis(ctx, a, x.length));
  for (const a of axes) {
    const d = x[a];
    if (typeof d === 'number' && d !== 1) fail(ctx, `axis ${a} has size ${d}, not 1`);
  }
  return [
    info(
      dtype,
      x.filter((_, i) => !axes.includes(i)),
    ),
  ];
};

/** Unsqueeze: inserts 1s at the listed axes of the output (axes in [−r', r'), r' = r + len(axes)). */
const unsqueezeInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const dtype = ctx.inputs[0]?.dtype;
  const axes0 = axesOf(ctx);
  if (x === undefined || axes0 === undefined || axes0 === null) return [info(dtype, undefined)];
  const rank = x.length + axes0.length;
  const axes = axes0.map((a) => normAxis(ctx, a, rank));
  if (new Set(axes).size !== axes.length) fail(ctx, 'an axis is listed twice');
  const out: Dim[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(axes.includes(i) ? 1 : (x[k++] ?? null));
  return [info(dtype, out)];
};

/** Expand: numpy broadcasting of the input and the `shape` input's value (Operators.md Expand). */
const expandInfer: InferFn = (ctx) => {
  const dtype = ctx.inputs[0]?.dtype;
  const target = ctx.value(1) ?? ctx.dims?.(1);
  const x = shapeOf(ctx, 0);
  if (target !== undefined) return [info(dtype, broadcast(ctx, [x, target]))];
  // Only the target's length is known: the rank is, and X's dims above 1 (the target can only
  // repeat them or hold 1 there), as onnx's inference does.
  const k = shapeOf(ctx, 1)?.[0];
  if (x === undefined || typeof k !== 'number') return [info(dtype, undefined)];
  const rank = Math.max(k, x.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const d = x[i - (rank - x.length)];
    out.push(typeof d === 'number' && d > 1 ? d : null);
  }
  return [info(dtype, out)];
};

/** Shape: 1-D int64 of length end − start (Shape-15 `start`/`end`, clamped to [0, r]). */
const shapeInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  if (x === undefined) return [info('int64', [null])];
  const [start, end] = shapeRange(x.length, intAttr(ctx, 'start') ?? 0, intAttr(ctx, 'end'));
  return [info('int64', [Math.max(0, end - start)])];
};

/** Shape-15's [start, end) window over a rank (Operators.md Shape: negative counts from the end, clamped). */
export function shapeRange(rank: number, start0: number, end0: number | undefined): [number, number] {
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  return [clamp(start0), end0 === undefined ? rank : clamp(end0)];
}

/** Constant: the type of whichever value attribute is set (Operators.md Constant-13: exactly one). */
const constantInfer: InferFn = (ctx) => {
  const set = Object.entries(ctx.node.attributes);
  if (set.length !== 1) fail(ctx, `needs exactly one value attribute, has ${set.length}`);
  const [name, a] = set[0] as [string, (typeof set)[0][1]];
  switch (a.type) {
    case 'tensor':
      return [ctx.tensorInfo(a.value)];
    case 'sparse_tensor':
      return [info(ctx.tensorInfo(a.value.values)?.dtype, a.value.dims)];
    case 'float':
      return [info('float32', [])];
    case 'floats':
      return [info('float32', [a.value.length])];
    case 'int':
      return [info('int64', [])];
    case 'ints':
      return [info('int64', [a.value.length])];
    case 'string':
      return [info(undefined, [])];
    case 'strings':
      return [info(undefined, [a.value.length])];
    default:
      return fail(ctx, `attribute ${name} of type ${a.type} is not a value`);
  }
};

/** ConstantOfShape: the shape input's value gives the dims; the `value` tensor the type (default float). */
const constantOfShapeInfer: InferFn = (ctx) => {
  const v = ctx.attrs.value;
  const dtype = v?.type === 'tensor' ? (ctx.tensorInfo(v.value)?.dtype ?? 'float32') : 'float32';
  const dims = ctx.value(0);
  if (dims !== undefined) {
    if (dims.some((d) => d < 0)) fail(ctx, `negative dimension in [${dims.join(', ')}]`);
    return [info(dtype, dims)];
  }
  const sym = ctx.dims?.(0);
  if (sym !== undefined) return [info(dtype, sym)];
  const s = shapeOf(ctx, 0);
  const n = s?.[0];
  return [info(dtype, s?.length === 1 && typeof n === 'number' ? new Array<Dim>(n).fill(null) : undefined)];
};

const CONSTANT_12 = [
  attr('sparse_value', 'sparse_tensor'),
  attr('value', 'tensor'),
  attr('value_float', 'float'),
  attr('value_floats', 'floats'),
  attr('value_int', 'int'),
  attr('value_ints', 'ints'),
  attr('value_string', 'string'),
  attr('value_strings', 'strings'),
];

/** The schemas of this family. */
export const TENSOR_SCHEMAS: readonly OpSchema[] = [
  ...versions('Reshape', [1], {
    inputs: 'data',
    outputs: 'reshaped',
    attributes: [attr('consumed_inputs', 'ints'), attr('shape', 'ints')],
    infer: reshapeInfer,
  }),
  ...versions('Reshape', [5, 13], { inputs: 'data shape', outputs: 'reshaped', infer: reshapeInfer }),
  ...versions('Reshape', [14, 19, 21, 23], {
    inputs: 'data shape',
    outputs: 'reshaped',
    attributes: [attr('allowzero', 'int', 0)],
    infer: reshapeInfer,
  }),
  ...versions('Flatten', [1, 9, 11, 13, 21, 23], {
    inputs: 'input',
    outputs: 'output',
    attributes: [attr('axis', 'int', 1)],
    infer: flattenInfer,
  }),
  ...versions('Transpose', [1, 13, 21, 23], {
    inputs: 'data',
    outputs: 'transposed',
    attributes: [attr('perm', 'ints')],
    infer: transposeInfer,
  }),
  ...versions('Concat', [1], {
    inputs: 'inputs*',
    outputs: 'concat_result',
    attributes: [attr('axis', 'int')],
    infer: concatInfer,
  }),
  ...versions('Concat', [4, 11, 13], {
    inputs: 'inputs*',
    outputs: 'concat_result',
    attributes: [req('axis', 'int')],
    infer: concatInfer,
  }),
  ...versions('Split', [1], {
    inputs: 'input split?',
    outputs: 'outputs*',
    attributes: [attr('axis', 'int'), attr('split', 'ints')],
    infer: splitInfer,
  }),
  ...versions('Split', [2, 11], {
    inputs: 'input',
    outputs: 'outputs*',
    attributes: [attr('axis', 'int', 0), attr('split', 'ints')],
    infer: splitInfer,
  }),
  ...versions('Split', [13], {
    inputs: 'input split?',
    outputs: 'outputs*',
    attributes: [attr('axis', 'int', 0)],
    infer: splitInfer,
  }),
  ...versions('Split', [18], {
    inputs: 'input split?',
    outputs: 'outputs*',
    attributes: [attr('axis', 'int', 0), attr('num_outputs', 'int')],
    infer: splitInfer,
  }),
  ...versions('Slice', [1], {
    inputs: 'data',
    outputs: 'output',
    attributes: [attr('axes', 'ints'), req('ends', 'ints'), req('starts', 'ints')],
    infer: sliceInfer,
  }),
  ...versions('Slice', [10, 11, 13], {
    inputs: 'data starts ends axes? steps?',
    outputs: 'output',
    infer: sliceInfer,
  }),
  ...versions('Gather', [1, 11, 13], {
    inputs: 'data indices',
    outputs: 'output',
    attributes: [attr('axis', 'int', 0)],
    infer: gatherInfer,
  }),
  ...versions('Squeeze', [1, 11], {
    inputs: 'data',
    outputs: 'squeezed',
    attributes: [attr('axes', 'ints')],
    infer: squeezeInfer,
  }),
  ...versions('Squeeze', [13, 21, 23], { inputs: 'data axes?', outputs: 'squeezed', infer: squeezeInfer }),
  ...versions('Unsqueeze', [1, 11], {
    inputs: 'data',
    outputs: 'expanded',
    attributes: [req('axes', 'ints')],
    infer: unsqueezeInfer,
  }),
  ...versions('Unsqueeze', [13, 21, 23], { inputs: 'data axes', outputs: 'expanded', infer: unsqueezeInfer }),
  ...versions('Expand', [8, 13], { inputs: 'input shape', outputs: 'output', infer: expandInfer }),
  ...versions('Shape', [1, 13], { inputs: 'data', outputs: 'shape', infer: shapeInfer }),
  ...versions('Shape', [15, 19, 21, 23], {
    inputs: 'data',
    outputs: 'shape',
    attributes: [attr('end', 'int'), attr('start', 'int', 0)],
    infer: shapeInfer,
  }),
  ...versions('Constant', [1, 9], {
    inputs: '',
    outputs: 'output',
    attributes: [req('value', 'tensor')],
    infer: constantInfer,
  }),
  ...versions('Constant', [11], {
    inputs: '',
    outputs: 'output',
    attributes: [attr('sparse_value', 'sparse_tensor'), attr('value', 'tensor')],
    infer: constantInfer,
  }),
  ...versions('Constant', [12, 13, 19, 21, 23], {
    inputs: '',
    outputs: 'output',
    attributes: CONSTANT_12,
    infer: constantInfer,
  }),
  ...versions('ConstantOfShape', [9, 20, 21, 23], {
    inputs: 'input',
    outputs: 'output',
    attributes: [attr('value', 'tensor')],
    infer: constantOfShapeInfer,
  }),
];
