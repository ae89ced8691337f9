/**
 * The hermetic graph-models of graph-model-hermetic.test.ts, built as tfjs-converter writes
 * GraphDefs: each function returns one model (Placeholders, manifest Consts, op nodes).
 */
import { GraphModel, T } from './graph-model-helpers.js';

const NHWC = T.s('NHWC');

/** Placeholder NHWC → _FusedConv2D(BiasAdd, Relu) SAME s2 → MaxPool → depthwise → BN → Mean → _FusedMatMul → Softmax. */
export function cnn(): GraphModel {
  const g = new GraphModel();
  g.placeholder('image', [-1, 9, 8, 3]);
  g.weight('conv/filter', [3, 3, 3, 4]);
  g.weight('conv/bias', [4]);
  g.node('conv', '_FusedConv2D', ['image', 'conv/filter', 'conv/bias'], {
    fused_ops: T.strs(['BiasAdd', 'Relu']),
    strides: T.ints([1, 2, 2, 1]),
    dilations: T.ints([1, 1, 1, 1]),
    padding: T.s('SAME'),
    data_format: NHWC,
    num_args: T.i(1),
    epsilon: T.f(0),
  });
  g.node('pool', 'MaxPool', ['conv'], {
    ksize: T.ints([1, 2, 2, 1]),
    strides: T.ints([1, 1, 1, 1]),
    padding: T.s('SAME'),
    data_format: NHWC,
  });
  g.weight('dw/filter', [3, 3, 4, 2]);
  g.node('dw', 'DepthwiseConv2dNative', ['pool', 'dw/filter', '^conv'], {
    strides: T.ints([1, 1, 1, 1]),
    dilations: T.ints([1, 1, 1, 1]),
    padding: T.s('VALID'),
    data_format: NHWC,
  });
  g.weight('bn/scale', [8]);
  g.weight('bn/offset', [8]);
  g.weight('bn/mean', [8]);
  g.weight(
    'bn/var',
    [8],
    1,
    Array.from({ length: 8 }, (_, i) => 0.5 + i / 8),
  );
  g.node('bn', 'FusedBatchNormV3', ['dw', 'bn/scale', 'bn/offset', 'bn/mean', 'bn/var'], {
    epsilon: T.f(0.001),
    is_training: T.b(false),
    data_format: NHWC,
  });
  g.ints('mean/axes', [1, 2]);
  g.node('mean', 'Mean', ['bn', 'mean/axes'], { keep_dims: T.b(false) });
  g.weight('fc/w', [8, 5]);
  g.weight('fc/b', [5]);
  g.node('fc', '_FusedMatMul', ['mean', 'fc/w', 'fc/b'], {
    fused_ops: T.strs(['BiasAdd']),
    transpose_a: T.b(false),
    transpose_b: T.b(false),
  });
  g.node('probs', 'Softmax', ['fc']);
  return g;
}

/** NHWC Conv2D with EXPLICIT padding, stride and dilation, then BiasAdd, Relu6, AvgPool SAME, LeakyRelu. */
export function explicitConv(): GraphModel {
  const g = new GraphModel();
  g.placeholder('x', [2, 7, 6, 2]);
  g.weight('k', [3, 2, 2, 3]);
  g.weight('b', [3]);
  g.node('conv', 'Conv2D', ['x', 'k'], {
    strides: T.ints([1, 2, 1, 1]),
    dilations: T.ints([1, 1, 2, 1]),
    padding: T.s('EXPLICIT'),
    explicit_paddings: T.ints([0, 0, 1, 2, 2, 0, 0, 0]),
    data_format: NHWC,
  });
  g.node('bias', 'BiasAdd', ['conv', 'b'], { data_format: NHWC });
  g.node('r6', 'Relu6', ['bias']);
  g.node('avg', 'AvgPool', ['r6'], {
    ksize: T.ints([1, 3, 3, 1]),
    strides: T.ints([1, 2, 2, 1]),
    padding: T.s('SAME'),
    data_format: NHWC,
  });
  g.node('out', 'LeakyRelu', ['avg'], { alpha: T.f(0.1) });
  return g;
}

