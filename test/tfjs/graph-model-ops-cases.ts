/**
 * The hermetic graph-models of graph-model-ops.test.ts (the ops of issue 7), built as
 * tfjs-converter writes GraphDefs. Multi-output ops are read at several `node:k`; signatures
 * name the graph outputs where a test reads outputs other than 0.
 */
import { GraphModel, T } from './graph-model-helpers.js';

const I32 = T.type('DT_INT32');
const F32 = T.type('DT_FLOAT');
const BOOL = T.type('DT_BOOL');

/** A Cast of a bool/int value to float, so every output compares as float. */
function toFloat(g: GraphModel, name: string, x: string, src = BOOL): string {
  return g.node(name, 'Cast', [x], { SrcT: src, DstT: F32, Truncate: T.b(false) });
}

/** GatherV2 (negative axis, 2-D indices), Gather, Split, SplitV (-1 size), Unpack (negative axis). */
export function gatherSplit(): [GraphModel, string[]] {
  const g = new GraphModel();
  g.placeholder('x', [2, 5, 4]);
  g.ints('gi', [3, 0, 1, 1, 4, 2], [3, 2]);
  g.inlineInt('ax_m2', -2);
  g.node('gv2', 'GatherV2', ['x', 'gi', 'ax_m2'], {
    Tparams: F32,
    Tindices: I32,
    Taxis: I32,
    batch_dims: T.i(0),
  });
  g.weight('table', [6, 3], 1);
  g.ints('rows', [4, 0, 5, 5]);
  g.node('g1', 'Gather', ['table', 'rows'], { Tparams: F32, Tindices: I32, validate_indices: T.b(true) });
  g.inlineInt('ax_m1', -1);
  g.node('s', 'Split', ['ax_m1', 'x'], { num_split: T.i(2) });
  g.node('s_hi', 'Tanh', ['s:1']);
  g.node('s_mix', 'Sub', ['s', 's:1']);
  g.ints('sizes', [1, -1, 2]);
  g.inlineInt('ax_1', 1);
  g.node('sv', 'SplitV', ['x', 'sizes', 'ax_1'], { num_split: T.i(3), Tlen: I32 });
  g.node('sv_last', 'Sigmoid', ['sv:2']);
  g.node('u', 'Unpack', ['x'], { num: T.i(4), axis: T.i(-1) });
  g.node('u_mix', 'Mul', ['u:3', 'u:1']);
  return [g, ['gv2:0', 'g1:0', 's_hi:0', 's_mix:0', 'sv:0', 'sv_last:0', 'sv:1', 'u_mix:0', 'u:0']];
}

/** Tile, Fill, ZerosLike/OnesLike, OneHot on two axes (a -1 index), Range (float and int). */
export function build(): GraphModel {
  const g = new GraphModel();
  g.placeholder('x', [2, 3]);
  g.ints('mult', [3, 2]);
  g.node('o_tile', 'Tile', ['x', 'mult'], { Tmultiples: I32 });
  g.ints('mult1', [1, 1]);
  g.node('o_tile1', 'Tile', ['x', 'mult1'], { Tmultiples: I32 });
  g.ints('dims', [2, 3]);
  g.weight('v', [], 1, [1.5]);
  g.node('fill', 'Fill', ['dims', 'v'], { index_type: I32 });
  g.node('o_fill', 'Mul', ['fill', 'x']);
  g.node('ones', 'OnesLike', ['x']);
  g.node('zeros', 'ZerosLike', ['x']);
  g.node('plus', 'AddV2', ['x', 'ones']);
  g.node('o_like', 'AddV2', ['plus', 'zeros']);
  g.ints('hot_i', [1, -1, 3, 0, 2, 2], [2, 3]);
  g.inlineInt('depth', 4);
  g.weight('on', [], 1, [2.5]);
  g.weight('off', [], 1, [-0.5]);
  g.node('o_hot1', 'OneHot', ['hot_i', 'depth', 'on', 'off'], { axis: T.i(1), TI: I32 });
  g.node('o_hot_last', 'OneHot', ['hot_i', 'depth', 'on', 'off'], { axis: T.i(-1), TI: I32 });
  g.weight('r0', [], 1, [0.5]);
  g.weight('r1', [], 1, [3]);
  g.weight('rd', [], 1, [0.75]);
  g.node('o_range', 'Range', ['r0', 'r1', 'rd'], { Tidx: F32 });
  g.inlineInt('i0', 10);
  g.inlineInt('i1', -2);
  g.inlineInt('id', -3);
  g.node('irange', 'Range', ['i0', 'i1', 'id'], { Tidx: I32 });
  toFloat(g, 'o_irange', 'irange', I32);
  return g;
}

