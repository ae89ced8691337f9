/**
 * The MXNet symbol reader's coded errors, hermetic: shapes that disagree, malformed graphs,
 * control flow, unknown ops, bad parameter files; and regression tests for the reader bugs found
 * so far (pairing, --input names, unreachable nodes, kept nodes' dtypes, shared variables).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairParams } from '../../src/formats/mxnet/read.js';
import { rejectsWith } from '../assert-errors.js';
import {
  f32,
  mlp,
  mlpParams,
  type NodeSpec,
  outline,
  paramsBytes,
  readSymbol,
  shapes,
  symbolJson,
} from './reader-helpers.js';

test('shape disagreements name the array and the node (INVALID_STRUCTURE)', async () => {
  const opts = { inputShapes: shapes({ data: [2, 5] }) };
  const wrong = paramsBytes([{ name: 'arg:fc_weight', shape: [4, 5], data: f32(20) }]);
  const e = await rejectsWith(
    readSymbol(symbolJson(mlp()), opts, { 'net-0000.params': wrong }),
    'INVALID_STRUCTURE',
  );
  assert.deepEqual(e.at, { node: 'fc' });
  assert.match(e.detail, /fc_weight/);
  assert.equal(e.file, 'net-symbol.json');
  // The data's __shape__ implies a [3, 6] weight; the parameters hold [3, 5].
  const e2 = await rejectsWith(
    readSymbol(symbolJson(mlp('(2, 6)')), {}, { 'net-0000.params': mlpParams() }),
    'INVALID_STRUCTURE',
  );
  assert.deepEqual(e2.at, { node: 'fc' });
  assert.match(e2.detail, /fc_weight/);
  // A parameter's own __shape__ against the array.
  const hinted = mlp().map((n) => (n.name === 'fc_weight' ? { ...n, hidden: { __shape__: '(3, 7)' } } : n));
  const e3 = await rejectsWith(
    readSymbol(symbolJson(hinted), {}, { 'net-0000.params': mlpParams() }),
    'INVALID_STRUCTURE',
  );
  assert.deepEqual(e3.at, { node: 'fc' });
  // --input overrides a data input's __shape__, as MXNet's shape inference lets given shapes win.
  const m = await readSymbol(symbolJson(mlp('(7, 5)')), opts, { 'net-0000.params': mlpParams() });
  assert.deepEqual((outline(m) as { outputs: unknown }).outputs, [['softmax', [2, 3]]]);
});

test('malformed graphs: inputs past the node list, cycles, missing heads, bad JSON', async () => {
  const past: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs: [[7]] },
  ];
  await rejectsWith(readSymbol(symbolJson(past)), 'INVALID_STRUCTURE', { path: '$.nodes[1].inputs[0]' });
  const cycle: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: 'elemwise_add', name: 'a', inputs: [[0], [2]] },
    { op: 'Activation', name: 'b', attrs: { act_type: 'relu' }, inputs: [[1]] },
  ];
  const e = await rejectsWith(readSymbol(symbolJson(cycle)), 'INVALID_STRUCTURE');
  assert.match(String((e.at as { path?: string }).path), /^\$\.nodes\[[12]\]\.inputs$/);
  const self: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: 'elemwise_add', name: 'a', inputs: [[0], [1]] },
  ];
  await rejectsWith(readSymbol(symbolJson(self)), 'INVALID_STRUCTURE', { path: '$.nodes[1].inputs' });
  const text = (o: unknown): Uint8Array => new TextEncoder().encode(JSON.stringify(o));
  const nodes = [{ op: 'null', name: 'data', inputs: [] }];
  await rejectsWith(readSymbol(text({ nodes, arg_nodes: [0] })), 'INVALID_STRUCTURE', { path: '$.heads' });
  await rejectsWith(readSymbol(text({ nodes, heads: [] })), 'INVALID_STRUCTURE', { path: '$.heads' });
  await rejectsWith(readSymbol(text({ nodes, heads: [[3, 0, 0]] })), 'INVALID_STRUCTURE', {
    path: '$.heads[0]',
  });
  await rejectsWith(readSymbol(text({ nodes: 'x', heads: [[0, 0, 0]] })), 'INVALID_STRUCTURE', { path: '$' });
  // A head naming an output the node does not have.
  const relu: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs: [[0]] },
  ];
  await rejectsWith(
    readSymbol(symbolJson(relu, { heads: [[1, 3]] }), { inputShapes: shapes({ data: [2] }) }),
    'INVALID_STRUCTURE',
  );
  await rejectsWith(readSymbol(new TextEncoder().encode('{"nodes": [')), 'TRUNCATED');
  await rejectsWith(readSymbol(new TextEncoder().encode('{"nodes": [}')), 'INVALID_STRUCTURE');
});

test('control-flow subgraphs are UNSUPPORTED_OP naming the node', async () => {
  const body = { nodes: [{ op: 'null', name: 'x', inputs: [] }], arg_nodes: [0], heads: [[0, 0, 0]] };
  const root = {
    nodes: [
      { op: 'null', name: 'data', inputs: [] },
      {
        op: '_foreach',
        name: 'loop',
        attrs: { num_args: '1', num_outputs: '1' },
        inputs: [[0, 0, 0]],
        subgraphs: [body],
      },
    ],
    arg_nodes: [0],
    heads: [[1, 0, 0]],
  };
  const e = await rejectsWith(readSymbol(new TextEncoder().encode(JSON.stringify(root))), 'UNSUPPORTED_OP', {
    path: '$.nodes[1].subgraphs',
  });
  assert.match(e.detail, /loop/);
});

test('an unknown op is kept as an mxnet-domain node and listed as unsupported', async () => {
  const nodes: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: '_contrib_Frobnicate', name: 'frob', attrs: { level: '3' }, inputs: [[0]] },
    { op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs: [[1]] },
  ];
  const m = await readSymbol(symbolJson(nodes), { inputShapes: shapes({ data: [2, 3] }) });
  const frob = m.graph?.nodes.find((n) => n.op === '_contrib_Frobnicate');
  assert.equal(frob?.domain, 'mxnet');
  assert.deepEqual(frob?.attributes, { level: { type: 'string', value: '3' } });
  assert.equal(m.graph?.opsets?.mxnet, 1);
  assert.deepEqual((m.metadata.mxnet as { unsupported: unknown }).unsupported, [
    { name: 'frob', op: '_contrib_Frobnicate' },
  ]);
});

test('bad parameter files beside a symbol: codes carry the parameter file', async () => {
  const sym = symbolJson(mlp());
  const good = mlpParams();
  const opts = { inputShapes: shapes({ data: [2, 5] }) };
  const cut = await rejectsWith(
    readSymbol(sym, opts, { 'net-0000.params': good.subarray(0, good.length - 9) }),
    'TRUNCATED',
  );
  assert.equal(cut.file, 'net-0000.params');
  const magic = good.slice();
  magic[0] = 0x13;
  const bad = await rejectsWith(readSymbol(sym, opts, { 'net-0000.params': magic }), 'BAD_MAGIC', {
    byte: 0,
  });
  assert.equal(bad.file, 'net-0000.params');
  // The same through `arrays` (--arrays PATH).
  const { memoryInput } = await import('../onnx/helpers.js');
  const given = memoryInput(good.subarray(0, 20), {}, 'elsewhere.params');
  const e = await rejectsWith(readSymbol(sym, { ...opts, arrays: given }), 'TRUNCATED');
  assert.equal(e.file, 'elsewhere.params');
  // Two arrays that become one name once arg:/aux: goes.
  const twice = paramsBytes([
    { name: 'arg:fc_bias', shape: [3], data: f32(3) },
    { name: 'aux:fc_bias', shape: [3], data: f32(3) },
  ]);
  await rejectsWith(readSymbol(sym, opts, { 'net-0000.params': twice }), 'INVALID_STRUCTURE', {
    tensor: 'aux:fc_bias',
  } as never);
});

test('pairParams: a checkpoint whose name only starts with the stem (vgg16 for vgg) is not paired', () => {
  assert.equal(
    pairParams('vgg-symbol.json', ['vgg-symbol.json', 'vgg16-symbol.json', 'vgg16-0000.params']),
    undefined,
  );
  assert.equal(pairParams('net-symbol.json', ['net-symbol.json', 'network-0003.params']), undefined);
});

test('--input naming no variable is a USAGE error', async () => {
  await rejectsWith(readSymbol(symbolJson(mlp()), { inputShapes: shapes({ dta: [2, 5] }) }), 'USAGE');
});

test('nodes the heads do not reach are left out, as MXNet does when it loads a symbol', async () => {
  const nodes: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: '_contrib_Frobnicate', name: 'dead', inputs: [[0]] },
    { op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs: [[0]] },
  ];
  const m = await readSymbol(symbolJson(nodes), { inputShapes: shapes({ data: [2, 3] }) });
  assert.deepEqual(
    m.graph?.nodes.map((n) => n.op),
    ['Relu'],
  );
  assert.equal((m.metadata.mxnet as { unsupported?: unknown }).unsupported, undefined);
});

test('values after a kept mxnet node are typed (a --partial ONNX file declares its outputs)', async () => {
  const nodes: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: '_contrib_Frobnicate', name: 'frob', inputs: [[0]] },
    { op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs: [[1]] },
  ];
  const m = await readSymbol(symbolJson(nodes), { inputShapes: shapes({ data: [2, 3] }) });
  assert.deepEqual(
    m.graph?.outputs.map((o) => [o.name, o.dtype]),
    [['relu', 'float32']],
  );
});

test('two variable nodes of one name are one array: one graph input, shapes checked', async () => {
  const shared = (rows: number): NodeSpec[] => [
    { op: 'null', name: 'data' },
    { op: 'null', name: 'w' },
    { op: 'FullyConnected', name: 'fc1', attrs: { num_hidden: '5', no_bias: 'True' }, inputs: [[0], [1]] },
    { op: 'null', name: 'w' },
    {
      op: 'FullyConnected',
      name: 'fc2',
      attrs: { num_hidden: String(rows), no_bias: 'True' },
      inputs: [[2], [3]],
    },
  ];
  const opts = { inputShapes: shapes({ data: [2, 5] }) };
  const m = await readSymbol(symbolJson(shared(5)), opts);
  assert.deepEqual(
    m.graph?.inputs.map((i) => i.name),
    ['data', 'w'],
  );
  await rejectsWith(readSymbol(symbolJson(shared(4)), opts), 'INVALID_STRUCTURE');
});
