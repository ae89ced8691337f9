/**
 * MXNet activations, pooling, softmax and the loss heads → canonical ops. Loss heads
 * (SoftmaxOutput, *RegressionOutput, SVMOutput) compute their forward pass only; their label
 * inputs are not graph inputs (listed in `metadata.mxnet.labels`).
 */
import { attr, type OpContext } from './context.js';
import { window } from './import-nn.js';
import type { Importer } from './import-table.js';

/** x·½·(1 + erf(x/√2)): MXNet's gelu (LeakyReLU act_type=gelu), exact, not the tanh approximation. */
function gelu(ctx: OpContext, x: string): void {
  const dt = ctx.dtype(x);
  const scaled = ctx.emit('Div', [x, ctx.scalar('sqrt2', Math.SQRT2, dt)], {}, ctx.tmp('div'))[0] as string;
  const e = ctx.emit('Erf', [scaled], {}, ctx.tmp('erf'))[0] as string;
  const plus = ctx.emit('Add', [e, ctx.scalar('one', 1, dt)], {}, ctx.tmp('add'))[0] as string;
  const times = ctx.emit('Mul', [x, plus], {}, ctx.tmp('mul'))[0] as string;
  ctx.emit('Mul', [times, ctx.scalar('half', 0.5, dt)]);
}

function activate(ctx: OpContext, x: string, type: string): void {
  switch (type) {
    case 'relu':
      ctx.emit('Relu', [x]);
      return;
    case 'sigmoid':
      ctx.emit('Sigmoid', [x]);
      return;
    case 'tanh':
      ctx.emit('Tanh', [x]);
      return;
    case 'softrelu':
      ctx.emit('Softplus', [x]);
      return;
    case 'softsign':
      ctx.emit('Softsign', [x]);
      return;
    case 'log_sigmoid':
      ctx.emit('Log', [ctx.emit('Sigmoid', [x], {}, ctx.tmp('sigmoid'))[0] as string]);
      return;
    case 'mish': {
      const sp = ctx.emit('Softplus', [x], {}, ctx.tmp('softplus'))[0] as string;
      ctx.emit('Mul', [x, ctx.emit('Tanh', [sp], {}, ctx.tmp('tanh'))[0] as string]);
      return;
    }
    default:
      throw ctx.error(`act_type ${type} is not supported`, 'UNSUPPORTED_OP');
  }
}

const activation: Importer = { run: (ctx) => activate(ctx, ctx.data(0), ctx.str('act_type', 'relu')) };

const leakyRelu: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const type = ctx.str('act_type', 'leaky');
    const slope = ctx.float('slope', 0.25);
    switch (type) {
      case 'leaky':
        ctx.emit('LeakyRelu', [x], { alpha: attr(slope, true) });
        return;
      case 'elu':
        ctx.emit('Elu', [x], { alpha: attr(slope, true) });
        return;
      case 'selu':
        // MXNet's constants are ONNX's defaults (alpha 1.6732632…, gamma 1.0507009…).
        ctx.emit('Selu', [x]);
        return;
      case 'gelu':
        gelu(ctx, x);
        return;
      case 'rrelu': {
        // At inference RReLU uses the mean of its slope range.
        const lo = ctx.float('lower_bound', 0.125);
        const hi = ctx.float('upper_bound', 0.334);
        ctx.emit('LeakyRelu', [x], { alpha: attr((lo + hi) / 2, true) });
        return;
      }
      case 'prelu': {
        const s = ctx.info(x)?.shape;
        const c = s?.[1] ?? null;
        const gamma = ctx.param(1, [c]);
        const rank = s?.length;
        if (rank === undefined) throw ctx.error('prelu needs the rank of its input', 'USAGE');
        // gamma [C] broadcasts over axis 1: [C, 1, …, 1].
        const shape = ctx.int64('gamma_shape', [-1, ...Array<number>(Math.max(0, rank - 2)).fill(1)]);
        const g = ctx.emit('Reshape', [gamma, shape], {}, ctx.tmp('gamma'))[0] as string;
        ctx.emit('PRelu', [x, g]);
        return;
      }
      default:
        throw ctx.error(`act_type ${type} is not supported`, 'UNSUPPORTED_OP');
    }
  },
};

