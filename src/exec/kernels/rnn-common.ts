/**
 * What the recurrent kernels (LSTM, GRU, RNN) share: reading X, W, R, B, sequence_lens and the
 * initial states in either layout, the activation functions by name, and writing Y / Y_h / Y_c.
 *
 * Facts (onnx docs/Operators.md, LSTM/GRU/RNN): layout 0 has X [seq, batch, input], initial
 * states [dirs, batch, hidden], Y [seq, dirs, batch, hidden]; layout 1 (since 14) has X [batch, seq,
 * input], states [batch, dirs, hidden], Y [batch, seq, dirs, hidden]. W is [dirs, gates*hidden,
 * input], R [dirs, gates*hidden, hidden], B [dirs, 2*gates*hidden] (Wb then Rb). Batch entries
 * shorter than seq (sequence_lens) have Y = 0 past their length and their final state is the state
 * after their last valid step; the reverse direction starts at their last valid step. Entries of
 * length 0 end with a zero state, as in onnxruntime.
 * Internally everything is float64 and time-major, so the math accumulates in float64.
 */
import { NnportError } from '../../core/errors.js';
import { elementCount } from '../../core/tensor.js';
import { attrFloat, attrFloats, attrInt, attrString, attrStrings } from '../attrs.js';
import type { ExecTensor, KernelContext } from '../kernel.js';

/** A scalar activation function. */
export type Activation = (x: number) => number;

/** Raises INVALID_STRUCTURE naming the node. */
export function rnnFail(ctx: KernelContext, detail: string): never {
  throw new NnportError('INVALID_STRUCTURE', `${ctx.node.op}: ${detail}`, {
    at: { node: ctx.node.name || ctx.node.outputs[0] || ctx.node.op },
  });
}

/**
 * The activations of Operators.md with how many alpha/beta values each consumes and the value
 * used when the lists run short. Operators.md gives no defaults; these are onnxruntime's, found by
 * running it (test/exec/rnn-rnn.test.ts): LeakyRelu 0.01, Elu 1, HardSigmoid 0.2/0.5, and 0 for
 * everything else (so a bare Affine or ScaledTanh is the constant 0). Names match
 * case-insensitively, as onnxruntime does.
 */
const ACTIVATIONS: Readonly<
  Record<string, { alpha?: number; beta?: number; make: (a: number, b: number) => Activation }>
> = {
  sigmoid: { make: () => (x) => 1 / (1 + Math.exp(-x)) },
  tanh: { make: () => Math.tanh },
  relu: { make: () => (x) => (x > 0 ? x : 0) },
  affine: { alpha: 0, beta: 0, make: (a, b) => (x) => a * x + b },
  leakyrelu: { alpha: 0.01, make: (a) => (x) => (x >= 0 ? x : a * x) },
  thresholdedrelu: { alpha: 0, make: (a) => (x) => (x > a ? x : 0) },
  scaledtanh: { alpha: 0, beta: 0, make: (a, b) => (x) => a * Math.tanh(b * x) },
  hardsigmoid: { alpha: 0.2, beta: 0.5, make: (a, b) => (x) => Math.min(Math.max(a * x + b, 0), 1) },
  elu: { alpha: 1, make: (a) => (x) => (x >= 0 ? x : a * Math.expm1(x)) },
  softsign: { make: () => (x) => x / (1 + Math.abs(x)) },
  // log(1 + e^x) without overflow for large x.
  softplus: { make: () => (x) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x))) },
};

/**
 * The activations per direction: `defaults.length` functions for each of `dirs` directions. A
 * list on the node must name all of them (forward direction's first), as onnxruntime requires;
 * alpha/beta values are consumed in order by the activations that take them.
 */
