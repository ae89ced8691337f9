/**
 * The Import elements on real files from ../shared/fixtures: an ONNX model (one layer per node;
 * array values checked against NumPy's shortest float32 spelling) and a Gluon MXNet symbol without
 * parameters (layers regrouped, parameter count from the ops' shapes).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import {
  arrayList,
  computeElement,
  ELEMENT_NAMES,
  inputNames,
  netSummary,
  nodeDataset,
  nodeGraph,
  nodeGraphPlot,
  toDot,
} from '../../src/analysis/elements/index.js';
import { openModel } from '../../src/node.js';
import { assertWellFormedXml, count, DOT_EDGE, PYTHON } from './elements-helpers.js';

const CONV2D = '../shared/fixtures/onnx/pytorch-converted_test_Conv2d.onnx';

test('a real ONNX model: one layer per node, every element, values as NumPy spells float32', async (t) => {
  if (!existsSync(CONV2D)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const m = await openModel(CONV2D);
  const nodes = m.graph?.nodes.length ?? 0;
  for (const e of ELEMENT_NAMES) {
    const r = await computeElement(m, e);
    assert.equal(r.element, e);
  }
  const rows = nodeDataset(m);
  assert.equal(rows.length, nodes);
  assert.deepEqual(
    rows.map((r) => r.type),
    m.graph?.nodes.map((n) => n.op),
  );
  assert.deepEqual(inputNames(m), ['0']);
  const net = await netSummary(m);
  assert.deepEqual(net.layers[0]?.outputs[0]?.shape, [2, 4, 5, 4]);
  assert.equal(
    net.parameters,
    m.tensors.reduce((s, x) => s + x.shape.reduce((a, b) => a * b, 1), 0),
  );
  const g = nodeGraph(m);
  assert.equal(count(toDot(g), DOT_EDGE), g.edges.length);
  const svg = nodeGraphPlot(g);
  await assertWellFormedXml(svg);
  assert.equal(count(svg, /<rect class="layer"/g), nodes);
  assert.equal(count(svg, /<path class="edge"/g), g.edges.length);

  // Every value's text equals NumPy's shortest round-trip float32 spelling as a decimal number.
  const list = await arrayList(m);
  const ours = Object.fromEntries(list.map((a) => [a.name, [a.data].flat(8).map((v) => String(v))]));
  const script = [
    'import sys, json, onnx, numpy as np',
    'from decimal import Decimal',
    'from onnx import numpy_helper',
    'm = onnx.load(sys.argv[1])',
    'ours = json.load(sys.stdin)',
    'bad = []',
    'for init in m.graph.initializer:',
    '    a = numpy_helper.to_array(init).astype(np.float32).ravel()',
    '    mine = ours[init.name]',
    '    assert len(mine) == a.size, init.name',
    '    for x, s in zip(a, mine):',
    '        ref = np.format_float_positional(x, unique=True, trim="-")',
    '        digits = lambda d: len(d.normalize().as_tuple().digits)',
    '        if Decimal(ref) != Decimal(s) or digits(Decimal(s)) > digits(Decimal(ref)): bad.append((init.name, ref, s))',
    'print(json.dumps({"checked": sum(len(v) for v in ours.values()), "bad": bad[:5]}))',
  ].join('\n');
  const r = spawnSync(PYTHON, ['-c', script, CONV2D], { input: JSON.stringify(ours), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const res = JSON.parse(r.stdout) as { checked: number; bad: unknown[] };
  assert.deepEqual(res.bad, []);
  assert.equal(res.checked, 76);
});

test('a real MXNet symbol (Gluon ResNet-18, no params): 68 layers and its 11,699,112 parameters', async (t) => {
  const file = '../shared/fixtures/mxnet/djl-gluon-symbols/resnet18_v1-symbol.json';
  if (!existsSync(file)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const m = await openModel(file);
  assert.equal(m.format, 'mxnet');
  const net = await netSummary(m, { uninitialized: true });
  assert.equal(net.layers.length, 68);
  assert.equal(net.layers[0]?.type, 'Convolution');
  assert.deepEqual(
    net.inputs.map((v) => v.name),
    ['data'],
  );
  assert.equal(net.parameters, 11_699_112);
  const g = nodeGraph(m);
  const svg = nodeGraphPlot(g);
  await assertWellFormedXml(svg);
  assert.equal(count(svg, /<rect class="layer"/g), 68);
  assert.equal(count(svg, /<path class="edge"/g), g.edges.length);
  assert.equal(count(toDot(g), DOT_EDGE), g.edges.length);
});
