/**
 * Keras core layers → canonical ops: Dense, Activation and the advanced activation layers,
 * Dropout, Flatten, Reshape, Permute, the merge layers, Embedding, BatchNormalization and
 * LayerNormalization. Kernels are used as stored: a Dense kernel is [in, out], which is what MatMul
 * takes on the right, so no transpose is needed and the stored array stays bit for bit.
 */
import { activate } from './activations.js';
import { attr, type LayerContext } from './context.js';
import type { LayerImporter } from './import-table.js';

/** Applies the layer's `activation` (config) to `x` as the layer's output. */
export function finish(ctx: LayerContext, x: string): void {
  const a = ctx.activation();
  activate(ctx, x, a, ctx.out());
}

const dense: LayerImporter = (ctx) => {
  const x = ctx.input();
  // Keras 1 called `units` `output_dim`
  const units = ctx.num('units', ctx.num('output_dim', 0));
  const features = ctx.dim(x, -1);
  let y = ctx.emit('MatMul', [x, ctx.weight(0, [features, units])]);
  if (ctx.bool('use_bias', true)) y = ctx.emit('Add', [y, ctx.weight(1, [units])]);
  finish(ctx, y);
};

const activation: LayerImporter = (ctx) => finish(ctx, ctx.input());

const identity: LayerImporter = (ctx) => {
  ctx.emit('Identity', [ctx.input()], {}, ctx.out());
};

const relu: LayerImporter = (ctx) => {
  const x = ctx.input();
  const max = ctx.config.max_value;
  const slope = ctx.num('negative_slope', 0);
  const threshold = ctx.num('threshold', 0);
  if (threshold !== 0) {
    // Keras: x where x > threshold else 0, clipped to [0, max_value], minus slope·relu(threshold − x)
    const kept = ctx.emit('Where', [
      ctx.emit('Greater', [x, ctx.floats('threshold', [], [threshold])]),
      x,
      ctx.floats('zero', [], [0]),
    ]);
    const clipped =
      typeof max === 'number'
        ? ctx.emit('Clip', [kept, ctx.floats('zero', [], [0]), ctx.floats('max', [], [max])])
        : kept;
    if (slope === 0) {
      ctx.emit('Identity', [clipped], {}, ctx.out());
      return;
    }
    const below = ctx.emit('Relu', [ctx.emit('Sub', [ctx.floats('threshold', [], [threshold]), x])]);
    const neg = ctx.emit('Mul', [below, ctx.floats('slope', [], [slope])]);
    ctx.emit('Sub', [clipped, neg], {}, ctx.out());
    return;
  }
  const y = slope === 0 ? ctx.emit('Relu', [x]) : ctx.emit('LeakyRelu', [x], { alpha: attr(slope, true) });
  if (typeof max === 'number') ctx.emit('Clip', [y, '', ctx.floats('max', [], [max])], {}, ctx.out());
  else ctx.emit('Identity', [y], {}, ctx.out());
};

const leakyRelu: LayerImporter = (ctx) => {
  // Keras 2 `alpha` (default 0.3), Keras 3 `negative_slope` (default 0.3)
  const a = ctx.num('negative_slope', ctx.num('alpha', 0.3));
  ctx.emit('LeakyRelu', [ctx.input()], { alpha: attr(a, true) }, ctx.out());
};

const elu: LayerImporter = (ctx) => {
  ctx.emit('Elu', [ctx.input()], { alpha: attr(ctx.num('alpha', 1), true) }, ctx.out());
};

const softmax: LayerImporter = (ctx) => {
  const axis = ctx.config.axis;
  const a = typeof axis === 'number' ? axis : -1;
  ctx.emit('Softmax', [ctx.input()], { axis: attr(a) }, ctx.out());
};

const flatten: LayerImporter = (ctx) => {
  // NHWC data flattened as Keras does: C order over (H, W, C), which Flatten(axis 1) is.
  ctx.emit('Flatten', [ctx.input()], { axis: attr(1) }, ctx.out());
};

const reshape: LayerImporter = (ctx) => {
  const target = ctx.config.target_shape ?? ctx.config.targetShape;
  if (!Array.isArray(target)) throw ctx.error('target_shape is missing');
  const dims = target.map((d) => (typeof d === 'number' ? d : -1));
  ctx.emit('Reshape', [ctx.input(), ctx.int64('shape', [0, ...dims])], {}, ctx.out());
};

const permute: LayerImporter = (ctx) => {
  const dims = ctx.config.dims;
  if (!Array.isArray(dims)) throw ctx.error('dims is missing');
  ctx.emit('Transpose', [ctx.input()], { perm: attr([0, ...dims.map(Number)]) }, ctx.out());
};