/** Comparisons, logical ops, Select (vector condition), SelectV2, ClipByValue, ArgMax/ArgMin. */
export function logic(): GraphModel {
  const g = new GraphModel();
  g.placeholder('x', [3, 4]);
  g.placeholder('y', [3, 4]);
  g.weight('w', [4], 1);
  g.node('gt', 'Greater', ['x', 'y']);
  g.node('ge', 'GreaterEqual', ['x', 'w']);
  g.node('lt', 'Less', ['x', 'w']);
  g.node('le', 'LessEqual', ['y', 'w']);
  g.weight('half', [], 1, [0.5]);
  g.node('xr', 'Round', ['x']);
  g.node('yr', 'Round', ['y']);
  g.node('eq', 'Equal', ['xr', 'yr'], { incompatible_shape_error: T.b(true) });
  g.node('ne', 'NotEqual', ['xr', 'yr'], { incompatible_shape_error: T.b(true) });
  g.node('and', 'LogicalAnd', ['gt', 'ge']);
  g.node('or', 'LogicalOr', ['lt', 'eq']);
  g.node('not', 'LogicalNot', ['le']);
  for (const b of ['gt', 'ge', 'lt', 'le', 'eq', 'ne', 'and', 'or', 'not']) toFloat(g, `o_${b}`, b);
  g.node('o_sel2', 'SelectV2', ['gt', 'x', 'w']);
  g.ints('ax_1', [1]);
  g.node('rowsum', 'Sum', ['x', 'ax_1'], { keep_dims: T.b(false) });
  g.node('rowpos', 'Greater', ['rowsum', 'half']);
  g.node('o_sel', 'Select', ['rowpos', 'x', 'y']);
  g.weight('lo', [], 1, [-0.3]);
  g.node('o_clip', 'ClipByValue', ['x', 'lo', 'w']);
  g.inlineInt('dim_m1', -1);
  g.node('amax', 'ArgMax', ['x', 'dim_m1'], { Tidx: I32, output_type: I32 });
  toFloat(g, 'o_amax', 'amax', I32);
  g.inlineInt('dim_0', 0);
  g.node('amin', 'ArgMin', ['y', 'dim_0'], { Tidx: I32, output_type: T.type('DT_INT64') });
  toFloat(g, 'o_amin', 'amin', T.type('DT_INT64'));
  return g;
}

/** Cheap unary math, FloorDiv/FloorMod (negative divisors), Atan2 in all quadrants. */
export function math(): GraphModel {
  const g = new GraphModel();
  g.placeholder('x', [2, 3]);
  g.placeholder('y', [2, 3]);
  for (const op of ['Erf', 'Sign', 'Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan', 'Sinh', 'Cosh'])
    g.node(`o_${op.toLowerCase()}`, op, ['x']);
  g.node('o_asinh', 'Asinh', ['y']);
  g.node('o_atanh', 'Atanh', ['y']);
  g.node('o_expm1', 'Expm1', ['x']);
  g.weight('three', [], 1, [3]);
  g.node('x3', 'Mul', ['x', 'three']);
  g.node('o_round', 'Round', ['x3']);
  g.node('ax', 'Abs', ['x']);
  g.node('o_log1p', 'Log1p', ['ax']);
  g.weight('shift', [], 1, [1.5]);
  g.node('big', 'AddV2', ['ax', 'shift']);
  g.node('o_acosh', 'Acosh', ['big']);
  g.weight('div', [3], 1, [0.3, -0.45, 0.7]);
  g.node('o_fdiv', 'FloorDiv', ['x3', 'div']);
  g.node('o_fmod', 'FloorMod', ['x3', 'div']);
  g.node('o_atan2', 'Atan2', ['x', 'y']);
  g.node('nan', 'IsNan', ['x']);
  toFloat(g, 'o_isnan', 'nan');
  return g;
}

/** Conv3D (SAME, strides; VALID, dilation), MaxPool3D, AvgPool3D, LRN, DepthToSpace, SpaceToDepth. */
export function nn3d(): GraphModel {
  const g = new GraphModel();
  g.placeholder('v', [1, 5, 6, 4, 2]);
  g.weight('k', [2, 3, 2, 2, 3]);
  const nd = T.s('NDHWC');
  g.node('o_conv', 'Conv3D', ['v', 'k'], {
    strides: T.ints([1, 2, 1, 2, 1]),
    dilations: T.ints([1, 1, 1, 1, 1]),
    padding: T.s('SAME'),
    data_format: nd,
  });
  g.node('o_convd', 'Conv3D', ['v', 'k'], {
    strides: T.ints([1, 1, 1, 1, 1]),
    dilations: T.ints([1, 2, 1, 1, 1]),
    padding: T.s('VALID'),
    data_format: nd,
  });
  g.node('o_max', 'MaxPool3D', ['v'], {
    ksize: T.ints([1, 2, 3, 2, 1]),
    strides: T.ints([1, 2, 2, 1, 1]),
    padding: T.s('SAME'),
    data_format: nd,
  });
  g.node('o_avg', 'AvgPool3D', ['v'], {
    ksize: T.ints([1, 3, 2, 2, 1]),
    strides: T.ints([1, 1, 2, 2, 1]),
    padding: T.s('SAME'),
    data_format: nd,
  });
  g.placeholder('img', [1, 3, 2, 7]);
  g.node('o_d2s', 'DepthToSpace', ['img'], { block_size: T.i(1), data_format: T.s('NHWC') });
  g.placeholder('deep', [-1, 2, 3, 8]);
  g.node('o_d2s2', 'DepthToSpace', ['deep'], { block_size: T.i(2), data_format: T.s('NHWC') });
  g.placeholder('wide', [1, 4, -1, 3]);
  g.node('o_s2d', 'SpaceToDepth', ['wide'], { block_size: T.i(2), data_format: T.s('NHWC') });
  g.node('o_lrn', 'LRN', ['img'], {
    depth_radius: T.i(2),
    bias: T.f(1.5),
    alpha: T.f(0.3),
    beta: T.f(0.75),
  });
  return g;
}

