/**
 * LSTM kernel vs onnxruntime-node: directions, bias, sequence_lens, initial_h/initial_c, peepholes,
 * clip, input_forget, layout 1, custom activations with alpha/beta, omitted outputs, opset 7.
 */
import { describe, it } from 'node:test';
import { lstmKernel } from '../../src/exec/kernels/LSTM.js';
import { check, float, floats, type Input, int, type RnnCase, str, strings } from './rnn-helpers.js';

const [S, N, I, H] = [5, 3, 4, 6];

interface Opts {
  lens?: number[];
  initial?: boolean;
  peepholes?: boolean;
  bias?: boolean;
  outputs?: string[];
  opset?: number;
}

function lstmCase(name: string, attrs: RnnCase['attrs'], o: Opts = {}): RnnCase {
  const dirs = attrs.direction?.value === 'bidirectional' ? 2 : 1;
  const batchFirst = attrs.layout?.value === 1;
  const state = batchFirst ? [N, dirs, H] : [dirs, N, H];
  const inputs: Input[] = [
    { shape: batchFirst ? [N, S, I] : [S, N, I], seed: 21 },
    { shape: [dirs, 4 * H, I], seed: 22, scale: 0.8 },
    { shape: [dirs, 4 * H, H], seed: 23, scale: 0.5 },
    o.bias === false ? undefined : { shape: [dirs, 8 * H], seed: 24, scale: 0.3 },
    o.lens === undefined ? undefined : { int32: o.lens },
    o.initial ? { shape: state, seed: 25 } : undefined,
    o.initial ? { shape: state, seed: 26, scale: 2 } : undefined,
    o.peepholes ? { shape: [dirs, 3 * H], seed: 27 } : undefined,
  ];
  return {
    name,
    opset: o.opset ?? 14,
    attrs: { hidden_size: int(H), ...attrs },
    inputs,
    outputs: o.outputs ?? ['Y', 'Y_h', 'Y_c'],
  };
}

const BI = { direction: str('bidirectional') };
const CASES: RnnCase[] = [
  lstmCase('forward', {}),
  lstmCase('forward, no bias', {}, { bias: false }),
  lstmCase('reverse', { direction: str('reverse') }),
  lstmCase('bidirectional', BI),
  lstmCase('bidirectional, initial states', BI, { initial: true }),
  lstmCase('bidirectional, sequence_lens', BI, { lens: [3, 5, 1] }),
  lstmCase(
    'reverse, sequence_lens, initial states',
    { direction: str('reverse') },
    { lens: [2, 4, 5], initial: true },
  ),
  lstmCase('peepholes', {}, { peepholes: true, initial: true }),
  lstmCase('bidirectional peepholes, sequence_lens', BI, { peepholes: true, lens: [5, 2, 4], initial: true }),
  lstmCase('clip', { clip: float(0.4) }, { initial: true }),
  lstmCase('bidirectional, clip, peepholes', { ...BI, clip: float(0.25) }, { peepholes: true }),
  lstmCase('input_forget', { input_forget: int(1) }, { initial: true }),
  lstmCase('input_forget, peepholes', { input_forget: int(1) }, { peepholes: true, initial: true }),
  lstmCase('layout 1', { layout: int(1) }, { initial: true }),
  lstmCase(
    'layout 1, bidirectional, sequence_lens, peepholes',
    { ...BI, layout: int(1) },
    {
      lens: [4, 1, 5],
      initial: true,
      peepholes: true,
    },
  ),
  lstmCase('activations with alpha/beta', {
    activations: strings(['HardSigmoid', 'LeakyRelu', 'Softsign']),
    activation_alpha: floats([0.3, 0.2]),
    activation_beta: floats([0.45]),
  }),
  lstmCase('bidirectional, six activations', {
    ...BI,
    activations: strings(['Sigmoid', 'Tanh', 'Tanh', 'HardSigmoid', 'Elu', 'Softplus']),
    activation_alpha: floats([0.25, 0.8]),
    activation_beta: floats([0.4]),
  }),
  lstmCase('only Y_h and Y_c', BI, { outputs: ['', 'Y_h', 'Y_c'], lens: [2, 5, 3] }),
  lstmCase('zero-length sequence', BI, { lens: [0, 5, 2], initial: true }),
  lstmCase('only Y_c', {}, { outputs: ['', '', 'Y_c'] }),
  lstmCase('only Y', { direction: str('reverse') }, { outputs: ['Y'] }),
  lstmCase('opset 7', BI, { opset: 7, initial: true, peepholes: true }),
];

describe('LSTM kernel matches onnxruntime', () => {
  for (const c of CASES) it(c.name, () => check('LSTM', lstmKernel, c));
});
