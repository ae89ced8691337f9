/**
 * `nnport verify`: a torch.onnx.export MLP (Debian torch via /usr/bin/python3) against nnport's own
 * conversions of it, a copy with one weight perturbed, renamed inputs, weight-only files (the
 * diff fallback), --json, and the errors that exit 2; plus the comparison rules of
 * src/analysis/verify.ts on hand-made tensors (allclose, NaN, infinities, smallest tolerances).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  accumulate,
  emptyStats,
  matchNames,
  randomInput,
  seededRandom,
  unravelIndex,
} from '../../src/analysis/verify.js';
import { readTensorBytes, tensorFromBytes } from '../../src/core/tensor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { openModel, saveModel } from '../../src/node.js';

const CLI = resolve('dist/src/cli/main.js');
const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'nnport-verify-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function nnport(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const f = (name: string): string => join(dir, name);

const EXPORT = `
import sys, torch, numpy as np
torch.manual_seed(0)
out = sys.argv[1]
mlp = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
                          torch.nn.Linear(16, 4)).eval()
x = torch.randn(3, 6)
torch.onnx.export(mlp, x, out + '/mlp.onnx', input_names=['x'], output_names=['y'], opset_version=13)
torch.onnx.export(mlp, x, out + '/renamed.onnx', input_names=['features'], output_names=['logits'], opset_version=13)
torch.onnx.export(mlp, x, out + '/dynamic.onnx', input_names=['x'], output_names=['y'], opset_version=13,
                  dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}})
np.save(out + '/x.npy', np.random.default_rng(1).uniform(-1, 1, (3, 6)).astype(np.float32))
import onnx
from onnx import helper, TensorProto
g = helper.make_graph([helper.make_node('Frobnicate', ['x'], ['t'], name='frob1', domain='acme'),
                       helper.make_node('Relu', ['t'], ['u'], name='relu1'),
                       helper.make_node('Wibble', ['u'], ['y'], name='wib1', domain='acme')], 'g',
                      [helper.make_tensor_value_info('x', TensorProto.FLOAT, [3, 6])],
                      [helper.make_tensor_value_info('y', TensorProto.FLOAT, [3, 4])])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid('', 13), helper.make_opsetid('acme', 1)]),
          out + '/unknown.onnx')
np.save(out + '/x64.npy', np.zeros((3, 6), np.float64))
`;

before(async () => {
  try {
    execFileSync(PYTHON, ['-c', EXPORT, dir], { stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    throw new Error(
      `torch/numpy peer missing or failing (apt-get install python3-torch python3-numpy): ${String(e)}`,
    );
  }
  const ok = (...args: string[]): void => {
    const r = nnport(...args);
    assert.equal(r.code, 0, r.stderr);
  };
  ok('convert', f('mlp.onnx'), f('mlp.json'));
  ok('convert', f('mlp.json'), f('back.onnx'));
  ok('convert', f('mlp.onnx'), f('external.onnx'), '--external-data', 'all');
  ok('convert', f('mlp.onnx'), f('weights.npz'));
  ok('convert', f('mlp.onnx'), f('weights.safetensors'));
  // One weight perturbed: the last layer's bias[2] + 0.5 moves output column 2 of every row by 0.5.
  const m = await openModel(f('mlp.onnx'));
  const tensors = await Promise.all(
    m.tensors.map(async (t) => {
      if (t.name !== '4.bias') return t;
      const bytes = (await readTensorBytes(t)).slice();
      const v = new Float32Array(bytes.buffer, bytes.byteOffset, t.shape[0]);
      v[2] = (v[2] as number) + 0.5;
      return tensorFromBytes(t.name, t.dtype, t.shape, bytes);
    }),
  );
  await saveModel({ ...m, tensors }, f('perturbed.onnx'));
  const { graph: _graph, ...weightsOnly } = m;
  await saveModel({ ...weightsOnly, format: 'npz', tensors }, f('perturbed.npz'));
});

describe('nnport verify on graphs', () => {
  it('passes the torch export against nnport conversions (json, onnx, external data)', () => {
    for (const other of ['mlp.json', 'back.onnx', 'external.onnx']) {
      const r = nnport('verify', f('mlp.onnx'), f(other), '--samples', '3');
      assert.equal(r.code, 0, `${other}: ${r.stdout}${r.stderr}`);
      assert.match(r.stdout, /inputs matched by name/);
      assert.match(r.stdout, /PASSED: 'y'/);
      assert.match(r.stdout, /^PASSED: all 1 outputs match$/m);
    }
  });

  it('fails a perturbed weight, naming the output and the worst index', () => {
    const r = nnport('verify', f('mlp.onnx'), f('perturbed.onnx'));
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /FAILED: 'y'/);
    assert.match(r.stdout, /max abs error 0\.5\d* at \[[0-2], 2\]/);
    assert.match(r.stdout, /^FAILED$/m);
    const j = JSON.parse(nnport('verify', f('mlp.onnx'), f('perturbed.onnx'), '--json').stdout) as {
      outputs: { status: string; worstIndex: number[]; maxAbs: number; minAtol: number; failing: number }[];
      passed: boolean;
    };
    const o = j.outputs[0];
    assert.ok(o);
    assert.equal(j.passed, false);
    assert.equal(o.status, 'FAILED');
    // Column 2 of some row (float rounding decides which row's error is largest).
    assert.equal(o.worstIndex.length, 2);
    assert.equal(o.worstIndex[1], 2);
    assert.ok(Math.abs(o.maxAbs - 0.5) < 1e-5);
    assert.equal(o.failing, 3);
    // A tolerance at least the reported smallest atol passes.
    const loose = nnport('verify', f('mlp.onnx'), f('perturbed.onnx'), '--atol', String(o.minAtol * 1.001));
    assert.equal(loose.code, 0, loose.stdout);
  });

  it('matches renamed inputs and outputs by position and says so', () => {
    const r = nnport('verify', f('mlp.onnx'), f('renamed.onnx'));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /inputs matched by position/);
    assert.match(r.stdout, /input 'x' \(A\) \/ 'features' \(B\)/);
    assert.match(r.stdout, /outputs matched by position/);
  });

  it('--json: inputs, outputs and statistics, deterministic per seed', () => {
    const run = (seed: string): Record<string, unknown> =>
      JSON.parse(nnport('verify', f('mlp.onnx'), f('mlp.json'), '--json', '--seed', seed).stdout) as Record<
        string,
        unknown
      >;
    const j = run('7') as {
      inputMatch: string;
      outputMatch: string;
      inputs: { a: string; b: string; shape: number[]; source: string }[];
      outputs: Record<string, unknown>[];
      passed: boolean;
      samples: number;
      seed: number;
      atol: number;
      rtol: number;
    };
    assert.equal(j.inputMatch, 'name');
    assert.equal(j.outputMatch, 'name');
    assert.deepEqual(j.inputs, [{ a: 'x', b: 'x', shape: [3, 6], source: 'random' }]);
    assert.equal(j.passed, true);
    assert.equal(j.samples, 1);
    assert.equal(j.seed, 7);
    assert.equal(j.atol, 1e-5);
    assert.equal(j.rtol, 1e-5);
    const o = j.outputs[0] as Record<string, unknown>;
    for (const k of [
      'a',
      'b',
      'status',
      'maxAbs',
      'maxRel',
      'worstIndex',
      'minAtol',
      'minRtol',
      'elements',
    ]) {
      assert.ok(k in o, k);
    }
    assert.deepEqual(run('7'), j);
    assert.notDeepEqual((run('8').outputs as Record<string, unknown>[])[0]?.worstA, o.worstA);
  });

  it('uses --input files and shapes; symbolic dimensions need a shape', () => {
    const file = nnport('verify', f('mlp.onnx'), f('back.onnx'), '--input', `x=${f('x.npy')}`);
    assert.equal(file.code, 0, file.stderr);
    assert.match(file.stdout, /x\.npy/);
    const dyn = nnport('verify', f('dynamic.onnx'), f('mlp.json'));
    assert.equal(dyn.code, 0, dyn.stderr); // B knows the batch dimension
    const both = nnport('verify', f('dynamic.onnx'), f('dynamic.onnx'));
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--input x=/);
    const given = nnport('verify', f('dynamic.onnx'), f('dynamic.onnx'), '--input', 'x=5,6', '--json');
    assert.equal(given.code, 0, given.stderr);
    assert.deepEqual(
      (JSON.parse(given.stdout) as { inputs: { shape: number[] }[] }).inputs[0]?.shape,
      [5, 6],
    );
  });

  it('falls back to a tensor diff for two weight-only files', () => {
    const same = nnport('verify', f('weights.npz'), f('weights.safetensors'));
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /neither model has a graph/);
    assert.match(same.stdout, /SAME/);
    const differs = nnport('verify', f('weights.npz'), f('perturbed.npz'), '--json');
    assert.equal(differs.code, 1, differs.stderr);
    assert.equal((JSON.parse(differs.stdout) as { differs: boolean }).differs, true);
    assert.match(differs.stderr, /neither model has a graph/);
  });

  it('exits 2 on errors', () => {
    const cases: string[][] = [
      [f('mlp.onnx')],
      [f('mlp.onnx'), f('weights.npz')],
      [f('mlp.onnx'), f('missing.onnx')],
      [f('mlp.onnx'), f('mlp.json'), '--input', 'x'],
      [f('mlp.onnx'), f('mlp.json'), '--input', 'nope=3,6'],
      [f('mlp.onnx'), f('mlp.json'), '--input', 'x=3,7'],
      [f('mlp.onnx'), f('mlp.json'), '--input', `x=${f('x64.npy')}`],
      [f('mlp.onnx'), f('mlp.json'), '--samples', '0'],
      [f('mlp.onnx'), f('mlp.json'), '--seed', '1.5'],
      [f('mlp.onnx'), f('mlp.json'), '--atol', 'x'],
    ];
    for (const args of cases) {
      const r = nnport('verify', ...args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}`);
      assert.match(r.stderr, /^nnport: error: /);
    }
  });

  it('lists every unknown op with its node before running (exit 2)', () => {
    const r = nnport('verify', f('mlp.onnx'), f('unknown.onnx'));
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stderr, /acme\.Frobnicate \(node 'frob1'\).*acme\.Wibble \(node 'wib1'\)/);
    assert.equal(r.stdout, '');
  });

  it('has --help with examples and is listed in the main help', () => {
    const r = nnport('verify', '--help');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /examples:/);
    assert.match(nnport('--help').stdout, /verify/);
  });
});

const t32 = (shape: number[], values: number[]): ExecTensor => ({
  dtype: 'float32',
  shape,
  data: Float32Array.from(values),
});

describe('verify comparison rules', () => {
  const tol = { atol: 1e-5, rtol: 1e-5 };

  it('follows allclose: NaN equals NaN, NaN against a number fails, equal infinities pass', () => {
    const s = emptyStats();
    accumulate(
      s,
      t32([4], [Number.NaN, 1, Infinity, -Infinity]),
      t32([4], [Number.NaN, 1, Infinity, -Infinity]),
      tol,
      0,
    );
    assert.equal(s.failing, 0);
    assert.equal(s.maxAbs, 0);
    const n = emptyStats();
    accumulate(n, t32([2, 2], [1, 2, 3, Number.NaN]), t32([2, 2], [1, 2, 3, 4]), tol, 0);
    assert.equal(n.failing, 1);
    assert.equal(n.nanMismatches, 1);
    assert.equal(n.maxAbs, Infinity);
    assert.deepEqual(n.worstIndex, [1, 1]);
    const inf = emptyStats();
    accumulate(inf, t32([1], [5]), t32([1], [Infinity]), tol, 0);
    assert.equal(inf.failing, 1);
  });

  it('reports the smallest passing atol and rtol, and the relative error floor', () => {
    const s = emptyStats();
    accumulate(
      s,
      t32([2, 3], [1, 2, 3, 4, 5, 6.5]),
      t32([2, 3], [1, 2, 3, 4, 5, 6]),
      { atol: 0, rtol: 0 },
      0,
    );
    assert.deepEqual(s.worstIndex, [1, 2]);
    assert.equal(s.maxAbs, 0.5);
    assert.equal(s.minAtol, 0.5);
    assert.ok(Math.abs(s.minRtol - 0.5 / 6) < 1e-12);
    const z = emptyStats();
    accumulate(z, t32([1], [1e-3]), t32([1], [0]), tol, 0);
    assert.equal(z.minRtol, Infinity); // b = 0: no rtol helps
    assert.ok(Number.isFinite(z.maxRel)); // but the floor keeps the reported relative error finite
  });

  it('unravels indices, seeds deterministically, pairs names', () => {
    assert.deepEqual(unravelIndex(7, [2, 2, 3]), [1, 0, 1]);
    assert.deepEqual(unravelIndex(0, []), []);
    const a = randomInput('float32', [4], seededRandom(3));
    const b = randomInput('float32', [4], seededRandom(3));
    assert.deepEqual(a.data, b.data);
    assert.ok([...(a.data as Float32Array)].every((v) => v >= -1 && v < 1));
    assert.deepEqual([...(randomInput('int64', [2], seededRandom(0)).data as BigInt64Array)], [0n, 0n]);
    assert.equal(matchNames(['a', 'b'], ['b', 'a'])?.by, 'name');
    assert.equal(matchNames(['a', 'b'], ['c', 'd'])?.by, 'position');
    assert.equal(matchNames(['a'], ['c', 'd']), undefined);
  });
});
