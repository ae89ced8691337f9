/**
 * `nnport inspect MODEL --element E` end to end: the hand-built MXNet-like net (saved as an nnport
 * JSON document, which keeps the nodes' meta.mxnet) and a real ONNX model, every element in text
 * and --json, the SVG on stdout, errors as USAGE (exit 2).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { ELEMENT_NAMES } from '../../src/analysis/elements/index.js';
import { saveModel } from '../../src/node.js';
import { evilModel, mlpModel } from '../analysis/elements-model.js';

const CLI = resolve('dist/src/cli/main.js');
const CONV2D = '../shared/fixtures/onnx/pytorch-converted_test_Conv2d.onnx';
const PYTHON = '/usr/bin/python3';

function nnport(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

let dir = '';
let mlp = '';
let evil = '';
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'nnport-element-'));
  mlp = join(dir, 'mlp.json');
  evil = join(dir, 'evil.json');
  await saveModel(mlpModel(), mlp);
  await saveModel(evilModel(), evil);
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

interface Doc<T> {
  file: string;
  format: string;
  element: string;
  value: T;
}

function json<T>(...args: string[]): Doc<T> {
  const r = nnport('inspect', ...args, '--json');
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Doc<T>;
}

test('every element prints as text and as one JSON document', () => {
  for (const e of ELEMENT_NAMES) {
    const t = nnport('inspect', mlp, '--element', e);
    assert.equal(t.code, 0, `${e}: ${t.stderr}`);
    assert.ok(t.stdout.length > 0, e);
    const d = json<unknown>(mlp, '--element', e);
    assert.equal(d.element, e);
    assert.equal(d.format, 'json');
  }
});

test('element names: canonical spelling in the output, unknown names and flag clashes are USAGE', () => {
  assert.equal(json<string[]>(mlp, '--element', 'inputnames').element, 'InputNames');
  const bad = nnport('inspect', mlp, '--element', 'Layers');
  assert.equal(bad.code, 2);
  assert.match(
    bad.stderr,
    /^nnport: error: unknown element 'Layers' \(elements: ArrayAssociation, .*UninitializedNet\)/,
  );
  assert.equal(nnport('inspect', mlp, '--element', 'Net', '--stats').code, 2);
  assert.equal(nnport('inspect', mlp, '--element').code, 2);
  assert.match(nnport('inspect', '--help').stdout, /--element E/);
});

test('text output: names, tables and DOT a terminal (or Graphviz) can read', () => {
  assert.equal(nnport('inspect', mlp, '--element', 'InputNames').stdout, 'data\n');
  assert.equal(
    nnport('inspect', mlp, '--element', 'ArrayNames').stdout,
    'fc1_weight\nfc1_bias\nfc2_weight\nfc2_bias\nstep\n',
  );
  const list = nnport('inspect', mlp, '--element', 'ArrayList').stdout;
  assert.match(list, /^fc1_bias: float32 \[3\]\n\[0\.1, -0, 1e-7\]$/m);
  assert.match(list, /^step: int64 \[1\]\n\[1152921504606846977\]$/m);
  const rows = nnport('inspect', mlp, '--element', 'NodeDataset').stdout.split('\n');
  assert.match(rows[0] as string, /^name\s+type\s+inputs\s+arrays\s+attributes$/);
  assert.match(rows[2] as string, /^fc1\s+FullyConnected\s+data\s+fc1_weight, fc1_bias\s+num_hidden=3$/);
  assert.match(rows[3] as string, /^relu1\s+Activation\s+fc1\s+act_type=relu$/);
  const net = nnport('inspect', mlp, '--element', 'Net').stdout;
  assert.match(net, /^Net: 1 input, 1 output, 3 layers, 24 parameters\n/);
  assert.match(net, /^fc2\s+FullyConnected\s+relu1\s+float32 \[1, 2\]\s+8$/m);
  const un = nnport('inspect', mlp, '--element', 'UninitializedNet', '--input', 'data=7,4').stdout;
  assert.match(un, /^UninitializedNet: .*, uninitialized\n/);
  assert.match(un, /^fc2\s+FullyConnected\s+relu1\s+float32 \[7, 2\]\s+8$/m);
  const dot = nnport('inspect', mlp, '--element', 'NodeGraph').stdout;
  assert.match(dot, /^digraph "net" \{\n/);
  assert.equal([...dot.matchAll(/^ {2}n\d+ -> n\d+;$/gm)].length, 4);
});

test('--json: ArrayAssociation keeps exact values, LayerAssociation and NodeGraph their structure', () => {
  const r = nnport('inspect', mlp, '--element', 'ArrayAssociation', '--json');
  assert.match(r.stdout, /"data": \[0\.1, -0, 1e-7\]/);
  assert.match(r.stdout, /"data": \[1152921504606846977\]/);
  const a = JSON.parse(r.stdout) as Doc<Record<string, { dtype: string; data: unknown }>>;
  assert.deepEqual(a.value.fc2_bias?.data, ['NaN', '-Infinity']);
  const layers = json<Record<string, { type: string; inputs: string[] }>>(
    mlp,
    '--element',
    'LayerAssociation',
  );
  assert.deepEqual(Object.keys(layers.value), ['fc1', 'relu1', 'fc2']);
  assert.equal(layers.value.fc1?.type, 'FullyConnected');
  const g = json<{ nodes: { id: string }[]; edges: { from: string; to: string }[] }>(
    mlp,
    '--element',
    'NodeGraph',
  );
  assert.equal(g.value.nodes.length, 5);
  assert.deepEqual(
    g.value.edges.map((e) => `${e.from}>${e.to}`),
    ['data>fc1', 'fc1>relu1', 'relu1>fc2', 'fc2>fc2_output'],
  );
});

test('NodeGraphPlot: the SVG itself on stdout, well-formed, escaped, byte-identical across runs', async () => {
  for (const file of [mlp, evil]) {
    const one = nnport('inspect', file, '--element', 'NodeGraphPlot');
    const two = nnport('inspect', file, '--element', 'NodeGraphPlot');
    assert.equal(one.code, 0, one.stderr);
    assert.equal(one.stdout, two.stdout);
    assert.match(one.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<svg /);
    const svg = join(dir, 'plot.svg');
    await writeFile(svg, one.stdout);
    const p = spawnSync(
      PYTHON,
      ['-c', 'import xml.dom.minidom,sys; xml.dom.minidom.parse(sys.argv[1])', svg],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(p.status, 0, p.stderr);
  }
  const e = nnport('inspect', evil, '--element', 'NodeGraphPlot').stdout;
  assert.ok(e.includes('x&lt;&amp;&quot;&gt;&apos;y'));
  assert.equal([...e.matchAll(/<rect class="layer"/g)].length, 2);
});

test('a real ONNX model: every element; graph elements on a tensor-only file are USAGE', async (t) => {
  if (!existsSync(CONV2D)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  for (const e of ELEMENT_NAMES) {
    const r = nnport('inspect', CONV2D, '--element', e);
    assert.equal(r.code, 0, `${e}: ${r.stderr}`);
  }
  assert.deepEqual(json<string[]>(CONV2D, '--element', 'InputNames').value, ['0']);
  const net = json<{ layers: { type: string; outputs: { shape: number[] }[] }[]; parameters: number }>(
    CONV2D,
    '--element',
    'Net',
  );
  assert.equal(net.value.layers[0]?.type, 'Conv');
  assert.deepEqual(net.value.layers[0]?.outputs[0]?.shape, [2, 4, 5, 4]);
  assert.equal(net.value.parameters, 76);
  const svg = nnport('inspect', CONV2D, '--element', 'NodeGraphPlot').stdout;
  assert.equal([...svg.matchAll(/<rect class="layer"/g)].length, 1);
  assert.equal([...svg.matchAll(/<path class="edge"/g)].length, 2);

  const npz = resolve('examples/models/sine-mlp.npz');
  assert.equal(nnport('inspect', npz, '--element', 'NodeGraph').code, 2);
  assert.equal(json<string[]>(npz, '--element', 'ArrayNames').value.length, 6);
});
