/**
 * Keras recurrent layers → ONNX LSTM, GRU and RNN. Keras stores a kernel [in, G·units], a
 * recurrent kernel [units, G·units] and a bias with the gates side by side in its own order
 * (LSTM i, f, c, o; GRU z, r, h); ONNX wants [dirs, G·units, in] with LSTM gates i, o, f, c (GRU
 * z, r, h as Keras), and input and recurrent biases side by side. The conversion is done by nodes
 * on the stored weights (Transpose, Split/Concat to reorder gates), so the arrays stay bit for bit.
 * GRU `reset_after` is ONNX `linear_before_reset` (its bias [2, 3·units] is already [Wb, Rb]).
 * Data is [batch, time, features] as in Keras: transposed to ONNX's time-major layout and back.
 * Bidirectional layers become one bidirectional ONNX node (forward weights first); merge_mode
 * concat/sum/mul/ave/None and `return_state` give Keras's outputs ([y…, forward states, backward
 * states]).
 */
import type { Tensor } from '../../core/tensor.js';
import { type RnnActivation, rnnActivation } from './activations.js';
import { isObject } from './config.js';
import { attr, type LayerContext } from './context.js';
import type { LayerImporter } from './import-table.js';

interface Kind {
  readonly op: 'LSTM' | 'GRU' | 'RNN';
  readonly gates: number;
  /** Keras gate index for each ONNX gate. */
  readonly order: readonly number[];
  readonly states: number;
}

const KINDS: Readonly<Record<string, Kind>> = {
  LSTM: { op: 'LSTM', gates: 4, order: [0, 3, 1, 2], states: 2 },
  GRU: { op: 'GRU', gates: 3, order: [0, 1, 2], states: 1 },
  SimpleRNN: { op: 'RNN', gates: 1, order: [0], states: 1 },
};

/** The inner layer's config values (the layer itself, or a Bidirectional's `layer`). */
interface Cell {
  readonly kind: Kind;
  readonly units: number;
  readonly config: { readonly [k: string]: unknown };
}

function num(c: Cell['config'], key: string, fallback: number): number {
  const v = c[key];
  return typeof v === 'number' ? v : fallback;
}

function flag(c: Cell['config'], key: string, fallback: boolean): boolean {
  const v = c[key];
  return typeof v === 'boolean' ? v : fallback;
}

function actName(c: Cell['config'], key: string, fallback: string): string {
  const v = c[key];
  if (typeof v === 'string') return v;
  if (isObject(v as never) && typeof (v as { class_name?: unknown }).class_name === 'string')
    return (v as { class_name: string }).class_name;
  return fallback;
}

/** A Keras gate-packed matrix [a, G·U] as the ONNX [1, G·U, a] (reordered). */
function packed(ctx: LayerContext, w: string, kind: Kind): string {
  let t = ctx.emit('Transpose', [w], { perm: attr([1, 0]) });
  if (kind.order.some((k, i) => k !== i)) {
    const parts = Array.from({ length: kind.gates }, () => ctx.tmp('gate'));
    ctx.emit('Split', [t], { axis: attr(0) }, parts);
    t = ctx.emit(
      'Concat',
      kind.order.map((k) => parts[k] as string),
      { axis: attr(0) },
    );
  }
  return ctx.emit('Unsqueeze', [t, ctx.int64('axis0', [0])]);
}

/** The ONNX B [1, 2·G·U] of one direction, from its Keras bias (or undefined without one). */
function bias(ctx: LayerContext, cell: Cell, b: Tensor | undefined, resetAfter: boolean): string | undefined {
  if (b === undefined) return undefined;
  const gu = cell.kind.gates * cell.units;
  if (resetAfter) {
    ctx.weightShape(b, [2, gu]);
    return ctx.emit('Reshape', [b.name, ctx.int64('bias_shape', [1, 2 * gu])]);
  }
  ctx.weightShape(b, [gu]);
  let t = b.name;
  if (cell.kind.order.some((k, i) => k !== i)) {
    const parts = Array.from({ length: cell.kind.gates }, () => ctx.tmp('gate'));
    ctx.emit('Split', [t], { axis: attr(0) }, parts);
    t = ctx.emit(
      'Concat',
      cell.kind.order.map((k) => parts[k] as string),
      { axis: attr(0) },
    );
  }
  const both = ctx.emit('Concat', [t, ctx.floats('zero_bias', [gu], Array<number>(gu).fill(0))], {
    axis: attr(0),
  });
  return ctx.emit('Unsqueeze', [both, ctx.int64('axis0', [0])]);
}

