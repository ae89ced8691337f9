/**
 * Graph → Keras export on small in-memory graphs (src/formats/keras/export-*.ts): what
 * becomes which layer, and what is refused rather than approximated (pads that are not zeros
 * where ONNX pads with -inf, grouped convolutions, softmax over a spatial axis, broadcasting
 * merges, Gemm scaling, HardSigmoid slopes that are not Keras 2's), the writers' hook, and one
 * graph written to .h5 and read back whose executor output equals the graph's on NHWC data.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttributeValue, GraphNode } from '../../src/core/graph.js';
import type { JsonValue, Model } from '../../src/core/model.js';
import { tensorFromBytes } from '../../src/core/tensor.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { kerasModelFromGraph } from '../../src/formats/keras/export-graph.js';
import { withKerasConfig } from '../../src/formats/keras/export-hook.js';
import { readKeras } from '../../src/formats/keras/read.js';
import { writeKeras } from '../../src/formats/keras/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { assertClose, rand } from '../exec/core-harness.js';
import { memoryInput } from '../npy/helpers.js';

const f32 = (name: string, shape: number[]) => {
  const n = shape.reduce((a, b) => a * b, 1);
  const data = Float32Array.from({ length: n }, (_, i) => (i % 7) / 7);
  return tensorFromBytes(name, 'float32', shape, new Uint8Array(data.buffer));
};
const ints = (value: number[]): AttributeValue => ({ type: 'ints', value });
const int = (value: number): AttributeValue => ({ type: 'int', value });
const float = (value: number): AttributeValue => ({ type: 'float', value });

function node(
  op: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, AttributeValue> = {},
): GraphNode {
  return { name: `${op}_${outputs[0]}`, op, inputs, outputs, attributes };
}

/** A model on input x [1, 4, 8, 8] (or `shape`) with the given nodes; output `y`. */
function model(
  nodes: GraphNode[],
  tensors = [f32('w', [4, 4, 3, 3])],
  shape = [1, 4, 8, 8],
  opset = 17,
): Model {
  return {
    format: 'onnx',
    metadata: {},
    tensors,
    graph: {
      nodes,
      inputs: [{ name: 'x', dtype: 'float32', shape }],
      outputs: [{ name: 'y', dtype: 'float32' }],
      opsets: { '': opset },
    },
  };
}

async function classes(m: Model): Promise<string[]> {
  const r = await kerasModelFromGraph(m);
  assert.ok(!('refused' in r), 'refused' in r ? r.refused : '');
  const keras = r.model.metadata.keras as { modelConfig: { config: { layers: { class_name: string }[] } } };
  return keras.modelConfig.config.layers.map((l) => l.class_name);
}

async function refused(m: Model, why: RegExp): Promise<void> {
  const r = await kerasModelFromGraph(m);
  assert.ok('refused' in r, 'expected a refusal');
  assert.match(r.refused, why);
}

const pool = (attrs: Record<string, AttributeValue>, op = 'MaxPool', input = 'x') =>
  node(op, [input], ['y'], {
    kernel_shape: ints([3, 3]),
    strides: ints([2, 2]),
    pads: ints([1, 1, 1, 1]),
    ...attrs,
  });

test('max pool pads that are not SAME: zero padding only over ReLU outputs, refused otherwise', async () => {
  await refused(model([pool({})]), /MaxPool.*negative/);
  assert.deepEqual(await classes(model([node('Relu', ['x'], ['r']), pool({}, 'MaxPool', 'r')])), [
    'InputLayer',
    'Activation',
    'ZeroPadding2D',
    'MaxPooling2D',
  ]);
  // pads (0, 1) are TF's SAME for size 8, kernel 3, stride 2
  assert.deepEqual(await classes(model([pool({ pads: ints([0, 0, 1, 1]) })])), [
    'InputLayer',
    'MaxPooling2D',
  ]);
});

