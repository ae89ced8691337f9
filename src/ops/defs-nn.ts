/**
 * Neural-network ops: convolutions, pools, Gemm/MatMul, softmax and the normalisations. Output
 * sizes follow onnx docs/Operators.md (Conv, ConvTranspose "output_shape", MaxPool/AveragePool
 * "output_spatial_shape"); versions and attributes follow docs/Changelog.md.
 */

import {
  attr,
  autoPadOf,
  fail,
  info,
  intAttr,
  intsAttr,
  normAxis,
  req,
  shapeOf,
  versions,
  windowOutput,
  windows,
} from './shape-math.js';
import type { AttrSpec, Dim, InferContext, InferFn, OpSchema } from './types.js';

/** Fails unless two known dims agree. */
function agree(ctx: InferContext, a: Dim | undefined, b: Dim | undefined, what: string): void {
  if (typeof a === 'number' && typeof b === 'number' && a !== b) fail(ctx, `${what}: ${a} vs ${b}`);
}

/** Input 0 as [N, C, spatial...] with at least one spatial axis. */
function spatialInput(ctx: InferContext): readonly Dim[] | undefined {
  const x = shapeOf(ctx, 0);
  if (x !== undefined && x.length < 3) fail(ctx, `X must be [N, C, D1, ...], got rank ${x.length}`);
  return x;
}

/** The kernel: the `kernel_shape` attribute, else W's spatial dims (Conv), else unknown. */
function kernelOf(ctx: InferContext, w: readonly Dim[] | undefined, spatial: number): number[] | undefined {
  const k = intsAttr(ctx, 'kernel_shape');
  if (k !== undefined) {
    if (k.length !== spatial) fail(ctx, `kernel_shape has ${k.length} values for ${spatial} spatial axes`);
    return k;
  }
  const fromW = w?.slice(2);
  return fromW?.every((d) => typeof d === 'number') ? (fromW as number[]) : undefined;
}

/** Conv: Y = [N, M, out...] with M = W[0]; X[1] must be W[1] × group (Operators.md Conv). */
const convInfer: InferFn = (ctx) => {
  const x = spatialInput(ctx);
  const w = shapeOf(ctx, 1);
  const dtype = ctx.inputs[0]?.dtype;
  if (x === undefined) return [info(dtype, undefined)];
  if (w !== undefined && w.length !== x.length) fail(ctx, `W has rank ${w.length}, X rank ${x.length}`);
  const group = intAttr(ctx, 'group') ?? 1;
  const wc = w?.[1];
  if (typeof wc === 'number') agree(ctx, x[1], wc * group, 'input channels vs W[1] × group');
  const spatial = x.length - 2;
  const kernel = kernelOf(ctx, w, spatial);
  if (kernel !== undefined && w !== undefined) {
    for (const [i, k] of kernel.entries()) agree(ctx, w[i + 2], k, 'kernel_shape vs W');
  }
  const pad = autoPadOf(ctx);
  const out: Dim[] = [x[0] ?? null, w?.[0] ?? null];
  if (kernel === undefined) out.push(...new Array<Dim>(spatial).fill(null));
  else {
    const ws = windows(ctx, kernel);
    for (const [i, g] of ws.entries()) out.push(windowOutput(ctx, x[i + 2] ?? null, g, pad, false));
  }
  return [info(dtype, out)];
};

/**
 * ConvTranspose (Operators.md ConvTranspose): channels W[1] × group; spatial size from
 * `output_shape` when given, else stride × (in − 1) + output_padding + dilated kernel − pads,
 * or in × stride under SAME_*.
 */