/** Reshape, Transpose, ConcatV2 (inline axis), Pad, StridedSlice, Sum, Pack, elementwise. */
export function chain(): GraphModel {
  const g = new GraphModel();
  g.placeholder('x', [2, 3, 4]);
  g.ints('shape', [-1, 4, 3]);
  g.node('r', 'Reshape', ['x', 'shape'], { Tshape: T.type('DT_INT32') });
  g.ints('perm', [0, 2, 1]);
  g.node('t', 'Transpose', ['r', 'perm']);
  g.inlineInt('axis', -1);
  g.node('c', 'ConcatV2', ['t', 'x', 'axis'], { N: T.i(2) });
  g.ints('pads', [0, 0, 1, 0, 2, 1], [3, 2]);
  g.node('p', 'Pad', ['c', 'pads']);
  g.ints('begin', [0, 1, 0]);
  g.ints('end', [0, 0, -1]);
  g.ints('strides', [1, 1, 2]);
  g.node('s', 'StridedSlice', ['p', 'begin', 'end', 'strides'], {
    begin_mask: T.i(1),
    end_mask: T.i(3),
    ellipsis_mask: T.i(0),
    new_axis_mask: T.i(0),
    shrink_axis_mask: T.i(0),
  });
  g.ints('sum/axes', [2]);
  g.node('sum', 'Sum', ['s', 'sum/axes'], { keep_dims: T.b(true) });
  g.weight('k', [1], 1, [0.75]);
  g.node('sq', 'SquaredDifference', ['sum', 'k']);
  g.node('pk', 'Pack', ['sum', 'sq'], { axis: T.i(1), N: T.i(2) });
  g.node('e', 'ExpandDims', ['pk', 'axis']);
  g.node('sqz', 'Squeeze', ['e'], { squeeze_dims: T.ints([-1]) });
  g.node('th', 'Tanh', ['sqz']);
  g.node('first', 'StridedSlice', ['p', 'begin', 'end', 'strides'], {
    begin_mask: T.i(0),
    end_mask: T.i(0),
    shrink_axis_mask: T.i(1),
  });
  g.node('neg', 'Neg', ['first']);
  return g;
}

/** An NCHW Conv2D with bias (data_format NCHW: no transposes) and FusedBatchNorm with NCHW. */
export function nchwConv(): GraphModel {
  const g = new GraphModel();
  g.placeholder('x', [1, 2, 5, 5]);
  g.weight('k', [2, 2, 2, 3]);
  g.weight('b', [3]);
  g.node('conv', '_FusedConv2D', ['x', 'k', 'b'], {
    fused_ops: T.strs(['BiasAdd', 'Elu']),
    strides: T.ints([1, 1, 2, 2]),
    dilations: T.ints([1, 1, 1, 1]),
    padding: T.s('SAME'),
    data_format: T.s('NCHW'),
  });
  for (const p of ['scale', 'offset', 'mean']) g.weight(`bn/${p}`, [3]);
  g.weight('bn/var', [3], 1, [0.6, 0.9, 1.3]);
  g.node('bn', 'FusedBatchNorm', ['conv', 'bn/scale', 'bn/offset', 'bn/mean', 'bn/var'], {
    epsilon: T.f(0.0001),
    data_format: T.s('NCHW'),
  });
  return g;
}