interface Direction {
  readonly w: string;
  readonly r: string;
  readonly b: string | undefined;
}

function direction(ctx: LayerContext, cell: Cell, ws: readonly Tensor[], features: number): Direction {
  const gu = cell.kind.gates * cell.units;
  const useBias = flag(cell.config, 'use_bias', true);
  if (ws.length < (useBias ? 3 : 2))
    throw ctx.error(`needs ${useBias ? 3 : 2} weights per direction, has ${ws.length}`);
  const [k, r, b] = ws as [Tensor, Tensor, Tensor | undefined];
  ctx.weightShape(k, [features, gu]);
  ctx.weightShape(r, [cell.units, gu]);
  const resetAfter = cell.kind.op === 'GRU' && flag(cell.config, 'reset_after', false);
  return {
    w: packed(ctx, k.name, cell.kind),
    r: packed(ctx, r.name, cell.kind),
    b: bias(ctx, cell, useBias ? b : undefined, resetAfter),
  };
}

function joined(ctx: LayerContext, xs: readonly string[]): string {
  return xs.length === 1 ? (xs[0] as string) : ctx.emit('Concat', [...xs], { axis: attr(0) });
}

/** ONNX activations (and their alpha/beta lists) for one direction, times `dirs`. */
function activationAttrs(
  ctx: LayerContext,
  cell: Cell,
  dirs: number,
): Record<string, ReturnType<typeof attr>> {
  const rec = rnnActivation(ctx, actName(cell.config, 'recurrent_activation', 'sigmoid'));
  const act = rnnActivation(ctx, actName(cell.config, 'activation', 'tanh'));
  const one: RnnActivation[] =
    cell.kind.op === 'LSTM' ? [rec, act, act] : cell.kind.op === 'GRU' ? [rec, act] : [act];
  const all = Array.from({ length: dirs }, () => one).flat();
  const out: Record<string, ReturnType<typeof attr>> = {
    activations: { type: 'strings', value: all.map((a) => a.name) },
  };
  const alphas = all.flatMap((a) => (a.alpha === undefined ? [] : [a.alpha]));
  const betas = all.flatMap((a) => (a.beta === undefined ? [] : [a.beta]));
  if (alphas.length > 0) out.activation_alpha = attr(alphas, true);
  if (betas.length > 0) out.activation_beta = attr(betas, true);
  return out;
}

/** Reverses axis 0 (time, in the time-major layout). */
function reverseTime(ctx: LayerContext, x: string): string {
  return reverseAxes(ctx, x, [0]);
}

/** Reverses each of `axes`. */
function reverseAxes(ctx: LayerContext, x: string, axes: readonly number[]): string {
  return ctx.emit('Slice', [
    x,
    ctx.int64(
      'starts',
      axes.map(() => -1),
    ),
    ctx.int64(
      'ends',
      axes.map(() => Number.MIN_SAFE_INTEGER),
    ),
    ctx.int64('axes', [...axes]),
    ctx.int64(
      'steps',
      axes.map(() => -1),
    ),
  ]);
}