function merge(op: string): LayerImporter {
  return (ctx) => {
    const xs = ctx.inputs;
    if (xs.length < 2 && op !== 'Sum') throw ctx.error('a merge layer needs at least 2 inputs');
    if (op === 'Sub') {
      ctx.emit('Sub', [ctx.input(0), ctx.input(1)], {}, ctx.out());
      return;
    }
    if (op === 'Add' || op === 'Mul') {
      let y = ctx.input(0);
      for (let i = 1; i < xs.length; i++)
        y = ctx.emit(op, [y, ctx.input(i)], {}, i === xs.length - 1 ? ctx.out() : ctx.tmp(op));
      return;
    }
    ctx.emit(op, [...xs], {}, ctx.out());
  };
}

const concatenate: LayerImporter = (ctx) => {
  ctx.emit('Concat', [...ctx.inputs], { axis: attr(ctx.num('axis', -1)) }, ctx.out());
};

const embedding: LayerImporter = (ctx) => {
  const vocab = ctx.num('input_dim', 0);
  const dim = ctx.num('output_dim', 0);
  const ids = ctx.input();
  const i =
    ctx.dtype(ids) === 'int64' || ctx.dtype(ids) === 'int32' ? ids : ctx.emit('Cast', [ids], { to: attr(7) });
  ctx.emit('Gather', [ctx.weight(0, [vocab, dim]), i], { axis: attr(0) }, ctx.out());
};

/** The single normalized axis of a BatchNormalization/LayerNormalization config (default -1). */
function axisOf(ctx: LayerContext, rank: number): number {
  const v = ctx.config.axis;
  const a = Array.isArray(v) ? (v.length === 1 ? Number(v[0]) : Number.NaN) : typeof v === 'number' ? v : -1;
  if (Number.isNaN(a)) throw ctx.error('normalization over several axes is not supported', 'UNSUPPORTED_OP');
  return a < 0 ? a + rank : a;
}

const batchNorm: LayerImporter = (ctx) => {
  const x = ctx.input();
  const rank = ctx.shape(x).length;
  const axis = axisOf(ctx, rank);
  const c = ctx.dim(x, axis);
  const scale = ctx.bool('scale', true);
  const center = ctx.bool('center', true);
  const ws = ctx.weights(2 + (scale ? 1 : 0) + (center ? 1 : 0));
  let k = 0;
  const gamma = scale ? ctx.weight(k++, [c]) : ctx.floats('gamma', [c], Array<number>(c).fill(1));
  const beta = center ? ctx.weight(k++, [c]) : ctx.floats('beta', [c], Array<number>(c).fill(0));
  const mean = ctx.weight(k++, [c]);
  const variance = ctx.weight(k++, [c]);
  void ws;
  const eps = attr(ctx.num('epsilon', 1e-3), true);
  // Canonical BatchNormalization normalizes axis 1: move the Keras axis there and back.
  if (axis === 1 || rank < 2) {
    ctx.emit('BatchNormalization', [x, gamma, beta, mean, variance], { epsilon: eps }, ctx.out());
    return;
  }
  const perm = [0, axis, ...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== 0 && i !== axis)];
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const t = ctx.emit('Transpose', [x], { perm: attr(perm) });
  const n = ctx.emit('BatchNormalization', [t, gamma, beta, mean, variance], { epsilon: eps });
  ctx.emit('Transpose', [n], { perm: attr(inverse) }, ctx.out());
};

const layerNorm: LayerImporter = (ctx) => {
  const x = ctx.input();
  const rank = ctx.shape(x).length;
  const axis = axisOf(ctx, rank);
  if (axis !== rank - 1)
    throw ctx.error('LayerNormalization over a non-last axis is not supported', 'UNSUPPORTED_OP');
  const c = ctx.dim(x, axis);
  const scale = ctx.bool('scale', true);
  const center = ctx.bool('center', true);
  let k = 0;
  const gamma = scale ? ctx.weight(k++, [c]) : ctx.floats('gamma', [c], Array<number>(c).fill(1));
  const beta = center ? ctx.weight(k++, [c]) : ctx.floats('beta', [c], Array<number>(c).fill(0));
  const eps = attr(ctx.num('epsilon', 1e-3), true);
  ctx.emit('LayerNormalization', [x, gamma, beta], { axis: attr(-1), epsilon: eps }, ctx.out());
};

/** Core layers by class name. */
export const CORE: ReadonlyMap<string, LayerImporter> = new Map([
  ['Dense', dense],
  ['Activation', activation],
  ['Dropout', identity],
  ['SpatialDropout1D', identity],
  ['SpatialDropout2D', identity],
  ['SpatialDropout3D', identity],
  ['GaussianNoise', identity],
  ['GaussianDropout', identity],
  ['AlphaDropout', identity],
  ['ReLU', relu],
  ['LeakyReLU', leakyRelu],
  ['ELU', elu],
  ['Softmax', softmax],
  ['Flatten', flatten],
  ['Reshape', reshape],
  ['Permute', permute],
  ['Add', merge('Add')],
  ['Subtract', merge('Sub')],
  ['Multiply', merge('Mul')],
  ['Average', merge('Mean')],
  ['Maximum', merge('Max')],
  ['Minimum', merge('Min')],
  ['Concatenate', concatenate],
  ['Embedding', embedding],
  ['BatchNormalization', batchNorm],
  ['LayerNormalization', layerNorm],
]);
