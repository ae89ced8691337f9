/**
 * MXNet's fused `RNN` op (modes rnn_relu, rnn_tanh, lstm, gru; cuDNN-compatible) → one ONNX
 * RNN/LSTM/GRU node per layer. The op's one flat parameter vector is unpacked in the graph, so the
 * stored array stays bit for bit what the file holds. Its layout (MXNet rnn-inl.h, as cuDNN packs
 * it): first every weight — for each layer, for each direction, i2h [G·H, I_l] then h2h [G·H, H] —
 * then every bias — for each layer and direction, i2h [G·H] then h2h [G·H]; I_0 is the input size,
 * I_l = D·H above. Gates are stored i,f,c,o (LSTM) and r,z,n (GRU); ONNX wants i,o,f,c and z,r,h,
 * and GRU's cuDNN form is ONNX's linear_before_reset=1.
 */
import { attr, type OpContext } from './context.js';
import type { Importer } from './import-table.js';

interface Mode {
  readonly op: 'RNN' | 'LSTM' | 'GRU';
  readonly gates: number;
  /** For each ONNX gate slot, the MXNet gate it takes. */
  readonly order: readonly number[];
  readonly activation?: string;
}

const MODES: Record<string, Mode> = {
  rnn_relu: { op: 'RNN', gates: 1, order: [0], activation: 'Relu' },
  rnn_tanh: { op: 'RNN', gates: 1, order: [0], activation: 'Tanh' },
  lstm: { op: 'LSTM', gates: 4, order: [0, 3, 1, 2] },
  gru: { op: 'GRU', gates: 3, order: [1, 0, 2] },
};

/** The flat vector's length for input size `input`. */
export function rnnParamCount(
  gates: number,
  hidden: number,
  layers: number,
  dirs: number,
  input: number,
): number {
  const gh = gates * hidden;
  let n = 0;
  for (let l = 0; l < layers; l++) n += dirs * gh * ((l === 0 ? input : dirs * hidden) + hidden + 2);
  return n;
}

/** The input size a flat vector of `count` elements implies, or undefined. */
function inputSizeFor(
  count: number,
  gates: number,
  hidden: number,
  layers: number,
  dirs: number,
): number | undefined {
  const rest = count - rnnParamCount(gates, hidden, layers, dirs, 0);
  const per = dirs * gates * hidden;
  return rest > 0 && rest % per === 0 ? rest / per : undefined;
}

