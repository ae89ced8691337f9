/**
 * Hermetic Keras models written with h5py (test/keras/graph-make-files.py): a CNN (Conv2D,
 * BatchNormalization with and without center, MaxPooling2D, Flatten over NHWC, Dense softmax), GRUs
 * with reset_after true and false and go_backwards, a Bidirectional LSTM stack (concat and ave), and
 * a Keras 3 `.keras` functional model with most other layer kinds. Each: onnx.checker passes, and
 * onnxruntime == executor == the NumPy reference of Keras's layers. Then the translation's
 * contracts: stored weights are initializers as read (layout changes are nodes), NHWC inputs stay
 * NHWC, unknown layers and Lambda are `keras` nodes, bad weights are coded errors.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { isNnportError } from '../../src/core/errors.js';
import { openModel } from '../../src/node.js';
import { PYTHON } from '../onnx/write-helpers.js';
import { seededInputs, threeWayKeras } from './graph-helpers.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnport-keras-hermetic-'));
  execFileSync(PYTHON, [resolve(process.cwd(), 'test/keras/graph-make-files.py'), dir], { stdio: 'pipe' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('cnn.h5: Conv2D/BatchNorm/MaxPool/Flatten/Dense on NHWC input', async () => {
  const path = join(dir, 'cnn.h5');
  const model = await openModel(path);
  const g = model.graph;
  assert.ok(g !== undefined);
  assert.deepEqual(g.inputs[0]?.shape, [null, 9, 8, 3], 'input stays NHWC');
  const conv = g.nodes.find((n) => n.op === 'Conv');
  assert.ok(conv !== undefined);
  // the kernel is the stored HWIO tensor, turned OIHW by a Transpose node
  const w = g.nodes.find((n) => n.outputs[0] === conv.inputs[1]);
  assert.equal(w?.op, 'Transpose');
  assert.equal(w?.inputs[0], 'conv1/kernel');
  assert.deepEqual(model.tensors.find((t) => t.name === 'conv1/kernel')?.shape, [3, 3, 3, 4]);
  await threeWayKeras(model, path, seededInputs(model, 5));
});

test('gru.h5: GRU reset_after true (linear_before_reset 1) and false (0), go_backwards', async () => {
  const path = join(dir, 'gru.h5');
  const model = await openModel(path);
  const grus = (model.graph?.nodes ?? []).filter((n) => n.op === 'GRU');
  assert.deepEqual(
    grus.map((n) => n.attributes.linear_before_reset?.value),
    [1, 0, 1],
  );
  assert.deepEqual(
    grus.map((n) => n.attributes.direction?.value),
    ['forward', 'forward', 'reverse'],
  );
  await threeWayKeras(model, path, seededInputs(model, 6));
});

test('bilstm.h5: Bidirectional LSTM, merge concat and ave, one bidirectional ONNX node each', async () => {
  const path = join(dir, 'bilstm.h5');
  const model = await openModel(path);
  const lstms = (model.graph?.nodes ?? []).filter((n) => n.op === 'LSTM');
  assert.deepEqual(
    lstms.map((n) => n.attributes.direction?.value),
    ['bidirectional', 'bidirectional'],
  );
  await threeWayKeras(model, path, seededInputs(model, 7));
});

test('zoo.keras (Keras 3 functional): padding, depthwise/separable/transposed conv, pools, RNNs, merges, norms', async () => {
  const path = join(dir, 'zoo.keras');
  const model = await openModel(path);
  const classes = new Set(
    (model.graph?.nodes ?? []).map((n) => (n.meta?.keras as { class?: string } | undefined)?.class),
  );
  for (const c of [
    'DepthwiseConv2D',
    'SeparableConv2D',
    'Conv2DTranspose',
    'Embedding',
    'LayerNormalization',
    'SimpleRNN',
  ])
    assert.ok(classes.has(c), c);
  // Keras 3's hard_sigmoid is relu6(x + 3) / 6
  const hs = model.graph?.nodes.find((n) => n.op === 'HardSigmoid');
  assert.ok(Math.abs((hs?.attributes.alpha?.value as number) - 1 / 6) < 1e-7);
  await threeWayKeras(model, path, seededInputs(model, 8, [2, 5], { ids: 11 }));
});

test('zoo2.keras (Keras 3): Conv3D and 3-D pools, activation layers, Bidirectional GRU sum, LSTM return_state', async () => {
  const path = join(dir, 'zoo2.keras');
  const model = await openModel(path);
  const g = model.graph;
  assert.ok(g !== undefined);
  // Keras 3 files list backward_layer before forward_layer: the ONNX W stacks forward first
  const gru = g.nodes.find((n) => n.op === 'GRU');
  assert.equal(gru?.attributes.direction?.value, 'bidirectional');
  assert.deepEqual(
    g.outputs.map((o) => o.shape),
    [
      [null, 3],
      [null, 5, 4],
      [null, 2, 1, 2, 3],
    ],
  );
  await threeWayKeras(model, path, seededInputs(model, 9));
});

/** A legacy full-model .h5 with `config` and the given weights ([layer, [name, shape]]). */
function writeH5(name: string, config: unknown, weights: [string, [string, number[]][]][]): string {
  const path = join(dir, name);
  const script = `
import h5py, json, sys, numpy as np
cfg, ws = json.loads(sys.argv[2]), json.loads(sys.argv[3])
with h5py.File(sys.argv[1], 'w') as f:
    f.attrs['keras_version'] = '2.4.0'
    f.attrs['model_config'] = json.dumps(cfg)
    g = f.create_group('model_weights')
    g.attrs['layer_names'] = [l.encode() for l, _ in ws]
    for l, items in ws:
        lg = g.create_group(l)
        lg.attrs['weight_names'] = [('%s/%s:0' % (l, n)).encode() for n, _ in items]
        for n, s in items:
            lg['%s/%s:0' % (l, n)] = np.ones(s, np.float32)
`;
  const scriptPath = join(dir, 'write.py');
  writeFileSync(scriptPath, script);
  execFileSync(PYTHON, [scriptPath, path, JSON.stringify(config), JSON.stringify(weights)], {
    stdio: 'pipe',
  });
  return path;
}