export function activations(ctx: KernelContext, defaults: readonly string[], dirs: number): Activation[][] {
  const perDir = defaults.length;
  // The schema default (RNN's is ['Tanh', 'Tanh'] whatever the direction) is applied to
  // ctx.attrs, so only an activations attribute written on the node itself counts.
  let names = ctx.node.attributes.activations === undefined ? [] : (attrStrings(ctx, 'activations') ?? []);
  if (names.length === 0) names = dirs === 2 ? [...defaults, ...defaults] : defaults;
  if (names.length !== perDir * dirs) {
    rnnFail(ctx, `expected ${perDir * dirs} activations, got ${names.length}`);
  }
  const alphas = attrFloats(ctx, 'activation_alpha') ?? [];
  const betas = attrFloats(ctx, 'activation_beta') ?? [];
  let ai = 0;
  let bi = 0;
  const fns = names.map((name) => {
    const spec = ACTIVATIONS[name.toLowerCase()];
    if (spec === undefined) {
      throw new NnportError('UNSUPPORTED_OP', `${ctx.node.op}: activation '${name}' is not supported`, {
        at: { node: ctx.node.name || ctx.node.outputs[0] || ctx.node.op },
      });
    }
    const a = spec.alpha === undefined ? 0 : ai < alphas.length ? alphas[ai++] : spec.alpha;
    const b = spec.beta === undefined ? 0 : bi < betas.length ? betas[bi++] : spec.beta;
    return spec.make(a, b);
  });
  const out: Activation[][] = [];
  for (let d = 0; d < dirs; d++) out.push(fns.slice(d * perDir, (d + 1) * perDir));
  return out;
}

/** Everything the recurrent loop needs, in float64 and time-major order. */
export interface RecurrentSetup {
  readonly seq: number;
  readonly batch: number;
  readonly input: number;
  readonly hidden: number;
  readonly dirs: number;
  /** True for layout 1 (batch-first tensors). */
  readonly batchFirst: boolean;
  /** Whether direction d runs backwards in time (`direction` reverse, or d = 1 when bidirectional). */
  readonly reversed: readonly boolean[];
  /** X as [seq, batch, input]. */
  readonly x: Float64Array;
  /** W as [dirs, gates*hidden, input]. */
  readonly w: Float64Array;
  /** R as [dirs, gates*hidden, hidden]. */
  readonly r: Float64Array;
  /** B as [dirs, 2*gates*hidden] (zeros when absent). */
  readonly b: Float64Array;
  /** Valid length of each batch entry. */
  readonly lens: readonly number[];
  /** Clip threshold (Infinity when absent). */
  readonly clip: number;
  /** The output element type (that of X). */
  readonly dtype: 'float32' | 'float64';
}

function floatData(ctx: KernelContext, t: ExecTensor | undefined, name: string): Float64Array | undefined {
  if (t === undefined) return undefined;
  if (t.dtype !== 'float32' && t.dtype !== 'float64') rnnFail(ctx, `${name} must be float, got ${t.dtype}`);
  return Float64Array.from(t.data as Float32Array | Float64Array);
}

function checkShape(ctx: KernelContext, t: ExecTensor, name: string, want: readonly number[]): void {
  if (t.shape.length !== want.length || t.shape.some((d, i) => d !== want[i])) {
    rnnFail(ctx, `${name} has shape [${t.shape.join(', ')}], expected [${want.join(', ')}]`);
  }
}