/** Element-wise ops, activations, matrix products, reductions, slices, pads: outputs = unread nodes. */
export function zoo(): GraphModel {
  const g = new GraphModel();
  g.placeholder('x', [2, 3, 4]);
  g.placeholder('y', [2, 4, 3]);
  g.node('bmm', 'BatchMatMulV2', ['x', 'y'], { adj_x: T.b(false), adj_y: T.b(false) });
  g.node('bmm2', 'BatchMatMulV2', ['x', 'x'], { adj_x: T.b(false), adj_y: T.b(true) });
  g.weight('one', [1], 1, [1]);
  g.node('e1', 'Sub', ['bmm', 'bmm2']);
  g.node('e2', 'Mul', ['e1', 'bmm']);
  g.node('abs', 'Abs', ['bmm2']);
  g.node('den', 'AddV2', ['abs', 'one']);
  g.node('e3', 'RealDiv', ['e2', 'den']);
  g.node('mn', 'Minimum', ['bmm', 'bmm2']);
  g.node('e4', 'Maximum', ['e3', 'mn']);
  g.node('abs4', 'Abs', ['e4']);
  g.node('pos', 'Add', ['abs4', 'one']);
  g.weight('pw', [], 1, [1.5]);
  g.node('e5', 'Pow', ['pos', 'pw']);
  g.node('o_logsm', 'LogSoftmax', ['e5']);
  g.ints('last', [-1]);
  g.node('selu', 'Selu', ['e4']);
  g.node('o_max', 'Max', ['selu', 'last'], { keep_dims: T.b(false) });
  g.ints('hw', [1, 2]);
  g.node('ss', 'Softsign', ['e4']);
  g.node('o_min', 'Min', ['ss', 'hw'], { keep_dims: T.b(false) });
  g.ints('first', [0]);
  g.node('sg', 'Sigmoid', ['e4']);
  g.node('o_prod', 'Prod', ['sg', 'first'], { keep_dims: T.b(true) });
  g.node('th', 'Tanh', ['e4']);
  g.node('sq', 'Square', ['th']);
  g.node('ng', 'Neg', ['sq']);
  g.node('ex', 'Exp', ['ng']);
  g.node('ad', 'AddV2', ['ex', 'one']);
  g.node('o_rsqrt', 'Rsqrt', ['ad']);
  g.node('sp', 'Softplus', ['e4']);
  g.node('sr', 'Sqrt', ['sp']);
  g.node('o_log', 'Log', ['sr']);
  g.node('shape', 'Shape', ['x'], { out_type: T.type('DT_INT32') });
  g.node('o_shape', 'Cast', ['shape'], { SrcT: T.type('DT_INT32'), DstT: T.type('DT_FLOAT') });
  g.ints('sl/begin', [0, 1, 1]);
  g.ints('sl/size', [-1, 2, 2]);
  g.node('o_slice', 'Slice', ['x', 'sl/begin', 'sl/size'], { Index: T.type('DT_INT32') });
  g.ints('pads', [0, 0, 1, 1, 2, 0], [3, 2]);
  g.weight('padval', [], 1, [0.5]);
  g.node('o_padv2', 'PadV2', ['x', 'pads', 'padval']);
  g.node('o_mirror', 'MirrorPad', ['x', 'pads'], { mode: T.s('REFLECT') });
  g.ints('flat', [-1, 4]);
  g.node('x2', 'Reshape', ['x', 'flat']);
  g.weight('fw', [4, 5]);
  g.weight('fb', [5]);
  g.node('o_fmm', '_FusedMatMul', ['x2', 'fw', 'fb'], {
    fused_ops: T.strs(['BiasAdd', 'LeakyRelu']),
    leakyrelu_alpha: T.f(0.3),
    transpose_a: T.b(false),
    transpose_b: T.b(false),
  });
  g.weight('wt', [5, 4]);
  g.node('mmt', 'MatMul', ['x2', 'wt'], { transpose_a: T.b(false), transpose_b: T.b(true) });
  g.node('o_elu', 'Elu', ['mmt']);
  g.weight('w6', [6, 2]);
  g.node('o_mta', 'MatMul', ['x2', 'w6'], { transpose_a: T.b(true), transpose_b: T.b(false) });
  // the converter's dynamic reshape: Shape → StridedSlice (shrink) → Pack with a Const → Reshape
  g.node('dyn/shape', 'Shape', ['y'], { out_type: T.type('DT_INT32') });
  g.ints('dyn/b', [0]);
  g.ints('dyn/e', [1]);
  g.ints('dyn/s', [1]);
  g.node('dyn/n', 'StridedSlice', ['dyn/shape', 'dyn/b', 'dyn/e', 'dyn/s'], {
    T: T.type('DT_INT32'),
    shrink_axis_mask: T.i(1),
  });
  g.inlineInt('dyn/minus1', -1);
  g.node('dyn/pack', 'Pack', ['dyn/n', 'dyn/minus1'], { T: T.type('DT_INT32'), axis: T.i(0), N: T.i(2) });
  g.node('o_dyn', 'Reshape', ['y', 'dyn/pack']);
  return g;
}