function run(ctx: LayerContext, cell: Cell, bidirectional: boolean, mergeMode: string): void {
  const x = ctx.input();
  const features = ctx.dim(x, -1);
  const dirs = bidirectional ? 2 : 1;
  const all = ctx.weights();
  const per = all.length / dirs;
  if (!Number.isInteger(per)) throw ctx.error(`has ${all.length} weights, not the same number per direction`);
  // Keras 3 files sort backward_layer before forward_layer: forward first, whatever the file order
  // (a path segment starting `backward_`: `backward_lstm_1/kernel`, `backward_layer/cell/vars/0`).
  const isBack = (t: Tensor): boolean => /(^|\/)backward_/.test(t.name);
  const back = all.filter(isBack);
  const ordered = bidirectional && back.length === per ? [...all.filter((t) => !isBack(t)), ...back] : all;
  // A wrapped layer with go_backwards: Keras's forward layer reads the sequence reversed and its
  // backward layer reads it in order, so their weights go to the ONNX reverse and forward
  // directions, and the outputs come back time-reversed with the directions swapped (below).
  const swap = bidirectional && flag(cell.config, 'go_backwards', false);
  const at = (d: number): number => (swap ? dirs - 1 - d : d);
  const ds = Array.from({ length: dirs }, (_, d) =>
    direction(ctx, cell, ordered.slice(at(d) * per, (at(d) + 1) * per), features),
  );
  const w = joined(
    ctx,
    ds.map((d) => d.w),
  );
  const r = joined(
    ctx,
    ds.map((d) => d.r),
  );
  const bs = ds.map((d) => d.b);
  const b = bs.every((v) => v !== undefined) ? joined(ctx, bs as string[]) : '';
  const goBackwards = !bidirectional && flag(cell.config, 'go_backwards', false);
  const attrs: Record<string, ReturnType<typeof attr>> = {
    hidden_size: attr(cell.units),
    direction: attr(bidirectional ? 'bidirectional' : goBackwards ? 'reverse' : 'forward'),
    ...activationAttrs(ctx, cell, dirs),
  };
  if (cell.kind.op === 'GRU')
    attrs.linear_before_reset = attr(flag(cell.config, 'reset_after', false) ? 1 : 0);
  // Initial states: [h, c] per direction (forward's first), each [batch, units].
  const states = ctx.inputs.slice(1);
  const init: string[] = [];
  if (states.length > 0) {
    if (states.length !== cell.kind.states * dirs)
      throw ctx.error(`takes ${cell.kind.states * dirs} initial states, got ${states.length}`);
    for (let s = 0; s < cell.kind.states; s++) {
      const perDir = Array.from({ length: dirs }, (_, d) =>
        ctx.emit('Unsqueeze', [states[at(d) * cell.kind.states + s] as string, ctx.int64('axis0', [0])]),
      );
      init.push(joined(ctx, perDir));
    }
  }
  const xt = ctx.emit('Transpose', [x], { perm: attr([1, 0, 2]) });
  const inputs = [xt, w, r, b, '', ...init];
  while (inputs.at(-1) === '') inputs.pop();
  const outs = [ctx.tmp('Y'), ctx.tmp('Y_h'), ...(cell.kind.op === 'LSTM' ? [ctx.tmp('Y_c')] : [])];
  ctx.emit(cell.kind.op, inputs, attrs, outs);
  const flip = (v: string, axes: number[]): string => (swap ? reverseAxes(ctx, v, axes) : v);
  const y = flip(outs[0] as string, [0, 1]);
  const yh = flip(outs[1] as string, [0]);
  const yc = outs[2] === undefined ? undefined : flip(outs[2], [0]);
  const sequences = flag(cell.config, 'return_sequences', false);
  const returnState = flag(cell.config, 'return_state', false);
  if (!bidirectional) {
    if (sequences) {
      let t = ctx.emit('Squeeze', [y, ctx.int64('axis1', [1])]);
      if (goBackwards) t = reverseTime(ctx, t);
      ctx.emit('Transpose', [t], { perm: attr([1, 0, 2]) }, ctx.out());
    } else ctx.emit('Squeeze', [yh, ctx.int64('axis0', [0])], {}, ctx.out());
    if (returnState) states1(ctx, [yh, ...(yc === undefined ? [] : [yc])], 1, 1);
    return;
  }
  // y [T, 2, B, U] / yh [2, B, U]: directions side by side on the last axis, combined, or apart
  const dirAxis = sequences ? 1 : 0;
  const src = sequences ? y : yh;
  let next = 1;
  if (mergeMode === 'concat') {
    const t = ctx.emit('Transpose', [src], { perm: attr(sequences ? [2, 0, 1, 3] : [1, 0, 2]) });
    ctx.emit('Reshape', [t, ctx.int64('shape', sequences ? [0, 0, -1] : [0, -1])], {}, ctx.out());
  } else if (mergeMode === 'none') {
    // Keras returns [forward, backward] as two outputs
    const halves = [ctx.tmp('fw'), ctx.tmp('bw')];
    ctx.emit('Split', [src], { axis: attr(dirAxis) }, halves);
    halves.forEach((h, d) => {
      const out = optionalOut(ctx, d);
      if (out === undefined) return;
      const q = ctx.emit('Squeeze', [h, ctx.int64('axis', [dirAxis])]);
      if (sequences) ctx.emit('Transpose', [q], { perm: attr([1, 0, 2]) }, out);
      else ctx.emit('Identity', [q], {}, out);
    });
    next = 2;
  } else {
    const op = { sum: 'ReduceSum', mul: 'ReduceProd', ave: 'ReduceMean' }[mergeMode];
    if (op === undefined) throw ctx.error(`merge_mode '${mergeMode}' is not supported`, 'UNSUPPORTED_OP');
    const m =
      op === 'ReduceSum'
        ? ctx.emit(op, [src, ctx.int64('axes', [dirAxis])], { keepdims: attr(0) })
        : ctx.emit(op, [src], { axes: attr([dirAxis]), keepdims: attr(0) });
    if (sequences) ctx.emit('Transpose', [m], { perm: attr([1, 0, 2]) }, ctx.out());
    else ctx.emit('Identity', [m], {}, ctx.out());
  }
  if (returnState) states1(ctx, [yh, ...(yc === undefined ? [] : [yc])], 2, next);
}

