/**
 * TF element-wise, activation, matrix-product, softmax, reduction and cast ops → canonical ops.
 * Semantics follow TensorFlow's op documentation (tf.raw_ops): binary ops broadcast as NumPy does
 * (ONNX's multidirectional broadcasting is the same rule), MatMul's `transpose_a/b` and
 * BatchMatMul's `adj_x/adj_y` swap the last two axes, reductions take their axes from a Const and
 * an empty axis list reduces nothing, Softmax works on the last axis.
 */
import { attr, type NodeContext, onnxType } from './context.js';

/** A translator of one TF op. */
export type TfImporter = (ctx: NodeContext) => void;

/** Activations as TF's fusing rewriter names them (fused_ops) and as standalone ops. */
export function activation(ctx: NodeContext, name: string, x: string, out: string, alpha?: string): string {
  switch (name) {
    case 'Relu':
      return ctx.emit('Relu', [x], {}, out);
    case 'Relu6':
      return ctx.emit('Clip', [x, ctx.float('zero', 0), ctx.float('six', 6)], {}, out);
    case 'Elu':
      return ctx.emit('Elu', [x], { alpha: attr(1, true) }, out);
    case 'Selu':
      return ctx.emit('Selu', [x], {}, out);
    case 'LeakyRelu': {
      const a = ctx.attrs.float(ctx.node.op === 'LeakyRelu' ? 'alpha' : 'leakyrelu_alpha', 0.2);
      return ctx.emit('LeakyRelu', [x], { alpha: attr(a, true) }, out);
    }
    case 'Sigmoid':
      return ctx.emit('Sigmoid', [x], {}, out);
    case 'Tanh':
      return ctx.emit('Tanh', [x], {}, out);
    case 'Prelu':
      if (alpha === undefined) throw ctx.error('Prelu needs an alpha input');
      return ctx.emit('PRelu', [x, alpha], {}, out);
    default:
      throw ctx.error(`fused activation '${name}' is not supported`, 'UNSUPPORTED_OP');
  }
}

