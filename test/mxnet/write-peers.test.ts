/**
 * nnport's MXNet output computes what the source computes: torch.onnx.export (Debian's torch via
 * /usr/bin/python3) writes models covering the exported ops; nnport reads each ONNX file and
 * writes an MXNet pair; the NumPy MXNet interpreter peer (test/peers/mxnet-symbol-run.py, written
 * from MXNet's operator docs) runs the pair and onnxruntime runs the ONNX file on the same input.
 * The params files are also read back by the NumPy reference reader (test/peers/mxnet-params-ref.py).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  type Arr,
  assertClose,
  onnxToMxnet,
  PYTHON,
  requireTorch,
  runMxnetPeer,
  runOrt,
  seeded,
  tempDir,
} from './write-helpers.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** torch.onnx.export of the models below into argv[1]; prints nothing. */
const EXPORT = `
import sys, torch
import torch.nn as nn
import torch.nn.functional as F
torch.manual_seed(0)
out = sys.argv[1]

def export(model, shape, name, opset=17):
    model.eval()
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm2d, nn.BatchNorm1d)):
            m.running_mean.uniform_(-1, 1); m.running_var.uniform_(0.5, 2)
            m.weight.data.uniform_(0.5, 1.5); m.bias.data.uniform_(-0.5, 0.5)
    torch.onnx.export(model, torch.randn(*shape), out + '/' + name + '.onnx', input_names=['x'],
                      output_names=['y'], opset_version=opset, do_constant_folding=True)

export(nn.Sequential(nn.Linear(6, 16), nn.ReLU(), nn.Linear(16, 4)), (2, 6), 'mlp', 13)

class Cnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(3, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.c2 = nn.Conv2d(8, 8, 3, stride=2, padding=1, groups=2, dilation=1)
        self.c3 = nn.Conv2d(8, 6, 2, dilation=2, bias=False)
        self.fc = nn.Linear(6, 5)
    def forward(self, x):
        x = self.bn(F.relu(self.c1(x)))
        x = F.max_pool2d(x, 2, ceil_mode=True)
        x = F.avg_pool2d(self.c2(x), 3, stride=1, padding=1, count_include_pad=False)
        x = F.avg_pool2d(x, 2, stride=1, padding=1, count_include_pad=True)
        x = F.adaptive_avg_pool2d(self.c3(x), 1)
        return self.fc(torch.flatten(x, 1))
export(Cnn(), (1, 3, 9, 9), 'cnn')

class Misc(nn.Module):
    def __init__(self):
        super().__init__()
        self.w = nn.Parameter(torch.randn(8, 5))
        self.ln = nn.LayerNorm(5)
        self.prelu = nn.PReLU(4)
        self.up = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1, output_padding=1)
        self.bn1 = nn.BatchNorm1d(4)
    def forward(self, x):
        b = x.size(0)
        y = x.view(b, -1) @ self.w                      # Shape/Gather chain, MatMul by a constant
        y = self.ln(y) * 2.0 + 1.0
        y = torch.cat([torch.sigmoid(y), torch.tanh(y), F.softplus(y), F.leaky_relu(y, 0.2)], 1)
        y = F.elu(y).clamp(-0.5, 3.0)
        a, c = torch.split(y, [6, 14], 1)
        y = torch.cat([F.softmax(a, -1), F.log_softmax(c, -1)], 1)
        z = torch.sqrt(torch.abs(y) + 1) - torch.exp(-y)
        z = z.unsqueeze(2).unsqueeze(3).reshape(b, 4, 5, 1)
        z = self.prelu(z)
        z = self.up(z).permute(0, 2, 3, 1)
        z = F.gelu(z)
        p, q = torch.chunk(z, 2, dim=1)
        return torch.cat([p, q * 0.5], 2).squeeze(0) if b == 1 else torch.cat([p, q], 2)
export(Misc(), (2, 2, 4), 'misc')

class Emb(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(10, 3)
    def forward(self, x):
        return self.emb(torch.clamp(x.abs() * 9, max=9).long()).transpose(1, 2)
export(Emb(), (2, 4), 'emb')

class Rnn(nn.Module):
    def __init__(self, cell, **kw):
        super().__init__()
        self.rnn = cell(4, 8, batch_first=True, **kw)
        self.fc = nn.Linear(16 if kw.get('bidirectional') else 8, 3)
    def forward(self, x):
        y, _ = self.rnn(x)
        return self.fc(y)
export(Rnn(nn.LSTM, bidirectional=True), (2, 5, 4), 'lstm', 14)
export(Rnn(nn.GRU, bidirectional=True), (2, 5, 4), 'gru', 14)
export(Rnn(nn.RNN), (2, 5, 4), 'rnn_tanh', 14)
export(Rnn(nn.RNN, nonlinearity='relu', bidirectional=True), (2, 5, 4), 'rnn_relu', 14)
`;

/** Model name → input shape. */
const MODELS: readonly (readonly [string, readonly number[]])[] = [
  ['mlp', [2, 6]],
  ['cnn', [1, 3, 9, 9]],
  ['misc', [2, 2, 4]],
  ['emb', [2, 4]],
  ['lstm', [2, 5, 4]],
  ['gru', [2, 5, 4]],
  ['rnn_tanh', [2, 5, 4]],
  ['rnn_relu', [2, 5, 4]],
];

describe('mxnet writer: the output computes what onnxruntime computes', () => {
  before(() => {
    requireTorch();
    execFileSync(PYTHON, ['-c', EXPORT, dir], { stdio: 'pipe' });
  });

  for (const [name, shape] of MODELS) {
    it(`${name}: torch → ONNX → nnport → MXNet pair; NumPy MXNet peer equals onnxruntime`, async () => {
      const onnx = join(dir, `${name}.onnx`);
      const warnings: string[] = [];
      const pair = await onnxToMxnet(onnx, dir, name, warnings);
      const n = shape.reduce((a, b) => a * b, 1);
      const feeds: Record<string, Arr> = { x: { shape, data: seeded(n, 7 + name.length) } };
      const expected = await runOrt(onnx, feeds);
      const actual = runMxnetPeer(pair, feeds, dir);
      assert.equal(actual.length, expected.length);
      actual.forEach((a, i) => {
        assertClose(a, expected[i] as Arr, 1e-4, `${name} output ${i}`);
      });
      assert.deepEqual(warnings, [], 'no warnings for these models');
      // Every parameter is read back by the reference reader, named arg:/aux:.
      const ref = JSON.parse(
        execFileSync(PYTHON, [resolve(process.cwd(), 'test/peers/mxnet-params-ref.py'), pair.params], {
          encoding: 'utf8',
        }),
      ) as { name: string }[];
      assert.ok(ref.length > 0);
      for (const r of ref) assert.match(r.name, /^(arg|aux):/);
      const symbol = JSON.parse(readFileSync(pair.symbol, 'utf8')) as {
        nodes: { op: string; name: string }[];
      };
      const vars = new Set(symbol.nodes.filter((v) => v.op === 'null').map((v) => v.name));
      for (const r of ref) assert.ok(vars.has(r.name.slice(4)), `${r.name} is a variable of the symbol`);
    });
  }
});
