/**
 * `nnport run` through the CLI: torch.onnx.export models (an MLP with a symbolic batch, a CNN, a
 * two-input model) run on .npy files written by NumPy; the .npz they write matches what
 * onnxruntime-node computes on the same arrays within 1e-5. Every bad call (an op without a
 * kernel, a missing, unknown, wrongly typed or shaped input) exits 2 and writes nothing. Also
 * `inspect --input NAME=D1,D2,...` feeding shape inference.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { readTensor } from '../../src/core/tensor.js';
import { openModel } from '../../src/node.js';

const CLI = resolve('dist/src/cli/main.js');
const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'nnport-cli-run-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function nnport(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The models and their inputs, written by the real peers (torch 1.13, onnx, numpy). */
const SETUP = `
import sys, numpy as np, torch, onnx
from onnx import helper, TensorProto
torch.manual_seed(0)
d = sys.argv[1]
mlp = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
                          torch.nn.Linear(16, 4), torch.nn.Softmax(dim=1)).eval()
torch.onnx.export(mlp, torch.randn(3, 6), d + '/mlp.onnx', input_names=['x'], output_names=['y'], opset_version=13,
                  dynamic_axes={'x': {0: 'batch'}, 'y': {0: 'batch'}})
cnn = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
                          torch.nn.MaxPool2d(2), torch.nn.Conv2d(8, 4, 3), torch.nn.Flatten(), torch.nn.Linear(4 * 3 * 3, 5)).eval()
torch.onnx.export(cnn, torch.randn(2, 3, 10, 10), d + '/cnn.onnx', input_names=['image'], output_names=['logits'],
                  opset_version=17)
class Two(torch.nn.Module):
    def forward(self, a, b):
        return a + b, torch.sigmoid(a * b)
torch.onnx.export(Two(), (torch.randn(2, 5), torch.randn(2, 5)), d + '/two.onnx', input_names=['a', 'b'],
                  output_names=['sum', 'gate'], opset_version=13)
nodes = [helper.make_node('Relu', ['x'], ['h'], name='relu'),
         helper.make_node('FancyOp', ['h'], ['g'], name='fancy', domain='com.example'),
         helper.make_node('Warp', ['g'], ['y'], name='warp', domain='com.example')]
g = helper.make_graph(nodes, 'custom', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [2, 5])],
                      [helper.make_tensor_value_info('y', TensorProto.FLOAT, [2, 5])])
m = helper.make_model(g, opset_imports=[helper.make_opsetid('', 13), helper.make_opsetid('com.example', 1)])
onnx.save(m, d + '/custom.onnx')
r = np.random.RandomState(0)
np.save(d + '/x.npy', r.randn(7, 6).astype(np.float32))
np.save(d + '/image.npy', r.randn(2, 3, 10, 10).astype(np.float32))
np.save(d + '/a.npy', r.randn(2, 5).astype(np.float32))
np.save(d + '/b.npy', r.randn(2, 5).astype(np.float32))
np.save(d + '/x16.npy', r.randn(7, 6).astype(np.float16))
np.save(d + '/x64.npy', r.randn(7, 6))
np.save(d + '/x-rank.npy', r.randn(7, 6, 1).astype(np.float32))
np.save(d + '/b-shape.npy', r.randn(2, 4).astype(np.float32))
np.save(d + '/cnn-shape.npy', r.randn(2, 3, 12, 10).astype(np.float32))
`;

before(() => {
  if (!existsSync(PYTHON)) {
    assert.fail(`${PYTHON} is missing: apt-get install python3-numpy python3-torch python3-onnx`);
  }
  execFileSync(PYTHON, ['-c', SETUP, dir], { stdio: 'pipe' });
});

/** A .npy or .npz member as a Float32Array, read with nnport's own readers. */
async function arrays(path: string): Promise<Map<string, { shape: readonly number[]; data: Float32Array }>> {
  const m = await openModel(path);
  const out = new Map<string, { shape: readonly number[]; data: Float32Array }>();
  for (const t of m.tensors) {
    assert.equal(t.dtype, 'float32', `${path}:${t.name}`);
    out.set(t.name, { shape: t.shape, data: (await readTensor(t)) as Float32Array });
  }
  return out;
}

/** onnxruntime-node's outputs for the model on the given .npy files. */
async function reference(model: string, inputs: Record<string, string>): Promise<Map<string, ort.Tensor>> {
  const feeds: Record<string, ort.Tensor> = {};
  for (const [name, file] of Object.entries(inputs)) {
    const a = [...(await arrays(join(dir, file))).values()][0];
    assert.ok(a !== undefined);
    feeds[name] = new ort.Tensor('float32', a.data, [...a.shape]);
  }
  const session = await ort.InferenceSession.create(join(dir, model));
  const r = await session.run(feeds);
  await session.release();
  return new Map(Object.entries(r));
}

