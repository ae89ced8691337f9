/**
 * nnport's ONNX output runs: torch.onnx.export (Debian's torch via /usr/bin/python3) writes an MLP
 * and a CNN with batch norm; nnport reads each and writes it again; onnxruntime-node runs the
 * original and nnport's file on the same random input and the outputs are identical. The same
 * models written by nnport pass onnx.checker. Also models built in test code (MLP, Conv, If) run.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { Model } from '../../src/core/model.js';
import { onnxFormat } from '../../src/formats/onnx/index.js';
import { openInput } from '../../src/node/file-source.js';
import { onnxCheck, PYTHON, requireOnnx, tempDir, writeFile } from './write-helpers.js';
import { conv, ifModel, mlp, values } from './write-models.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** torch.onnx.export of two small models; prints nothing. */
const EXPORT = `
import sys, torch
torch.manual_seed(0)
out = sys.argv[1]
mlp = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4)).eval()
torch.onnx.export(mlp, torch.randn(2, 6), out + '/mlp.onnx', input_names=['x'], output_names=['y'], opset_version=13)
cnn = torch.nn.Sequential(
    torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
    torch.nn.MaxPool2d(2), torch.nn.Conv2d(8, 4, 3, padding=1), torch.nn.Flatten(), torch.nn.Linear(4 * 4 * 4, 5)).eval()
for m in cnn.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        m.running_mean.uniform_(-1, 1); m.running_var.uniform_(0.5, 2)
torch.onnx.export(cnn, torch.randn(1, 3, 8, 8), out + '/cnn.onnx', input_names=['x'], output_names=['y'], opset_version=17,
                  do_constant_folding=False)
class Rnn(torch.nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(4, 8, batch_first=True, bidirectional=True)
        self.fc = torch.nn.Linear(16, 3)
    def forward(self, x):
        y, _ = self.rnn(x)
        return self.fc(y)
for name, cell in (('lstm', torch.nn.LSTM), ('gru', torch.nn.GRU)):
    torch.onnx.export(Rnn(cell).eval(), torch.randn(2, 5, 4), out + '/' + name + '.onnx', input_names=['x'],
                      output_names=['y'], opset_version=14)
`;

function exportTorch(): void {
  requireOnnx();
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'pipe' });
  } catch {
    assert.fail(`torch is missing for ${PYTHON}: apt-get install python3-torch`);
  }
  execFileSync(PYTHON, ['-c', EXPORT, dir], { stdio: 'pipe' });
}

/** Runs a model file on `feeds`; returns every output's values. */
async function run(path: string, feeds: Record<string, ort.Tensor>): Promise<Record<string, number[]>> {
  const session = await ort.InferenceSession.create(path);
  const out = await session.run(feeds);
  const result: Record<string, number[]> = {};
  for (const [k, v] of Object.entries(out)) result[k] = Array.from(v.data as Float32Array);
  await session.release();
  return result;
}

async function sameOutputs(a: string, b: string, feeds: Record<string, ort.Tensor>): Promise<void> {
  const [x, y] = [await run(a, feeds), await run(b, feeds)];
  assert.deepEqual(Object.keys(y), Object.keys(x));
  for (const k of Object.keys(x)) {
    const [p, q] = [x[k] ?? [], y[k] ?? []];
    assert.equal(q.length, p.length);
    for (let i = 0; i < p.length; i++) assert.ok(Math.abs((p[i] ?? 0) - (q[i] ?? 0)) <= 1e-6, `${k}[${i}]`);
  }
}

function input(shape: number[], seed: number): ort.Tensor {
  return new ort.Tensor(
    'float32',
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
    shape,
  );
}

/** The exported models and their input shapes. */
const MODELS = [
  ['mlp', [2, 6]],
  ['cnn', [1, 3, 8, 8]],
  ['lstm', [2, 5, 4]],
  ['gru', [2, 5, 4]],
] as const;

/** Runs the CLI; fails the test with its stderr on a non-zero exit. */
function nnport(...args: string[]): void {
  execFileSync(process.execPath, [join(process.cwd(), 'dist/src/cli/main.js'), ...args], { stdio: 'pipe' });
}

describe('onnx writer: onnxruntime runs what nnport writes', () => {
  it('torch.onnx.export MLP and CNN with batch norm: read by nnport, written, same outputs', async () => {
    exportTorch();
    for (const [name, shape] of MODELS) {
      const original = join(dir, `${name}.onnx`);
      const model: Model = await (onnxFormat.read as NonNullable<typeof onnxFormat.read>)(
        await openInput(original),
        {},
      );
      const written = await writeFile(model, dir, `${name}.nnport.onnx`);
      onnxCheck(written);
      await sameOutputs(original, written, { x: input([...shape], 11) });
      // And through external data.
      const external = await writeFile(model, dir, `${name}.ext.onnx`, {
        externalData: 'all',
        externalThreshold: 0,
      });
      await sameOutputs(original, external, { x: input([...shape], 12) });
    }
  });

  it('models built in test code run: MLP, Conv, If', async () => {
    const mlpPath = await writeFile(mlp(), dir, 'built-mlp.onnx');
    const out = await run(mlpPath, { x: input([2, 4], 3) });
    assert.equal(out.y?.length, 6);
    const convPath = await writeFile(conv(), dir, 'built-conv.onnx');
    assert.equal((await run(convPath, { X: input([1, 1, 5, 5], 4) })).Y?.length, 50);
    const ifPath = await writeFile(ifModel(), dir, 'built-if.onnx');
    const yes = await run(ifPath, { cond: new ort.Tensor('bool', [true], []) });
    const no = await run(ifPath, { cond: new ort.Tensor('bool', [false], []) });
    assert.deepEqual(yes.y, [11, 22]);
    assert.deepEqual(no.y, [9, 18]);
  });

  it('onnx → nnport JSON / CSV / TXT → onnx gives the same outputs (MLP, CNN, LSTM, GRU)', async () => {
    exportTorch();
    for (const [name, shape] of MODELS) {
      const original = join(dir, `${name}.onnx`);
      for (const ext of ['json', 'csv', 'txt']) {
        const text = join(dir, `${name}.via.${ext}`);
        const back = join(dir, `${name}.via-${ext}.onnx`);
        nnport('convert', original, text, '--force');
        nnport('convert', text, back, '--force');
        onnxCheck(back);
        await sameOutputs(original, back, { x: input([...shape], 17) });
      }
    }
  });
});
