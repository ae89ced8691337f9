/**
 * `nnport inspect` and `nnport convert` on TF.js models, through the CLI as users run it: the
 * fixtures convert to safetensors whose data NumPy reads back equal to its own reading of the
 * TF.js files; a quantized model converts to its decoded float32 values; errors name the shard.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { runPython } from '../npy/helpers.js';
import { buildModel, bytesOf, numpyReading, tfjsFixtures, writeBuilt } from './build.js';

const CLI = resolve('dist/src/cli/main.js');

function nnport(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** NumPy's reading of a safetensors file (header + np.frombuffer), as name → hex of the data. */
function safetensorsHex(path: string): Record<string, { dtype: string; shape: number[]; hex: string }> {
  const script = `
import json, struct, sys
import numpy as np
b = open(sys.argv[1], 'rb').read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8 + n])
out = {}
for k, v in h.items():
    if k == '__metadata__':
        continue
    s, e = v['data_offsets']
    dt = {'F32': '<f4', 'I32': '<i4', 'BOOL': 'u1'}[v['dtype']]
    a = np.frombuffer(b[8 + n + s:8 + n + e], dtype=dt).reshape(v['shape'])
    out[k] = {'dtype': v['dtype'], 'shape': list(a.shape), 'hex': a.tobytes().hex()}
print(json.dumps(out))
`;
  return JSON.parse(runPython(['-c', script, path])) as Record<
    string,
    { dtype: string; shape: number[]; hex: string }
  >;
}

test('cli: inspect and convert every fixture (file and folder) to safetensors; NumPy agrees', (t) => {
  const dir = tfjsFixtures();
  if (dir === undefined) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const out = mkdtempSync(join(tmpdir(), 'nnport-tfjs-cli-'));
  try {
    for (const name of readdirSync(dir).sort()) {
      const model = join(dir, name, 'model.json');
      const ref = numpyReading(model);
      const r = nnport('inspect', model, '--json');
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as { format: string; tensors: { name: string; shape: number[] }[] };
      assert.equal(j.format, 'tfjs');
      assert.deepEqual(
        j.tensors.map((x) => [x.name, x.shape]),
        ref.map((x) => [x.name, x.shape]),
        name,
      );
      for (const [input, target] of [
        [model, join(out, `${name}.safetensors`)],
        [join(dir, name), join(out, `${name}-folder.safetensors`)],
      ] as const) {
        const c = nnport('convert', input, target);
        assert.equal(c.code, 0, c.stderr);
        const st = safetensorsHex(target);
        assert.deepEqual(Object.keys(st).sort(), ref.map((x) => x.name).sort(), name);
        for (const x of ref) {
          assert.equal(st[x.name].hex, x.hex, `${name} ${x.name}`);
          assert.deepEqual(st[x.name].shape, x.shape);
        }
      }
    }
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('cli: a quantized model converts to its decoded values; a short shard fails naming it', () => {
  const q = new Uint8Array([0, 1, 2, 128, 255, 7]);
  const built = buildModel({
    groups: [
      {
        data: q,
        weights: [
          {
            name: 'k',
            shape: [2, 3],
            dtype: 'float32',
            quantization: { dtype: 'uint8', min: -1, scale: 0.01 },
          },
        ],
      },
    ],
  });
  const model = writeBuilt(built);
  const target = join(dirname(model), 'out.safetensors');
  const c = nnport('convert', model, target);
  assert.equal(c.code, 0, c.stderr);
  const ref = numpyReading(model);
  assert.equal(safetensorsHex(target).k.hex, ref[0].hex);
  assert.equal(
    ref[0].hex,
    Buffer.from(bytesOf(new Float32Array([...q].map((v) => v * 0.01 - 1)))).toString('hex'),
  );

  const short = writeBuilt(
    buildModel({
      groups: [
        { data: bytesOf(new Float32Array(3)), weights: [{ name: 'w', shape: [4], dtype: 'float32' }] },
      ],
    }),
  );
  const r = nnport('inspect', short);
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /^nnport: error: .*group1-shard1of1\.bin: tfjs: /);
});

test('cli: convert --to tfjs names this nnport in convertedBy', () => {
  const src = writeBuilt(
    buildModel({
      groups: [
        {
          data: bytesOf(new Float32Array([1, 2])),
          weights: [{ name: 'd/kernel', shape: [2], dtype: 'float32' }],
        },
      ],
    }),
  );
  const out = join(mkdtempSync(join(tmpdir(), 'nnport-tfjs-cli-')), 'model.json');
  const c = nnport('convert', src, out, '--to', 'tfjs');
  assert.equal(c.code, 0, c.stderr);
  const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
  const json = JSON.parse(readFileSync(out, 'utf8')) as { convertedBy: string };
  assert.equal(json.convertedBy, `nnport ${version}`);
  assert.equal(nnport('--version').stdout.trim(), version);
});