async function assertMatches(out: string, want: Map<string, ort.Tensor>): Promise<void> {
  const got = await arrays(join(dir, out));
  assert.deepEqual([...got.keys()], [...want.keys()], 'output names, in graph order');
  for (const [name, w] of want) {
    const g = got.get(name);
    assert.ok(g !== undefined, name);
    assert.deepEqual(g.shape, w.dims, name);
    const b = w.data as Float32Array;
    for (let i = 0; i < b.length; i++) {
      const tol = 1e-5 * Math.max(1, Math.abs(b[i] as number));
      assert.ok(
        Math.abs((g.data[i] as number) - (b[i] as number)) <= tol,
        `${name}[${i}]: ${g.data[i]} vs ${b[i]}`,
      );
    }
  }
}

/** Runs a call that must fail: exit 2, one error line with the code's wording, no output written. */
function fails(out: string, args: string[], pattern: RegExp): string {
  const r = nnport(...args, '--output', out);
  assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /^nnport: error: /);
  assert.match(r.stderr, pattern);
  assert.equal(existsSync(join(dir, out)), false, `${out} must not be written`);
  return r.stderr;
}

describe('nnport run', () => {
  it('MLP with a symbolic batch: the default output is MODEL.outputs.npz, equal to onnxruntime', async () => {
    const r = nnport('run', 'mlp.onnx', '--input', 'x.npy');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /1 output written to mlp\.outputs\.npz/);
    assert.match(r.stdout, /^y\s+float32\s+\[7, 4\]\s+\S+\s+\S+\s+0\.25/m); // softmax rows: mean 1/4
    await assertMatches('mlp.outputs.npz', await reference('mlp.onnx', { x: 'x.npy' }));
    // Never replaced without --force; replaced with it.
    const again = nnport('run', 'mlp.onnx', '--input', 'x=x.npy');
    assert.equal(again.code, 2);
    assert.match(again.stderr, /output exists/);
    assert.equal(nnport('run', 'mlp.onnx', '--input', 'x=x.npy', '--force').code, 0);
  });

  it('CNN (conv, batch norm, pooling) to a named output, and --json', async () => {
    const r = nnport('run', 'cnn.onnx', '--input', 'image=image.npy', '--output', 'cnn-out.npz', '--json');
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      output: string;
      inputs: { name: string; file: string; dtype: string; shape: number[] }[];
      outputs: { name: string; dtype: string; shape: number[]; min: number; max: number; mean: number }[];
    };
    assert.equal(j.output, 'cnn-out.npz');
    assert.deepEqual(j.inputs, [
      { name: 'image', file: 'image.npy', dtype: 'float32', shape: [2, 3, 10, 10] },
    ]);
    assert.equal(j.outputs.length, 1);
    const o = j.outputs[0];
    assert.ok(o !== undefined && o.name === 'logits' && o.dtype === 'float32');
    assert.deepEqual(o.shape, [2, 5]);
    assert.ok(o.min <= o.mean && o.mean <= o.max);
    await assertMatches('cnn-out.npz', await reference('cnn.onnx', { image: 'image.npy' }));
  });

  it('two inputs, two outputs; the .npz reads back in NumPy', async () => {
    const r = nnport(
      'run',
      'two.onnx',
      '--input',
      'b=b.npy',
      '--input',
      'a=a.npy',
      '--output',
      'two-out.npz',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ran 3 nodes on 2 inputs; 2 outputs/);
    await assertMatches('two-out.npz', await reference('two.onnx', { a: 'a.npy', b: 'b.npy' }));
    const check = `
import sys, numpy as np
d = sys.argv[1]
z = np.load(d + '/two-out.npz')
a, b = np.load(d + '/a.npy'), np.load(d + '/b.npy')
assert sorted(z.files) == ['gate', 'sum'], z.files
assert z['sum'].dtype == np.float32 and np.allclose(z['sum'], a + b, atol=1e-6)
assert np.allclose(z['gate'], 1 / (1 + np.exp(-(a * b))), atol=1e-6)
`;
    execFileSync(PYTHON, ['-c', check, dir], { stdio: 'pipe' });
  });

  it('a float16 .npy for a float32 input is converted, with a note', async () => {
    const r = nnport('run', 'mlp.onnx', '--input', 'x=x16.npy', '--output', 'half-out.npz');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /^nnport: note: input 'x': x16\.npy is float16, converted to float32/m);
    const got = await arrays(join(dir, 'half-out.npz'));
    assert.deepEqual(got.get('y')?.shape, [7, 4]);
  });

  it('ops without a kernel: exit 2 listing every op and node, before inputs are checked', () => {
    const err = fails(
      'custom-out.npz',
      ['run', 'custom.onnx', '--input', 'x=x64.npy'],
      /com\.example\.FancyOp/,
    );
    assert.match(err, /node 'fancy'/);
    assert.match(err, /com\.example\.Warp \(node 'warp'\)/);
  });

  it('missing, unknown and doubled inputs: exit 2 naming the input, nothing written', () => {
    fails('e1.npz', ['run', 'two.onnx', '--input', 'a=a.npy'], /missing --input .*\bb float32\[2, 5\]/);
    fails('e2.npz', ['run', 'mlp.onnx', '--input', 'z=x.npy'], /no input 'z' \(inputs: x\)/);
    fails('e3.npz', ['run', 'two.onnx', '--input', 'a.npy', '--input', 'b=b.npy'], /has no NAME=/);
    fails('e4.npz', ['run', 'mlp.onnx', '--input', 'x=x.npy', '--input', 'x=x.npy'], /'x' is given twice/);
    fails('e5.npz', ['run', 'mlp.onnx', '--input', 'x=absent.npy'], /absent\.npy/);
    fails('e6.npz', ['run', 'mlp.onnx'], /missing --input/);
  });

  it('a .npy of the wrong dtype or shape: exit 2 naming file and input, nothing written', () => {
    fails(
      'd1.npz',
      ['run', 'mlp.onnx', '--input', 'x=x64.npy'],
      /x64\.npy: input 'x' is float64, the graph declares float32/,
    );
    fails(
      'd2.npz',
      ['run', 'mlp.onnx', '--input', 'x=x-rank.npy'],
      /x-rank\.npy: input 'x' has shape \[7, 6, 1\]/,
    );
    fails(
      'd3.npz',
      ['run', 'two.onnx', '--input', 'a=a.npy', '--input', 'b=b-shape.npy'],
      /\[2, 4\].*\[2, 5\]/,
    );
    fails(
      'd4.npz',
      ['run', 'cnn.onnx', '--input', 'cnn-shape.npy'],
      /input 'image' has shape \[2, 3, 12, 10\]/,
    );
  });

  it('a weights-only file has no graph to run: exit 2', () => {
    fails('w.npz', ['run', 'x.npy', '--input', 'x=x.npy'], /no graph to run/);
  });

  it('--help has examples; the main help lists run', () => {
    const h = nnport('run', '--help');
    assert.equal(h.code, 0);
    assert.match(h.stdout, /examples:\n\s+nnport run /);
    assert.match(nnport('--help').stdout, /^\s+run\s+/m);
  });
});