test('average pool: count_include_pad 0 only with SAME pads; count_include_pad 1 pads with zeros', async () => {
  await refused(model([pool({}, 'AveragePool')]), /AveragePool.*count_include_pad/);
  assert.deepEqual(await classes(model([pool({ count_include_pad: int(1) }, 'AveragePool')])), [
    'InputLayer',
    'ZeroPadding2D',
    'AveragePooling2D',
  ]);
  assert.deepEqual(await classes(model([pool({ strides: ints([1, 1]) }, 'AveragePool')])), [
    'InputLayer',
    'AveragePooling2D',
  ]);
  // size 8, kernel 3, stride 2, no pads: ceil_mode makes 4 windows where Keras makes 3
  await refused(model([pool({ ceil_mode: int(1), pads: ints([0, 0, 0, 0]) })]), /ceil_mode/);
});

test('convolutions: group 1 and depthwise only; both strides and dilations refused', async () => {
  const conv = (attrs: Record<string, AttributeValue>) => node('Conv', ['x', 'w'], ['y'], attrs);
  assert.deepEqual(await classes(model([conv({ pads: ints([1, 1, 1, 1]) })])), ['InputLayer', 'Conv2D']);
  await refused(model([conv({ group: int(2) })], [f32('w', [4, 2, 3, 3])]), /group 2/);
  assert.deepEqual(await classes(model([conv({ group: int(4) })], [f32('w', [8, 1, 3, 3])])), [
    'InputLayer',
    'DepthwiseConv2D',
  ]);
  await refused(model([conv({ strides: ints([2, 2]), dilations: ints([2, 2]) })]), /strides and dilations/);
});

test('softmax over channels of an image becomes softmax over Keras last axis; over a spatial axis refused', async () => {
  assert.deepEqual(await classes(model([node('Softmax', ['x'], ['y'], { axis: int(1) })])), [
    'InputLayer',
    'Activation',
  ]);
  await refused(model([node('Softmax', ['x'], ['y'], { axis: int(2) })]), /Softmax/);
  await refused(model([node('Softmax', ['x'], ['y'], { axis: int(1) })], [], [1, 4, 8, 8], 11), /Softmax/);
});

test('Gemm scaling, broadcasting merges and HardSigmoid slopes other than Keras 2 are refused', async () => {
  const gemm = (attrs: Record<string, AttributeValue>) =>
    model([node('Gemm', ['x', 'b'], ['y'], { transB: int(1), ...attrs })], [f32('b', [3, 5])], [2, 5]);
  assert.deepEqual(await classes(gemm({})), ['InputLayer', 'Dense']);
  await refused(gemm({ alpha: float(2) }), /alpha and beta/);
  const two = model([node('GlobalAveragePool', ['x'], ['g']), node('Add', ['x', 'g'], ['y'])]);
  await refused(two, /Add.*broadcast/);
  await refused(model([node('HardSigmoid', ['x'], ['y'], { alpha: float(1 / 6) })]), /HardSigmoid/);
  assert.deepEqual(await classes(model([node('HardSigmoid', ['x'], ['y'])])), ['InputLayer', 'Activation']);
});

