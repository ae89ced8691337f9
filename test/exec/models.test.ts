/**
 * Whole models through nnport's reference executor: torch.onnx.export (Debian torch 1.13 via
 * /usr/bin/python3) of an MLP, a CNN with batch norm, pooling and padding variants, a
 * bidirectional LSTM and a GRU; nnport reads each file and runs it with `runGraph`;
 * onnxruntime-node runs the same file and PyTorch the original module on the same input: nnport's
 * outputs agree with both within 1e-5.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { runGraph } from '../../src/exec/executor.js';
import { openModel } from '../../src/node.js';

const PYTHON = '/usr/bin/python3';
const dir = mkdtempSync(join(tmpdir(), 'nnport-exec-models-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const EXPORT = `
import sys, torch
torch.manual_seed(0)
out = sys.argv[1]
mlp = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.Tanh(),
                          torch.nn.Linear(16, 4), torch.nn.Softmax(dim=1)).eval()
torch.onnx.export(mlp, torch.randn(3, 6), out + '/mlp.onnx', input_names=['x'], output_names=['y'], opset_version=13)
cnn = torch.nn.Sequential(
    torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(), torch.nn.MaxPool2d(2, ceil_mode=True),
    torch.nn.Conv2d(8, 8, 3, stride=2, padding=2, dilation=2, groups=2), torch.nn.BatchNorm2d(8), torch.nn.LeakyReLU(0.1),
    torch.nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False), torch.nn.Conv2d(8, 4, 1),
    torch.nn.AdaptiveAvgPool2d(1), torch.nn.Flatten(), torch.nn.Linear(4, 5)).eval()
for m in cnn.modules():
    if isinstance(m, torch.nn.BatchNorm2d):
        m.running_mean.uniform_(-1, 1); m.running_var.uniform_(0.5, 2)
torch.onnx.export(cnn, torch.randn(2, 3, 11, 11), out + '/cnn.onnx', input_names=['x'], output_names=['y'],
                  opset_version=17, do_constant_folding=False)
class Rnn(torch.nn.Module):
    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(4, 8, num_layers=2, batch_first=True, bidirectional=True)
        self.fc = torch.nn.Linear(16, 3)
    def forward(self, x):
        y, _ = self.rnn(x)
        return self.fc(y)
models = {'mlp': (mlp, (3, 6)), 'cnn': (cnn, (2, 3, 11, 11))}
for name, cell in (('lstm', torch.nn.LSTM), ('gru', torch.nn.GRU)):
    m = Rnn(cell).eval()
    torch.onnx.export(m, torch.randn(2, 5, 4), out + '/' + name + '.onnx', input_names=['x'],
                      output_names=['y'], opset_version=14)
    models[name] = (m, (2, 5, 4))
# PyTorch's own outputs on the input the test uses: sin(i * 0.61) * 1.5 in float32, row-major.
import json, numpy as np
result = {}
for name, (m, shape) in models.items():
    n = int(np.prod(shape))
    x = (np.sin(np.arange(n, dtype=np.float64) * 0.61) * 1.5).astype(np.float32).reshape(shape)
    with torch.no_grad():
        result[name] = m(torch.from_numpy(x)).numpy().astype(np.float64).ravel().tolist()
print(json.dumps(result))
`;

const MODELS = [
  ['mlp', [3, 6]],
  ['cnn', [2, 3, 11, 11]],
  ['lstm', [2, 5, 4]],
  ['gru', [2, 5, 4]],
] as const;

describe('executor: whole exported models agree with onnxruntime and PyTorch', () => {
  it('MLP, CNN (batch norm, pooling, padding, dilation, groups), 2-layer bidirectional LSTM and GRU', async () => {
    if (!existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: apt-get install python3-torch`);
    const torchOut = JSON.parse(
      execFileSync(PYTHON, ['-c', EXPORT, dir], { encoding: 'utf8', maxBuffer: 64 << 20 }),
    ) as Record<string, number[]>;
    for (const [name, shape] of MODELS) {
      const path = join(dir, `${name}.onnx`);
      const n = shape.reduce((a, b) => a * b, 1);
      const x = new Float32Array(n).map((_, i) => Math.sin(i * 0.61) * 1.5);
      const session = await ort.InferenceSession.create(path);
      const want = (await session.run({ x: new ort.Tensor('float32', x, [...shape]) })).y as ort.Tensor;
      await session.release();
      const model = await openModel(path);
      const got = (await runGraph(model, { x: { dtype: 'float32', shape, data: x } })).y;
      assert.ok(got, `${name}: no output y`);
      assert.deepEqual(got.shape, want.dims, name);
      const a = got.data as Float32Array;
      for (const [peer, b] of [
        ['onnxruntime', want.data as Float32Array],
        ['torch', torchOut[name] ?? []],
      ] as const) {
        assert.equal(b.length, a.length, `${name} vs ${peer}: length`);
        for (let i = 0; i < b.length; i++) {
          const tol = 1e-5 * Math.max(1, Math.abs(b[i] as number));
          assert.ok(
            Math.abs((a[i] as number) - (b[i] as number)) <= tol,
            `${name}[${i}] vs ${peer}: ${a[i]} vs ${b[i]}`,
          );
        }
      }
    }
  });
});