describe('inspect --input NAME=D1,D2,...', () => {
  it('fixes the symbolic batch of the MLP: every value gets a size', () => {
    const r = nnport('inspect', 'mlp.onnx', '--input', 'x=7,6');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /inferred shapes:/);
    assert.match(r.stdout, /^y\s+float32\s+\[7, 4\]$/m);
  });

  it('symbolic names and unknown dims (-1, ?) pass through; a bare value for a one-input graph', () => {
    const j = JSON.parse(nnport('inspect', 'mlp.onnx', '--input', 'n,?', '--json').stdout) as {
      shapes: { name: string; shape: (number | string | null)[] | null }[];
    };
    assert.deepEqual(j.shapes.find((s) => s.name === 'x')?.shape, ['n', null]);
    assert.deepEqual(j.shapes.find((s) => s.name === 'y')?.shape, ['n', 4]);
    const k = JSON.parse(
      nnport('inspect', 'two.onnx', '--input', 'a=-1,5', '--input', 'b=3,5', '--json').stdout,
    ) as {
      shapes: { name: string; shape: (number | string | null)[] | null }[];
    };
    assert.deepEqual(k.shapes.find((s) => s.name === 'b')?.shape, [3, 5]);
    assert.deepEqual(k.shapes.find((s) => s.name === 'a')?.shape, [null, 5]);
  });

  it('unknown input names and bad dims are usage errors (exit 2)', () => {
    for (const arg of ['q=1,6', 'x=a,1.5', 'x=', '=1,2']) {
      const r = nnport('inspect', 'mlp.onnx', '--input', arg);
      assert.equal(r.code, 2, arg);
      assert.match(r.stderr, /^nnport: error: --input/, arg);
    }
    assert.equal(nnport('inspect', 'two.onnx', '--input', '2,5').code, 2); // two inputs: NAME= needed
  });
});