const convTransposeInfer: InferFn = (ctx) => {
  const x = spatialInput(ctx);
  const w = shapeOf(ctx, 1);
  const dtype = ctx.inputs[0]?.dtype;
  if (x === undefined) return [info(dtype, undefined)];
  if (w !== undefined && w.length !== x.length) fail(ctx, `W has rank ${w.length}, X rank ${x.length}`);
  const group = intAttr(ctx, 'group') ?? 1;
  agree(ctx, x[1], w?.[0], 'input channels vs W[0]');
  const spatial = x.length - 2;
  const wm = w?.[1];
  const out: Dim[] = [x[0] ?? null, typeof wm === 'number' ? wm * group : null];
  const given = intsAttr(ctx, 'output_shape');
  if (given !== undefined) {
    // output_shape may list only the spatial dims or the whole shape (Operators.md ConvTranspose).
    const tail = given.length === x.length ? given.slice(2) : given;
    if (tail.length !== spatial)
      fail(ctx, `output_shape has ${given.length} values for ${spatial} spatial axes`);
    return [info(dtype, [...out, ...tail])];
  }
  const kernel = kernelOf(ctx, w, spatial);
  if (kernel === undefined) return [info(dtype, [...out, ...new Array<Dim>(spatial).fill(null)])];
  const ws = windows(ctx, kernel);
  const outPad = intsAttr(ctx, 'output_padding') ?? new Array<number>(spatial).fill(0);
  if (outPad.length !== spatial) fail(ctx, `output_padding has ${outPad.length} values for ${spatial} axes`);
  const pad = autoPadOf(ctx);
  for (const [i, g] of ws.entries()) {
    const d = x[i + 2];
    if (typeof d !== 'number') out.push(null);
    else if (pad === 'SAME_UPPER' || pad === 'SAME_LOWER') out.push(d * g.stride);
    else {
      const pads = pad === 'VALID' ? 0 : g.padBegin + g.padEnd;
      const size = g.stride * (d - 1) + (outPad[i] as number) + (g.kernel - 1) * g.dilation + 1 - pads;
      if (size < 1) fail(ctx, `output size ${size} on spatial axis ${i} is not positive`);
      out.push(size);
    }
  }
  return [info(dtype, out)];
};

/** MaxPool / AveragePool: [N, C, out...]; MaxPool's Indices (int64) has Y's shape. */
export const poolInfer: InferFn = (ctx) => {
  const x = spatialInput(ctx);
  const dtype = ctx.inputs[0]?.dtype;
  let y: Dim[] | undefined;
  if (x !== undefined) {
    const spatial = x.length - 2;
    const kernel = kernelOf(ctx, undefined, spatial);
    if (kernel === undefined) fail(ctx, 'kernel_shape is required');
    const ws = windows(ctx, kernel);
    const pad = autoPadOf(ctx);
    const ceil = intAttr(ctx, 'ceil_mode') === 1;
    y = [x[0] ?? null, x[1] ?? null];
    for (const [i, g] of ws.entries()) y.push(windowOutput(ctx, x[i + 2] ?? null, g, pad, ceil));
  }
  return ctx.node.outputs.map((_, i) => info(i === 0 ? dtype : 'int64', y));
};

/** GlobalAveragePool / GlobalMaxPool: every spatial dim becomes 1. */
export const globalPoolInfer: InferFn = (ctx) => {
  const x = spatialInput(ctx);
  return [
    info(
      ctx.inputs[0]?.dtype,
      x?.map((d, i) => (i < 2 ? d : 1)),
    ),
  ];
};

/** Gemm: A [M, K] (or [K, M] with transA), B [K, N] (or [N, K]) → [M, N]; C broadcasts to it. */
const gemmInfer: InferFn = (ctx) => {
  const a = shapeOf(ctx, 0);
  const b = shapeOf(ctx, 1);
  const dtype = ctx.inputs[0]?.dtype;
  if (a !== undefined && a.length !== 2) fail(ctx, `A must be 2-D, got rank ${a.length}`);
  if (b !== undefined && b.length !== 2) fail(ctx, `B must be 2-D, got rank ${b.length}`);
  const ta = intAttr(ctx, 'transA') === 1;
  const tb = intAttr(ctx, 'transB') === 1;
  const m = a === undefined ? null : (a[ta ? 1 : 0] ?? null);
  const ka = a === undefined ? null : (a[ta ? 0 : 1] ?? null);
  const kb = b === undefined ? null : (b[tb ? 1 : 0] ?? null);
  const n = b === undefined ? null : (b[tb ? 0 : 1] ?? null);
  agree(ctx, ka, kb, 'inner dimensions of A and B');
  if (a === undefined && b === undefined) return [info(dtype, undefined)];
  return [info(dtype, [m, n])];
};

