/**
 * The executor on small multi-node graphs against onnxruntime (an MLP, a shape chain with
 * Constant nodes and float16 initializers), and its up-front checks (error codes).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NnportError } from '../../src/core/errors.js';
import type { GraphNode } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import { tensorFromArray } from '../../src/core/tensor.js';
import { runGraph } from '../../src/exec/executor.js';
import { fromModelTensor, toModelTensor } from '../../src/exec/tensors.js';
import { numberToF16Bits } from '../../src/io/text/float-bits.js';
import { A, assertClose, i64, rand, runOrt } from './core-harness.js';

function node(
  name: string,
  op: string,
  inputs: string[],
  outputs: string[],
  attributes: GraphNode['attributes'] = {},
): GraphNode {
  return { name, op, inputs, outputs, attributes };
}

/** x[batch,8] → Gemm(transB)+Relu → Gemm → Softmax → y[batch,5]. */
function mlp(): Model {
  return {
    format: 'memory',
    metadata: {},
    graph: {
      name: 'mlp',
      nodes: [
        node('fc1', 'Gemm', ['x', 'w1', 'b1'], ['h'], { transB: A.i(1) }),
        node('relu', 'Relu', ['h'], ['r']),
        node('fc2', 'Gemm', ['r', 'w2', 'b2'], ['z'], { alpha: A.f(0.5) }),
        node('sm', 'Softmax', ['z'], ['y']),
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: ['batch', 8] }],
      outputs: [{ name: 'y', dtype: 'float32', shape: ['batch', 5] }],
      opsets: { '': 13 },
    },
    tensors: [
      toModelTensor('w1', rand([16, 8], 1)),
      toModelTensor('b1', rand([16], 2)),
      toModelTensor('w2', rand([16, 5], 3)),
      toModelTensor('b2', rand([5], 4)),
    ],
  };
}

/** Reshape → Transpose → Concat with a Constant node and a float16 initializer, Shape → Gather. */
function chain(): Model {
  const half = new Uint16Array(rand([6, 2], 5).data.map(numberToF16Bits));
  return {
    format: 'memory',
    metadata: {},
    graph: {
      name: 'chain',
      nodes: [
        node('shape_c', 'Constant', [], ['shape'], { value: { type: 'tensor', value: 'shape_value' } }),
        node('reshape', 'Reshape', ['x', 'shape'], ['r']),
        node('transpose', 'Transpose', ['r'], ['t'], { perm: A.is([0, 2, 1]) }),
        node('cast', 'Cast', ['h'], ['hf'], { to: A.i(1) }),
        node('hr', 'Unsqueeze', ['hf', 'zero'], ['hu']),
        node('concat', 'Concat', ['t', 'hu'], ['c'], { axis: A.i(0) }),
        node('shp', 'Shape', ['c'], ['s']),
        node('gather', 'Gather', ['s', 'zero'], ['g']),
        node('mul', 'Mul', ['c', 'k'], ['y']),
      ],
      inputs: [{ name: 'x', dtype: 'float32', shape: [3, 4] }],
      outputs: [
        { name: 'y', dtype: 'float32', shape: [2, 6, 2] },
        { name: 'g', dtype: 'int64', shape: [1] },
      ],
      opsets: { '': 13 },
      initializers: ['h', 'zero', 'k'],
    },
    tensors: [
      tensorFromArray('shape_value', 'int64', [3], BigInt64Array.from([1n, 2n, 6n])),
      tensorFromArray('h', 'float16', [6, 2], half),
      toModelTensor('zero', i64([0])),
      toModelTensor('k', rand([1, 1, 1], 6)),
    ],
  };
}

test('MLP (Gemm + Relu + Gemm + Softmax) matches onnxruntime', async () => {
  const m = mlp();
  const x = rand([3, 8], 10, 2);
  const want = await runOrt(m, { x });
  const got = await runGraph(m, { x });
  assertClose(got.y as never, want.y as never, 1e-5, 'y');
});

test('Reshape/Transpose/Concat chain with Constant, float16 initializer, Shape/Gather', async () => {
  const m = chain();
  // onnxruntime runs the Cast on float16; nnport upcasts at load and Cast(to float) keeps the values.
  const x = rand([3, 4], 11);
  const want = await runOrt(m, { x });
  const got = await runGraph(m, { x });
  assertClose(got.y as never, want.y as never, 1e-5, 'y');
  assertClose(got.g as never, want.g as never, 0, 'g');
});

test('options.outputs returns intermediate values', async () => {
  const m = mlp();
  const got = await runGraph(m, { x: rand([2, 8], 12) }, { outputs: ['h', 'r', 'y'] });
  assert.deepEqual(Object.keys(got), ['h', 'r', 'y']);
  for (let i = 0; i < got.h.data.length; i++)
    assert.equal(got.r.data[i], Math.max(0, got.h.data[i] as number));
});