const rnn: Importer = {
  outputs(node) {
    const states = (node.attrs.state_outputs ?? 'False').toLowerCase();
    if (states !== 'true' && states !== '1') return 1;
    return node.attrs.mode === 'lstm' ? 3 : 2;
  },
  run(ctx) {
    const mode = MODES[ctx.str('mode', '')];
    if (mode === undefined)
      throw ctx.error(`mode ${ctx.str('mode', '(none)')} is not supported`, 'UNSUPPORTED_OP');
    if (ctx.int('projection_size', 0) > 0)
      throw ctx.error('projection_size is not supported', 'UNSUPPORTED_OP');
    if (ctx.has('lstm_state_clip_min') && ctx.str('lstm_state_clip_min', 'None') !== 'None') {
      throw ctx.error('lstm_state_clip is not supported', 'UNSUPPORTED_OP');
    }
    if (ctx.bool('use_sequence_length', false))
      throw ctx.error('use_sequence_length is not supported', 'UNSUPPORTED_OP');
    const hidden = ctx.int('state_size', 0);
    if (hidden <= 0) throw ctx.error('needs the parameter state_size');
    const layers = ctx.int('num_layers', 1);
    const dirs = ctx.bool('bidirectional', false) ? 2 : 1;
    const x = ctx.data(0);
    const shape = ctx.info(x)?.shape;
    let input = typeof shape?.[2] === 'number' ? shape[2] : undefined;
    const flatShape = ctx.inputShape(1);
    if (input === undefined && typeof flatShape?.[0] === 'number') {
      input = inputSizeFor(flatShape[0], mode.gates, hidden, layers, dirs);
    }
    if (input === undefined)
      throw ctx.error('needs the input size: give --input with the data shape', 'USAGE');
    const flat = ctx.param(1, [rnnParamCount(mode.gates, hidden, layers, dirs, input)]);
    const initial = stateInputs(ctx, mode, layers, dirs);
    const unpack = new Unpacker(ctx, flat, mode, hidden);
    let offset = 0;
    const weights: { w: string; r: string }[] = [];
    for (let l = 0; l < layers; l++) {
      const inSize = l === 0 ? input : dirs * hidden;
      const w: string[] = [];
      const r: string[] = [];
      for (let d = 0; d < dirs; d++) {
        w.push(unpack.matrix(offset, inSize, `l${l}_d${d}_i2h_weight`));
        offset += mode.gates * hidden * inSize;
        r.push(unpack.matrix(offset, hidden, `l${l}_d${d}_h2h_weight`));
        offset += mode.gates * hidden * hidden;
      }
      weights.push({ w: unpack.stack(w, `l${l}_W`), r: unpack.stack(r, `l${l}_R`) });
    }
    let seq = x;
    const hs: string[] = [];
    const cs: string[] = [];
    const stateOut = ctx.outputCount > 1;
    for (let l = 0; l < layers; l++) {
      const b: string[] = [];
      for (let d = 0; d < dirs; d++) {
        const i2h = unpack.vector(offset, `l${l}_d${d}_i2h_bias`);
        offset += mode.gates * hidden;
        const h2h = unpack.vector(offset, `l${l}_d${d}_h2h_bias`);
        offset += mode.gates * hidden;
        b.push(ctx.emit('Concat', [i2h, h2h], { axis: attr(0) }, ctx.tmp(`l${l}_d${d}_bias`))[0] as string);
      }
      const bias = unpack.stack(b, `l${l}_B`);
      const { w, r } = weights[l] as { w: string; r: string };
      const attrs: Record<string, ReturnType<typeof attr>> = {
        hidden_size: attr(hidden),
        direction: attr(dirs === 2 ? 'bidirectional' : 'forward'),
      };
      if (mode.activation !== undefined) attrs.activations = attr(Array<string>(dirs).fill(mode.activation));
      if (mode.op === 'GRU') attrs.linear_before_reset = attr(1);
      const h0 = initial.h === undefined ? '' : initial.slice(initial.h, l, 'h');
      const inputs = [seq, w, r, bias, '', h0];
      if (mode.op === 'LSTM') inputs.push(initial.c === undefined ? '' : initial.slice(initial.c, l, 'c'));
      const outs = [
        ctx.tmp(`l${l}_Y`),
        ctx.tmp(`l${l}_Y_h`),
        ...(mode.op === 'LSTM' ? [ctx.tmp(`l${l}_Y_c`)] : []),
      ];
      ctx.emit(mode.op, inputs, attrs, outs);
      hs.push(outs[1] as string);
      if (mode.op === 'LSTM') cs.push(outs[2] as string);
      // Y [T, D, N, H] → [T, N, D·H], MXNet's output layout and the next layer's input.
      const t = ctx.emit(
        'Transpose',
        [outs[0] as string],
        { perm: attr([0, 2, 1, 3]) },
        ctx.tmp(`l${l}_Y_t`),
      )[0] as string;
      seq = ctx.emit(
        'Reshape',
        [t, ctx.int64(`l${l}_shape`, [0, 0, -1])],
        {},
        l === layers - 1 ? ctx.out(0) : ctx.tmp(`l${l}_out`),
      )[0] as string;
    }
    if (stateOut) {
      ctx.emit(
        hs.length === 1 ? 'Identity' : 'Concat',
        hs,
        hs.length === 1 ? {} : { axis: attr(0) },
        ctx.out(1),
      );
      if (mode.op === 'LSTM' && ctx.outputCount > 2) {
        ctx.emit(
          cs.length === 1 ? 'Identity' : 'Concat',
          cs,
          cs.length === 1 ? {} : { axis: attr(0) },
          ctx.out(2),
        );
      }
    }
  },
};

