/**
 * RNN kernel vs onnxruntime-node: directions, sequence_lens, initial_h, layout 1, clip, opset 7,
 * every activation of Operators.md (with and without alpha/beta), omitted outputs.
 */
import { describe, it } from 'node:test';
import { rnnKernel } from '../../src/exec/kernels/RNN.js';
import { check, float, floats, int, type RnnCase, str, strings } from './rnn-helpers.js';

const [S, N, I, H] = [5, 3, 4, 6];

function rnnCase(name: string, attrs: RnnCase['attrs'], extra: Partial<RnnCase> = {}): RnnCase {
  const dirs = attrs.direction?.value === 'bidirectional' ? 2 : 1;
  const batchFirst = attrs.layout?.value === 1;
  return {
    name,
    opset: 14,
    attrs: { hidden_size: int(H), ...attrs },
    inputs: [
      { shape: batchFirst ? [N, S, I] : [S, N, I], seed: 1 },
      { shape: [dirs, H, I], seed: 2, scale: 0.8 },
      { shape: [dirs, H, H], seed: 3, scale: 0.5 },
      { shape: [dirs, 2 * H], seed: 4, scale: 0.3 },
    ],
    outputs: ['Y', 'Y_h'],
    ...extra,
  };
}

const CASES: RnnCase[] = [
  rnnCase('forward', {}),
  rnnCase('reverse', { direction: str('reverse') }),
  rnnCase('bidirectional', { direction: str('bidirectional') }),
  rnnCase(
    'no bias, opset 7',
    {},
    {
      opset: 7,
      inputs: [
        { shape: [S, N, I], seed: 5 },
        { shape: [1, H, I], seed: 6 },
        { shape: [1, H, H], seed: 7 },
      ],
    },
  ),
  rnnCase(
    'bidirectional, sequence_lens, initial_h',
    { direction: str('bidirectional') },
    {
      inputs: [
        { shape: [S, N, I], seed: 8 },
        { shape: [2, H, I], seed: 9 },
        { shape: [2, H, H], seed: 10, scale: 0.5 },
        { shape: [2, 2 * H], seed: 11 },
        { int32: [5, 2, 3] },
        { shape: [2, N, H], seed: 12 },
      ],
    },
  ),
  rnnCase(
    'layout 1, bidirectional, sequence_lens, initial_h',
    { direction: str('bidirectional'), layout: int(1) },
    {
      inputs: [
        { shape: [N, S, I], seed: 13 },
        { shape: [2, H, I], seed: 14 },
        { shape: [2, H, H], seed: 15, scale: 0.5 },
        { shape: [2, 2 * H], seed: 16 },
        { int32: [1, 5, 4] },
        { shape: [N, 2, H], seed: 17 },
      ],
    },
  ),
  rnnCase('clip', { clip: float(0.3) }),
  rnnCase(
    'zero-length sequence, reverse',
    { direction: str('reverse') },
    {
      inputs: [
        { shape: [S, N, I], seed: 18 },
        { shape: [1, H, I], seed: 19 },
        { shape: [1, H, H], seed: 20, scale: 0.5 },
        undefined,
        { int32: [0, 3, 5] },
        { shape: [1, N, H], seed: 21 },
      ],
    },
  ),
  rnnCase('only Y_h', { direction: str('reverse') }, { outputs: ['', 'Y_h'] }),
  rnnCase('only Y', {}, { outputs: ['Y'] }),
  rnnCase('two activations, bidirectional', {
    direction: str('bidirectional'),
    activations: strings(['Relu', 'Sigmoid']),
  }),
  rnnCase('alpha/beta consumed in order, bidirectional', {
    direction: str('bidirectional'),
    activations: strings(['LeakyRelu', 'HardSigmoid']),
    activation_alpha: floats([0.2, 0.7]),
    activation_beta: floats([0.1]),
  }),
];

const ACTS: [string, number[] | undefined, number[] | undefined][] = [
  ['Sigmoid', undefined, undefined],
  ['Tanh', undefined, undefined],
  ['Relu', undefined, undefined],
  ['Affine', [0.7], [0.2]],
  ['Affine', undefined, undefined],
  ['ScaledTanh', undefined, undefined],
  ['LeakyRelu', [0.3], undefined],
  ['LeakyRelu', undefined, undefined],
  ['ThresholdedRelu', [0.1], undefined],
  ['ThresholdedRelu', undefined, undefined],
  ['ScaledTanh', [1.5], [0.6]],
  ['HardSigmoid', [0.4], [0.3]],
  ['HardSigmoid', undefined, undefined],
  ['Elu', [0.5], undefined],
  ['Elu', undefined, undefined],
  ['Softsign', undefined, undefined],
  ['Softplus', undefined, undefined],
];
for (const [act, alpha, beta] of ACTS) {
  CASES.push(
    rnnCase(`activation ${act} alpha ${alpha ?? '-'} beta ${beta ?? '-'}`, {
      activations: strings([act]),
      ...(alpha === undefined ? {} : { activation_alpha: floats(alpha) }),
      ...(beta === undefined ? {} : { activation_beta: floats(beta) }),
    }),
  );
}

describe('RNN kernel matches onnxruntime', () => {
  for (const c of CASES) it(c.name, () => check('RNN', rnnKernel, c));
});