/**
 * MatMul with numpy.matmul semantics (Operators.md MatMul): a 1-D A gains a leading 1 and a 1-D
 * B a trailing 1, both removed afterwards; leading (batch) dims broadcast.
 */
const matmulInfer: InferFn = (ctx) => {
  const a0 = shapeOf(ctx, 0);
  const b0 = shapeOf(ctx, 1);
  const dtype = ctx.inputs[0]?.dtype;
  if (a0 === undefined || b0 === undefined) return [info(dtype, undefined)];
  if (a0.length === 0 || b0.length === 0) fail(ctx, 'inputs must have rank ≥ 1');
  const a = a0.length === 1 ? [1, ...a0] : a0;
  const b = b0.length === 1 ? [...b0, 1] : b0;
  agree(ctx, a[a.length - 1], b[b.length - 2], 'inner dimensions of A and B');
  const batchA = a.slice(0, -2);
  const batchB = b.slice(0, -2);
  const rank = Math.max(batchA.length, batchB.length);
  const batch: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    // a missing leading dim is 1; an unknown one (null) stays unknown
    const ia = i - (rank - batchA.length);
    const ib = i - (rank - batchB.length);
    const x = ia < 0 ? 1 : (batchA[ia] as Dim);
    const y = ib < 0 ? 1 : (batchB[ib] as Dim);
    if (x === 1) batch.push(y);
    else if (y === 1 || x === y) batch.push(x);
    else if (typeof x === 'number' && typeof y === 'number')
      fail(ctx, `batch dims ${x} and ${y} do not broadcast`);
    else batch.push(typeof x === 'number' ? x : typeof y === 'number' ? y : null);
  }
  const out: Dim[] = [...batch];
  if (a0.length > 1) out.push(a[a.length - 2] ?? null);
  if (b0.length > 1) out.push(b[b.length - 1] ?? null);
  return [info(dtype, out)];
};

/** Softmax / LogSoftmax: same shape; the axis must be in range. */
const softmaxInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  if (x !== undefined) normAxis(ctx, intAttr(ctx, 'axis') ?? -1, x.length);
  return [ctx.inputs[0]];
};

/** Checks that input `i` is 1-D of X's channel count. */
function perChannel(ctx: InferContext, i: number, c: Dim | undefined, what: string): void {
  const s = shapeOf(ctx, i);
  if (s === undefined) return;
  if (s.length !== 1) fail(ctx, `${what} must be 1-D, got rank ${s.length}`);
  agree(ctx, s[0], c, `${what} length vs channels`);
}

/**
 * BatchNormalization: Y like X; the optional statistics outputs are [C]. Before opset 9, `spatial=0`
 * took per-element statistics (Changelog BatchNormalization-7), which the per-channel check skips.
 */
const batchNormInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  if (x !== undefined && x.length < 2) fail(ctx, `X must have rank ≥ 2, got ${x.length}`);
  const c = x?.[1];
  if ((intAttr(ctx, 'spatial') ?? 1) === 1) {
    for (const [k, n] of ['scale', 'B', 'mean', 'var'].entries()) perChannel(ctx, k + 1, c, n);
  }
  const stat = info(ctx.inputs[0]?.dtype, c === undefined ? undefined : [c]);
  return ctx.node.outputs.map((_, i) => (i === 0 ? ctx.inputs[0] : stat));
};

/** InstanceNormalization: Y like X; scale and B are [C]. */
const instanceNormInfer: InferFn = (ctx) => {
  const x = spatialInput(ctx);
  perChannel(ctx, 1, x?.[1], 'scale');
  perChannel(ctx, 2, x?.[1], 'B');
  return [ctx.inputs[0]];
};

/**
 * LayerNormalization-17: Y like X; Mean and InvStdDev keep X's leading dims up to `axis` and 1s
 * after it, in the `stash_type` element type (1 = float).
 */
const layerNormInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  let stats: Dim[] | undefined;
  if (x !== undefined) {
    const axis = normAxis(ctx, intAttr(ctx, 'axis') ?? -1, x.length);
    stats = x.map((d, i) => (i < axis ? d : 1));
  }
  const stash = intAttr(ctx, 'stash_type') === 1 ? 'float32' : ctx.inputs[0]?.dtype;
  return ctx.node.outputs.map((_, i) => (i === 0 ? ctx.inputs[0] : info(stash, stats)));
};

