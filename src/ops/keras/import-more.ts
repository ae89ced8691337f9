/**
 * More Keras layers → canonical ops: RepeatVector, PReLU, ThresholdedReLU, Dot and Rescaling.
 * Definitions are Keras's own (keras/layers/…): PReLU is x for x > 0 and α·x otherwise with α a
 * weight of the input's shape ([…, 1, …] on `shared_axes`); ThresholdedReLU keeps x where
 * x > θ, else 0; Dot is `batch_dot` over `axes` after an optional L2 normalization
 * (x / sqrt(max(Σx², 1e-12))); Rescaling is x·scale + offset.
 */
import { attr, type LayerContext } from './context.js';
import type { LayerImporter } from './import-table.js';

const repeatVector: LayerImporter = (ctx) => {
  const n = ctx.num('n', 0);
  if (!Number.isInteger(n) || n < 1) throw ctx.error('n must be a positive integer');
  const u = ctx.emit('Unsqueeze', [ctx.input(), ctx.int64('axis1', [1])]);
  ctx.emit('Expand', [u, ctx.int64('repeat', [1, n, 1])], {}, ctx.out());
};

const prelu: LayerImporter = (ctx) => {
  const x = ctx.input();
  const dims = ctx.shape(x).slice(1);
  const raw = ctx.config.shared_axes;
  const shared = (raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw]).map(Number);
  // the weight is [input dims without batch], 1 on shared axes (axis numbers count the batch)
  const shape = dims.map((d, i) => (shared.includes(i + 1) ? 1 : typeof d === 'number' ? d : null));
  ctx.emit('PRelu', [x, ctx.weight(0, shape)], {}, ctx.out());
};

const thresholdedRelu: LayerImporter = (ctx) => {
  const x = ctx.input();
  const theta = ctx.num('theta', 1);
  const keep = ctx.emit('Greater', [x, ctx.floats('theta', [], [theta])]);
  ctx.emit('Where', [keep, x, ctx.floats('zero', [], [0])], {}, ctx.out());
};

/** x / sqrt(max(Σ x² over `axis`, 1e-12)): Keras's l2_normalize. */
function l2Normalize(ctx: LayerContext, x: string, axis: number): string {
  const sq = ctx.emit('Mul', [x, x]);
  const sum = ctx.emit('ReduceSum', [sq, ctx.int64('axes', [axis])], { keepdims: attr(1) });
  const safe = ctx.emit('Max', [sum, ctx.floats('epsilon', [], [1e-12])]);
  return ctx.emit('Div', [x, ctx.emit('Sqrt', [safe])]);
}

const dot: LayerImporter = (ctx) => {
  let a = ctx.input(0);
  let b = ctx.input(1);
  const rank = ctx.shape(a).length;
  if (ctx.shape(b).length !== rank || (rank !== 2 && rank !== 3))
    throw ctx.error('Dot of inputs other than two of rank 2 or two of rank 3', 'UNSUPPORTED_OP');
  const raw = ctx.config.axes;
  const pair = typeof raw === 'number' ? [raw, raw] : Array.isArray(raw) ? raw.map(Number) : [];
  if (pair.length !== 2 || pair.some((v) => !Number.isInteger(v))) throw ctx.error('axes is not understood');
  const [ax, ay] = pair.map((v) => (v < 0 ? v + rank : v)) as [number, number];
  if (ax < 1 || ay < 1 || ax >= rank || ay >= rank) throw ctx.error('axes must not be the batch axis');
  if (ctx.bool('normalize', false)) {
    a = l2Normalize(ctx, a, ax);
    b = l2Normalize(ctx, b, ay);
  }
  if (rank === 2) {
    // [B, k]·[B, k] → [B, 1]
    const p = ctx.emit('Mul', [a, b]);
    ctx.emit('ReduceSum', [p, ctx.int64('axes', [1])], { keepdims: attr(1) }, ctx.out());
    return;
  }
  // [B, m, k] @ [B, k, n]: the contracted axis last on the left, first (after batch) on the right
  const left = ax === 2 ? a : ctx.emit('Transpose', [a], { perm: attr([0, 2, 1]) });
  const right = ay === 1 ? b : ctx.emit('Transpose', [b], { perm: attr([0, 2, 1]) });
  ctx.emit('MatMul', [left, right], {}, ctx.out());
};

/** A scalar or per-channel (last axis) value of the config as a float Constant. */
function scalarOrList(ctx: LayerContext, key: string, fallback: number): string {
  const v = ctx.config[key];
  if (Array.isArray(v) && v.every((x) => typeof x === 'number'))
    return ctx.floats(key, [v.length], v as number[]);
  return ctx.floats(key, [], [typeof v === 'number' ? v : fallback]);
}

const rescaling: LayerImporter = (ctx) => {
  const m = ctx.emit('Mul', [ctx.input(), scalarOrList(ctx, 'scale', 1)]);
  ctx.emit('Add', [m, scalarOrList(ctx, 'offset', 0)], {}, ctx.out());
};

/** These layers by class name. */
export const MORE: ReadonlyMap<string, LayerImporter> = new Map([
  ['RepeatVector', repeatVector],
  ['PReLU', prelu],
  ['ThresholdedReLU', thresholdedRelu],
  ['Dot', dot],
  ['Rescaling', rescaling],
]);