/** _FusedConv2D(FusedBatchNorm, Prelu), FusedDepthwiseConv2dNative, resizes, Conv2DBackpropInput. */
export function convZoo(): GraphModel {
  const g = new GraphModel();
  g.placeholder('img', [1, 6, 5, 2]);
  g.weight('k', [3, 3, 2, 4]);
  for (const p of ['scale', 'offset', 'mean']) g.weight(`bn/${p}`, [4]);
  g.weight('bn/var', [4], 1, [0.5, 0.8, 1.1, 1.7]);
  g.weight('alpha', [4]);
  g.node('fc', '_FusedConv2D', ['img', 'k', 'bn/scale', 'bn/offset', 'bn/mean', 'bn/var', 'alpha'], {
    fused_ops: T.strs(['FusedBatchNorm', 'Prelu']),
    epsilon: T.f(0.001),
    num_args: T.i(5),
    strides: T.ints([1, 1, 1, 1]),
    padding: T.s('VALID'),
    data_format: NHWC,
  });
  g.weight('dk', [2, 2, 4, 1]);
  g.weight('db', [4]);
  g.node('fdw', 'FusedDepthwiseConv2dNative', ['fc', 'dk', 'db'], {
    fused_ops: T.strs(['BiasAdd', 'Relu6']),
    strides: T.ints([1, 2, 2, 1]),
    dilations: T.ints([1, 1, 1, 1]),
    padding: T.s('SAME'),
    data_format: NHWC,
  });
  g.ints('s54', [5, 4]);
  g.ints('s43', [4, 3]);
  g.ints('s32', [3, 2]);
  g.node('o_bil_half', 'ResizeBilinear', ['fdw', 's54'], { half_pixel_centers: T.b(true) });
  g.node('o_bil', 'ResizeBilinear', ['fdw', 's32']);
  g.node('o_bil_align', 'ResizeBilinear', ['fdw', 's54'], { align_corners: T.b(true) });
  g.node('near', 'ResizeNearestNeighbor', ['fdw', 's43']);
  g.node('o_near_half', 'ResizeNearestNeighbor', ['fdw', 's54'], { half_pixel_centers: T.b(true) });
  g.node('o_near_align', 'ResizeNearestNeighbor', ['fdw', 's54'], { align_corners: T.b(true) });
  g.weight('tk', [3, 3, 3, 4]);
  g.ints('same_sizes', [1, 8, 6, 3]);
  g.node('o_dec_same', 'Conv2DBackpropInput', ['same_sizes', 'tk', 'near'], {
    strides: T.ints([1, 2, 2, 1]),
    padding: T.s('SAME'),
    data_format: NHWC,
  });
  g.ints('valid_sizes', [1, 9, 8, 3]);
  g.node('o_dec_valid', 'Conv2DBackpropInput', ['valid_sizes', 'tk', 'near'], {
    strides: T.ints([1, 2, 2, 1]),
    padding: T.s('VALID'),
    data_format: NHWC,
  });
  return g;
}

/** NCHW BiasAdd, grouped and dilated SAME convs, VALID pools, Concat, rank-2 batch norm, rounding. */
export function misc(): GraphModel {
  const g = new GraphModel();
  g.placeholder('x', [2, 7, 7, 4]);
  g.weight('gk', [3, 3, 2, 6]);
  g.node('gconv', 'Conv2D', ['x', 'gk'], {
    strides: T.ints([1, 1, 1, 1]),
    dilations: T.ints([1, 2, 2, 1]),
    padding: T.s('SAME'),
    data_format: NHWC,
  });
  g.node('mp', 'MaxPool', ['gconv'], {
    ksize: T.ints([1, 3, 2, 1]),
    strides: T.ints([1, 2, 2, 1]),
    padding: T.s('VALID'),
  });
  g.node('ap', 'AvgPool', ['gconv'], {
    ksize: T.ints([1, 2, 2, 1]),
    strides: T.ints([1, 2, 2, 1]),
    padding: T.s('VALID'),
  });
  g.inlineInt('c_axis', 3);
  g.node('cat', 'Concat', ['c_axis', 'mp', 'ap'], { N: T.i(2) });
  g.ints('nchw', [0, 3, 1, 2]);
  g.node('tr', 'Transpose', ['cat', 'nchw']);
  g.weight('cb', [12]);
  g.node('o_bias', 'BiasAdd', ['tr', 'cb'], { data_format: T.s('NCHW') });
  g.ints('hw', [2, 3]);
  g.node('gap', 'Mean', ['o_bias', 'hw'], { keep_dims: T.b(false) });
  for (const p of ['scale', 'offset', 'mean']) g.weight(`bn/${p}`, [12]);
  g.weight(
    'bn/var',
    [12],
    1,
    Array.from({ length: 12 }, (_, i) => 0.3 + i / 10),
  );
  g.node('bn', 'FusedBatchNormV3', ['gap', 'bn/scale', 'bn/offset', 'bn/mean', 'bn/var'], {
    epsilon: T.f(0.01),
  });
  g.node('sg', 'StopGradient', ['bn']);
  g.weight('ten', [], 1, [10]);
  g.node('big', 'Mul', ['sg', 'ten']);
  g.node('o_floor', 'Floor', ['big']);
  g.node('o_ceil', 'Ceil', ['big']);
  g.weight('half', [], 1, [0.5]);
  g.node('shift', 'AddV2', ['o_floor', 'half']);
  g.node('o_recip', 'Reciprocal', ['shift']);
  return g;
}