/** The initial states: omitted (ONNX's zeros) when MXNet feeds `_zeros`, else sliced per layer. */
function stateInputs(ctx: OpContext, mode: Mode, layers: number, dirs: number) {
  const pick = (i: number): string | undefined => {
    if (i >= ctx.inputCount) return undefined;
    const src = ctx.sourceOp(i);
    if (src === '_zeros' || src === 'zeros') return undefined;
    return ctx.data(i);
  };
  const h = pick(2);
  const c = mode.op === 'LSTM' ? pick(3) : undefined;
  return {
    h,
    c,
    slice(state: string, l: number, which: string): string {
      if (layers === 1) return state;
      return ctx.emit(
        'Slice',
        [
          state,
          ctx.int64(`${which}${l}_start`, [l * dirs]),
          ctx.int64(`${which}${l}_end`, [(l + 1) * dirs]),
          ctx.int64(`${which}${l}_axes`, [0]),
        ],
        {},
        ctx.tmp(`l${l}_${which}0`),
      )[0] as string;
    },
  };
}

/** Cuts gate blocks out of the flat vector and puts them in ONNX's gate order. */
class Unpacker {
  readonly #ctx: OpContext;
  readonly #flat: string;
  readonly #mode: Mode;
  readonly #hidden: number;
  #order: string | undefined;

  constructor(ctx: OpContext, flat: string, mode: Mode, hidden: number) {
    this.#ctx = ctx;
    this.#flat = flat;
    this.#mode = mode;
    this.#hidden = hidden;
  }

  #cut(offset: number, count: number, name: string): string {
    const c = this.#ctx;
    const ends = [offset + count];
    return c.emit(
      'Slice',
      [
        this.#flat,
        c.int64(`${name}_start`, [offset]),
        c.int64(`${name}_end`, ends),
        c.int64(`${name}_axes`, [0]),
      ],
      {},
      c.tmp(`${name}_flat`),
    )[0] as string;
  }

  /** Gate blocks [G, rest] reordered along axis 0. */
  #reorder(v: string, rest: number, name: string): string {
    const c = this.#ctx;
    const g = c.emit(
      'Reshape',
      [v, c.int64(`${name}_gates`, [this.#mode.gates, rest])],
      {},
      c.tmp(`${name}_gates`),
    )[0] as string;
    if (this.#mode.gates === 1) return g;
    this.#order ??= c.int64('gate_order', this.#mode.order);
    return c.emit('Gather', [g, this.#order], { axis: attr(0) }, c.tmp(`${name}_onnx`))[0] as string;
  }

  /** A weight matrix [G·H, cols] in ONNX gate order, with a leading direction axis of 1. */
  matrix(offset: number, cols: number, name: string): string {
    const c = this.#ctx;
    const gh = this.#mode.gates * this.#hidden;
    const v = this.#reorder(this.#cut(offset, gh * cols, name), this.#hidden * cols, name);
    return c.emit('Reshape', [v, c.int64(`${name}_shape`, [1, gh, cols])], {}, c.tmp(name))[0] as string;
  }

  /** A bias vector [G·H] in ONNX gate order. */
  vector(offset: number, name: string): string {
    const c = this.#ctx;
    const gh = this.#mode.gates * this.#hidden;
    const v = this.#reorder(this.#cut(offset, gh, name), this.#hidden, name);
    return c.emit('Reshape', [v, c.int64(`${name}_shape`, [gh])], {}, c.tmp(name))[0] as string;
  }

  /** Stacks per-direction pieces along a new (or the existing leading) direction axis. */
  stack(parts: readonly string[], name: string): string {
    const c = this.#ctx;
    if (parts[0] !== undefined && (c.rank(parts[0]) ?? 0) === 1) {
      const axes = c.int64(`${name}_axes`, [0]);
      parts = parts.map((p, i) => c.emit('Unsqueeze', [p, axes], {}, c.tmp(`${name}_${i}`))[0] as string);
    }
    if (parts.length === 1) return parts[0] as string;
    return c.emit('Concat', parts, { axis: attr(0) }, c.tmp(name))[0] as string;
  }
}

/** Fused RNN importers by MXNet op name. */
export const RNN_IMPORTERS: readonly (readonly [string, Importer])[] = [['RNN', rnn]];
