/**
 * Dense-layer discovery (src/analysis/dense-layers.ts): layers found by names and shapes or by a
 * graph, never by position; activation hints; transposed storage; every refusal with its code and
 * the tensor or node it names.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { activationOfNode, canonicalActivation, findDenseLayers } from '../../src/analysis/dense-layers.js';
import { NnportError } from '../../src/core/errors.js';
import type { Graph, GraphNode } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import { type Tensor, tensorFromArray } from '../../src/core/tensor.js';
import { floats, mlp } from './helpers.js';

function refusal(model: Model): NnportError {
  try {
    findDenseLayers(model);
  } catch (e) {
    assert.ok(e instanceof NnportError, String(e));
    assert.equal(e.code, 'UNREPRESENTABLE', e.message);
    return e;
  }
  assert.fail('expected UNREPRESENTABLE');
}

function modelOf(tensors: Tensor[], extra: Partial<Model> = {}): Model {
  return { format: 'memory', metadata: {}, tensors, ...extra };
}

test('PyTorch naming: P.weight [out, in] with P.bias, in model order, whatever the module names', () => {
  const model = modelOf([
    floats('encoder.fc1.weight', [3, 2], [1, 2, 3, 4, 5, 6]),
    floats('encoder.fc1.bias', [3], [0.1, 0.2, 0.3]),
    floats('decoder.out.weight', [1, 3], [7, 8, 9]),
    floats('decoder.out.bias', [1], [0.5]),
  ]);
  const chain = findDenseLayers(model);
  assert.equal(chain.source, 'names');
  assert.deepEqual(
    chain.layers.map((l) => [l.weight.name, l.bias.name, l.inputs, l.outputs, l.transposed]),
    [
      ['encoder.fc1.weight', 'encoder.fc1.bias', 2, 3, false],
      ['decoder.out.weight', 'decoder.out.bias', 3, 1, false],
    ],
  );
  assert.equal(chain.activation, undefined);
});

test('biases found by name even when they come first or interleave differently', () => {
  const model = modelOf([
    floats('a.bias', [2], [1, 2]),
    floats('b.bias', [1], [3]),
    floats('a.weight', [2, 2], [1, 0, 0, 1]),
    floats('b.weight', [1, 2], [1, 1]),
  ]);
  assert.deepEqual(
    findDenseLayers(model).layers.map((l) => l.bias.name),
    ['a.bias', 'b.bias'],
  );
});

test('scikit-learn MLP: coefs_.i [in, out] stored transposed, ordered by index, activations from its parameters, the rest set aside', async () => {
  const model = modelOf(
    [
      floats('coefs_.1', [3, 1], [7, 8, 9]),
      floats('coefs_.0', [2, 3], [1, 2, 3, 4, 5, 6]),
      floats('intercepts_.0', [3], [0.1, 0.2, 0.3]),
      floats('intercepts_.1', [1], [0.5]),
      floats('_optimizer.ms.0', [2, 3], [0, 0, 0, 0, 0, 0]),
      floats('best_loss_', [], [0.25]),
    ],
    { metadata: { sklearn: { params: { activation: 'logistic' }, out_activation: 'identity' } } },
  );
  const chain = findDenseLayers(model);
  assert.deepEqual(
    chain.layers.map((l) => [l.weight.name, l.inputs, l.outputs, l.transposed, l.activation]),
    [
      ['coefs_.0', 2, 3, true, 'sigmoid'],
      ['coefs_.1', 3, 1, true, 'linear'],
    ],
  );
  assert.equal(chain.activation, 'sigmoid');
  assert.deepEqual(
    chain.ignored,
    ['_optimizer.ms.0', 'best_loss_'],
    'the rest of the estimator is set aside',
  );
  // Rows are read transposed: neuron 1 of layer 0 has the weights of column 1: [2, 5].
  const rows = new Float64Array((await chain.layers[0].readRows(1, 2)).slice().buffer);
  assert.deepEqual([...rows], [2, 5, 3, 6]);
});

test('Keras naming: P/kernel [in, out] with P/bias', () => {
  const chain = findDenseLayers(
    modelOf([
      floats('dense/kernel:0', [2, 3], [1, 2, 3, 4, 5, 6]),
      floats('dense/bias:0', [3], [0, 0, 0]),
      floats('dense_1/kernel:0', [3, 1], [1, 1, 1]),
      floats('dense_1/bias:0', [1], [0]),
    ]),
  );
  assert.deepEqual(
    chain.layers.map((l) => [l.inputs, l.outputs, l.transposed]),
    [
      [2, 3, true],
      [3, 1, true],
    ],
  );
});

test('rows of a weight stored [out, in] are a window of its bytes', async () => {
  const chain = findDenseLayers(mlp([3, 4, 2], { dtype: 'float32' }));
  const layer = chain.layers[0];
  const all = new Float32Array((await layer.weight.data.read()).slice().buffer);
  const rows = new Float32Array((await layer.readRows(2, 2)).slice().buffer);
  assert.deepEqual([...rows], [...all.subarray(6, 12)]);
});

test('activation hints: fiats / nexport metadata name one activation for every layer', () => {
  for (const key of ['fiats', 'nexport']) {
    const chain = findDenseLayers(mlp([2, 3, 1], { metadata: { [key]: { activation: 'GELU' } } }));
    assert.equal(chain.activation, 'gelu');
    assert.deepEqual(
      chain.layers.map((l) => l.activation),
      ['gelu', 'gelu'],
    );
  }
});

test('canonical activation names', () => {
  assert.equal(canonicalActivation('Logistic'), 'sigmoid');
  assert.equal(canonicalActivation('identity'), 'linear');
  assert.equal(canonicalActivation('binary_step'), 'step');
  assert.equal(canonicalActivation('SiLU'), 'swish');
  assert.equal(canonicalActivation('relu'), 'relu');
});

function node(
  name: string,
  op: string,
  inputs: string[],
  outputs: string[],
  extra: Partial<GraphNode> = {},
): GraphNode {
  return { name, op, inputs, outputs, attributes: {}, ...extra };
}

const transB = { transB: { type: 'int' as const, value: 1 } };

function gemmGraph(activations: (string | undefined)[], domain?: string): Graph {
  const nodes: GraphNode[] = [];
  let value = 'x';
  for (const [i, act] of activations.entries()) {
    nodes.push(
      node(`gemm${i}`, 'Gemm', [value, `layers.${i}.weight`, `layers.${i}.bias`], [`g${i}`], {
        attributes: transB,
      }),
    );
    value = `g${i}`;
    if (act !== undefined) {
      nodes.push(node(`act${i}`, act, [value], [`a${i}`], domain === undefined ? {} : { domain }));
      value = `a${i}`;
    }
  }
  return { nodes, inputs: [{ name: 'x' }], outputs: [{ name: value }] };
}

test('graph: Gemm chain with activations; the last layer linear when no activation follows it', () => {
  const chain = findDenseLayers(mlp([2, 3, 3, 1], { graph: gemmGraph(['Relu', 'Relu', undefined]) }));
  assert.equal(chain.source, 'graph');
  assert.deepEqual(
    chain.layers.map((l) => l.activation),
    ['relu', 'relu', 'linear'],
  );
  assert.equal(chain.activation, 'relu');
});

test('graph: activations of domain fiats are named by their op', () => {
  const chain = findDenseLayers(mlp([2, 3, 1], { graph: gemmGraph(['swish', 'swish'], 'fiats') }));
  assert.deepEqual(
    chain.layers.map((l) => l.activation),
    ['swish', 'swish'],
  );
  assert.equal(activationOfNode(node('g', 'Gelu', ['a'], ['b'])), 'gelu');
  assert.equal(
    activationOfNode(
      node('g', 'Gelu', ['a'], ['b'], { attributes: { approximate: { type: 'string', value: 'tanh' } } }),
    ),
    'gelu_tanh',
  );
});

test('graph: MatMul + Add is a dense layer stored [in, out]; Dropout and Identity pass through', () => {
  const model = modelOf(
    [
      floats('W', [2, 3], [1, 2, 3, 4, 5, 6]),
      floats('b', [3], [1, 1, 1]),
      floats('W2', [3, 1], [1, 2, 3]),
      floats('b2', [1], [0]),
    ],
    {
      graph: {
        nodes: [
          node('mm', 'MatMul', ['x', 'W'], ['m']),
          node('add', 'Add', ['m', 'b'], ['h']),
          node('tanh', 'Tanh', ['h'], ['t']),
          node('drop', 'Dropout', ['t'], ['d']),
          node('mm2', 'MatMul', ['d', 'W2'], ['m2']),
          node('add2', 'Add', ['b2', 'm2'], ['y']),
          node('id', 'Identity', ['y'], ['out']),
        ],
        inputs: [{ name: 'x' }],
        outputs: [{ name: 'out' }],
      },
    },
  );
  const chain = findDenseLayers(model);
  assert.deepEqual(
    chain.layers.map((l) => [l.weight.name, l.bias.name, l.inputs, l.outputs, l.transposed, l.activation]),
    [
      ['W', 'b', 2, 3, true, 'tanh'],
      ['W2', 'b2', 3, 1, true, 'linear'],
    ],
  );
});

test('refused: a convolution kernel (rank 4), naming the tensor', () => {
  const e = refusal(
    modelOf([
      tensorFromArray('conv.weight', 'float32', [4, 3, 3, 3], new Float32Array(108)),
      floats('conv.bias', [4], [0, 0, 0, 0]),
    ]),
  );
  assert.deepEqual(e.at, { tensor: 'conv.weight' });
});

test('refused: a weight without a bias (nn.Linear(bias=False))', () => {
  const e = refusal(modelOf([floats('fc.weight', [2, 2], [1, 2, 3, 4])]));
  assert.deepEqual(e.at, { tensor: 'fc.weight' });
});

test('refused: batch normalisation statistics, naming the tensor', () => {
  const m = mlp([2, 3, 1]);
  const e = refusal(
    modelOf([
      ...m.tensors.slice(0, 2),
      floats('bn.weight', [3], [1, 1, 1]),
      floats('bn.bias', [3], [0, 0, 0]),
      floats('bn.running_mean', [3], [0, 0, 0]),
      floats('bn.running_var', [3], [1, 1, 1]),
      tensorFromArray('bn.num_batches_tracked', 'int64', [], new BigInt64Array(1)),
      ...m.tensors.slice(2),
    ]),
  );
  assert.deepEqual(e.at, { tensor: 'bn.running_mean' });
});

test('refused: an embedding table', () => {
  const e = refusal(
    modelOf([floats('embedding.weight', [10, 4], new Array(40).fill(0)), ...mlp([4, 2]).tensors]),
  );
  assert.deepEqual(e.at, { tensor: 'embedding.weight' });
});

test('refused: dimensions that do not chain', () => {
  const e = refusal(
    modelOf([
      floats('a.weight', [3, 2], [1, 2, 3, 4, 5, 6]),
      floats('a.bias', [3], [0, 0, 0]),
      floats('b.weight', [1, 4], [1, 1, 1, 1]),
      floats('b.bias', [1], [0]),
    ]),
  );
  assert.deepEqual(e.at, { tensor: 'b.weight' });
});

test('refused: a bias that does not fit, a stray tensor, integer weights, an empty model', () => {
  assert.deepEqual(
    refusal(modelOf([floats('a.weight', [2, 2], [1, 2, 3, 4]), floats('a.bias', [3], [0, 0, 0])])).at,
    { tensor: 'a.bias' },
  );
  assert.deepEqual(refusal(modelOf([...mlp([2, 1]).tensors, floats('step', [], [3])])).at, {
    tensor: 'step',
  });
  assert.deepEqual(
    refusal(
      modelOf([tensorFromArray('q.weight', 'int8', [1, 2], new Int8Array(2)), floats('q.bias', [1], [0])]),
    ).at,
    { tensor: 'q.weight' },
  );
  assert.equal(refusal(modelOf([])).at, undefined);
  assert.deepEqual(
    refusal(modelOf([floats('ln.weight', [3], [1, 1, 1]), floats('ln.bias', [3], [0, 0, 0])])).at,
    {
      tensor: 'ln.weight',
    },
  );
});

test('graph refusals name the node: a Conv, a branch, an activation first, a Gemm without bias', () => {
  const base = mlp([2, 3, 1]);
  const withGraph = (nodes: GraphNode[]) =>
    refusal({ ...base, graph: { nodes, inputs: [{ name: 'x' }], outputs: [{ name: 'y' }] } });
  assert.deepEqual(withGraph([node('c', 'Conv', ['x', 'layers.0.weight'], ['y'])]).at, { node: 'c' });
  assert.deepEqual(
    withGraph([
      node('r', 'Relu', ['x'], ['h']),
      node('g', 'Gemm', ['h', 'layers.0.weight', 'layers.0.bias'], ['y']),
    ]).at,
    { node: 'r' },
  );
  assert.deepEqual(
    withGraph([
      node('g0', 'Gemm', ['x', 'layers.0.weight', 'layers.0.bias'], ['h'], { attributes: transB }),
      node('g1', 'Gemm', ['h', 'layers.1.weight'], ['y'], { attributes: transB }),
    ]).at,
    { tensor: 'layers.1.weight' },
  );
  assert.deepEqual(
    withGraph([
      node('g0', 'Gemm', ['x', 'layers.0.weight', 'layers.0.bias'], ['h'], { attributes: transB }),
      node('r', 'Relu', ['h'], ['y']),
      node('s', 'Sigmoid', ['h'], ['z']),
    ]).at,
    { node: 's' },
  );
});
