/**
 * Keras activations (keras.activations, by the names configs use) as canonical ops, and as the
 * ONNX RNN activation names LSTM/GRU/SimpleRNN take. Definitions that changed between versions
 * follow the config's version: hard_sigmoid is max(0, min(1, 0.2x + 0.5)) in Keras 2 and TF.js,
 * relu6(x + 3)/6 (slope 1/6) in Keras 3; gelu is the exact (erf) form unless `approximate`.
 */
import { attr, type LayerContext } from './context.js';

/** Applies activation `name` to `x`, writing `out`; returns `out`. */
export function activate(ctx: LayerContext, x: string, name: string, out: string): string {
  const unary = (op: string): string => ctx.emit(op, [x], {}, out);
  switch (name) {
    case 'linear':
    case 'None':
      return ctx.emit('Identity', [x], {}, out);
    case 'relu':
      return unary('Relu');
    case 'sigmoid':
      return unary('Sigmoid');
    case 'tanh':
      return unary('Tanh');
    case 'softplus':
      return unary('Softplus');
    case 'softsign':
      return unary('Softsign');
    case 'selu':
      return unary('Selu');
    case 'elu':
      return unary('Elu');
    case 'exponential':
      return unary('Exp');
    case 'softmax':
      return ctx.emit('Softmax', [x], { axis: attr(-1) }, out);
    case 'log_softmax':
      return ctx.emit('LogSoftmax', [x], { axis: attr(-1) }, out);
    case 'leaky_relu':
      // keras.activations.leaky_relu's default slope (the LeakyReLU layer's is its `alpha`)
      return ctx.emit('LeakyRelu', [x], { alpha: attr(0.2, true) }, out);
    case 'relu6':
      return ctx.emit('Clip', [x, ctx.floats('zero', [], [0]), ctx.floats('six', [], [6])], {}, out);
    case 'hard_sigmoid':
      return ctx.emit(
        'HardSigmoid',
        [x],
        { alpha: attr(ctx.keras3 ? 1 / 6 : 0.2, true), beta: attr(0.5, true) },
        out,
      );
    case 'swish':
    case 'silu': {
      const s = ctx.emit('Sigmoid', [x]);
      return ctx.emit('Mul', [x, s], {}, out);
    }
    case 'gelu': {
      const d = ctx.emit('Div', [x, ctx.floats('sqrt2', [], [Math.SQRT2])]);
      const e = ctx.emit('Erf', [d]);
      const p = ctx.emit('Add', [e, ctx.floats('one', [], [1])]);
      const m = ctx.emit('Mul', [x, p]);
      return ctx.emit('Mul', [m, ctx.floats('half', [], [0.5])], {}, out);
    }
    default:
      throw ctx.error(`activation '${name}' is not supported`, 'UNSUPPORTED_OP');
  }
}

/** An ONNX RNN activation: its name and alpha/beta when it takes them. */
export interface RnnActivation {
  readonly name: string;
  readonly alpha?: number;
  readonly beta?: number;
}

/** Keras activation → ONNX RNN activation (Operators.md LSTM "activations"). */
export function rnnActivation(ctx: LayerContext, name: string): RnnActivation {
  switch (name) {
    case 'tanh':
      return { name: 'Tanh' };
    case 'sigmoid':
      return { name: 'Sigmoid' };
    case 'relu':
      return { name: 'Relu' };
    case 'softsign':
      return { name: 'Softsign' };
    case 'softplus':
      return { name: 'Softplus' };
    case 'elu':
      return { name: 'Elu', alpha: 1 };
    case 'linear':
    case 'None':
      return { name: 'Affine', alpha: 1, beta: 0 };
    case 'hard_sigmoid':
      return { name: 'HardSigmoid', alpha: ctx.keras3 ? 1 / 6 : 0.2, beta: 0.5 };
    default:
      throw ctx.error(`recurrent activation '${name}' has no ONNX RNN equivalent`, 'UNSUPPORTED_OP');
  }
}