/** Reads and checks the inputs common to the three ops; `gates` is 4 (LSTM), 3 (GRU) or 1 (RNN). */
export function setup(
  ctx: KernelContext,
  inputs: readonly (ExecTensor | undefined)[],
  gates: number,
): RecurrentSetup {
  const [X, W, R, B, L] = inputs;
  if (X === undefined || W === undefined || R === undefined) rnnFail(ctx, 'X, W and R are required');
  if (X.dtype !== 'float32' && X.dtype !== 'float64') rnnFail(ctx, `X must be float, got ${X.dtype}`);
  if (X.shape.length !== 3) rnnFail(ctx, `X must be 3-D, got rank ${X.shape.length}`);
  const direction = attrString(ctx, 'direction', 'forward');
  // GRU-1's schema default is spelt 'foward'.
  if (!['forward', 'foward', 'reverse', 'bidirectional'].includes(direction)) {
    rnnFail(ctx, `unknown direction '${direction}'`);
  }
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const reversed = dirs === 2 ? [false, true] : [direction === 'reverse'];
  const batchFirst = ctx.since >= 14 && attrInt(ctx, 'layout', 0) === 1;
  const [d0, d1, input] = X.shape as [number, number, number];
  const [seq, batch] = batchFirst ? [d1, d0] : [d0, d1];
  const hidden = attrInt(ctx, 'hidden_size', R.shape[2] ?? 0);
  if (!(hidden > 0)) rnnFail(ctx, `hidden_size must be positive, got ${hidden}`);
  checkShape(ctx, W, 'W', [dirs, gates * hidden, input]);
  checkShape(ctx, R, 'R', [dirs, gates * hidden, hidden]);
  if (B !== undefined) checkShape(ctx, B, 'B', [dirs, 2 * gates * hidden]);
  // Sizes of everything allocated below, checked before allocating.
  elementCount([seq, dirs, batch, hidden]);
  elementCount([seq, batch, gates * hidden]);
  const xs = floatData(ctx, X, 'X') as Float64Array;
  let x = xs;
  if (batchFirst) {
    x = new Float64Array(xs.length);
    for (let n = 0; n < batch; n++) {
      for (let t = 0; t < seq; t++) {
        x.set(xs.subarray((n * seq + t) * input, (n * seq + t + 1) * input), (t * batch + n) * input);
      }
    }
  }
  const lens: number[] = [];
  if (L !== undefined) {
    checkShape(ctx, L, 'sequence_lens', [batch]);
    for (let n = 0; n < batch; n++) {
      const v = Number(L.data[n]);
      if (!(Number.isInteger(v) && v >= 0 && v <= seq))
        rnnFail(ctx, `sequence_lens[${n}] = ${v} is outside [0, ${seq}]`);
      lens.push(v);
    }
  } else {
    for (let n = 0; n < batch; n++) lens.push(seq);
  }
  const clipAttr = ctx.attrs.clip;
  const clip = clipAttr === undefined ? Number.POSITIVE_INFINITY : attrFloat(ctx, 'clip');
  return {
    seq,
    batch,
    input,
    hidden,
    dirs,
    batchFirst,
    reversed,
    x,
    w: floatData(ctx, W, 'W') as Float64Array,
    r: floatData(ctx, R, 'R') as Float64Array,
    b: floatData(ctx, B, 'B') ?? new Float64Array(dirs * 2 * gates * hidden),
    lens,
    clip,
    dtype: X.dtype,
  };
}

/** An initial state (initial_h / initial_c) as [dirs, batch, hidden], zeros when absent. */
export function initialState(
  ctx: KernelContext,
  s: RecurrentSetup,
  t: ExecTensor | undefined,
  name: string,
): Float64Array {
  const { dirs, batch, hidden } = s;
  if (t === undefined) return new Float64Array(dirs * batch * hidden);
  checkShape(ctx, t, name, s.batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden]);
  const data = floatData(ctx, t, name) as Float64Array;
  return s.batchFirst ? swap01(data, batch, dirs, hidden) : data;
}

/** [a, b, k] → [b, a, k]. */
function swap01(data: Float64Array, a: number, b: number, k: number): Float64Array {
  const out = new Float64Array(data.length);
  for (let i = 0; i < a; i++) {
    for (let j = 0; j < b; j++) out.set(data.subarray((i * b + j) * k, (i * b + j + 1) * k), (j * a + i) * k);
  }
  return out;
}

/**
 * Xt·W^T + Wb for every step of direction d: [seq, batch, rows] where rows = gates*hidden. Done
 * up front as one matrix product since it does not depend on the recurrence.
 */