const dense = (name: string, units: number, extra: Record<string, unknown> = {}) => ({
  class_name: 'Dense',
  config: { name, units, activation: 'linear', use_bias: true, ...extra },
});

test('Lambda and unknown layers are kept as keras-domain nodes and listed, never run', async () => {
  const path = writeH5(
    'lambda.h5',
    {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [
          dense('d', 3, { batch_input_shape: [null, 4] }),
          { class_name: 'Lambda', config: { name: 'double', function: ['4wEAAAAA', null, null] } },
          { class_name: 'MyCustomLayer', config: { name: 'custom', k: 2 } },
        ],
      },
    },
    [
      [
        'd',
        [
          ['kernel', [4, 3]],
          ['bias', [3]],
        ],
      ],
      ['double', []],
      ['custom', [['w', [3]]]],
    ],
  );
  const model = await openModel(path);
  const kept = (model.graph?.nodes ?? []).filter((n) => n.domain === 'keras');
  assert.deepEqual(
    kept.map((n) => n.op),
    ['Lambda', 'MyCustomLayer'],
  );
  assert.deepEqual((model.metadata.keras as { unsupported: unknown }).unsupported, [
    { name: 'double', class: 'Lambda' },
    { name: 'custom', class: 'MyCustomLayer' },
  ]);
  assert.equal(model.graph?.opsets?.keras, 1);
  // the custom layer's weight is an input of its node
  assert.ok(kept[1]?.inputs.includes('custom/w'));
});

test('a weight whose shape disagrees with the config is INVALID_STRUCTURE naming the layer', async () => {
  const path = writeH5(
    'bad.h5',
    {
      class_name: 'Sequential',
      config: { name: 's', layers: [dense('d', 3, { batch_input_shape: [null, 4] })] },
    },
    [
      [
        'd',
        [
          ['kernel', [5, 3]],
          ['bias', [3]],
        ],
      ],
    ],
  );
  await assert.rejects(openModel(path), (e: unknown) => {
    assert.ok(isNnportError(e));
    assert.equal(e.code, 'INVALID_STRUCTURE');
    assert.match(e.message, /Dense 'd'/);
    return true;
  });
});

test('a config no graph can be made of leaves the weights readable: no graph, graphError says why', async () => {
  const path = writeH5(
    'dangling.h5',
    {
      class_name: 'Model',
      config: {
        name: 'm',
        layers: [
          {
            class_name: 'InputLayer',
            name: 'x',
            config: { name: 'x', batch_input_shape: [null, 4] },
            inbound_nodes: [],
          },
          { ...dense('d', 3), name: 'd', inbound_nodes: [[['nowhere', 0, 0, {}]]] },
        ],
        input_layers: [['x', 0, 0]],
        output_layers: [['d', 0, 0]],
      },
    },
    [
      [
        'd',
        [
          ['kernel', [4, 3]],
          ['bias', [3]],
        ],
      ],
    ],
  );
  const model = await openModel(path);
  assert.equal(model.graph, undefined);
  assert.match(
    String((model.metadata.keras as { graphError?: string }).graphError),
    /^INVALID_STRUCTURE: .*nowhere/,
  );
  assert.deepEqual(
    model.tensors.map((t) => t.name),
    ['d/kernel', 'd/bias'],
  );
  // an activation without a canonical form: UNSUPPORTED_OP recorded the same way
  const odd = writeH5(
    'odd.h5',
    {
      class_name: 'Sequential',
      config: {
        name: 's',
        layers: [dense('d', 3, { batch_input_shape: [null, 4], activation: 'mish_like' })],
      },
    },
    [
      [
        'd',
        [
          ['kernel', [4, 3]],
          ['bias', [3]],
        ],
      ],
    ],
  );
  const m2 = await openModel(odd);
  assert.equal(m2.graph, undefined);
  assert.match(
    String((m2.metadata.keras as { graphError?: string }).graphError),
    /^UNSUPPORTED_OP: Dense 'd'/,
  );
});

test('stored weights are the graph initializers as read; helper constants are Constant nodes', async () => {
  const model = await openModel(join(dir, 'bilstm.h5'));
  const g = model.graph;
  assert.ok(g !== undefined);
  assert.deepEqual([...(g.initializers ?? [])].sort(), model.tensors.map((t) => t.name).sort());
  assert.ok(g.nodes.some((n) => n.op === 'Constant'));
  // every node names its Keras layer
  assert.ok(
    g.nodes.every((n) => typeof (n.meta?.keras as { name?: unknown } | undefined)?.name === 'string'),
  );
});
