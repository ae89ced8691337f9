/**
 * MXNet ops the corpus does not cover (or covers in one setting only), checked numerically: each
 * case is a small symbol written to a temporary file, read by nnport, and run by onnxruntime (on
 * the ONNX nnport writes), by nnport's executor, and by the NumPy peer test/peers/mxnet-forward.py
 * (MXNet's documented semantics, independent of nnport's translation). Parameters are seeded
 * random arrays.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openModel } from '../../src/node.js';
import { rand } from '../exec/core-harness.js';
import {
  type NodeSpec,
  peerDir,
  type SymbolLayout,
  shapes,
  symbolJson,
  type Tolerances,
  threeWay,
} from './reader-helpers.js';

/** Reads `nodes` as a symbol file with `inputs` (data shapes) and compares the three runs. */
async function check(
  nodes: readonly NodeSpec[],
  inputs: Record<string, readonly number[]>,
  layout: SymbolLayout = {},
  tol: Tolerances = {},
): Promise<void> {
  const dir = peerDir();
  try {
    const path = join(dir, 'case-symbol.json');
    writeFileSync(path, symbolJson(nodes, layout));
    const model = await openModel(path, { reader: { inputShapes: shapes(inputs) } });
    const data = Object.fromEntries(Object.entries(inputs).map(([k, s], i) => [k, rand(s, 3 + i)]));
    await threeWay(model, path, data, dir, undefined, tol);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Nodes applying each of `ops` to `data` (index 0), every one a head, with their parameters. */
function fanOut(ops: readonly { op: string; attrs: Record<string, string>; params?: readonly string[] }[]) {
  const nodes: NodeSpec[] = [{ op: 'null', name: 'data' }];
  const heads: [number, number][] = [];
  ops.forEach((o, k) => {
    const inputs: [number][] = [[0]];
    for (const p of o.params ?? []) {
      nodes.push({ op: 'null', name: `op${k}_${p}` });
      inputs.push([nodes.length - 1]);
    }
    nodes.push({ op: o.op, name: `op${k}`, attrs: o.attrs, inputs });
    heads.push([nodes.length - 1, 0]);
  });
  return { nodes, layout: { heads } };
}

test('Convolution: groups, stride, pad, dilate, no_bias, 1-d', async () => {
  const { nodes, layout } = fanOut([
    {
      op: 'Convolution',
      attrs: {
        kernel: '(3, 3)',
        stride: '(2, 2)',
        pad: '(1, 1)',
        dilate: '(2, 2)',
        num_filter: '6',
        num_group: '2',
        no_bias: 'True',
      },
      params: ['weight'],
    },
    {
      op: 'Convolution',
      attrs: { kernel: '(2, 3)', num_filter: '3', pad: '(0, 1)' },
      params: ['weight', 'bias'],
    },
    {
      op: 'Convolution',
      attrs: { kernel: '(3, 3)', num_filter: '4', num_group: '4', stride: '(1, 2)' },
      params: ['weight', 'bias'],
    },
  ]);
  await check(nodes, { data: [2, 4, 9, 8] }, layout);
  const one = fanOut([
    {
      op: 'Convolution',
      attrs: { kernel: '(3,)', num_filter: '5', stride: '(2,)', pad: '(1,)' },
      params: ['weight', 'bias'],
    },
  ]);
  await check(one.nodes, { data: [2, 3, 11] }, one.layout);
});

test('Pooling: max/avg/sum, valid/full, pads, count_include_pad, global', async () => {
  const { nodes, layout } = fanOut([
    {
      op: 'Pooling',
      attrs: { kernel: '(3, 3)', stride: '(2, 2)', pool_type: 'max', pooling_convention: 'full' },
    },
    {
      op: 'Pooling',
      attrs: {
        kernel: '(3, 3)',
        stride: '(2, 2)',
        pad: '(1, 1)',
        pool_type: 'avg',
        pooling_convention: 'full',
      },
    },
    {
      op: 'Pooling',
      attrs: {
        kernel: '(3, 3)',
        stride: '(2, 2)',
        pad: '(1, 1)',
        pool_type: 'avg',
        pooling_convention: 'full',
        count_include_pad: 'False',
      },
    },
    {
      op: 'Pooling',
      attrs: {
        kernel: '(3, 3)',
        stride: '(2, 2)',
        pad: '(1, 1)',
        pool_type: 'avg',
        count_include_pad: 'True',
      },
    },
    { op: 'Pooling', attrs: { kernel: '(2, 2)', stride: '(1, 1)', pad: '(1, 1)', pool_type: 'max' } },
    { op: 'Pooling', attrs: { kernel: '(2, 2)', pool_type: 'sum', stride: '(2, 2)' } },
    // The last 'full' window hangs past the input: MXNet averages over the part inside.
    {
      op: 'Pooling',
      attrs: { kernel: '(3, 3)', stride: '(2, 2)', pool_type: 'avg', pooling_convention: 'full' },
    },
    { op: 'Pooling', attrs: { kernel: '(1, 1)', global_pool: 'True', pool_type: 'max' } },
    {
      op: 'Pooling',
      attrs: { kernel: '(7, 7)', global_pool: 'True', pool_type: 'avg', pooling_convention: 'full' },
    },
  ]);
  await check(nodes, { data: [2, 3, 8, 7] }, layout);
});

test('activations: Activation (relu, sigmoid, tanh, softrelu, softsign), LeakyReLU (leaky, elu, prelu)', async () => {
  const { nodes, layout } = fanOut([
    ...['relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'].map((t) => ({
      op: 'Activation',
      attrs: { act_type: t },
    })),
    { op: 'LeakyReLU', attrs: { act_type: 'leaky', slope: '0.1' } },
    { op: 'LeakyReLU', attrs: {} },
    { op: 'LeakyReLU', attrs: { act_type: 'elu', slope: '0.3' } },
    { op: 'LeakyReLU', attrs: { act_type: 'prelu' }, params: ['gamma'] },
  ]);
  await check(nodes, { data: [2, 3, 4, 5] }, layout);
});

test('shape ops: Reshape codes, transpose, SliceChannel, Concat, Flatten, FullyConnected flatten=False', async () => {
  const nodes: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: 'Reshape', name: 'split', attrs: { shape: '(-4, 2, -1, -2)' }, inputs: [[0]] },
    { op: 'Reshape', name: 'merge', attrs: { shape: '(-3, -2)' }, inputs: [[1]] },
    { op: 'Reshape', name: 'rev', attrs: { shape: '(-1, 0)', reverse: 'True' }, inputs: [[0]] },
    { op: 'transpose', name: 'tr', inputs: [[0]] },
    {
      op: 'SliceChannel',
      name: 'sc',
      attrs: { num_outputs: '3', axis: '1', squeeze_axis: 'True' },
      inputs: [[0]],
    },
    {
      op: 'Concat',
      name: 'cat',
      attrs: { dim: '0', num_args: '2' },
      inputs: [
        [5, 2],
        [5, 0],
      ],
    },
    { op: 'Flatten', name: 'flat', inputs: [[4]] },
    { op: 'null', name: 'fc_weight' },
    { op: 'null', name: 'fc_bias' },
    {
      op: 'FullyConnected',
      name: 'fc',
      attrs: { num_hidden: '3', flatten: 'False' },
      inputs: [[0], [8], [9]],
    },
    { op: 'softmax', name: 'sm', attrs: { axis: '1', temperature: '2.0' }, inputs: [[10]] },
    { op: 'SoftmaxOutput', name: 'so', attrs: { preserve_shape: 'True' }, inputs: [[10]] },
    { op: 'SoftmaxOutput', name: 'so2', inputs: [[0]] },
    { op: 'Dropout', name: 'drop', attrs: { p: '0.5' }, inputs: [[6]] },
    { op: 'elemwise_add', name: 'add', inputs: [[14], [14]] },
  ];
  const heads: [number, number][] = [
    [2, 0],
    [3, 0],
    [7, 0],
    [5, 1],
    [11, 0],
    [12, 0],
    [13, 0],
    [15, 0],
  ];
  await check(nodes, { data: [4, 3, 5] }, { heads });
});