export function inputProjection(s: RecurrentSetup, d: number, rows: number): Float64Array {
  const { seq, batch, input, x, w, b } = s;
  const out = new Float64Array(seq * batch * rows);
  const wOff = d * rows * input;
  const bOff = d * 2 * rows;
  for (let tn = 0; tn < seq * batch; tn++) {
    const xOff = tn * input;
    for (let g = 0; g < rows; g++) {
      let acc = b[bOff + g];
      const wr = wOff + g * input;
      for (let k = 0; k < input; k++) acc += x[xOff + k] * w[wr + k];
      out[tn * rows + g] = acc;
    }
  }
  return out;
}

/** out[g] = Rb[g] + Σ_k h[k]·R[d][g][k] for g in [0, rows): the recurrent term of one batch entry. */
export function recurrentTerm(
  s: RecurrentSetup,
  d: number,
  rows: number,
  h: Float64Array,
  hOff: number,
  out: Float64Array,
): void {
  const { hidden, r, b } = s;
  const rOff = d * rows * hidden;
  const bOff = d * 2 * rows + rows;
  for (let g = 0; g < rows; g++) {
    let acc = b[bOff + g];
    const rr = rOff + g * hidden;
    for (let k = 0; k < hidden; k++) acc += h[hOff + k] * r[rr + k];
    out[g] = acc;
  }
}

/** Clamps to [-clip, clip] (the input of every activation, per the `clip` attribute). */
export function clamp(v: number, clip: number): number {
  return v > clip ? clip : v < -clip ? -clip : v;
}

/** The time steps direction d visits for a batch entry of length len, in order. */
export function stepOrder(reversed: boolean, len: number): number[] {
  const order: number[] = [];
  if (reversed) for (let t = len - 1; t >= 0; t--) order.push(t);
  else for (let t = 0; t < len; t++) order.push(t);
  return order;
}

/**
 * Zeroes the final state of batch entries whose sequence_lens is 0. Operators.md does not say
 * what they hold; onnxruntime outputs zeros (not the initial state), and so do we.
 */
export function zeroEmpty(s: RecurrentSetup, state: Float64Array): Float64Array {
  for (let d = 0; d < s.dirs; d++) {
    for (let n = 0; n < s.batch; n++) {
      if (s.lens[n] === 0) state.fill(0, (d * s.batch + n) * s.hidden, (d * s.batch + n + 1) * s.hidden);
    }
  }
  return state;
}

/** A float output tensor of X's dtype from float64 values. */
function tensorOf(s: RecurrentSetup, shape: number[], values: Float64Array): ExecTensor {
  return s.dtype === 'float32'
    ? { dtype: 'float32', shape, data: Float32Array.from(values) }
    : { dtype: 'float64', shape, data: values };
}

/** Y from [seq, dirs, batch, hidden] values, in the node's layout. */
export function outputY(s: RecurrentSetup, y: Float64Array): ExecTensor {
  const { seq, dirs, batch, hidden } = s;
  if (!s.batchFirst) return tensorOf(s, [seq, dirs, batch, hidden], y);
  const out = new Float64Array(y.length);
  for (let t = 0; t < seq; t++) {
    for (let d = 0; d < dirs; d++) {
      for (let n = 0; n < batch; n++) {
        const from = ((t * dirs + d) * batch + n) * hidden;
        out.set(y.subarray(from, from + hidden), ((n * seq + t) * dirs + d) * hidden);
      }
    }
  }
  return tensorOf(s, [batch, seq, dirs, hidden], out);
}

/** A final state (Y_h / Y_c) from [dirs, batch, hidden] values, in the node's layout. */
export function outputState(s: RecurrentSetup, state: Float64Array): ExecTensor {
  const { dirs, batch, hidden } = s;
  return s.batchFirst
    ? tensorOf(s, [batch, dirs, hidden], swap01(state, dirs, batch, hidden))
    : tensorOf(s, [dirs, batch, hidden], state);
}

/** Whether output i of the node is wanted (present and not the empty name). */
export function wants(ctx: KernelContext, i: number): boolean {
  const name = ctx.node.outputs[i];
  return name !== undefined && name !== '';
}
