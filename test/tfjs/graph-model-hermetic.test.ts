/**
 * Hermetic TF.js graph-models written by the test (GraphDef attributes spelled as tfjs-converter
 * writes them): a CNN with fused ops, an EXPLICIT-padding NHWC convolution, a shape-op chain, an
 * NCHW convolution — each run three ways (onnxruntime on the written ONNX == nnport's executor ==
 * the NumPy reference of TF's ops) — and an op nnport does not translate, kept as a `tfjs` node.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openModel } from '../../src/node.js';
import { seededInputs } from '../keras/graph-helpers.js';
import { chain, cnn, convZoo, explicitConv, misc, nchwConv, zoo } from './graph-model-cases.js';
import { GraphModel, type Job, T, threeWayTf } from './graph-model-helpers.js';

test('hermetic graph-models: onnx.checker; onnxruntime == executor == NumPy peer', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'nnport-tfgraph-h-'));
  try {
    const jobs: Job[] = [];
    const cases: [string, GraphModel, string[]?][] = [
      ['cnn', cnn()],
      ['explicit', explicitConv()],
      ['chain', chain(), ['th:0', 'neg:0']],
      ['nchw', nchwConv()],
      ['zoo', zoo()],
      ['convZoo', convZoo()],
      ['misc', misc()],
    ];
    for (const [i, [label, g, sig]] of cases.entries()) {
      const path = g.write(join(tmp, label), sig);
      const model = await openModel(path);
      const tfjs = model.metadata.tfjs as { graphError?: string; unsupported?: unknown };
      assert.equal(tfjs.graphError, undefined, label);
      assert.equal(tfjs.unsupported, undefined, label);
      assert.ok(model.graph !== undefined, label);
      jobs.push({ label, model, path, feeds: seededInputs(model, 20 + i, [3]) });
    }
    const cnnGraph = jobs[0]?.model.graph;
    assert.deepEqual(cnnGraph?.inputs[0]?.shape, ['image_d0', 9, 8, 3]);
    assert.deepEqual(
      cnnGraph?.outputs.map((o) => [o.name, o.shape]),
      [['probs', ['image_d0', 5]]],
    );
    // stored weights stay as they are: the HWIO filter reaches Conv through a Transpose node
    const conv = cnnGraph?.nodes.find((n) => n.op === 'Conv' && n.meta?.tfjs !== undefined);
    const t = cnnGraph?.nodes.find((n) => n.outputs[0] === conv?.inputs[1]);
    assert.equal(t?.op, 'Transpose');
    assert.deepEqual(t?.inputs, ['conv/filter']);
    assert.deepEqual(
      jobs[2]?.model.graph?.outputs.map((o) => o.name),
      ['th', 'neg'],
    );
    // without a signature the outputs are the nodes nothing reads, in graph order
    const names = (k: number): string[] => (jobs[k]?.model.graph?.outputs ?? []).map((o) => o.name);
    assert.deepEqual(names(4), [
      'o_logsm',
      'o_max',
      'o_min',
      'o_prod',
      'o_rsqrt',
      'o_log',
      'o_shape',
      'o_slice',
      'o_padv2',
      'o_mirror',
      'o_fmm',
      'o_elu',
      'o_mta',
      'o_dyn',
    ]);
    assert.deepEqual(names(5), [
      'o_bil_half',
      'o_bil',
      'o_bil_align',
      'o_near_half',
      'o_near_align',
      'o_dec_same',
      'o_dec_valid',
    ]);
    const ops = new Set(jobs.flatMap((j) => (j.model.graph?.nodes ?? []).map((n) => n.op)));
    for (const op of ['ConvTranspose', 'Resize', 'PRelu', 'BatchNormalization', 'Clip', 'AveragePool'])
      assert.ok(ops.has(op), op);
    const grouped = jobs[6]?.model.graph?.nodes.find((n) => n.op === 'Conv');
    assert.deepEqual(grouped?.attributes.group, { type: 'int', value: 2 });
    await threeWayTf(jobs, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('an op without a translator is kept as a tfjs node and listed', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'nnport-tfgraph-u-'));
  try {
    const g = new GraphModel();
    g.placeholder('x', [2, 3]);
    g.node('r', 'Relu', ['x']);
    g.inlineInt('axis', 1);
    g.node('cs', 'Cumsum', ['r', 'axis'], { exclusive: T.b(false), reverse: T.b(true), mode: T.s('x') });
    g.node('out', 'Sigmoid', ['cs']);
    const model = await openModel(g.write(tmp));
    const tfjs = model.metadata.tfjs as { unsupported?: unknown };
    assert.deepEqual(tfjs.unsupported, [{ op: 'Cumsum', node: 'cs' }]);
    const kept = model.graph?.nodes.find((n) => n.domain === 'tfjs');
    assert.equal(kept?.op, 'Cumsum');
    assert.deepEqual(kept?.inputs, ['r', 'axis']);
    assert.deepEqual(kept?.attributes.reverse, { type: 'string', value: '{"b":true}' });
    assert.deepEqual(kept?.attributes.mode, { type: 'string', value: 'x' });
    assert.equal(model.graph?.opsets?.tfjs, 1);
    assert.deepEqual(
      model.graph?.outputs.map((o) => o.name),
      ['out'],
    );
    assert.ok(model.graph?.nodes.some((n) => n.op === 'Sigmoid' && n.inputs[0] === 'cs'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