/** Einsum: batched MatMul (unknown batch), with a weight, attention scores, a sum, outer product. */
export function einsum(): GraphModel {
  const g = new GraphModel();
  g.placeholder('a', [-1, 3, 4]);
  g.placeholder('b', [-1, 4, 5]);
  g.placeholder('q', [2, 2, 3, 4]);
  g.placeholder('kk', [2, 2, 5, 4]);
  g.weight('w', [4, 6]);
  const eq = (e: string) => ({ equation: T.s(e), N: T.i(2) });
  g.node('o_bmm', 'Einsum', ['a', 'b'], eq('bij,bjk->bik'));
  g.node('o_dense', 'Einsum', ['a', 'w'], eq('bij,jk->bki'));
  g.node('o_att', 'Einsum', ['q', 'kk'], eq('bhqd,bhkd->bhqk'));
  g.node('o_red', 'Einsum', ['q'], { equation: T.s('bhqd->db'), N: T.i(1) });
  g.node('o_sum', 'Einsum', ['q', 'kk'], eq('bhqd,bhkd->hd'));
  g.node('o_outer', 'Einsum', ['w', 'w'], eq('ij,kl->jk'));
  return g;
}

/** AddN, BroadcastTo, ReverseV2, Size, Rank, IsFinite, Mod, Div, DivNoNan, All/Any, LinSpace. */
export function misc(): GraphModel {
  const g = new GraphModel();
  g.placeholder('x', [2, 3, 4]);
  g.placeholder('y', [2, 3, 4]);
  g.node('o_addn', 'AddN', ['x', 'y', 'x'], { N: T.i(3) });
  g.weight('col', [3, 1], 1);
  g.ints('target', [2, 3, 4]);
  g.node('o_bcast', 'BroadcastTo', ['col', 'target'], { Tidx: I32 });
  g.ints('rev_axes', [0, -1]);
  g.node('o_rev', 'ReverseV2', ['x', 'rev_axes'], { Tidx: I32 });
  g.node('size', 'Size', ['x'], { out_type: I32 });
  toFloat(g, 'o_size', 'size', I32);
  g.node('rank', 'Rank', ['x']);
  toFloat(g, 'o_rank', 'rank', I32);
  g.node('logx', 'Log', ['x']);
  g.node('fin', 'IsFinite', ['logx']);
  toFloat(g, 'o_finite', 'fin');
  g.weight('three', [], 1, [3]);
  g.node('x3', 'Mul', ['x', 'three']);
  g.weight('div', [4], 1, [0.3, -0.45, 0.7, -1.1]);
  g.node('o_mod', 'Mod', ['x3', 'div']);
  g.node('o_div', 'Div', ['x', 'y']);
  g.node('ry', 'Relu', ['y']);
  g.node('o_dnn', 'DivNoNan', ['x', 'ry']);
  g.weight('lo', [], 1, [-0.5]);
  g.node('big', 'Greater', ['x', 'lo']);
  g.ints('all_axes', [1, -1]);
  g.node('all', 'All', ['big', 'all_axes'], { keep_dims: T.b(true), Tidx: I32 });
  toFloat(g, 'o_all', 'all');
  g.weight('hi', [], 1, [0.7]);
  g.node('top', 'Greater', ['x', 'hi']);
  g.ints('any_axes', [0]);
  g.node('any', 'Any', ['top', 'any_axes'], { keep_dims: T.b(false), Tidx: I32 });
  toFloat(g, 'o_any', 'any');
  g.weight('start', [], 1, [-1]);
  g.weight('stop', [], 1, [2]);
  g.inlineInt('num', 7);
  g.node('o_lin', 'LinSpace', ['start', 'stop', 'num'], { Tidx: I32 });
  return g;
}