const CONV_ATTRS: AttrSpec[] = [
  attr('auto_pad', 'string', 'NOTSET'),
  attr('dilations', 'ints'),
  attr('group', 'int', 1),
  attr('kernel_shape', 'ints'),
  attr('pads', 'ints'),
  attr('strides', 'ints'),
];
/** The attributes every pool version has (MaxPool-1, AveragePool-1, LpPool-2). */
export const POOL_BASE: AttrSpec[] = [
  attr('auto_pad', 'string', 'NOTSET'),
  req('kernel_shape', 'ints'),
  attr('pads', 'ints'),
  attr('strides', 'ints'),
];
const EPSILON = Math.fround(1e-5);
const MOMENTUM = Math.fround(0.9);

/** The schemas of this family. */
export const NN_SCHEMAS: readonly OpSchema[] = [
  ...versions('Conv', [1, 11, 22], {
    inputs: 'X W B?',
    outputs: 'Y',
    attributes: CONV_ATTRS,
    infer: convInfer,
  }),
  ...versions('ConvTranspose', [1, 11, 22], {
    inputs: 'X W B?',
    outputs: 'Y',
    attributes: [...CONV_ATTRS, attr('output_padding', 'ints'), attr('output_shape', 'ints')],
    infer: convTransposeInfer,
  }),
  ...versions('MaxPool', [1], { inputs: 'X', outputs: 'Y', attributes: POOL_BASE, infer: poolInfer }),
  ...versions('MaxPool', [8], {
    inputs: 'X',
    outputs: 'Y Indices?',
    attributes: [...POOL_BASE, attr('storage_order', 'int', 0)],
    infer: poolInfer,
  }),
  // MaxPool-10 added ceil_mode and dilations (Changelog MaxPool-10).
  ...versions('MaxPool', [10, 11, 12, 22], {
    inputs: 'X',
    outputs: 'Y Indices?',
    attributes: [
      ...POOL_BASE,
      attr('ceil_mode', 'int', 0),
      attr('dilations', 'ints'),
      attr('storage_order', 'int', 0),
    ],
    infer: poolInfer,
  }),
  ...versions('AveragePool', [1], { inputs: 'X', outputs: 'Y', attributes: POOL_BASE, infer: poolInfer }),
  ...versions('AveragePool', [7], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [...POOL_BASE, attr('count_include_pad', 'int', 0)],
    infer: poolInfer,
  }),
  ...versions('AveragePool', [10, 11], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [...POOL_BASE, attr('ceil_mode', 'int', 0), attr('count_include_pad', 'int', 0)],
    infer: poolInfer,
  }),
  // AveragePool-19 added dilations (Changelog AveragePool-19).
  ...versions('AveragePool', [19, 22], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [
      ...POOL_BASE,
      attr('ceil_mode', 'int', 0),
      attr('count_include_pad', 'int', 0),
      attr('dilations', 'ints'),
    ],
    infer: poolInfer,
  }),
  ...versions('GlobalAveragePool', [1, 22], { inputs: 'X', outputs: 'Y', infer: globalPoolInfer }),
  ...versions('GlobalMaxPool', [1, 22], { inputs: 'X', outputs: 'Y', infer: globalPoolInfer }),
  ...versions('Gemm', [1, 6], {
    inputs: 'A B C',
    outputs: 'Y',
    attributes: [
      attr('alpha', 'float', 1),
      attr('beta', 'float', 1),
      attr('broadcast', 'int', 0),
      attr('transA', 'int', 0),
      attr('transB', 'int', 0),
    ],
    infer: gemmInfer,
  }),
  ...versions('Gemm', [7, 9], {
    inputs: 'A B C',
    outputs: 'Y',
    attributes: [
      attr('alpha', 'float', 1),
      attr('beta', 'float', 1),
      attr('transA', 'int', 0),
      attr('transB', 'int', 0),
    ],
    infer: gemmInfer,
  }),
  // Gemm-11 made C optional (Changelog Gemm-11).
  ...versions('Gemm', [11, 13], {
    inputs: 'A B C?',
    outputs: 'Y',
    attributes: [
      attr('alpha', 'float', 1),
      attr('beta', 'float', 1),
      attr('transA', 'int', 0),
      attr('transB', 'int', 0),
    ],
    infer: gemmInfer,
  }),
  ...versions('MatMul', [1, 9, 13], { inputs: 'A B', outputs: 'Y', infer: matmulInfer }),
  // Softmax-13 changed the default axis from 1 to -1 and stopped coercing the input to 2-D (Changelog Softmax-13).
  ...versions('Softmax', [1, 11], {
    inputs: 'input',
    outputs: 'output',
    attributes: [attr('axis', 'int', 1)],
    infer: softmaxInfer,
  }),
  ...versions('Softmax', [13], {
    inputs: 'input',
    outputs: 'output',
    attributes: [attr('axis', 'int', -1)],
    infer: softmaxInfer,
  }),
  ...versions('LogSoftmax', [1, 11], {
    inputs: 'input',
    outputs: 'output',
    attributes: [attr('axis', 'int', 1)],
    infer: softmaxInfer,
  }),
  ...versions('LogSoftmax', [13], {
    inputs: 'input',
    outputs: 'output',
    attributes: [attr('axis', 'int', -1)],
    infer: softmaxInfer,
  }),
  ...versions('BatchNormalization', [1], {
    inputs: 'X scale B mean var',
    outputs: 'Y mean? var? saved_mean? saved_var?',
    attributes: [
      req('consumed_inputs', 'ints'),
      attr('epsilon', 'float', EPSILON),
      attr('is_test', 'int', 0),
      attr('momentum', 'float', MOMENTUM),
      attr('spatial', 'int', 1),
    ],
    infer: batchNormInfer,
  }),
  ...versions('BatchNormalization', [6], {
    inputs: 'X scale B mean var',
    outputs: 'Y mean? var? saved_mean? saved_var?',
    attributes: [
      attr('epsilon', 'float', EPSILON),
      attr('is_test', 'int', 0),
      attr('momentum', 'float', MOMENTUM),
      attr('spatial', 'int', 1),
    ],
    infer: batchNormInfer,
  }),
  ...versions('BatchNormalization', [7], {
    inputs: 'X scale B mean var',
    outputs: 'Y mean? var? saved_mean? saved_var?',
    attributes: [
      attr('epsilon', 'float', EPSILON),
      attr('momentum', 'float', MOMENTUM),
      attr('spatial', 'int', 1),
    ],
    infer: batchNormInfer,
  }),
  ...versions('BatchNormalization', [9], {
    inputs: 'X scale B mean var',
    outputs: 'Y mean? var? saved_mean? saved_var?',
    attributes: [attr('epsilon', 'float', EPSILON), attr('momentum', 'float', MOMENTUM)],
    infer: batchNormInfer,
  }),
  // BatchNormalization-14 replaced the four statistics outputs by running_mean/var and `training_mode`.
  ...versions('BatchNormalization', [14, 15], {
    inputs: 'X scale B input_mean input_var',
    outputs: 'Y running_mean? running_var?',
    attributes: [
      attr('epsilon', 'float', EPSILON),
      attr('momentum', 'float', MOMENTUM),
      attr('training_mode', 'int', 0),
    ],
    infer: batchNormInfer,
  }),
  ...versions('InstanceNormalization', [1], {
    inputs: 'input scale B',
    outputs: 'output',
    attributes: [attr('consumed_inputs', 'ints'), attr('epsilon', 'float', EPSILON)],
    infer: instanceNormInfer,
  }),
  ...versions('InstanceNormalization', [6, 22], {
    inputs: 'input scale B',
    outputs: 'output',
    attributes: [attr('epsilon', 'float', EPSILON)],
    infer: instanceNormInfer,
  }),
  ...versions('LayerNormalization', [17], {
    inputs: 'X Scale B?',
    outputs: 'Y Mean? InvStdDev?',
    attributes: [attr('axis', 'int', -1), attr('epsilon', 'float', EPSILON), attr('stash_type', 'int', 1)],
    infer: layerNormInfer,
  }),
];
