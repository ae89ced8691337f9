/**
 * ONNX LSTM / GRU / RNN → MXNet's fused `RNN` op (mode lstm / gru / rnn_tanh / rnn_relu), one
 * layer, forward or bidirectional. MXNet takes every weight in one flat parameter vector laid out
 * as cuDNN does (gluon rnn_layer.py: all weights — per layer, per direction, i2h then h2h — then
 * all biases in the same order) and orders gates as cuDNN: LSTM i, f, g, o (ONNX i, o, f, c), GRU
 * r, z, n (ONNX z, r, h). ONNX's Y `[seq, dirs, batch, hidden]` is MXNet's `[seq, batch,
 * dirs·hidden]` reshaped and transposed. Also Expand, which is how exporters write the zero
 * initial states these ops take.
 */
import { DTYPES } from '../../core/dtype.js';
import { DerivedData, readTensorBytes, type Tensor } from '../../core/tensor.js';
import { mxBool, mxInt, mxTuple } from './export-attrs.js';
import { tiledTensor, zerosTensor } from './export-tensors.js';
import {
  type Converter,
  type ExportContext,
  entryOf,
  intAttr,
  type MxEntry,
  refuse,
  staticShape,
  stringAttr,
} from './export-types.js';

/** Per op: MXNet mode, ONNX gate index of each MXNet gate, default activations per direction. */
const KINDS = {
  LSTM: { gates: [0, 2, 3, 1], activations: ['Sigmoid', 'Tanh', 'Tanh'] },
  GRU: { gates: [1, 0, 2], activations: ['Sigmoid', 'Tanh'] },
  RNN: { gates: [0], activations: ['Tanh'] },
} as const;

/**
 * The flat MXNet parameter vector from ONNX W `[dirs, gates·H, in]`, R `[dirs, gates·H, H]`, B
 * `[dirs, 2·gates·H]` (zeros when absent), gates reordered; computed when read.
 */
function packParams(
  name: string,
  w: Tensor,
  r: Tensor,
  b: Tensor | undefined,
  order: readonly number[],
  hidden: number,
): Tensor {
  const size = DTYPES[w.dtype].bits / 8;
  const [dirs, , input] = w.shape as [number, number, number];
  const g = order.length;
  const total = dirs * g * hidden * (input + hidden + 2);
  const data = new DerivedData(total * size, async () => {
    const [wb, rb] = [await readTensorBytes(w), await readTensorBytes(r)];
    const bb = b === undefined ? new Uint8Array(dirs * 2 * g * hidden * size) : await readTensorBytes(b);
    const out = new Uint8Array(total * size);
    let pos = 0;
    /** Copies gate blocks of `rows`×`cols` elements from `src` (direction `d`'s part at `base`) in MXNet order. */
    const blocks = (src: Uint8Array, base: number, cols: number): void => {
      const block = hidden * cols * size;
      for (const k of order) {
        out.set(src.subarray(base + k * block, base + (k + 1) * block), pos);
        pos += block;
      }
    };
    for (let d = 0; d < dirs; d++) {
      blocks(wb, d * g * hidden * input * size, input);
      blocks(rb, d * g * hidden * hidden * size, hidden);
    }
    for (let d = 0; d < dirs; d++) {
      blocks(bb, d * 2 * g * hidden * size, 1);
      blocks(bb, (d * 2 + 1) * g * hidden * size, 1);
    }
    return out;
  });
  return { name, dtype: w.dtype, shape: [total], data };
}

/** A zero initial state `[dirs, batch, H]` when the node gives none (MXNet's RNN needs one). */
function initialState(ctx: ExportContext, i: number, dirs: number, hidden: number, what: string): MxEntry {
  if (ctx.has(i)) return ctx.input(i);
  const batch = ctx.shape(0)?.[1];
  if (typeof batch !== 'number') refuse(ctx, `a missing ${what} needs the batch size, which is unknown`);
  return ctx.param(
    zerosTensor(`${ctx.node.name || ctx.node.outputs[0]}_${what}`, ctx.dtype(1) ?? 'float32', [
      dirs,
      batch,
      hidden,
    ]),
  );
}

