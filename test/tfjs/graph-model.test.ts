/**
 * TF.js graph-models → canonical graph: the converter fixtures (../shared/fixtures/tfjs) run three
 * ways (onnxruntime on the written ONNX == nnport's executor == the NumPy reference of TF's ops),
 * and broken GraphDefs fail the read with INVALID_STRUCTURE naming the node, while control flow
 * only leaves the model without a graph (`metadata.tfjs.graphError`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openModel } from '../../src/node.js';
import { translatedOps } from '../../src/ops/tfjs/import-table.js';
import { rejectsWith } from '../assert-errors.js';
import { seededInputs, sharedFixtures } from '../keras/graph-helpers.js';
import { GraphModel, type Job, T, threeWayTf } from './graph-model-helpers.js';

test('graph-model fixtures: onnx.checker; onnxruntime == executor == NumPy peer', async (t) => {
  const dir = sharedFixtures('tfjs');
  if (dir === undefined) return t.skip('../shared/fixtures absent');
  const tmp = mkdtempSync(join(tmpdir(), 'nnport-tfgraph-'));
  try {
    const jobs: Job[] = [];
    for (const [i, name] of ['graph_model_converter_1.7.4', 'graph_model_converter_1.3.1'].entries()) {
      const model = await openModel(join(dir, name));
      assert.ok(model.graph !== undefined, `${name}: has a graph`);
      const tfjs = model.metadata.tfjs as { unsupported?: unknown; graphError?: unknown };
      assert.equal(tfjs.unsupported, undefined);
      assert.equal(tfjs.graphError, undefined);
      assert.ok(model.graph.nodes.every((n) => (n.domain ?? '') === ''));
      assert.ok(model.graph.nodes.some((n) => n.op === 'MatMul'));
      jobs.push({
        label: name,
        model,
        path: join(dir, name, 'model.json'),
        feeds: seededInputs(model, 11 + i, [3]),
      });
    }
    // the 1.7.4 signature names MatMul:0; 1.3.1 has none: the unconsumed Identity is the output
    assert.deepEqual(
      jobs.map((j) => j.model.graph?.outputs.map((o) => o.name)),
      [['MatMul'], ['Identity']],
    );
    assert.deepEqual(jobs[1]?.model.graph?.inputs[0]?.shape, ['dense_dense2_input_d0', 10]);
    await threeWayTf(jobs, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** A small valid graph: x → MatMul(w) → Relu. */
function small(): GraphModel {
  const g = new GraphModel();
  g.placeholder('x', [-1, 3]);
  g.weight('w', [3, 2]);
  g.node('mm', 'MatMul', ['x', 'w'], { transpose_a: T.b(false), transpose_b: T.b(false) });
  g.node('relu', 'Relu', ['mm']);
  return g;
}

test('bad GraphDefs: INVALID_STRUCTURE naming the node', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'nnport-tfgraph-bad-'));
  try {
    const dangling = small();
    dangling.node('out', 'Add', ['relu', 'nowhere']);
    let e = await rejectsWith(openModel(dangling.write(join(tmp, 'dangling'))), 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { node: 'out' });

    const control = small();
    control.node('out', 'Identity', ['relu', '^ghost']);
    e = await rejectsWith(openModel(control.write(join(tmp, 'control'))), 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { node: 'out' });

    const cycle = new GraphModel();
    cycle.placeholder('x', [2]);
    cycle.node('a', 'Add', ['x', 'b']);
    cycle.node('b', 'Relu', ['a']);
    e = await rejectsWith(openModel(cycle.write(join(tmp, 'cycle'))), 'INVALID_STRUCTURE');
    assert.ok(e.at !== undefined && 'node' in e.at && ['a', 'b'].includes(e.at.node), e.message);

    const noData = small();
    noData.nodes.push({
      name: 'ghost_w',
      op: 'Const',
      attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '2' }] } } } },
    });
    noData.node('out', 'Add', ['relu', 'ghost_w']);
    e = await rejectsWith(openModel(noData.write(join(tmp, 'nodata'))), 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { node: 'ghost_w' });
    assert.ok(e.file?.endsWith('model.json'), 'the error names the file');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('control flow: no graph, graphError, weights still readable', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'nnport-tfgraph-cf-'));
  try {
    const g = small();
    g.node('sw', 'Switch', ['relu', 'relu']);
    const model = await openModel(g.write(tmp));
    assert.equal(model.graph, undefined);
    const tfjs = model.metadata.tfjs as { graphError?: string };
    assert.match(tfjs.graphError ?? '', /^UNSUPPORTED_OP: /);
    assert.deepEqual(
      model.tensors.map((t) => t.name),
      ['w'],
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('a Placeholder without a shape takes the signature input shape', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'nnport-tfgraph-sig-'));
  try {
    const g = small();
    delete (g.nodes[0] as { attr: Record<string, unknown> }).attr.shape;
    const model = await openModel(g.write(tmp, ['relu:0'], { 'x:0': [-1, 3] }));
    assert.deepEqual(model.graph?.inputs, [{ name: 'x', dtype: 'float32', shape: ['x_d0', 3] }]);
    assert.deepEqual(model.graph?.outputs, [{ name: 'relu', dtype: 'float32', shape: ['x_d0', 2] }]);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('docs/formats/tfjs.md lists every translated TF op', () => {
  const doc = readFileSync('docs/formats/tfjs.md', 'utf8');
  const section = doc.slice(doc.indexOf('## Graph-models → graph'));
  assert.ok(section.length < doc.length, 'the section exists');
  const table = section.slice(0, section.indexOf('**Kept as'));
  for (const op of translatedOps()) assert.match(table, new RegExp(`\\b${op}\\b`), op);
});