/** Output `k` when something reads it (the builder reserves only the outputs the model uses). */
function optionalOut(ctx: LayerContext, k: number): string | undefined {
  try {
    return ctx.out(k);
  } catch {
    return undefined;
  }
}

/**
 * The final states as outputs `first`, `first + 1` …: per direction (forward first) h, then c
 * for an LSTM, each [batch, units] — Keras's `return_state` order (`[y, *fw_states, *bw_states]`).
 */
function states1(ctx: LayerContext, finals: readonly string[], dirs: number, first: number): void {
  for (let d = 0; d < dirs; d++) {
    finals.forEach((f, s) => {
      const out = optionalOut(ctx, first + d * finals.length + s);
      if (out === undefined) return;
      const one = dirs === 1 ? f : ctx.emit('Slice', [f, ctx.int64('from', [d]), ctx.int64('to', [d + 1])]);
      ctx.emit('Squeeze', [one, ctx.int64('axis0', [0])], {}, out);
    });
  }
}

function recurrent(className: string): LayerImporter {
  return (ctx) => {
    const kind = KINDS[className] as Kind;
    run(ctx, { kind, units: ctx.num('units', 0), config: ctx.config }, false, 'concat');
  };
}

const bidirectional: LayerImporter = (ctx) => {
  const inner = ctx.config.layer;
  if (!isObject(inner) || typeof inner.class_name !== 'string' || !isObject(inner.config))
    throw ctx.error('has no inner layer config');
  const kind = KINDS[inner.class_name];
  if (kind === undefined)
    throw ctx.error(`wraps ${inner.class_name}, which is not LSTM, GRU or SimpleRNN`, 'UNSUPPORTED_OP');
  const c = inner.config;
  const mode = ctx.config.merge_mode;
  run(ctx, { kind, units: num(c, 'units', 0), config: c }, true, typeof mode === 'string' ? mode : 'none');
};

/** Recurrent layers by class name. */
export const RNN: ReadonlyMap<string, LayerImporter> = new Map([
  ['LSTM', recurrent('LSTM')],
  ['GRU', recurrent('GRU')],
  ['SimpleRNN', recurrent('SimpleRNN')],
  ['Bidirectional', bidirectional],
]);