function recurrent(kind: keyof typeof KINDS): Converter {
  return (ctx) => {
    const spec = KINDS[kind];
    const direction = stringAttr(ctx, 'direction', 'forward');
    if (direction !== 'forward' && direction !== 'bidirectional')
      refuse(ctx, `direction ${direction} has no MXNet RNN form`);
    const dirs = direction === 'bidirectional' ? 2 : 1;
    if (intAttr(ctx, 'layout', 0) !== 0)
      refuse(ctx, 'layout 1 (batch first): MXNet RNN takes [seq, batch, features]');
    if (ctx.attrs.clip !== undefined) refuse(ctx, 'clip has no MXNet RNN parameter');
    if (intAttr(ctx, 'input_forget', 0) !== 0) refuse(ctx, 'input_forget has no MXNet RNN parameter');
    if (ctx.has(4)) refuse(ctx, 'sequence_lens has no MXNet RNN form (use_sequence_length is GPU only)');
    if (kind === 'LSTM' && ctx.has(7)) refuse(ctx, 'peepholes have no MXNet RNN form');
    if (kind === 'GRU' && intAttr(ctx, 'linear_before_reset', 0) !== 1) {
      refuse(ctx, 'linear_before_reset 0: MXNet GRU applies the reset gate after the linear map (cuDNN)');
    }
    const a = ctx.attrs.activations;
    const acts = a?.type === 'strings' ? a.value : undefined;
    let mode: string = kind.toLowerCase();
    if (kind === 'RNN') {
      const act = acts?.[0] ?? 'Tanh';
      if (act !== 'Tanh' && act !== 'Relu') refuse(ctx, `activation ${act} has no MXNet RNN mode`);
      if (acts?.some((x) => x !== act)) refuse(ctx, 'different activations per direction');
      mode = act === 'Tanh' ? 'rnn_tanh' : 'rnn_relu';
    } else if (acts?.some((x, k) => x !== spec.activations[k % spec.activations.length])) {
      refuse(ctx, `activations [${acts}] differ from MXNet's fixed ${kind} ones`);
    }
    const w = ctx.tensor(1);
    const r = ctx.tensor(2);
    const b = ctx.has(3) ? ctx.tensor(3) : undefined;
    if (w === undefined || r === undefined || (ctx.has(3) && b === undefined))
      refuse(ctx, 'W, R and B must be constants (MXNet packs them into one parameter)');
    const ws = staticShape(ctx, 1) as number[];
    const hidden = intAttr(ctx, 'hidden_size') ?? (ws[1] as number) / spec.gates.length;
    for (const k of [1, 2, 3]) if (ctx.has(k)) ctx.consume(k);
    const params = ctx.param(packParams(`${w.name}_packed`, w, r, b, spec.gates, hidden));
    const inputs = [ctx.input(0), params, initialState(ctx, 5, dirs, hidden, 'initial_h')];
    if (kind === 'LSTM') inputs.push(initialState(ctx, 6, dirs, hidden, 'initial_c'));
    const attrs = {
      bidirectional: mxBool(dirs === 2),
      mode,
      num_layers: '1',
      p: '0.0',
      state_outputs: 'True',
      state_size: mxInt(hidden),
    };
    const node = ctx.op('RNN', attrs, inputs, { outputs: kind === 'LSTM' ? 3 : 2 });
    if (ctx.outputUsed(0)) {
      const split = ctx.op('Reshape', { shape: mxTuple([0, 0, dirs, -1]) }, [entryOf(node)], {
        suffix: 'y_split',
      });
      ctx.output(
        0,
        entryOf(ctx.op('transpose', { axes: mxTuple([0, 2, 1, 3]) }, [entryOf(split)], { suffix: 'y' })),
      );
    }
    ctx.output(1, entryOf(node, 1));
    if (kind === 'LSTM') ctx.output(2, entryOf(node, 2));
  };
}

/** Expand: a one-element constant becomes a filled parameter (exporters' zero states); else `broadcast_to` the static output shape. */
function expand(ctx: ExportContext): void {
  const out = ctx.outShape(0);
  if (out === undefined || !out.every((d) => typeof d === 'number'))
    refuse(ctx, 'the output shape is not known');
  const t = ctx.tensor(0);
  const count = out.reduce((p, d) => p * (d as number), 1);
  if (t !== undefined && t.shape.reduce((p, d) => p * d, 1) === 1) {
    ctx.consume(0);
    const filled = tiledTensor(t, `${ctx.node.outputs[0]}`, count);
    ctx.output(0, ctx.param({ ...filled, shape: out as number[] }));
    return;
  }
  ctx.consume(1);
  ctx.output(0, entryOf(ctx.op('broadcast_to', { shape: mxTuple(out as number[]) }, [ctx.input(0)])));
}

/** ConstantOfShape with a constant shape: a parameter filled with `value` (float32 zeros by default). */
function constantOfShape(ctx: ExportContext): void {
  const shape = ctx.values(0);
  if (shape === undefined) refuse(ctx, 'the shape is computed; MXNet parameters have fixed shapes');
  const count = shape.reduce((p, d) => p * d, 1);
  const v = ctx.attrs.value;
  const one = v?.type === 'tensor' ? ctx.modelTensor(v.value) : undefined;
  const name = ctx.node.outputs[0] as string;
  const filled =
    one === undefined ? zerosTensor(name, 'float32', shape) : { ...tiledTensor(one, name, count), shape };
  ctx.output(0, ctx.param(filled));
}

/** The recurrent ops and the fillers exporters write for their states, by ONNX op name. */
export const RNN_CONVERTERS: Readonly<Record<string, Converter>> = {
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  RNN: recurrent('RNN'),
  Expand: expand,
  ConstantOfShape: constantOfShape,
};
