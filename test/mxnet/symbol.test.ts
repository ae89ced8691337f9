/**
 * The MXNet symbol reader, hermetic (symbols and parameter files built here): every generation of
 * the JSON, parameter pairing, `arrays` (--arrays), parameter names and roles, and MXNet's Reshape
 * codes. Coded errors are in symbol-errors.test.ts, the CLI contract in symbol-cli.test.ts, numeric
 * agreement with the NumPy peer in symbol-ops.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairParams } from '../../src/formats/mxnet/read.js';
import { mxnetReshape } from '../../src/ops/mxnet/reshape.js';
import {
  f32,
  mlp,
  mlpParams,
  mxMeta,
  type NodeSpec,
  outline,
  paramsBytes,
  readSymbol,
  shapes,
  symbolJson,
} from './reader-helpers.js';

test('0.8 (param/attr, [node, output]) and 1.x (attrs, [node, output, version]) read to one graph', async () => {
  const opts = { inputShapes: shapes({ data: [2, 5] }) };
  const legacy = await readSymbol(symbolJson(mlp(), { generation: 'legacy' }), opts);
  const nnvm = await readSymbol(symbolJson(mlp()), opts);
  const rows = await readSymbol(symbolJson(mlp(), { rowPtr: true }), opts);
  assert.deepEqual(legacy.metadata.mxnet, {
    ...(legacy.metadata.mxnet as object),
    generation: 'legacy',
    version: null,
    labels: ['softmax_label'],
  });
  assert.equal((nnvm.metadata.mxnet as { generation: string }).generation, 'nnvm');
  assert.equal((nnvm.metadata.mxnet as { version: number }).version, 10500);
  assert.deepEqual(outline(legacy), outline(nnvm));
  assert.deepEqual(outline(rows), outline(nnvm));
  const o = outline(nnvm) as { inputs: unknown[]; outputs: unknown[] };
  // The label is not a graph input; the uninitialized parameters are, shaped by FullyConnected's rule.
  assert.deepEqual(o.inputs, [
    ['data', [2, 5]],
    ['fc_weight', [3, 5]],
    ['fc_bias', [3]],
  ]);
  assert.deepEqual(o.outputs, [['softmax', [2, 3]]]);
  const fc = nnvm.graph?.nodes.find((n) => n.name === 'fc');
  assert.deepEqual(fc?.meta?.mxnet, { name: 'fc', op: 'FullyConnected', attrs: { num_hidden: '3' } });
  const arrays = (nnvm.metadata.mxnet as { arrays: unknown }).arrays;
  assert.deepEqual(arrays, [
    { name: 'fc_weight', role: 'arg', shape: [3, 5] },
    { name: 'fc_bias', role: 'arg', shape: [3] },
  ]);
});

test("Python 2 __shape__ '(0L, 784L)': 0 is unknown, the rest shapes the input and the weights", async () => {
  const m = await readSymbol(symbolJson(mlp('(0L, 784L)')));
  assert.deepEqual(outline(m), {
    ...(outline(m) as object),
    inputs: [
      ['data', [null, 784]],
      ['fc_weight', [3, 784]],
      ['fc_bias', [3]],
    ],
  });
  // --input fills the unknown batch.
  const given = await readSymbol(symbolJson(mlp('(0L, 784L)')), { inputShapes: shapes({ data: [4, 784] }) });
  assert.deepEqual((outline(given) as { outputs: unknown }).outputs, [['softmax', [4, 3]]]);
});

test('forward references without a cycle are put in order', async () => {
  // relu (index 0) consumes fc (index 4), which comes later in the file.
  const nodes: NodeSpec[] = [
    { op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs: [[4]] },
    { op: 'null', name: 'data' },
    { op: 'null', name: 'fc_weight' },
    { op: 'null', name: 'fc_bias' },
    { op: 'FullyConnected', name: 'fc', attrs: { num_hidden: '3' }, inputs: [[1], [2], [3]] },
  ];
  const m = await readSymbol(symbolJson(nodes, { heads: [[0]] }), { inputShapes: shapes({ data: [2, 5] }) });
  assert.deepEqual(
    m.graph?.nodes.map((n) => n.op),
    ['Gemm', 'Relu'],
  );
  assert.deepEqual((outline(m) as { outputs: unknown }).outputs, [['relu', [2, 3]]]);
});

test('pairParams: newest epoch, the Wolfram rule, several candidates, none', () => {
  const files = ['X-symbol.json', 'X-0001.params', 'X-0010.params', 'X-0009.params', 'Y-0020.params'];
  assert.equal(pairParams('X-symbol.json', files), 'X-0010.params');
  assert.equal(pairParams('dir/X-symbol.json', files), 'X-0010.params');
  assert.equal(pairParams('net.json', ['net.json', 'net_weights.params']), 'net_weights.params');
  assert.equal(pairParams('net.json', ['net.json', 'other.params']), undefined);
  assert.equal(pairParams('X-symbol.json', ['X-symbol.json']), undefined);
  assert.throws(
    () => pairParams('net.json', ['net_a.params', 'net_b.params']),
    (e: unknown) => (e as { code?: string }).code === 'USAGE',
  );
});

test('a symbol reads with the newest X-NNNN.params beside it; arrays none gives the bare graph', async () => {
  const sym = symbolJson(mlp());
  const stale = paramsBytes([{ name: 'arg:fc_weight', shape: [9, 9], data: f32(81) }]);
  const siblings = { 'net-0001.params': stale, 'net-0002.params': mlpParams() };
  const opts = { inputShapes: shapes({ data: [2, 5] }) };
  const m = await readSymbol(sym, opts, siblings);
  assert.equal((m.metadata.mxnet as { paramsFile: string }).paramsFile, 'net-0002.params');
  assert.deepEqual(
    m.tensors.map((t) => [t.name, [...t.shape], mxMeta(t).role]),
    [
      ['fc_weight', [3, 5], 'arg'],
      ['fc_bias', [3], 'arg'],
    ],
  );
  assert.deepEqual(m.graph?.initializers, ['fc_weight', 'fc_bias']);
  assert.deepEqual(
    m.graph?.inputs.map((i) => i.name),
    ['data'],
  );
  const bare = await readSymbol(sym, { ...opts, arrays: 'none' }, siblings);
  assert.equal((bare.metadata.mxnet as { paramsFile: unknown }).paramsFile, null);
  assert.equal(bare.tensors.length, 0);
  assert.deepEqual(
    bare.graph?.inputs.map((i) => i.name),
    ['data', 'fc_weight', 'fc_bias'],
  );
  // No parameter file at all: the same uninitialized net.
  assert.deepEqual(outline(await readSymbol(sym, opts)), outline(bare));
});

test('Gluon parameter names without arg:/aux: read as args; aux: names keep their role', async () => {
  const nodes: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: 'null', name: 'bn_gamma' },
    { op: 'null', name: 'bn_beta' },
    { op: 'null', name: 'bn_moving_mean' },
    { op: 'null', name: 'bn_moving_var' },
    {
      op: 'BatchNorm',
      name: 'bn',
      attrs: { fix_gamma: 'False', eps: '1e-5' },
      inputs: [[0], [1], [2], [3], [4]],
    },
  ];
  const params = paramsBytes([
    { name: 'bn_gamma', shape: [4], data: f32(4) },
    { name: 'bn_beta', shape: [4], data: f32(4, 2) },
    { name: 'aux:bn_moving_mean', shape: [4], data: f32(4, 3) },
    { name: 'aux:bn_moving_var', shape: [4], data: Float32Array.of(1, 2, 3, 4) },
  ]);
  const m = await readSymbol(
    symbolJson(nodes),
    { inputShapes: shapes({ data: [1, 4, 2, 2] }) },
    { 'net-0000.params': params },
  );
  assert.deepEqual(
    m.tensors.map((t) => [t.name, mxMeta(t).role, mxMeta(t).stored]),
    [
      ['bn_gamma', 'arg', 'bn_gamma'],
      ['bn_beta', 'arg', 'bn_beta'],
      ['bn_moving_mean', 'aux', 'aux:bn_moving_mean'],
      ['bn_moving_var', 'aux', 'aux:bn_moving_var'],
    ],
  );
  assert.deepEqual(
    m.graph?.nodes.map((n) => n.op),
    ['BatchNormalization'],
  );
  assert.deepEqual(
    (m.metadata.mxnet as { arrays: { name: string; role: string }[] }).arrays.map(
      (a) => `${a.role}:${a.name}`,
    ),
    ['arg:bn_gamma', 'arg:bn_beta', 'aux:bn_moving_mean', 'aux:bn_moving_var'],
  );
});

test('fix_gamma=True (the default) is recorded as a change and scales by ones', async () => {
  const nodes: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: 'null', name: 'bn_gamma' },
    { op: 'null', name: 'bn_beta' },
    { op: 'BatchNorm', name: 'bn', inputs: [[0], [1], [2]] },
  ];
  // 0.8 files leave the moving statistics implicit: bn_moving_mean / bn_moving_var.
  const m = await readSymbol(symbolJson(nodes, { generation: 'legacy' }), {
    inputShapes: shapes({ data: [1, 4] }),
  });
  const changes = (m.metadata.nnport as { changes: { change?: string; node?: string }[] }).changes;
  assert.ok(changes.some((c) => c.change === 'fix_gamma' && c.node === 'bn'));
  assert.deepEqual(
    m.graph?.inputs.map((i) => [i.name, i.shape]),
    [
      ['data', [1, 4]],
      ['bn_gamma', [4]],
      ['bn_beta', [4]],
      ['bn_moving_mean', [4]],
      ['bn_moving_var', [4]],
    ],
  );
});

test("mxnetReshape: every code, with the mx.sym.Reshape docs' examples", () => {
  const cases: [number[], number[], boolean, number[]][] = [
    [[2, 3, 4], [4, 0, 2], false, [4, 3, 2]],
    [[2, 3, 4], [2, 0, 0], false, [2, 3, 4]],
    [[2, 3, 4], [6, 1, -1], false, [6, 1, 4]],
    [[2, 3, 4], [3, -1, 8], false, [3, 1, 8]],
    [[2, 3, 4], [-1], false, [24]],
    [[2, 3, 4], [-2], false, [2, 3, 4]],
    [[2, 3, 4], [2, -2], false, [2, 3, 4]],
    [[2, 3, 4], [-2, 1, 1], false, [2, 3, 4, 1, 1]],
    [[2, 3, 4], [-3, 4], false, [6, 4]],
    [[2, 3, 4, 5], [-3, -3], false, [6, 20]],
    [[2, 3, 4], [0, -3], false, [2, 12]],
    [[2, 3, 4], [-3, -2], false, [6, 4]],
    [[2, 3, 4], [-4, 1, 2, -2], false, [1, 2, 3, 4]],
    [[2, 3, 4], [2, -4, -1, 3, -2], false, [2, 1, 3, 4]],
    [[10, 5, 4], [-1, 0], false, [40, 5]],
    [[10, 5, 4], [-1, 0], true, [50, 4]],
  ];
  for (const [input, codes, reverse, want] of cases) {
    assert.deepEqual(mxnetReshape(input, codes, reverse), want, `${input} ${codes} reverse=${reverse}`);
  }
  for (const [input, codes] of [
    [
      [2, 3],
      [-1, -1],
    ],
    [
      [2, 3],
      [5, -1],
    ],
    [
      [2, 3],
      [0, 0, 0],
    ],
    [[6], [-4, -1, -1]],
    [[6], [-4, 4, -1]],
    [[2], [-3]],
    [
      [2, 3],
      [-7, 6],
    ],
  ] as [number[], number[]][]) {
    assert.equal(typeof mxnetReshape(input, codes, false), 'string', `${input} ${codes} is refused`);
  }
});

test("the Wolfram Language's pairing: net.json reads with the one net*.params beside it", async () => {
  const opts = { inputShapes: shapes({ data: [2, 5] }) };
  const m = await readSymbol(
    symbolJson(mlp()),
    opts,
    { 'net_weights.params': mlpParams(), 'other.params': new Uint8Array(3) },
    'net.json',
  );
  const meta = m.metadata.mxnet as { symbolFile: string; paramsFile: string };
  assert.deepEqual([meta.symbolFile, meta.paramsFile], ['net.json', 'net_weights.params']);
  assert.deepEqual(m.graph?.initializers, ['fc_weight', 'fc_bias']);
  await assert.rejects(
    readSymbol(
      symbolJson(mlp()),
      opts,
      { 'net_a.params': mlpParams(), 'net_b.params': mlpParams() },
      'net.json',
    ),
    (e: unknown) => (e as { code?: string }).code === 'USAGE',
  );
});

test('__dtype__ (mshadow type flags) types the inputs; --input fills the shape', async () => {
  const nodes: NodeSpec[] = [
    { op: 'null', name: 'data', hidden: { __dtype__: '1' } },
    { op: 'null', name: 'ids', hidden: { __dtype__: '4', __shape__: '(2,)' } },
    { op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs: [[0]] },
    { op: 'Flatten', name: 'flat', inputs: [[1]] },
  ];
  const m = await readSymbol(symbolJson(nodes, { heads: [[2], [3]] }), {
    inputShapes: shapes({ data: [3] }),
  });
  assert.deepEqual(
    m.graph?.inputs.map((i) => [i.name, i.dtype, i.shape]),
    [
      ['data', 'float64', [3]],
      ['ids', 'int32', [2]],
    ],
  );
});

test('0.8 lr_mult/ctx_group on the data variable does not make it an array', async () => {
  const nodes = mlp().map((n) =>
    n.name === 'data' ? { ...n, hidden: { __lr_mult__: '0.2', __ctx_group__: 'stage1' } } : n,
  );
  const m = await readSymbol(symbolJson(nodes, { generation: 'legacy' }), {
    inputShapes: shapes({ data: [2, 5] }),
  });
  assert.deepEqual(
    (m.metadata.mxnet as { arrays: { name: string }[] }).arrays.map((a) => a.name),
    ['fc_weight', 'fc_bias'],
  );
});
