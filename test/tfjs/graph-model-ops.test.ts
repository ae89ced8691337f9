/**
 * The graph-model ops of issue 7 on hermetic models (graph-model-ops-cases.ts): gather, the
 * multi-output Split/SplitV/Unpack read at several `node:k`, array builders, comparisons and
 * logic, unary math, 3-D convolution and pooling, LRN and Einsum — each run three ways
 * (onnxruntime on the written ONNX == nnport's executor == the NumPy reference of TF's ops) — and
 * the multi-output errors: a training-only FusedBatchNorm output or an output an op does not have
 * leaves the model without a graph; an op without a translator keeps all its outputs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openModel } from '../../src/node.js';
import { seededInputs } from '../keras/graph-helpers.js';
import { GraphModel, type Job, T, threeWayTf } from './graph-model-helpers.js';
import { build, einsum, gatherSplit, logic, math, misc, nn3d } from './graph-model-ops-cases.js';

test('graph-model ops: onnx.checker; onnxruntime == executor == NumPy peer', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'nnport-tfgraph-ops-'));
  try {
    const [gs, gsOut] = gatherSplit();
    const cases: [string, GraphModel, string[]?][] = [
      ['gatherSplit', gs, gsOut],
      ['build', build()],
      ['logic', logic()],
      ['math', math()],
      ['nn3d', nn3d()],
      ['einsum', einsum()],
      ['misc', misc()],
    ];
    const jobs: Job[] = [];
    for (const [i, [label, g, sig]] of cases.entries()) {
      const model = await openModel(g.write(join(tmp, label), sig));
      const tfjs = model.metadata.tfjs as { graphError?: string; unsupported?: unknown };
      assert.equal(tfjs.graphError, undefined, label);
      assert.equal(tfjs.unsupported, undefined, label);
      jobs.push({
        label,
        model,
        path: join(tmp, label, 'model.json'),
        feeds: seededInputs(model, 40 + i, [4]),
      });
    }
    const graph = (k: number) => jobs[k]?.model.graph;
    // outputs k of a multi-output op are separate values named node:k
    assert.deepEqual(
      graph(0)?.outputs.map((o) => o.name),
      ['gv2', 'g1', 's_hi', 's_mix', 'sv', 'sv_last', 'sv:1', 'u_mix', 'u'],
    );
    const split = graph(0)?.nodes.find((n) => n.op === 'Split' && n.meta?.tfjs !== undefined);
    assert.deepEqual(split?.outputs, ['s', 's:1']);
    assert.deepEqual(graph(0)?.outputs[1]?.shape, [4, 3]);
    assert.deepEqual(graph(1)?.outputs.find((o) => o.name === 'o_hot1')?.shape, [2, 4, 3]);
    // no Einsum, ArgMax, Tile or LRN in the canonical set: spelled with other ops
    const ops = new Set(jobs.flatMap((j) => (j.model.graph?.nodes ?? []).map((n) => n.op)));
    for (const op of [
      'Gather',
      'Split',
      'Where',
      'Expand',
      'Range',
      'MatMul',
      'Conv',
      'MaxPool',
      'AveragePool',
    ])
      assert.ok(ops.has(op), op);
    await threeWayTf(jobs, tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

/** Reads a one-off model; returns its tfjs metadata and graph. */
async function readGraph(g: GraphModel, dir: string) {
  const model = await openModel(g.write(dir));
  const tfjs = model.metadata.tfjs as { graphError?: string; unsupported?: unknown };
  return { tfjs, graph: model.graph };
}

test('multi-output errors: training-only outputs and outputs an op lacks leave no graph', async () => {
  // the error names the producing node and why (the consumer's own error would name only the output)
  const tmp = mkdtempSync(join(tmpdir(), 'nnport-tfgraph-mo-'));
  try {
    const bn = new GraphModel();
    bn.placeholder('x', [1, 2, 2, 3]);
    for (const p of ['scale', 'offset', 'mean', 'var']) bn.weight(p, [3], 1, [1, 0.5, 0.25]);
    bn.node('bn', 'FusedBatchNormV3', ['x', 'scale', 'offset', 'mean', 'var'], { is_training: T.b(false) });
    bn.node('y', 'Relu', ['bn']);
    bn.node('stat', 'Identity', ['bn:2']);
    const r1 = await readGraph(bn, join(tmp, 'bn'));
    assert.equal(r1.graph, undefined);
    assert.match(
      r1.tfjs.graphError ?? '',
      /^UNSUPPORTED_OP: FusedBatchNormV3 'bn': output 2 \(a training-time/,
    );

    const sp = new GraphModel();
    sp.placeholder('x', [2, 4]);
    sp.inlineInt('axis', 1);
    sp.node('s', 'Split', ['axis', 'x'], { num_split: T.i(2) });
    sp.node('y', 'Relu', ['s:2']);
    const r2 = await readGraph(sp, join(tmp, 'split'));
    assert.equal(r2.graph, undefined);
    assert.match(r2.tfjs.graphError ?? '', /^UNSUPPORTED_OP: Split 's': has 2 outputs/);

    const one = new GraphModel();
    one.placeholder('x', [2, 4]);
    one.node('r', 'Relu', ['x']);
    one.node('y', 'Tanh', ['r:1']);
    const r3 = await readGraph(one, join(tmp, 'one'));
    assert.equal(r3.graph, undefined);
    assert.match(r3.tfjs.graphError ?? '', /^UNSUPPORTED_OP: Relu 'r': output 1 is read/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('ops without a translation are kept with all their outputs', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'nnport-tfgraph-keep-'));
  try {
    const g = new GraphModel();
    g.placeholder('boxes', [5, 4]);
    g.placeholder('scores', [5]);
    g.inlineInt('max', 3);
    g.weight('iou', [], 1, [0.5]);
    g.weight('thr', [], 1, [0.1]);
    g.weight('sigma', [], 1, [0]);
    g.node('nms', 'NonMaxSuppressionV5', ['boxes', 'scores', 'max', 'iou', 'thr', 'sigma'], {
      pad_to_max_output_size: T.b(false),
    });
    g.node('picked', 'Identity', ['nms'], { T: T.type('DT_INT32') });
    g.node('kept_scores', 'Identity', ['nms:1']);
    g.placeholder('p', [2, 3, 4]);
    g.node('ell', 'Einsum', ['p', 'p'], { equation: T.s('...ij,...kj->...ik'), N: T.i(2) });
    // two unknown free dimensions (and a letter to sum away first): refused before emitting
    g.placeholder('m', [-1, 4, 2]);
    g.placeholder('n', [4, -1]);
    g.node('ell2', 'Einsum', ['m', 'n'], { equation: T.s('ijz,jk->ik'), N: T.i(2) });
    g.inlineInt('ax', 0);
    g.node('gb', 'GatherV2', ['p', 'max', 'ax'], { batch_dims: T.i(1) });
    const { tfjs, graph } = await readGraph(g, tmp);
    assert.equal(tfjs.graphError, undefined);
    assert.deepEqual(tfjs.unsupported, [
      { op: 'NonMaxSuppressionV5', node: 'nms' },
      { op: 'Einsum', node: 'ell' },
      { op: 'Einsum', node: 'ell2' },
      { op: 'GatherV2', node: 'gb' },
    ]);
    const nms = graph?.nodes.find((n) => n.op === 'NonMaxSuppressionV5');
    assert.equal(nms?.domain, 'tfjs');
    assert.deepEqual(nms?.outputs, ['nms', 'nms:1']);
    assert.ok(graph?.nodes.some((n) => n.op === 'Identity' && n.inputs[0] === 'nms:1'));
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
