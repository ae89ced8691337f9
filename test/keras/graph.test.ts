/**
 * Keras and TF.js layers-model fixtures (../shared/fixtures) → canonical graphs: every fixture
 * translates without `keras` nodes, its ONNX passes onnx.checker, and onnxruntime-node on the
 * ONNX == nnport's executor on the read graph == the NumPy reference of Keras's layers
 * (test/peers/keras-forward.py) on the original file, on seeded inputs.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openModel } from '../../src/node.js';
import { seededInputs, sharedFixtures, threeWayKeras } from './graph-helpers.js';

interface Case {
  readonly kind: 'keras' | 'tfjs';
  readonly file: string;
  /** The file the peer reads, relative to the fixture (default: the fixture itself). */
  readonly peerFile?: string;
  /** Inputs holding token ids, with their vocabulary size. */
  readonly ids?: Record<string, number>;
  /** Layer classes expected among the nodes' meta.keras.class. */
  readonly classes: readonly string[];
}

const CASES: readonly Case[] = [
  { kind: 'keras', file: 'churn404_model.h5', classes: ['Dense'] },
  { kind: 'keras', file: 'churn404_model.keras', classes: ['Dense'] },
  { kind: 'keras', file: 'churnAbhay_model.keras', classes: ['Dense'] },
  { kind: 'keras', file: 'frugally-deep_lstm.h5', classes: ['LSTM', 'Bidirectional'] },
  { kind: 'keras', file: 'frugally-deep_temp_stateless.h5', classes: ['GRU'] },
  {
    kind: 'tfjs',
    file: 'layers_model_tfjs-layers',
    peerFile: 'model.json',
    ids: { embedding_Embedding2_input: 100 },
    classes: ['Embedding', 'GRU'],
  },
  { kind: 'tfjs', file: 'xor_keras2.7_conv3.11', peerFile: 'model.json', classes: ['Dense'] },
];

for (const c of CASES) {
  test(`graph of ${c.kind}/${c.file}: onnx.checker; onnxruntime == executor == NumPy peer`, async (t) => {
    const dir = sharedFixtures(c.kind);
    if (dir === undefined) return t.skip('../shared/fixtures absent');
    const path = join(dir, c.file);
    const model = await openModel(path);
    assert.ok(model.graph !== undefined, 'has a graph');
    const meta = (model.metadata.keras ?? model.metadata.tfjs) as { unsupported?: unknown };
    assert.equal(meta.unsupported, undefined, 'no keras-domain nodes');
    assert.ok(model.graph.nodes.every((n) => (n.domain ?? '') === ''));
    const classes = new Set(
      model.graph.nodes.map((n) => (n.meta?.keras as { class?: string } | undefined)?.class),
    );
    for (const k of c.classes) assert.ok(classes.has(k), `a ${k} layer`);
    const feeds = seededInputs(model, 3, [2, 5], c.ids);
    await threeWayKeras(model, c.peerFile === undefined ? path : join(path, c.peerFile), feeds);
  });
}

test('graph-models have no Keras config: their graph comes from the GraphDef', async (t) => {
  const dir = sharedFixtures('tfjs');
  if (dir === undefined) return t.skip('../shared/fixtures absent');
  const model = await openModel(join(dir, 'graph_model_converter_1.7.4'));
  // translated by src/ops/tfjs (test/tfjs/graph-model*.test.ts), not by the Keras importer
  assert.ok(model.graph !== undefined);
  assert.ok(model.graph.nodes.every((n) => n.meta?.keras === undefined && n.meta?.tfjs !== undefined));
});
