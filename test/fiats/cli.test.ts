/**
 * The CLI with the nexport and Fiats formats: `convert x.npz out.json --to fiats --activation
 * relu`, the usage error without `--activation`, the warning when the source's output layer is
 * linear, and the formats read back by content.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import type { Graph } from '../../src/core/graph.js';
import { jsonFormat } from '../../src/formats/json/index.js';
import { npzFormat } from '../../src/formats/npz/index.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { memoryInput, REPO_ROOT } from '../nexport/helpers.js';
import { readLikeFiats } from './line-reader.js';

const CLI = resolve(REPO_ROOT, 'dist/src/cli/main.js');
const NPZ = resolve(REPO_ROOT, 'examples/models/sine-mlp.npz');
const dir = mkdtempSync(join(tmpdir(), 'nnport-fiats-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function nnport(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('convert x.npz out.json --to fiats --activation relu', () => {
  const out = join(dir, 'sine-fiats.json');
  const r = nnport('convert', NPZ, out, '--to', 'fiats', '--activation', 'relu');
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /warning/);
  const net = readLikeFiats(readFileSync(out, 'utf8'));
  assert.deepEqual(net.nodes, [1, 16, 16, 1]);
  assert.equal(net.activation, 'relu');
  // Read back by content: inspect names the format.
  const inspect = JSON.parse(nnport('inspect', out, '--json').stdout) as { format: string };
  assert.equal(inspect.format, 'fiats');
  // And on to nexport's formats.
  for (const [to, file] of [
    ['nexport-json', 'sine-nexport.json'],
    ['nexport-txt', 'sine-nexport.txt'],
  ]) {
    const target = join(dir, file);
    assert.equal(nnport('convert', out, target, '--to', to).code, 0);
    assert.equal((JSON.parse(nnport('inspect', target, '--json').stdout) as { format: string }).format, to);
  }
});

test('without --activation: exit 2, a usage error saying --activation is needed', () => {
  const r = nnport('convert', NPZ, join(dir, 'none.json'), '--to', 'fiats');
  assert.equal(r.code, 2);
  assert.match(r.stderr.split('\n')[0], /^nnport: error: .*fiats: --activation is needed/);
  const bad = nnport('convert', NPZ, join(dir, 'tanh.json'), '--to', 'fiats', '--activation', 'tanh');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /gelu, relu, sigmoid, step, swish/);
});

test('a source whose output layer is linear: converted with a warning', async () => {
  // biome-ignore lint/style/noNonNullAssertion: npz reads
  const model = await npzFormat.read!(memoryInput('sine-mlp.npz', new Uint8Array(readFileSync(NPZ))), {});
  const transB = { transB: { type: 'int' as const, value: 1 } };
  const graph: Graph = {
    nodes: [
      { name: 'fc0', op: 'Gemm', inputs: ['x', '0.weight', '0.bias'], outputs: ['h0'], attributes: transB },
      { name: 'relu0', op: 'Relu', inputs: ['h0'], outputs: ['a0'], attributes: {} },
      { name: 'fc2', op: 'Gemm', inputs: ['a0', '2.weight', '2.bias'], outputs: ['h2'], attributes: transB },
      { name: 'relu2', op: 'Relu', inputs: ['h2'], outputs: ['a2'], attributes: {} },
      { name: 'fc4', op: 'Gemm', inputs: ['a2', '4.weight', '4.bias'], outputs: ['y'], attributes: transB },
    ],
    inputs: [{ name: 'x', dtype: 'float32', shape: [null, 1] }],
    outputs: [{ name: 'y', dtype: 'float32', shape: [null, 1] }],
  };
  const target = new MemoryTarget('sine-graph.json');
  // biome-ignore lint/style/noNonNullAssertion: nnport JSON writes
  await jsonFormat.write!({ ...model, graph }, target, {});
  const source = join(dir, 'sine-graph.json');
  writeFileSync(source, target.bytes);
  const out = join(dir, 'sine-graph-fiats.json');
  const r = nnport('convert', source, out, '--to', 'fiats');
  assert.equal(r.code, 0, r.stderr);
  assert.match(
    r.stderr,
    /nnport: warning: the source's output layer \(4\.weight\) is linear, but fiats applies relu to every layer/,
  );
  assert.equal(readLikeFiats(readFileSync(out, 'utf8')).activation, 'relu');
});
