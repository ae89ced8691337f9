import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFile, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const CLI = resolve('dist/src/cli/main.js');
const EXAMPLE = resolve('examples/models/sine-mlp.npz');

function nnport(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'nnport-cli-'));
}

test('help: every command has --help with examples; no command is a usage error', () => {
  for (const cmd of ['inspect', 'convert', 'diff', 'scan', 'run', 'verify', 'formats']) {
    const r = nnport(cmd, '--help');
    assert.equal(r.code, 0, cmd);
    assert.match(r.stdout, /examples:/, cmd);
  }
  assert.equal(nnport('--help').code, 0);
  assert.equal(nnport().code, 2);
  const bad = nnport('frobnicate');
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^nnport: error: unknown command/);
});

test('usage errors and missing files exit 2 with one error line', () => {
  const r = nnport('inspect', '/nonexistent/model.npz');
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /^nnport: error: \/nonexistent\/model.npz: no such file/);
  assert.equal(nnport('inspect', EXAMPLE, '--bogus').code, 2);
  assert.equal(nnport('diff', EXAMPLE).code, 2);
  assert.equal(nnport('convert', EXAMPLE).code, 2); // neither OUT nor --to
});

test('formats lists readers and writers, as a table and as JSON', () => {
  const r = nnport('formats', '--json');
  assert.equal(r.code, 0);
  const ids = (JSON.parse(r.stdout) as { formats: { id: string }[] }).formats.map((f) => f.id);
  for (const id of ['safetensors', 'npy', 'npz', 'json', 'csv', 'txt']) assert.ok(ids.includes(id), id);
  assert.match(nnport('formats').stdout, /safetensors/);
});

test('inspect shows the tensors with totals, --json and --stats', () => {
  const r = nnport('inspect', EXAMPLE);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /2\.weight\s+float32\s+\[16, 16\]\s+256\s+1,024/);
  assert.match(r.stdout, /total\s+321\s+1,284/);
  const j = JSON.parse(nnport('inspect', EXAMPLE, '--json', '--stats').stdout) as {
    format: string;
    totals: { parameters: number; tensors: number };
    tensors: { name: string; stats: { min: number; max: number; nan: number } }[];
  };
  assert.equal(j.format, 'npz');
  assert.deepEqual(j.totals, { tensors: 6, parameters: 321, bytes: 1284 });
  const w = j.tensors.find((t) => t.name === '0.weight');
  assert.ok(w !== undefined && w.stats.min <= w.stats.max && w.stats.nan === 0);
});

test('convert to every text format and back is bit-exact (diff exits 0), default output names work', async () => {
  const dir = await tempDir();
  const src = join(dir, 'sine.npz');
  await copyFile(EXAMPLE, src);
  for (const [to, out] of [
    ['json', 'sine.json'],
    ['csv', 'sine.csv'],
    ['txt', 'sine.txt'],
    ['safetensors', 'sine.safetensors'],
  ] as const) {
    const r = nnport('convert', src, '--to', to);
    assert.equal(r.code, 0, `${to}: ${r.stderr}`);
    const d = nnport('diff', src, join(dir, out));
    assert.equal(d.code, 0, `${to}: ${d.stdout}${d.stderr}`);
    const back = join(dir, `back-${to}.npz`);
    assert.equal(nnport('convert', join(dir, out), back).code, 0);
    assert.equal(nnport('diff', src, back).code, 0);
  }
  const m = nnport('convert', src, join(dir, 'matrix'), '--to', 'csv', '--layout', 'matrix');
  assert.equal(m.code, 0, m.stderr);
  assert.ok((await readdir(join(dir, 'matrix'))).length >= 7);
  assert.equal(nnport('diff', src, join(dir, 'matrix')).code, 0);
});

test('an existing output is never overwritten without --force', async () => {
  const dir = await tempDir();
  const out = join(dir, 'out.json');
  await writeFile(out, 'precious');
  const r = nnport('convert', EXAMPLE, out);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /exists/);
  assert.equal(await readFile(out, 'utf8'), 'precious');
  assert.equal(nnport('convert', EXAMPLE, out, '--force').code, 0);
  assert.notEqual(await readFile(out, 'utf8'), 'precious');
});

test('a failed conversion leaves no output and no temporary file', async () => {
  const dir = await tempDir();
  const bad = join(dir, 'bad.npy');
  await writeFile(bad, new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 200, 0, 123]));
  const r = nnport('convert', bad, join(dir, 'out.json'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /bad\.npy: npy: .*\(at byte \d+\)/);
  // npy holds one tensor: writing a six-tensor model fails inside the writer
  const w = nnport('convert', EXAMPLE, join(dir, 'many.npy'));
  assert.equal(w.code, 2);
  assert.deepEqual(await readdir(dir), ['bad.npy']);
});

test('diff finds one perturbed weight and exits 1; tolerances make it pass', async () => {
  const dir = await tempDir();
  const json = join(dir, 'm.json');
  assert.equal(nnport('convert', EXAMPLE, json).code, 0);
  const text = await readFile(json, 'utf8');
  // perturb the first value of 4.bias (last tensor) by replacing its text
  const at = text.lastIndexOf('"data":');
  const perturbed = `${text.slice(0, at)}"data": [123.5]${text.slice(text.indexOf(']', at) + 1)}`;
  const changed = join(dir, 'changed.json');
  await writeFile(changed, perturbed);
  const d = nnport('diff', EXAMPLE, changed, '--json');
  assert.equal(d.code, 1, d.stderr);
  const report = JSON.parse(d.stdout) as { tensors: { name: string; status: string; worstIndex: number }[] };
  const bias = report.tensors.find((t) => t.name === '4.bias');
  assert.equal(bias?.status, 'different');
  assert.equal(bias?.worstIndex, 0);
  assert.equal(nnport('diff', EXAMPLE, changed, '--atol', '1000').code, 0);
});

test('a conversion that cannot keep metadata says so instead of dropping it silently', async () => {
  const dir = await tempDir();
  const src = join(dir, 'meta.json');
  // metadata survives safetensors → json; json → npz must name what it drops
  const made = nnport('convert', EXAMPLE, join(dir, 'plain.json'));
  assert.equal(made.code, 0);
  const text = (await readFile(join(dir, 'plain.json'), 'utf8')).replace(
    '"metadata": {}',
    '"metadata": {"author": "me"}',
  );
  await writeFile(src, text);
  const r = nnport('convert', src, join(dir, 'out.npz'), '--json');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /note: npz cannot hold model metadata \(author\)/);
  assert.deepEqual((JSON.parse(r.stdout) as { dropped: string[] }).dropped, ['model metadata (author)']);
});

test('--shard-bytes writes a sharded safetensors set that reads back bit for bit', async () => {
  const dir = await tempDir();
  const out = join(dir, 'sharded');
  const r = nnport('convert', EXAMPLE, out, '--shard-bytes', '600B');
  assert.equal(r.code, 0, r.stderr);
  const files = await readdir(out);
  assert.ok(files.includes('model.safetensors.index.json'), files.join(' '));
  assert.ok(files.filter((f) => f.endsWith('.safetensors')).length >= 2, files.join(' '));
  assert.equal(nnport('diff', EXAMPLE, out).code, 0);
  assert.equal(nnport('diff', EXAMPLE, join(out, 'model.safetensors.index.json')).code, 0);
  assert.equal(nnport('convert', EXAMPLE, join(dir, 'x'), '--shard-bytes', 'lots').code, 2);
  assert.equal(
    nnport('convert', EXAMPLE, join(dir, 'y.json'), '--to', 'json', '--shard-bytes', '1MB').code,
    2,
  );
});