const pooling: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const type = ctx.str('pool_type', 'max');
    const layout = ctx.str('layout', 'None');
    if (layout !== 'None' && !/^NC[DHW]*$/.test(layout)) {
      throw ctx.error(`layout ${layout} is not supported`, 'UNSUPPORTED_OP');
    }
    const p = ctx.int('p_value', 2);
    if (ctx.bool('global_pool', false)) {
      if (type === 'max') ctx.emit('GlobalMaxPool', [x]);
      else if (type === 'avg') ctx.emit('GlobalAveragePool', [x]);
      else if (type === 'lp') ctx.emit('GlobalLpPool', [x], { p: attr(p) });
      else if (type === 'sum') {
        const rank = ctx.rank(x) ?? ctx.tuple('kernel', [1, 1]).length + 2;
        const axes = ctx.int64(
          'axes',
          Array.from({ length: rank - 2 }, (_, i) => i + 2),
        );
        ctx.emit('ReduceSum', [x, axes], { keepdims: attr(1) });
      } else throw ctx.error(`pool_type ${type} is not supported`, 'UNSUPPORTED_OP');
      return;
    }
    const kernel = ctx.tuple('kernel', []);
    if (kernel.length === 0) throw ctx.error('needs the parameter kernel');
    const { stride, pad } = window(ctx, kernel.length, { stride: 'stride', pad: 'pad' });
    const convention = ctx.str('pooling_convention', 'valid');
    const common: Record<string, ReturnType<typeof attr>> = {
      kernel_shape: attr(kernel),
      strides: attr(stride),
    };
    if (convention === 'same') common.auto_pad = attr('SAME_UPPER');
    else {
      if (convention !== 'valid' && convention !== 'full') {
        throw ctx.error(`pooling_convention ${convention} is not supported`, 'UNSUPPORTED_OP');
      }
      common.pads = attr([...pad, ...pad]);
      common.ceil_mode = attr(convention === 'full' ? 1 : 0);
    }
    // count_include_pad: MXNet's default (None) counts the padding, as True does.
    const include =
      ctx.has('count_include_pad') && ctx.str('count_include_pad', 'None') !== 'None'
        ? ctx.bool('count_include_pad', true)
        : true;
    if (type === 'max') ctx.emit('MaxPool', [x], common);
    else if (type === 'avg')
      ctx.emit('AveragePool', [x], { ...common, count_include_pad: attr(include ? 1 : 0) });
    else if (type === 'lp') ctx.emit('LpPool', [x], { ...common, p: attr(p) });
    else if (type === 'sum') {
      const avg = ctx.emit(
        'AveragePool',
        [x],
        { ...common, count_include_pad: attr(1) },
        ctx.tmp('avg'),
      )[0] as string;
      ctx.emit('Mul', [
        avg,
        ctx.scalar(
          'window',
          kernel.reduce((a, b) => a * b, 1),
          ctx.dtype(x),
        ),
      ]);
    } else throw ctx.error(`pool_type ${type} is not supported`, 'UNSUPPORTED_OP');
  },
};

/** Softmax over everything but the batch axis (MXNet's "instance" mode), keeping the input's shape. */
function instanceSoftmax(ctx: OpContext, x: string): void {
  const rank = ctx.rank(x);
  if (rank === 2) {
    ctx.emit('Softmax', [x], { axis: attr(1) });
    return;
  }
  const flat = ctx.emit('Flatten', [x], { axis: attr(1) }, ctx.tmp('flatten'))[0] as string;
  const sm = ctx.emit('Softmax', [flat], { axis: attr(1) }, ctx.tmp('softmax'))[0] as string;
  const shape = ctx.emit('Shape', [x], {}, ctx.tmp('shape'))[0] as string;
  ctx.emit('Reshape', [sm, shape]);
}

function softmaxLike(op: 'Softmax' | 'LogSoftmax'): Importer {
  return {
    run(ctx) {
      let x = ctx.data(0);
      if (ctx.bool('use_length', false)) throw ctx.error('use_length is not supported', 'UNSUPPORTED_OP');
      const t = ctx.float('temperature', 1);
      if (t !== 1)
        x = ctx.emit('Div', [x, ctx.scalar('temperature', t, ctx.dtype(x))], {}, ctx.tmp('div'))[0] as string;
      ctx.emit(op, [x], { axis: attr(ctx.int('axis', -1)) });
    },
  };
}

const softmaxOutput: Importer = {
  labels: () => [1],
  run(ctx) {
    const x = ctx.data(0);
    if (ctx.bool('multi_output', false)) ctx.emit('Softmax', [x], { axis: attr(1) });
    else if (ctx.bool('preserve_shape', false)) ctx.emit('Softmax', [x], { axis: attr(-1) });
    else instanceSoftmax(ctx, x);
  },
};

const softmaxActivation: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    if (ctx.str('mode', 'instance') === 'channel') ctx.emit('Softmax', [x], { axis: attr(1) });
    else instanceSoftmax(ctx, x);
  },
};

function lossHead(op: 'Identity' | 'Sigmoid'): Importer {
  return { labels: () => [1], run: (ctx) => void ctx.emit(op, [ctx.data(0)]) };
}

const dropout: Importer = {
  outputs: () => 1,
  run(ctx) {
    if (ctx.str('mode', 'training') === 'always') {
      ctx.note({
        change: 'dropout',
        detail: "mode='always' drops at inference in MXNet; the converted graph does not",
      });
    }
    ctx.emit('Dropout', [ctx.data(0)]);
  },
};

/** Activation, pooling, softmax and loss-head importers by MXNet op name. */
export const ACT_IMPORTERS: readonly (readonly [string, Importer])[] = [
  ['Activation', activation],
  ['relu', { run: (ctx) => activate(ctx, ctx.data(0), 'relu') }],
  ['sigmoid', { run: (ctx) => activate(ctx, ctx.data(0), 'sigmoid') }],
  ['tanh', { run: (ctx) => activate(ctx, ctx.data(0), 'tanh') }],
  ['softsign', { run: (ctx) => activate(ctx, ctx.data(0), 'softsign') }],
  ['LeakyReLU', leakyRelu],
  ['Pooling', pooling],
  ['Pooling_v1', pooling],
  ['softmax', softmaxLike('Softmax')],
  ['log_softmax', softmaxLike('LogSoftmax')],
  ['SoftmaxOutput', softmaxOutput],
  ['Softmax', softmaxOutput],
  ['SoftmaxActivation', softmaxActivation],
  ['LinearRegressionOutput', lossHead('Identity')],
  ['MAERegressionOutput', lossHead('Identity')],
  ['LogisticRegressionOutput', lossHead('Sigmoid')],
  ['SVMOutput', lossHead('Identity')],
  ['Dropout', dropout],
];