test('UNSUPPORTED_OP lists every unsupported op with its node at once', async () => {
  const m = mlp();
  const g = m.graph as NonNullable<Model['graph']>;
  const bad: Model = {
    ...m,
    graph: {
      ...g,
      nodes: [
        ...g.nodes,
        node('weird1', 'NoSuchOp', ['y'], ['a']),
        node('weird2', 'Hardmax', ['a'], ['b']),
        { ...node('custom', 'Foo', ['b'], ['c']), domain: 'com.example' },
      ],
    },
  };
  await assert.rejects(runGraph(bad, { x: rand([1, 8], 1) }), (e: unknown) => {
    assert.ok(e instanceof NnportError);
    assert.equal(e.code, 'UNSUPPORTED_OP');
    for (const s of ['weird1', 'weird2', 'custom', 'NoSuchOp', 'com.example.Foo'])
      assert.match(e.message, new RegExp(s));
    return true;
  });
});

test('inputs are checked before running: missing, unknown, wrong dtype or shape → USAGE', async () => {
  const m = mlp();
  const cases: Record<string, ReturnType<typeof rand>>[] = [
    {},
    { x: rand([1, 8], 1), extra: rand([1], 2) },
    { x: rand([1, 9], 1) },
    { x: rand([8], 1) },
  ];
  for (const inputs of cases) {
    await assert.rejects(runGraph(m, inputs), (e: unknown) => e instanceof NnportError && e.code === 'USAGE');
  }
  await assert.rejects(
    runGraph(m, { x: i64([1, 2, 3, 4, 5, 6, 7, 8], [1, 8]) as never }),
    (e: unknown) => e instanceof NnportError && e.code === 'USAGE',
  );
});

test('a model without a graph or with a never-produced value → INVALID_STRUCTURE', async () => {
  await assert.rejects(
    runGraph({ format: 'memory', metadata: {}, tensors: [] }, {}),
    (e: unknown) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE',
  );
  const m: Model = {
    format: 'memory',
    metadata: {},
    graph: {
      nodes: [node('r', 'Relu', ['ghost'], ['y'])],
      inputs: [],
      outputs: [{ name: 'y' }],
      opsets: { '': 13 },
    },
    tensors: [],
  };
  await assert.rejects(
    runGraph(m, {}),
    (e: unknown) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE',
  );
});

test('initializers that are also graph inputs may be overridden; float16 is upcast', async () => {
  const t = tensorFromArray('w', 'float16', [2], Uint16Array.from([0x3c00, 0xc000]));
  const e = await fromModelTensor(t);
  assert.equal(e.dtype, 'float32');
  assert.deepEqual([...e.data], [1, -2]);
  const m: Model = {
    format: 'memory',
    metadata: {},
    graph: {
      nodes: [node('relu', 'Relu', ['w'], ['y'])],
      inputs: [{ name: 'w', dtype: 'float16', shape: [2] }],
      outputs: [{ name: 'y' }],
      opsets: { '': 13 },
    },
    tensors: [t],
  };
  assert.deepEqual([...(await runGraph(m, {})).y.data], [1, 0]);
  assert.deepEqual(
    [...(await runGraph(m, { w: { dtype: 'float32', shape: [2], data: Float32Array.of(-1, 3) } })).y.data],
    [0, 3],
  );
});

test('Constant (every numeric value attribute) and ConstantOfShape (value tensor) match onnxruntime', async () => {
  const m: Model = {
    format: 'memory',
    metadata: {},
    graph: {
      nodes: [
        node('c1', 'Constant', [], ['a'], { value_float: A.f(2.5) }),
        node('c2', 'Constant', [], ['b'], { value_floats: A.fs([1, -2, 3.25]) }),
        node('c3', 'Constant', [], ['c'], { value_int: A.i(-7) }),
        node('c4', 'Constant', [], ['d'], { value_ints: A.is([4, 5]) }),
        node('c5', 'Constant', [], ['e'], { value: { type: 'tensor', value: 'c5:value' } }),
        node('cos1', 'ConstantOfShape', ['d'], ['f'], { value: { type: 'tensor', value: 'cos1:value' } }),
        node('cos2', 'ConstantOfShape', ['d'], ['g']),
        node('add', 'Add', ['a', 'b'], ['h']),
      ],
      inputs: [],
      outputs: [
        { name: 'c', dtype: 'int64' },
        { name: 'e', dtype: 'float32' },
        { name: 'f', dtype: 'int32' },
        { name: 'g', dtype: 'float32' },
        { name: 'h', dtype: 'float32' },
      ],
      opsets: { '': 13 },
      initializers: [],
    },
    tensors: [
      toModelTensor('c5:value', rand([2, 3], 20)),
      tensorFromArray('cos1:value', 'int32', [1], Int32Array.of(-3)),
    ],
  };
  const want = await runOrt(m, {});
  const got = await runGraph(m, {});
  for (const name of ['c', 'e', 'f', 'g', 'h'])
    assertClose(got[name] as never, want[name] as never, 1e-6, name);
});

test('only the requested values are returned; asking for intermediates does not change outputs', async () => {
  const m = mlp();
  const x = rand([1, 8], 13);
  const all = await runGraph(m, { x }, { outputs: ['y', 'z'] });
  const only = await runGraph(m, { x });
  assert.deepEqual(Object.keys(only), ['y']);
  assert.deepEqual([...(all.y as { data: Float32Array }).data], [...(only.y as { data: Float32Array }).data]);
});
