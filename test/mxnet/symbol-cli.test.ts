/**
 * The CLI contract for MXNet symbols: `nnport convert X-symbol.json out.onnx` with --input,
 * --arrays PATH|none and --partial; errors exit 2 with one line naming the file (and the node),
 * and leave no output file behind.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { onnxCheck } from '../onnx/write-helpers.js';
import { type NodeSpec, paramsBytes, symbolJson } from './reader-helpers.js';

const CLI = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/cli/main.js');

function nnport(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const MLP: NodeSpec[] = [
  { op: 'null', name: 'data' },
  { op: 'null', name: 'fc_weight' },
  { op: 'null', name: 'fc_bias' },
  { op: 'FullyConnected', name: 'fc', attrs: { num_hidden: '3' }, inputs: [[0], [1], [2]] },
  { op: 'null', name: 'softmax_label' },
  { op: 'SoftmaxOutput', name: 'softmax', inputs: [[3], [4]] },
];

function params(rows: number): Uint8Array {
  return paramsBytes([
    { name: 'arg:fc_weight', shape: [rows, 5], data: new Float32Array(rows * 5).fill(0.5) },
    { name: 'arg:fc_bias', shape: [rows], data: new Float32Array(rows) },
  ]);
}

/** A fresh folder with `files`; returns its path. */
function folder(files: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnport-mxnet-cli-'));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

/** Asserts a failed run: exit 2, one stderr line containing every `needle`, and no new files. */
function assertFailed(
  r: ReturnType<typeof nnport>,
  dir: string,
  before: readonly string[],
  ...needles: string[]
): void {
  assert.equal(r.code, 2, r.stderr);
  // USAGE errors (a missing --input) add the CLI's fixed hint line.
  const lines = r.stderr
    .trim()
    .split('\n')
    .filter((l) => !/^\(nnport \w+ --help shows usage\)$/.test(l));
  assert.equal(lines.length, 1, r.stderr);
  for (const n of needles) assert.ok((lines[0] as string).includes(n), `stderr names ${n}: ${r.stderr}`);
  assert.deepEqual(readdirSync(dir).sort(), [...before].sort(), 'no output (or temporary) file is left');
}

test('convert with the newest params beside it, --arrays PATH and --arrays none; ONNX passes the checker', () => {
  const dir = folder({
    'net-symbol.json': symbolJson(MLP),
    'net-0001.params': params(4),
    'net-0002.params': params(3),
  });
  try {
    const sym = join(dir, 'net-symbol.json');
    const r = nnport('convert', sym, join(dir, 'a.onnx'), '--input', 'data=2,5');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(onnxCheck(join(dir, 'a.onnx')).initializers.length, 2);
    // The older epoch named explicitly: its 4-row weight disagrees with num_hidden=3.
    const before = readdirSync(dir);
    const bad = nnport(
      'convert',
      sym,
      join(dir, 'b.onnx'),
      '--input',
      'data=2,5',
      '--arrays',
      join(dir, 'net-0001.params'),
    );
    assertFailed(bad, dir, before, sym, 'fc');
    const none = nnport('convert', sym, join(dir, 'c.onnx'), '--input', 'data=2,5', '--arrays', 'none');
    assert.equal(none.code, 0, none.stderr);
    assert.equal(onnxCheck(join(dir, 'c.onnx')).initializers.length, 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an op without a translation: exit 2 listing it, unless --partial', () => {
  const nodes: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: '_contrib_Frobnicate', name: 'frob', inputs: [[0]] },
    { op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs: [[1]] },
  ];
  const dir = folder({ 'net-symbol.json': symbolJson(nodes) });
  try {
    const sym = join(dir, 'net-symbol.json');
    const out = join(dir, 'net.onnx');
    const before = readdirSync(dir);
    assertFailed(
      nnport('convert', sym, out, '--input', 'data=2,3'),
      dir,
      before,
      '_contrib_Frobnicate (frob)',
    );
    const partial = nnport('convert', sym, out, '--input', 'data=2,3', '--partial');
    assert.equal(partial.code, 0, partial.stderr);
    assert.ok(existsSync(out));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input exits 2 with one line naming the file: truncated params, a cycle, a missing --input', () => {
  const cut = params(3).subarray(0, 40);
  const cycle: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: 'elemwise_add', name: 'loop', inputs: [[0], [1]] },
  ];
  const reshape: NodeSpec[] = [
    { op: 'null', name: 'data' },
    { op: 'Reshape', name: 'r', attrs: { shape: '(-3, -2)' }, inputs: [[0]] },
    { op: 'null', name: 'fc_weight' },
    { op: 'FullyConnected', name: 'fc', attrs: { num_hidden: '3', no_bias: 'True' }, inputs: [[1], [2]] },
  ];
  const dir = folder({
    'net-symbol.json': symbolJson(MLP),
    'net-0000.params': cut,
    'loop-symbol.json': symbolJson(cycle),
    'shape-symbol.json': symbolJson(reshape),
  });
  try {
    const before = readdirSync(dir);
    assertFailed(
      nnport('convert', join(dir, 'net-symbol.json'), join(dir, 'o.onnx'), '--input', 'data=2,5'),
      dir,
      before,
      join(dir, 'net-0000.params'),
    );
    assertFailed(
      nnport('convert', join(dir, 'loop-symbol.json'), join(dir, 'o.onnx')),
      dir,
      before,
      join(dir, 'loop-symbol.json'),
      'loop',
    );
    // Reshape -3 needs the input's shape; without --input the node is named.
    assertFailed(
      nnport('convert', join(dir, 'shape-symbol.json'), join(dir, 'o.onnx')),
      dir,
      before,
      join(dir, 'shape-symbol.json'),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