test('the writers hook: a Keras model is left as it is; a refusal warns and keeps the weights only', async () => {
  const keras: Model = { ...model([node('Relu', ['x'], ['y'])]), metadata: { keras: { modelConfig: null } } };
  assert.equal(await withKerasConfig(keras, {}), keras);
  const warnings: string[] = [];
  const gather = model(
    [
      node('Constant', [], ['i'], { value: { type: 'tensor', value: 'c' } }),
      node('Gather', ['x', 'i'], ['y']),
    ],
    [f32('w', [2]), tensorFromBytes('c', 'int64', [1], new Uint8Array(8))],
  );
  const out = await withKerasConfig(gather, { onWarning: (w) => warnings.push(w) });
  assert.deepEqual(
    out.tensors.map((t) => t.name),
    ['w'],
  );
  assert.match(warnings[0] ?? '', /Gather/);
  assert.equal(out.graph, undefined);
  // TF.js: global pools keep no dims there, and it has no ZeroPadding1D
  const gap = model([node('GlobalAveragePool', ['x'], ['y'])]);
  assert.equal((await withKerasConfig(gap, {}, 'tfjs')).metadata.keras, undefined);
  assert.notEqual((await withKerasConfig(gap, {}, 'keras')).metadata.keras, undefined);
  const pad1 = model(
    [node('Pad', ['x', 'p'], ['y'])],
    [tensorFromBytes('p', 'int64', [6], new Uint8Array(BigInt64Array.from([0n, 0n, 1n, 0n, 0n, 1n]).buffer))],
    [1, 4, 8],
  );
  assert.equal(
    (await withKerasConfig(pad1, { onWarning: (w) => warnings.push(w) }, 'tfjs')).metadata.keras,
    undefined,
  );
  assert.match(warnings.at(-1) ?? '', /ZeroPadding1D/);
  const ok = await withKerasConfig(model([node('Relu', ['x'], ['y'])]), {});
  const nnport = ok.metadata.nnport as { changes: Record<string, JsonValue>[] };
  assert.equal(nnport.changes[0]?.change, 'layout');
  assert.equal(ok.graph, undefined);
});

/** NC… → N…C of a float32 ExecTensor. */
function nhwc(t: ExecTensor): ExecTensor {
  const [n, c, ...sp] = t.shape as number[];
  const inner = sp.reduce((a, b) => a * b, 1);
  const src = t.data as Float32Array;
  const data = new Float32Array(src.length);
  for (let b = 0; b < (n as number); b++)
    for (let ch = 0; ch < (c as number); ch++)
      for (let i = 0; i < inner; i++)
        data[(b * inner + i) * (c as number) + ch] = src[(b * (c as number) + ch) * inner + i] as number;
  return { dtype: 'float32', shape: [n as number, ...sp, c as number], data };
}

test('through an .h5 and back: MatMul + Add + Relu (one Dense), Sub, Min, channel Concat, LeakyRelu give the graph outputs', async () => {
  const m = model(
    [
      node('Conv', ['x', 'w'], ['a'], { pads: ints([1, 1, 1, 1]) }),
      node('LeakyRelu', ['x'], ['l'], { alpha: float(0.25) }),
      node('Sub', ['a', 'l'], ['s']),
      node('Min', ['a', 's'], ['mn']),
      node('Concat', ['s', 'mn'], ['c'], { axis: int(1) }),
      node('GlobalMaxPool', ['c'], ['g']),
      node('Flatten', ['g'], ['f']),
      node('MatMul', ['f', 'k'], ['mm']),
      node('Add', ['mm', 'kb'], ['ab']),
      node('Relu', ['ab'], ['y']),
    ],
    [f32('w', [4, 4, 3, 3]), f32('k', [8, 5]), f32('kb', [5])],
    [2, 4, 6, 6],
  );
  const keras = await withKerasConfig(m, {});
  const config = (keras.metadata.keras as { modelConfig: { config: { layers: JsonValue[] } } }).modelConfig;
  const dense = config.config.layers.find((l) => (l as { class_name: string }).class_name === 'Dense') as {
    config: Record<string, JsonValue>;
  };
  assert.equal(dense.config.activation, 'relu');
  assert.equal(dense.config.use_bias, true);
  const target = new MemoryTarget('m.h5');
  await writeKeras(m, target, {});
  const back = await readKeras(memoryInput('m.h5', target.bytes));
  const x = rand([2, 4, 6, 6], 7);
  const want = (await runGraph(m, { x })).y as ExecTensor;
  const input = back.graph?.inputs[0]?.name as string;
  const got = await runGraph(back, { [input]: nhwc(x) });
  assertClose(
    got[back.graph?.outputs[0]?.name as string] as ExecTensor,
    want,
    1e-5,
    'Keras model read back (got) vs graph (want)',
  );
});
