/**
 * The recurrent ops LSTM, GRU and RNN (docs/Operators.md). Layout 0 (the default):
 * X [seq_length, batch_size, input_size], Y [seq_length, num_directions, batch_size, hidden_size],
 * Y_h / Y_c [num_directions, batch_size, hidden_size]. Layout 1 (from opset 14) puts batch first:
 * X [batch, seq, input], Y [batch, seq, num_directions, hidden], Y_h [batch, num_directions, hidden].
 */

import { attr, fail, info, intAttr, shapeOf, stringAttr, versions } from './shape-math.js';
import type { AttrSpec, Dim, InferFn, OpSchema } from './types.js';

/**
 * One inference for all three: `hidden_size` comes from the attribute or from R
 * ([num_directions, gates × hidden, hidden]); every output after Y (Y_h, Y_c) has the state shape.
 */
const recurrentInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const r = shapeOf(ctx, 2);
  const dtype = ctx.inputs[0]?.dtype;
  if (x !== undefined && x.length !== 3) fail(ctx, `X must be 3-D, got rank ${x.length}`);
  const direction = stringAttr(ctx, 'direction') ?? 'forward';
  if (!['forward', 'reverse', 'bidirectional', 'foward'].includes(direction)) {
    fail(ctx, `unknown direction '${direction}'`);
  }
  const dirs = direction === 'bidirectional' ? 2 : 1;
  const w = shapeOf(ctx, 1);
  const wd = w?.[0];
  if (typeof wd === 'number' && wd !== dirs) fail(ctx, `W has ${wd} directions, direction is ${direction}`);
  const hidden: Dim = intAttr(ctx, 'hidden_size') ?? r?.[2] ?? null;
  const batchFirst = intAttr(ctx, 'layout') === 1;
  const seq: Dim = x === undefined ? null : (x[batchFirst ? 1 : 0] ?? null);
  const batch: Dim = x === undefined ? null : (x[batchFirst ? 0 : 1] ?? null);
  const y: Dim[] = batchFirst ? [batch, seq, dirs, hidden] : [seq, dirs, batch, hidden];
  const state: Dim[] = batchFirst ? [batch, dirs, hidden] : [dirs, batch, hidden];
  return ctx.node.outputs.map((_, i) => info(dtype, i === 0 ? y : state));
};

const COMMON: AttrSpec[] = [
  attr('activation_alpha', 'floats'),
  attr('activation_beta', 'floats'),
  attr('activations', 'strings'),
  attr('clip', 'float'),
  attr('direction', 'string', 'forward'),
  attr('hidden_size', 'int'),
];
const OUTPUT_SEQUENCE = attr('output_sequence', 'int', 0);
const LAYOUT = attr('layout', 'int', 0);
const LSTM_IN = 'X W R B? sequence_lens? initial_h? initial_c? P?';
const GRU_IN = 'X W R B? sequence_lens? initial_h?';
const RNN_ACTS = attr('activations', 'strings', ['Tanh', 'Tanh']);
const RNN_COMMON = COMMON.map((a) => (a.name === 'activations' ? RNN_ACTS : a));

/** The schemas of this family. */
export const RNN_SCHEMAS: readonly OpSchema[] = [
  ...versions('LSTM', [1], {
    inputs: LSTM_IN,
    outputs: 'Y? Y_h? Y_c?',
    attributes: [...COMMON, attr('input_forget', 'int', 0), OUTPUT_SEQUENCE],
    infer: recurrentInfer,
  }),
  ...versions('LSTM', [7], {
    inputs: LSTM_IN,
    outputs: 'Y? Y_h? Y_c?',
    attributes: [...COMMON, attr('input_forget', 'int', 0)],
    infer: recurrentInfer,
  }),
  ...versions('LSTM', [14, 22], {
    inputs: LSTM_IN,
    outputs: 'Y? Y_h? Y_c?',
    attributes: [...COMMON, attr('input_forget', 'int', 0), LAYOUT],
    infer: recurrentInfer,
  }),
  // GRU-1's direction default is spelt 'foward' in the onnx schema; Y_h was required until GRU-3.
  ...versions('GRU', [1], {
    inputs: GRU_IN,
    outputs: 'Y? Y_h',
    attributes: [
      ...COMMON.map((a) => (a.name === 'direction' ? attr('direction', 'string', 'foward') : a)),
      OUTPUT_SEQUENCE,
    ],
    infer: recurrentInfer,
  }),
  ...versions('GRU', [3], {
    inputs: GRU_IN,
    outputs: 'Y? Y_h?',
    attributes: [...COMMON, attr('linear_before_reset', 'int', 0), OUTPUT_SEQUENCE],
    infer: recurrentInfer,
  }),
  ...versions('GRU', [7], {
    inputs: GRU_IN,
    outputs: 'Y? Y_h?',
    attributes: [...COMMON, attr('linear_before_reset', 'int', 0)],
    infer: recurrentInfer,
  }),
  ...versions('GRU', [14, 22], {
    inputs: GRU_IN,
    outputs: 'Y? Y_h?',
    attributes: [...COMMON, LAYOUT, attr('linear_before_reset', 'int', 0)],
    infer: recurrentInfer,
  }),
  ...versions('RNN', [1], {
    inputs: GRU_IN,
    outputs: 'Y? Y_h?',
    attributes: [...RNN_COMMON, OUTPUT_SEQUENCE],
    infer: recurrentInfer,
  }),
  ...versions('RNN', [7], {
    inputs: GRU_IN,
    outputs: 'Y? Y_h?',
    attributes: RNN_COMMON,
    infer: recurrentInfer,
  }),
  ...versions('RNN', [14, 22], {
    inputs: GRU_IN,
    outputs: 'Y? Y_h?',
    attributes: [...RNN_COMMON, LAYOUT],
    infer: recurrentInfer,
  }),
];
