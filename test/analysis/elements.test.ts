/**
 * The Wolfram "MXNet" Import elements (src/analysis/elements) on a hand-built MXNet-like net (as
 * the symbol reader's contract describes it), on the same net without arrays, on names that need
 * escaping, and on graphs too deep to draw (elements-fixtures.test.ts has the real files).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  arrayAssociation,
  arrayList,
  arrayNames,
  computeElement,
  ELEMENT_NAMES,
  inputNames,
  layerAssociation,
  netSummary,
  nodeDataset,
  nodeGraph,
  nodeGraphPlot,
  resolveElement,
  toDot,
} from '../../src/analysis/elements/index.js';
import type { Model } from '../../src/core/model.js';
import { tensorFromArray } from '../../src/core/tensor.js';
import { prettyJson } from '../../src/io/text/model-json.js';
import { rejectsWith } from '../assert-errors.js';
import { assertWellFormedXml, count, DOT_EDGE } from './elements-helpers.js';
import {
  EVIL_INPUT,
  EVIL_LAYER,
  evilModel,
  mlpModel,
  uninitializedGluon,
  uninitializedMlp,
} from './elements-model.js';

test('element names: Wolfram spellings, any letter case accepted, anything else USAGE', async () => {
  assert.equal(ELEMENT_NAMES.length, 10);
  for (const e of ELEMENT_NAMES) assert.equal(resolveElement(e), e);
  assert.equal(resolveElement('nodegraphplot'), 'NodeGraphPlot');
  assert.equal(resolveElement('ARRAYLIST'), 'ArrayList');
  await rejectsWith(async () => resolveElement('Layers'), 'USAGE');
  await rejectsWith(async () => resolveElement(''), 'USAGE');
});

test('MXNet-like net: inputs, arrays with exact values, layers regrouped by meta.mxnet', async () => {
  const m = mlpModel();
  assert.deepEqual(inputNames(m), ['data']);
  assert.deepEqual(arrayNames(m), ['fc1_weight', 'fc1_bias', 'fc2_weight', 'fc2_bias', 'step']);
  const list = await arrayList(m);
  assert.deepEqual(list[1], { name: 'fc1_bias', dtype: 'float32', shape: [3], data: [0.1, -0, 1e-7] });
  assert.ok(Object.is((list[1]?.data as number[] | undefined)?.[1], -0));
  assert.deepEqual(list[3]?.data, ['NaN', '-Infinity']);
  assert.deepEqual(list[4]?.data, [2n ** 60n + 1n]);
  assert.deepEqual((list[0]?.data as number[][] | undefined)?.[2], [0.8, 0.9, 1, 1.1]);
  // The JSON text is the nnport JSON format's spelling: shortest float32 digits, exact int64, -0.
  const text = prettyJson(list.map((a) => a.data) as never, 0);
  assert.match(text, /\[0\.1, -0, 1e-7\]/);
  assert.match(text, /\[1152921504606846977\]/);
  const assoc = await arrayAssociation(m);
  assert.deepEqual(Object.keys(assoc), arrayNames(m));
  assert.deepEqual(assoc.fc2_weight?.data, [
    [1, 2, 3],
    [4, 5, 6],
  ]);

  const layers = layerAssociation(m);
  assert.deepEqual(Object.keys(layers), ['fc1', 'relu1', 'fc2']);
  assert.deepEqual(layers.fc1, {
    type: 'FullyConnected',
    inputs: ['data'],
    arrays: { fc1_weight: [3, 4], fc1_bias: [3] },
    attributes: { num_hidden: '3' },
  });
  assert.deepEqual(layers.relu1?.inputs, ['fc1']);
  assert.equal(layers.relu1?.type, 'Activation');
  assert.deepEqual(layers.fc2?.inputs, ['relu1']);

  const rows = nodeDataset(m);
  assert.deepEqual(
    rows.map((r) => [r.name, r.type, r.inputs, r.arrays]),
    [
      ['fc1', 'FullyConnected', ['data'], ['fc1_weight', 'fc1_bias']],
      ['relu1', 'Activation', ['fc1'], []],
      ['fc2', 'FullyConnected', ['relu1'], ['fc2_weight', 'fc2_bias']],
    ],
  );
});

test('Net: inferred output shapes per layer and the parameter count; UninitializedNet reads no data', async () => {
  const m = mlpModel();
  const net = await netSummary(m);
  assert.equal(net.uninitialized, false);
  assert.deepEqual(net.inputs, [{ name: 'data', dtype: 'float32', shape: [1, 4] }]);
  assert.deepEqual(net.outputs, [{ name: 'fc2_output', dtype: 'float32', shape: [1, 2] }]);
  assert.deepEqual(
    net.layers.map((l) => [l.name, l.type, l.outputs.map((o) => o.shape), l.parameters]),
    [
      ['fc1', 'FullyConnected', [[1, 3]], 15],
      ['relu1', 'Activation', [[1, 3]], 0],
      ['fc2', 'FullyConnected', [[1, 2]], 8],
    ],
  );
  assert.equal(net.parameters, 12 + 3 + 6 + 2 + 1);
  assert.equal(net.unknownShapes, 0);
  assert.ok(net.arrays.every((a) => a.initialized === true && a.dtype !== undefined));
  // --input replaces the declared shape.
  const given = await netSummary(m, { given: [{ name: 'data', dtype: 'float32', shape: [5, 4] }] });
  assert.deepEqual(given.inputs[0]?.shape, [5, 4]);
  assert.deepEqual(given.outputs[0]?.shape, [5, 2]);

  // UninitializedNet never reads tensor data: every read throws here.
  const unreadable: Model = {
    ...m,
    tensors: m.tensors.map((t) => ({
      ...t,
      data: { byteLength: t.data.byteLength, read: () => Promise.reject(new Error('data was read')) },
    })),
  };
  await assert.rejects(netSummary(unreadable), /data was read/);
  const un = await netSummary(unreadable, { uninitialized: true });
  assert.equal(un.uninitialized, true);
  assert.deepEqual(un.arrays[0], { name: 'fc1_weight', shape: [3, 4] });
  assert.equal(un.parameters, 24);
  assert.deepEqual(un.layers[2]?.outputs[0]?.shape, [1, 2]);
});

test('a symbol read without arrays: parameters are inputs (InputNames) and the layers own them by MXNet naming', async () => {
  const m = uninitializedMlp();
  assert.deepEqual(inputNames(m), ['data', 'fc1_weight', 'fc1_bias', 'fc2_weight', 'fc2_bias']);
  assert.deepEqual(arrayNames(m), []);
  assert.deepEqual(await arrayList(m), []);
  const layers = layerAssociation(m);
  assert.deepEqual(layers.fc1?.arrays, { fc1_weight: [3, 4], fc1_bias: [3] });
  assert.deepEqual(layers.fc1?.inputs, ['data']);
  assert.deepEqual(layers.fc2?.arrays, { fc2_weight: [2, 3], fc2_bias: [null] });
  const net = await netSummary(m);
  assert.equal(net.uninitialized, true);
  assert.deepEqual(
    net.inputs.map((v) => v.name),
    ['data'],
  );
  assert.ok(net.arrays.every((a) => a.initialized === false));
  assert.equal(net.parameters, 12 + 3 + 6);
  assert.equal(net.unknownShapes, 1);
  assert.equal(net.layers[2]?.parameters, null);
  const g = nodeGraph(m);
  assert.deepEqual(
    g.nodes.map((n) => `${n.kind}:${n.id}`),
    ['input:data', 'layer:fc1', 'layer:relu1', 'layer:fc2', 'output:fc2_output'],
  );
});

test("a Gluon export without arrays: the reader's metadata.mxnet.arrays names the parameters", async () => {
  const m = uninitializedGluon();
  assert.deepEqual(inputNames(m), ['data', 'dense0_weight', 'dense0_bias']);
  const layers = layerAssociation(m);
  assert.deepEqual(Object.keys(layers), ['dense0_fwd']);
  assert.deepEqual(layers.dense0_fwd?.inputs, ['data']);
  assert.deepEqual(layers.dense0_fwd?.arrays, { dense0_weight: [3, null], dense0_bias: [3] });
  const net = await netSummary(m, { given: [{ name: 'data', dtype: 'float32', shape: [2, 5] }] });
  assert.deepEqual(
    net.inputs.map((v) => v.name),
    ['data'],
  );
  assert.equal(net.parameters, 3);
  assert.equal(net.unknownShapes, 1);
  assert.deepEqual(
    nodeGraph(m).nodes.map((n) => n.id),
    ['data', 'dense0_fwd', 'dense0_fwd_output'],
  );
});

test('NodeGraph: inputs and outputs as nodes, one edge per producer-consumer pair; DOT has one line per edge', () => {
  const g = nodeGraph(mlpModel());
  assert.deepEqual(
    g.nodes.map((n) => [n.id, n.kind, n.type]),
    [
      ['data', 'input', null],
      ['fc1', 'layer', 'FullyConnected'],
      ['relu1', 'layer', 'Activation'],
      ['fc2', 'layer', 'FullyConnected'],
      ['fc2_output', 'output', null],
    ],
  );
  assert.deepEqual(g.edges, [
    { from: 'data', to: 'fc1', values: ['data'] },
    { from: 'fc1', to: 'relu1', values: ['fc1_output'] },
    { from: 'relu1', to: 'fc2', values: ['relu1_output'] },
    { from: 'fc2', to: 'fc2_output', values: ['fc2_output'] },
  ]);
  const dot = toDot(g);
  assert.equal(count(dot, DOT_EDGE), g.edges.length);
  assert.match(dot, /^digraph "net" \{\n/);
  assert.match(dot, /n1 \[label="fc1\\nFullyConnected"\];/);
});

test('NodeGraphPlot: well-formed SVG, one box per layer and one path per edge, same bytes every time', async () => {
  const m = mlpModel();
  const g = nodeGraph(m);
  const svg = nodeGraphPlot(g);
  await assertWellFormedXml(svg);
  assert.equal(count(svg, /<rect class="layer"/g), 3);
  assert.equal(count(svg, /<rect class="input"/g), 1);
  assert.equal(count(svg, /<rect class="output"/g), 1);
  assert.equal(count(svg, /<path class="edge"/g), g.edges.length);
  assert.equal(nodeGraphPlot(nodeGraph(mlpModel())), svg);
  const r = await computeElement(m, 'NodeGraphPlot');
  assert.equal(r.value, svg);
});

test('names from files are escaped: XML in the SVG, quotes and backslashes in DOT, own keys in associations', async () => {
  const m = evilModel();
  const g = nodeGraph(m);
  // The unnamed Neg layer is named by its output, which the graph output node then shares.
  assert.deepEqual(
    g.nodes.map((n) => n.id),
    [EVIL_INPUT, EVIL_LAYER, 'out\nput', 'out\nput#output'],
  );
  const svg = nodeGraphPlot(g);
  await assertWellFormedXml(svg);
  assert.ok(svg.includes('x&lt;&amp;&quot;&gt;&apos;y\ufffd\ufffd'));
  assert.ok(svg.includes('in&amp;&lt;put&gt;&quot;'));
  assert.ok(!svg.includes(EVIL_INPUT) && !svg.includes('\u0001'));
  assert.equal(count(svg, /<rect class="layer"/g), 2);
  assert.equal(count(svg, /<path class="edge"/g), 3);
  const dot = toDot(g);
  assert.equal(count(dot, DOT_EDGE), 3);
  assert.ok(dot.includes('[label="in&<put>\\"", shape=ellipse]'));
  assert.ok(dot.includes('label="out\\nput", shape=ellipse'));
  // Header (2 lines), 4 nodes, 3 edges, `}` and the final newline: no name broke a line.
  assert.equal(dot.split('\n').length, 2 + 4 + 3 + 1 + 1);
  const assoc = await arrayAssociation(m);
  assert.ok(Object.hasOwn(assoc, '__proto__'));
  assert.deepEqual(Object.keys(assoc), ['__proto__']);
  assert.equal(Object.getPrototypeOf(assoc), Object.prototype);
  const layers = layerAssociation(m);
  assert.deepEqual(Object.keys(layers), [EVIL_LAYER, 'out\nput']);
  assert.deepEqual(layers['out\nput']?.inputs, [EVIL_LAYER]);
});

test('a model without a graph: array elements work, graph elements are USAGE errors', async () => {
  const m: Model = {
    format: 'npy',
    metadata: {},
    tensors: [tensorFromArray('x', 'complex64', [2], new Float32Array([1.5, -0, Number.NaN, 2]))],
  };
  assert.deepEqual(inputNames(m), []);
  assert.deepEqual((await arrayList(m))[0]?.data, [
    [1.5, -0],
    ['NaN', 2],
  ]);
  for (const e of [
    'LayerAssociation',
    'Net',
    'UninitializedNet',
    'NodeDataset',
    'NodeGraph',
    'NodeGraphPlot',
  ] as const) {
    await rejectsWith(computeElement(m, e), 'USAGE');
  }
  // An empty tensor nests as far as its first zero dimension.
  const empty: Model = { ...m, tensors: [tensorFromArray('e', 'int8', [2, 0, 3], new Int8Array(0))] };
  assert.deepEqual((await arrayList(empty))[0]?.data, [[], []]);
});

test('NodeGraphPlot: a graph too deep for the layout is LIMIT_EXCEEDED, not a crash', async () => {
  const nodes = Array.from({ length: 4000 }, (_, i) => ({
    name: `l${i}`,
    op: 'Relu',
    inputs: [i === 0 ? 'x' : `v${i - 1}`],
    outputs: [`v${i}`],
    attributes: {},
  }));
  const m: Model = {
    format: 'memory',
    metadata: {},
    tensors: [],
    graph: { nodes, inputs: [{ name: 'x' }], outputs: [{ name: 'v3999' }] },
  };
  assert.equal(count(toDot(nodeGraph(m)), DOT_EDGE), 4001);
  await rejectsWith(computeElement(m, 'NodeGraphPlot'), 'LIMIT_EXCEEDED');
});