test('BatchNorm: 0.8 implicit moving statistics, fix_gamma both ways, eps', async () => {
  const { nodes, layout } = fanOut([
    { op: 'BatchNorm', attrs: {}, params: ['gamma', 'beta'] },
    { op: 'BatchNorm', attrs: { fix_gamma: 'False', eps: '0.01' }, params: ['gamma', 'beta'] },
  ]);
  await check(nodes, { data: [2, 3, 4, 2] }, { ...layout, generation: 'legacy' });
  const nnvm = fanOut([
    {
      op: 'BatchNorm',
      attrs: { fix_gamma: 'False' },
      params: ['gamma', 'beta', 'moving_mean', 'moving_var'],
    },
  ]);
  await check(nnvm.nodes, { data: [5, 3] }, nnvm.layout);
});

/** A fused RNN over TNC data with begin states from `_zeros` or from graph inputs. */
function rnn(
  mode: string,
  layers: number,
  bidirectional: boolean,
  states: 'zeros' | 'inputs',
  stateOutputs: boolean,
): NodeSpec[] {
  const h = 4;
  const lstm = mode === 'lstm';
  const nodes: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: 'null', name: 'rnn_parameters' },
  ];
  const count = lstm ? 2 : 1;
  for (let k = 0; k < count; k++) {
    if (states === 'zeros') {
      nodes.push({
        op: '_zeros',
        name: `state${k}`,
        attrs: { shape: `(${layers * (bidirectional ? 2 : 1)}, 0, ${h})` },
      });
    } else nodes.push({ op: 'null', name: `state${k}` });
  }
  nodes.push({
    op: 'RNN',
    name: 'rnn',
    attrs: {
      mode,
      state_size: String(h),
      num_layers: String(layers),
      bidirectional: bidirectional ? 'True' : 'False',
      state_outputs: stateOutputs ? 'True' : 'False',
      p: '0.0',
    },
    inputs: [[0], [1], [2], ...(lstm ? [[3] as [number]] : [])],
  });
  return nodes;
}

for (const mode of ['rnn_tanh', 'rnn_relu', 'lstm', 'gru']) {
  test(`RNN ${mode}: 1 and 2 layers, uni- and bidirectional, zero and given begin states`, async () => {
    const T = 5;
    const N = 2;
    const I = 3;
    for (const [layers, bi] of [
      [1, false],
      [2, false],
      [1, true],
      [2, true],
    ] as [number, boolean][]) {
      const d = bi ? 2 : 1;
      const last = mode === 'lstm' ? 4 : 3;
      const outs: [number, number][] = [
        [last, 0],
        [last, 1],
        ...(mode === 'lstm' ? [[last, 2] as [number, number]] : []),
      ];
      // onnxruntime's recurrent kernels evaluate tanh/sigmoid approximately (see corpus.test.ts).
      const tol = { ort: 1e-3, peer: 1e-5 };
      await check(rnn(mode, layers, bi, 'zeros', false), { data: [T, N, I] }, {}, tol);
      const given: Record<string, number[]> = { data: [T, N, I], state0: [layers * d, N, 4] };
      if (mode === 'lstm') given.state1 = [layers * d, N, 4];
      await check(rnn(mode, layers, bi, 'inputs', true), given, { heads: outs }, tol);
    }
  });
}
