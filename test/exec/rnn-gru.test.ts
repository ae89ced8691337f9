/**
 * GRU kernel vs onnxruntime-node: linear_before_reset 0/1 in every direction, bias,
 * sequence_lens, initial_h, clip, layout 1, custom activations with alpha/beta, omitted outputs,
 * opset 7.
 */
import { describe, it } from 'node:test';
import { gruKernel } from '../../src/exec/kernels/GRU.js';
import { check, float, floats, type Input, int, type RnnCase, str, strings } from './rnn-helpers.js';

const [S, N, I, H] = [5, 3, 4, 6];

interface Opts {
  lens?: number[];
  initial?: boolean;
  bias?: boolean;
  outputs?: string[];
  opset?: number;
}

function gruCase(name: string, attrs: RnnCase['attrs'], o: Opts = {}): RnnCase {
  const dirs = attrs.direction?.value === 'bidirectional' ? 2 : 1;
  const batchFirst = attrs.layout?.value === 1;
  const inputs: Input[] = [
    { shape: batchFirst ? [N, S, I] : [S, N, I], seed: 31 },
    { shape: [dirs, 3 * H, I], seed: 32, scale: 0.8 },
    { shape: [dirs, 3 * H, H], seed: 33, scale: 0.5 },
    o.bias === false ? undefined : { shape: [dirs, 6 * H], seed: 34, scale: 0.4 },
    o.lens === undefined ? undefined : { int32: o.lens },
    o.initial ? { shape: batchFirst ? [N, dirs, H] : [dirs, N, H], seed: 35 } : undefined,
  ];
  return {
    name,
    opset: o.opset ?? 14,
    attrs: { hidden_size: int(H), ...attrs },
    inputs,
    outputs: o.outputs ?? ['Y', 'Y_h'],
  };
}

const CASES: RnnCase[] = [];
for (const lbr of [0, 1]) {
  for (const direction of ['forward', 'reverse', 'bidirectional']) {
    const attrs = { direction: str(direction), linear_before_reset: int(lbr) };
    CASES.push(
      gruCase(`${direction}, linear_before_reset ${lbr}`, attrs),
      gruCase(`${direction}, linear_before_reset ${lbr}, sequence_lens, initial_h`, attrs, {
        lens: [4, 1, 5],
        initial: true,
      }),
      gruCase(
        `${direction}, linear_before_reset ${lbr}, layout 1, sequence_lens`,
        { ...attrs, layout: int(1) },
        {
          lens: [5, 3, 2],
          initial: true,
        },
      ),
      gruCase(
        `${direction}, linear_before_reset ${lbr}, clip`,
        { ...attrs, clip: float(0.3) },
        { initial: true },
      ),
    );
  }
}
const BI = { direction: str('bidirectional') };
CASES.push(
  gruCase('no bias', {}, { bias: false, initial: true }),
  gruCase('activations with alpha/beta', {
    activations: strings(['HardSigmoid', 'ScaledTanh']),
    activation_alpha: floats([0.3, 1.2]),
    activation_beta: floats([0.45, 0.8]),
  }),
  gruCase('bidirectional, four activations', {
    ...BI,
    linear_before_reset: int(1),
    activations: strings(['Sigmoid', 'Tanh', 'Softsign', 'Affine']),
    activation_alpha: floats([0.6]),
    activation_beta: floats([0.1]),
  }),
  gruCase('only Y_h', BI, { outputs: ['', 'Y_h'], lens: [3, 5, 2] }),
  gruCase('only Y', {}, { outputs: ['Y'] }),
  gruCase('zero-length sequence', BI, { lens: [2, 0, 5], initial: true }),
  gruCase('opset 7', BI, { opset: 7, initial: true }),
  gruCase('opset 7, linear_before_reset 1', { linear_before_reset: int(1) }, { opset: 7, initial: true }),
);

describe('GRU kernel matches onnxruntime', () => {
  for (const c of CASES) it(c.name, () => check('GRU', gruKernel, c));
});