/** Checks a `fused_ops` list before anything is emitted; returns [main op, activation?]. */
export function fusedOps(ctx: NodeContext, mains: readonly string[]): [string, string | undefined] {
  const ops = ctx.attrs.strs('fused_ops');
  const [main, act, ...rest] = ops;
  if (main === undefined || !mains.includes(main) || rest.length > 0)
    throw ctx.error(`fused_ops [${ops.join(', ')}] are not supported`, 'UNSUPPORTED_OP');
  if (act !== undefined && !['Relu', 'Relu6', 'Elu', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Prelu'].includes(act))
    throw ctx.error(`fused activation '${act}' is not supported`, 'UNSUPPORTED_OP');
  return [main, act];
}

/** A TF op that is one canonical op on its two inputs. */
export function binary(op: string): TfImporter {
  return (ctx) => {
    ctx.emit(op, [ctx.input(0), ctx.input(1)], {}, ctx.out());
  };
}

/** A TF op that is one canonical op on its input. */
export function unary(op: string): TfImporter {
  return (ctx) => {
    ctx.emit(op, [ctx.input(0)], {}, ctx.out());
  };
}

function act(name: string): TfImporter {
  return (ctx) => {
    activation(ctx, name, ctx.input(0), ctx.out(), name === 'Prelu' ? ctx.input(1) : undefined);
  };
}

const squaredDifference: TfImporter = (ctx) => {
  const d = ctx.emit('Sub', [ctx.input(0), ctx.input(1)]);
  ctx.emit('Mul', [d, d], {}, ctx.out());
};

const square: TfImporter = (ctx) => {
  const x = ctx.input(0);
  ctx.emit('Mul', [x, x], {}, ctx.out());
};

const rsqrt: TfImporter = (ctx) => {
  ctx.emit('Reciprocal', [ctx.emit('Sqrt', [ctx.input(0)])], {}, ctx.out());
};

/** x with its last two axes swapped when `flag`. */
function swapLast(ctx: NodeContext, x: string, flag: boolean): string {
  if (!flag) return x;
  const r = ctx.rank(x);
  const perm = [...Array.from({ length: r - 2 }, (_, i) => i), r - 1, r - 2];
  return ctx.emit('Transpose', [x], { perm: attr(perm) });
}

function matmul(a: string, b: string): TfImporter {
  return (ctx) => {
    const x = swapLast(ctx, ctx.input(0), ctx.attrs.bool(a, false));
    const y = swapLast(ctx, ctx.input(1), ctx.attrs.bool(b, false));
    ctx.emit('MatMul', [x, y], {}, ctx.out());
  };
}

const fusedMatMul: TfImporter = (ctx) => {
  const [, actName] = fusedOps(ctx, ['BiasAdd']);
  const x = swapLast(ctx, ctx.input(0), ctx.attrs.bool('transpose_a', false));
  const y = swapLast(ctx, ctx.input(1), ctx.attrs.bool('transpose_b', false));
  const m = ctx.emit('MatMul', [x, y]);
  const biased = actName === undefined ? ctx.out() : ctx.tmp('biased');
  ctx.emit('Add', [m, ctx.input(2)], {}, biased);
  if (actName !== undefined)
    activation(ctx, actName, biased, ctx.out(), actName === 'Prelu' ? ctx.input(3) : undefined);
};

/** A [C] vector shaped to broadcast over axis 1 of a rank-`rank` NCHW value. */
export function channelVector(ctx: NodeContext, v: string, rank: number): string {
  const axes = Array.from({ length: rank - 2 }, (_, i) => i + 1);
  return ctx.emit('Unsqueeze', [v, ctx.int64('axes', axes)]);
}

const biasAdd: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const nchw = ctx.attrs.str('data_format', 'NHWC').startsWith('NC');
  const b = nchw ? channelVector(ctx, ctx.input(1), ctx.rank(x)) : ctx.input(1);
  ctx.emit('Add', [x, b], {}, ctx.out());
};

function softmax(op: string): TfImporter {
  return (ctx) => {
    ctx.emit(op, [ctx.input(0)], { axis: attr(-1) }, ctx.out());
  };
}

/** Reductions; ReduceSum takes its axes as an input from opset 13, the others as an attribute. */
function reduce(op: string): TfImporter {
  return (ctx) => {
    const x = ctx.input(0);
    const axes = ctx.ints(1, 'the reduction axes');
    const keep = ctx.attrs.bool('keep_dims', false) ? 1 : 0;
    if (axes.length === 0) {
      ctx.emit('Identity', [x], {}, ctx.out());
      return;
    }
    if (op === 'ReduceSum') ctx.emit(op, [x, ctx.int64('axes', axes)], { keepdims: attr(keep) }, ctx.out());
    else ctx.emit(op, [x], { axes: attr(axes), keepdims: attr(keep) }, ctx.out());
  };
}

const cast: TfImporter = (ctx) => {
  const to = ctx.attrs.dtype('DstT');
  if (to === undefined) throw ctx.error('DstT is not a numeric type', 'UNSUPPORTED_OP');
  ctx.emit('Cast', [ctx.input(0)], { to: attr(onnxType(to)) }, ctx.out());
};

const identity: TfImporter = (ctx) => {
  ctx.emit('Identity', [ctx.input(0)], {}, ctx.out());
};

/** Element-wise and matrix ops by TF op name. */
export const MATH: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ['Identity', identity],
  ['StopGradient', identity],
  ['Snapshot', identity],
  ['PreventGradient', identity],
  ['PlaceholderWithDefault', identity],
  ['NoOp', () => {}],
  ['Add', binary('Add')],
  ['AddV2', binary('Add')],
  ['Sub', binary('Sub')],
  ['Mul', binary('Mul')],
  ['RealDiv', binary('Div')],
  ['Maximum', binary('Max')],
  ['Minimum', binary('Min')],
  ['Pow', binary('Pow')],
  ['SquaredDifference', squaredDifference],
  ['Relu', act('Relu')],
  ['Relu6', act('Relu6')],
  ['Elu', act('Elu')],
  ['Selu', act('Selu')],
  ['LeakyRelu', act('LeakyRelu')],
  ['Prelu', act('Prelu')],
  ['Sigmoid', act('Sigmoid')],
  ['Tanh', act('Tanh')],
  ['Softplus', unary('Softplus')],
  ['Softsign', unary('Softsign')],
  ['Exp', unary('Exp')],
  ['Log', unary('Log')],
  ['Sqrt', unary('Sqrt')],
  ['Rsqrt', rsqrt],
  ['Square', square],
  ['Neg', unary('Neg')],
  ['Abs', unary('Abs')],
  ['Reciprocal', unary('Reciprocal')],
  ['Floor', unary('Floor')],
  ['Ceil', unary('Ceil')],
  ['MatMul', matmul('transpose_a', 'transpose_b')],
  ['BatchMatMul', matmul('adj_x', 'adj_y')],
  ['BatchMatMulV2', matmul('adj_x', 'adj_y')],
  ['_FusedMatMul', fusedMatMul],
  ['BiasAdd', biasAdd],
  ['Softmax', softmax('Softmax')],
  ['LogSoftmax', softmax('LogSoftmax')],
  ['Mean', reduce('ReduceMean')],
  ['Sum', reduce('ReduceSum')],
  ['Max', reduce('ReduceMax')],
  ['Min', reduce('ReduceMin')],
  ['Prod', reduce('ReduceProd')],
  ['Cast', cast],
]);
