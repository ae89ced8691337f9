/**
 * MXNet writer, op level: every exported ONNX op on graphs built in test code becomes the MXNet op
 * and attributes MXNet's documentation gives it; derived weights hold the right bytes; refused
 * forms say UNREPRESENTABLE; unsupported nodes are all listed in one UNSUPPORTED_OP; the symbol's
 * bookkeeping (arg_nodes, node_row_ptr, heads, aux versions, output names) is consistent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AttributeValue } from '../../src/core/graph.js';
import { readTensor, type Tensor, tensorFromArray } from '../../src/core/tensor.js';
import { exportMxnet } from '../../src/ops/mxnet/export.js';
import type { SymbolJsonNode } from '../../src/ops/mxnet/export-json.js';
import { rejectsWith } from '../assert-errors.js';
import { exported, f, f32, i, is, model, node, ops, s, single, X } from './write-build.js';

describe('mxnet export: network ops', () => {
  it('Gemm transB=1 → FullyConnected; without C → no_bias; transB=0 → a transposed weight', async () => {
    const w = f32('w', [3, 4]);
    const b = f32('b', [3]);
    const x = [X([2, 4])];
    await single(
      model([node('Gemm', ['x', 'w', 'b'], ['y'], { transB: i(1) })], [w, b], x),
      'FullyConnected',
      {
        flatten: 'True',
        no_bias: 'False',
        num_hidden: '3',
      },
    );
    await single(model([node('Gemm', ['x', 'w'], ['y'], { transB: i(1) })], [w], x), 'FullyConnected', {
      flatten: 'True',
      no_bias: 'True',
      num_hidden: '3',
    });
    const r = await exported(model([node('Gemm', ['x', 'wt'], ['y'])], [f32('wt', [4, 3])], x));
    const p = r.params.find((e) => e.name === 'arg:wt_transposed');
    assert.deepEqual(p?.tensor.shape, [3, 4]);
    assert.deepEqual(
      [...(await readTensor(p?.tensor as Tensor & { dtype: 'float32' }))],
      [1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12],
    );
    assert.ok(!r.params.some((e) => e.name === 'arg:wt'), 'the original is not written too');
    await rejectsWith(
      exportMxnet(model([node('Gemm', ['x', 'w'], ['y'], { transB: i(1), alpha: f(2) })], [w], x)),
      'UNREPRESENTABLE',
    );
  });

  it('MatMul: constant 2-D B → FullyConnected(flatten=False); 2-D x 2-D → dot; 3-D → batch_dot; unknown ranks refused', async () => {
    const r = await single(
      model([node('MatMul', ['x', 'w'], ['y'])], [f32('w', [4, 5])], [X([2, 3, 4])]),
      'FullyConnected',
      {
        flatten: 'False',
        no_bias: 'True',
        num_hidden: '5',
      },
    );
    assert.deepEqual(
      r.params.map((p) => p.name),
      ['arg:w_transposed'],
    );
    const two = [X([2, 4]), { name: 'z', dtype: 'float32' as const, shape: [4, 5] }];
    await single(model([node('MatMul', ['x', 'z'], ['y'])], [], two), 'dot', {});
    const three = [X([2, 3, 4]), { name: 'z', dtype: 'float32' as const, shape: [2, 4, 5] }];
    await single(model([node('MatMul', ['x', 'z'], ['y'])], [], three), 'batch_dot', {});
    await rejectsWith(
      exportMxnet(model([node('MatMul', ['x', 'z'], ['y'])], [], [X([2, 4]), { name: 'z' }])),
      'UNREPRESENTABLE',
    );
  });

  it('Conv → Convolution; asymmetric pads → Pad first; SAME_UPPER resolved from the input size', async () => {
    const w = f32('w', [6, 2, 3, 3]);
    const x = [X([1, 4, 7, 7])];
    const attrs = { group: i(2), strides: is(2, 2), pads: is(1, 1, 1, 1), dilations: is(1, 1) };
    await single(model([node('Conv', ['x', 'w'], ['y'], attrs)], [w], x), 'Convolution', {
      dilate: '(1, 1)',
      kernel: '(3, 3)',
      no_bias: 'True',
      num_filter: '6',
      num_group: '2',
      pad: '(1, 1)',
      stride: '(2, 2)',
    });
    const r = await exported(
      model([node('Conv', ['x', 'w'], ['y'], { group: i(2), pads: is(0, 1, 2, 1) })], [w], x),
    );
    assert.deepEqual(
      ops(r).map((n) => [n.op, n.attrs.pad_width ?? n.attrs.pad]),
      [
        ['Pad', '(0, 0, 0, 0, 0, 2, 1, 1)'],
        ['Convolution', '(0, 0)'],
      ],
    );
    const same = await exported(
      model(
        [node('Conv', ['x', 'w'], ['y'], { group: i(2), auto_pad: s('SAME_UPPER'), strides: is(2, 2) })],
        [w],
        x,
      ),
    );
    assert.equal(ops(same)[0]?.attrs.pad, '(1, 1)');
    const w1 = f32('w1', [2, 4, 3]);
    await rejectsWith(
      exportMxnet(model([node('Conv', ['x', 'w1'], ['y'], { pads: is(0, 1) })], [w1], [X([1, 4, 7])])),
      'UNREPRESENTABLE',
    );
  });

  it('ConvTranspose → Deconvolution with adj from output_padding', async () => {
    const w = f32('w', [4, 3, 3, 3]);
    const attrs = { strides: is(2, 2), pads: is(1, 1, 1, 1), output_padding: is(1, 1) };
    await single(
      model([node('ConvTranspose', ['x', 'w', 'b'], ['y'], attrs)], [w, f32('b', [3])], [X([1, 4, 5, 5])]),
      'Deconvolution',
      {
        adj: '(1, 1)',
        dilate: '(1, 1)',
        kernel: '(3, 3)',
        no_bias: 'False',
        num_filter: '3',
        num_group: '1',
        pad: '(1, 1)',
        stride: '(2, 2)',
      },
    );
  });

  it('BatchNormalization → BatchNorm with moving stats as aux inputs (version 1), aux: params after arg: ones', async () => {
    const t = ['g', 'b', 'm', 'v'].map((n) => f32(n, [3]));
    const r = await single(
      model([node('BatchNormalization', ['x', 'g', 'b', 'm', 'v'], ['y'], { epsilon: f(1e-3) })], t, [
        X([1, 3, 4, 4]),
      ]),
      'BatchNorm',
      { axis: '1', eps: '0.001', fix_gamma: 'False', momentum: '0.9', use_global_stats: 'False' },
    );
    const bn = ops(r)[0] as SymbolJsonNode;
    assert.deepEqual(
      bn.inputs.map((e) => e[2]),
      [0, 0, 0, 1, 1],
    );
    assert.deepEqual(
      r.params.map((p) => p.name),
      ['arg:g', 'arg:b', 'aux:m', 'aux:v'],
    );
    // BatchNorm has 3 outputs (2 hidden): node_row_ptr counts them; every variable is an arg node.
    const last = r.symbol.node_row_ptr;
    assert.equal(last[last.length - 1], r.symbol.nodes.length + 2);
    assert.deepEqual(r.symbol.arg_nodes, [0, 1, 2, 3, 4]);
    assert.deepEqual(r.symbol.heads, [[5, 0, 0]]);
    assert.deepEqual(r.symbol.attrs[1], ['nnport_output_names', ['list_str', ['y']]]);
    assert.deepEqual(r.symbol.nodes[0]?.attrs, { __dtype__: '0', __shape__: '(1, 3, 4, 4)' });
  });

  it('activations → Activation / LeakyReLU', async () => {
    const x = [X([1, 3, 2, 2])];
    for (const [op, act] of [
      ['Relu', 'relu'],
      ['Sigmoid', 'sigmoid'],
      ['Tanh', 'tanh'],
      ['Softplus', 'softrelu'],
    ] as const) {
      await single(model([node(op, ['x'], ['y'])], [], x), 'Activation', { act_type: act });
    }
    await single(model([node('LeakyRelu', ['x'], ['y'], { alpha: f(0.2) })], [], x), 'LeakyReLU', {
      act_type: 'leaky',
      slope: '0.2',
    });
    await single(model([node('Elu', ['x'], ['y'])], [], x), 'LeakyReLU', { act_type: 'elu', slope: '1.0' });
    await single(model([node('Selu', ['x'], ['y'])], [], x), 'LeakyReLU', { act_type: 'selu' });
    await single(model([node('Gelu', ['x'], ['y'])], [], x, 20), 'LeakyReLU', { act_type: 'gelu' });
    const r = await single(
      model([node('PRelu', ['x', 'slope'], ['y'])], [f32('slope', [3, 1, 1])], x),
      'LeakyReLU',
      { act_type: 'prelu' },
    );
    assert.deepEqual(r.params[0]?.tensor.shape, [3]);
    await rejectsWith(
      exportMxnet(model([node('Selu', ['x'], ['y'], { alpha: f(2) })], [], x)),
      'UNREPRESENTABLE',
    );
  });

  it('pools → Pooling (valid/full, count_include_pad, global); dilation and uneven max pads refused', async () => {
    const x = [X([1, 3, 8, 8])];
    await single(
      model(
        [
          node('MaxPool', ['x'], ['y'], {
            kernel_shape: is(3, 3),
            strides: is(2, 2),
            pads: is(1, 1, 1, 1),
            ceil_mode: i(1),
          }),
        ],
        [],
        x,
      ),
      'Pooling',
      {
        global_pool: 'False',
        kernel: '(3, 3)',
        pad: '(1, 1)',
        pool_type: 'max',
        pooling_convention: 'full',
        stride: '(2, 2)',
      },
    );
    await single(model([node('AveragePool', ['x'], ['y'], { kernel_shape: is(2, 2) })], [], x), 'Pooling', {
      count_include_pad: 'False',
      global_pool: 'False',
      kernel: '(2, 2)',
      pad: '(0, 0)',
      pool_type: 'avg',
      pooling_convention: 'valid',
      stride: '(1, 1)',
    });
    await single(model([node('GlobalAveragePool', ['x'], ['y'])], [], x), 'Pooling', {
      global_pool: 'True',
      kernel: '(1, 1)',
      pool_type: 'avg',
      pooling_convention: 'valid',
    });
    await single(model([node('GlobalMaxPool', ['x'], ['y'])], [], x), 'Pooling', {
      global_pool: 'True',
      kernel: '(1, 1)',
      pool_type: 'max',
      pooling_convention: 'valid',
    });
    await rejectsWith(
      exportMxnet(
        model([node('MaxPool', ['x'], ['y'], { kernel_shape: is(2, 2), dilations: is(2, 2) })], [], x),
      ),
      'UNREPRESENTABLE',
    );
    await rejectsWith(
      exportMxnet(
        model([node('MaxPool', ['x'], ['y'], { kernel_shape: is(2, 2), pads: is(0, 0, 1, 1) })], [], x),
      ),
      'UNREPRESENTABLE',
    );
  });

  it('Softmax/LogSoftmax → softmax/log_softmax; LayerNormalization → LayerNorm; Dropout → Dropout', async () => {
    const x = [X([2, 3, 5])];
    await single(model([node('Softmax', ['x'], ['y'], { axis: i(1) })], [], x), 'softmax', { axis: '1' });
    await single(model([node('LogSoftmax', ['x'], ['y'])], [], x), 'log_softmax', { axis: '-1' });
    await rejectsWith(
      exportMxnet(model([node('Softmax', ['x'], ['y'], { axis: i(1) })], [], x, 11)),
      'UNREPRESENTABLE',
    );
    const r = await single(
      model([node('LayerNormalization', ['x', 'g'], ['y'], { epsilon: f(1e-6) })], [f32('g', [5])], x),
      'LayerNorm',
      {
        axis: '-1',
        eps: '1e-06',
      },
    );
    assert.deepEqual(
      r.params.map((p) => [p.name, p.tensor.shape]),
      [
        ['arg:g', [5]],
        ['arg:g_beta', [5]],
      ],
    );
    await single(
      model(
        [node('Dropout', ['x', 'ratio'], ['y'])],
        [tensorFromArray('ratio', 'float32', [], new Float32Array([0.3]))],
        x,
      ),
      'Dropout',
      {
        p: '0.3',
      },
    );
  });

  it('LSTM/GRU/RNN → RNN with one packed parameter, zero states and Y reshaped; unsupported forms refused', async () => {
    const w = f32('W', [1, 16, 3]);
    const r = f32('R', [1, 16, 4]);
    const x = [X([5, 2, 3])];
    const m = model([node('LSTM', ['x', 'W', 'R'], ['y', 'yh', 'yc'], { hidden_size: i(4) })], [w, r], x);
    const out = await exported(m);
    assert.deepEqual(
      ops(out).map((n) => n.op),
      ['RNN', 'Reshape', 'transpose'],
    );
    assert.deepEqual(ops(out)[0]?.attrs, {
      bidirectional: 'False',
      mode: 'lstm',
      num_layers: '1',
      p: '0.0',
      state_outputs: 'True',
      state_size: '4',
    });
    const packed = out.params.find((p) => p.name === 'arg:W_packed')?.tensor;
    assert.deepEqual(packed?.shape, [16 * (3 + 4 + 2)]);
    // ONNX gates i o f c → MXNet i f c o: the second MXNet block is ONNX's third (f).
    const v = await readTensor(packed as Tensor & { dtype: 'float32' });
    assert.equal(v[4 * 3], 2 * 4 * 3 + 1);
    assert.deepEqual(
      out.params.map((p) => [p.name, p.tensor.shape]),
      [
        ['arg:W_packed', [144]],
        ['arg:y_initial_h', [1, 2, 4]],
        ['arg:y_initial_c', [1, 2, 4]],
      ],
    );
    const refused: [string, Record<string, AttributeValue>][] = [
      ['LSTM', { direction: s('reverse') }],
      ['GRU', { linear_before_reset: i(0) }],
      ['RNN', { activations: { type: 'strings', value: ['Sigmoid'] } }],
    ];
    for (const [op, attrs] of refused) {
      const g =
        op === 'GRU'
          ? [f32('W', [1, 12, 3]), f32('R', [1, 12, 4])]
          : op === 'RNN'
            ? [f32('W', [1, 4, 3]), f32('R', [1, 4, 4])]
            : [w, r];
      await rejectsWith(
        exportMxnet(model([node(op, ['x', 'W', 'R'], ['y'], { hidden_size: i(4), ...attrs })], g, x)),
        'UNREPRESENTABLE',
      );
    }
  });
});
