/**
 * LSTM and GRU kernels vs PyTorch itself (Debian's torch via /usr/bin/python3): torch.nn.LSTM /
 * torch.nn.GRU (bidirectional, given initial states) are exported with torch.onnx.export; the
 * kernel runs on the exported node's weights (read by nnport's ONNX reader) and must reproduce
 * torch's own outputs. This pins the gate-order conversions (torch's i,f,g,o → ONNX's i,o,f,c;
 * torch's r,z,n → ONNX's z,r,h with linear_before_reset = 1) independently of onnxruntime.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Model } from '../../src/core/model.js';
import { readTensor } from '../../src/core/tensor.js';
import type { ExecTensor, Kernel } from '../../src/exec/kernel.js';
import { gruKernel } from '../../src/exec/kernels/GRU.js';
import { lstmKernel } from '../../src/exec/kernels/LSTM.js';
import { onnxFormat } from '../../src/formats/onnx/index.js';
import { openInput } from '../../src/node/file-source.js';

const PYTHON = '/usr/bin/python3';
const [S, N, I, H] = [6, 3, 4, 5];

/** Exports both modules and saves their inputs and torch's outputs as raw float32 files. */
const EXPORT = `
import sys, torch
torch.manual_seed(7)
out = sys.argv[1]
S, N, I, H = ${S}, ${N}, ${I}, ${H}
def save(name, t):
    t.detach().contiguous().numpy().astype('<f4').tofile(out + '/' + name + '.bin')
class Lstm(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.LSTM(I, H, bidirectional=True)
    def forward(self, x, h0, c0):
        return self.rnn(x, (h0, c0))
class Gru(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = torch.nn.GRU(I, H, bidirectional=True)
    def forward(self, x, h0):
        return self.rnn(x, h0)
x, h0, c0 = torch.randn(S, N, I), torch.randn(2, N, H), torch.randn(2, N, H)
for name, t in (('x', x), ('h0', h0), ('c0', c0)): save(name, t)
with torch.no_grad():
    lstm = Lstm().eval()
    y, (h, c) = lstm(x, h0, c0)
    save('lstm_y', y); save('lstm_h', h); save('lstm_c', c)
    torch.onnx.export(lstm, (x, h0, c0), out + '/lstm.onnx', input_names=['x', 'h0', 'c0'], opset_version=14)
    gru = Gru().eval()
    y, h = gru(x, h0)
    save('gru_y', y); save('gru_h', h)
    torch.onnx.export(gru, (x, h0), out + '/gru.onnx', input_names=['x', 'h0'], opset_version=14)
`;

const dir = mkdtempSync(join(tmpdir(), 'nnport-rnn-torch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let exported = false;
function exportTorch(): void {
  if (exported) return;
  try {
    execFileSync(PYTHON, ['-c', 'import torch, onnx'], { stdio: 'pipe' });
  } catch {
    assert.fail(`torch/onnx are missing for ${PYTHON}: apt-get install python3-torch python3-onnx`);
  }
  execFileSync(PYTHON, ['-c', EXPORT, dir], { stdio: 'pipe' });
  exported = true;
}

function raw(name: string): Float32Array {
  const b = readFileSync(join(dir, `${name}.bin`));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Runs the exported model's single recurrent node with the kernel; graph inputs come from `feeds`. */
async function runNode(file: string, op: string, kernel: Kernel, feeds: Record<string, ExecTensor>) {
  const model: Model = await (onnxFormat.read as NonNullable<typeof onnxFormat.read>)(
    await openInput(join(dir, file)),
    {},
  );
  const node = model.graph?.nodes.find((n) => n.op === op);
  assert.ok(node !== undefined, `${file} has no ${op} node`);
  const inputs: (ExecTensor | undefined)[] = [];
  for (const name of node.inputs) {
    if (name === '') {
      inputs.push(undefined);
      continue;
    }
    const fed = feeds[name];
    if (fed !== undefined) {
      inputs.push(fed);
      continue;
    }
    const t = model.tensors.find((x) => x.name === name);
    assert.ok(
      t !== undefined && t.dtype === 'float32',
      `${op} input ${name} is neither fed nor a float32 initializer`,
    );
    inputs.push({
      dtype: 'float32',
      shape: [...t.shape],
      data: await readTensor(t as typeof t & { dtype: 'float32' }),
    });
  }
  if (op === 'GRU')
    assert.equal(
      node.attributes.linear_before_reset?.value,
      1,
      'torch exports GRU with linear_before_reset 1',
    );
  return kernel(inputs, { node, attrs: node.attributes, opset: 14, since: 14 });
}

function close(got: ExecTensor | undefined, want: Float32Array, what: string): void {
  assert.ok(got !== undefined, `${what} missing`);
  const g = got.data as Float32Array;
  assert.equal(g.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    assert.ok(
      Math.abs((g[i] as number) - (want[i] as number)) <= 1e-5,
      `${what}[${i}]: got ${g[i]}, torch ${want[i]}`,
    );
  }
}

/** ONNX Y [seq, dirs, batch, hidden] → torch's [seq, batch, dirs*hidden]. */
function torchY(y: ExecTensor | undefined): ExecTensor | undefined {
  if (y === undefined) return undefined;
  const src = y.data as Float32Array;
  const out = new Float32Array(src.length);
  for (let t = 0; t < S; t++) {
    for (let d = 0; d < 2; d++) {
      for (let n = 0; n < N; n++) {
        const from = ((t * 2 + d) * N + n) * H;
        out.set(src.subarray(from, from + H), ((t * N + n) * 2 + d) * H);
      }
    }
  }
  return { dtype: 'float32', shape: [S, N, 2 * H], data: out };
}

function feed(name: string, shape: number[]): ExecTensor {
  return { dtype: 'float32', shape, data: raw(name) };
}

describe('recurrent kernels reproduce PyTorch on torch.onnx.export weights', () => {
  it('torch.nn.LSTM, bidirectional, initial states', async () => {
    exportTorch();
    const [y, h, c] = await runNode('lstm.onnx', 'LSTM', lstmKernel, {
      x: feed('x', [S, N, I]),
      h0: feed('h0', [2, N, H]),
      c0: feed('c0', [2, N, H]),
    });
    close(torchY(y), raw('lstm_y'), 'Y');
    close(h, raw('lstm_h'), 'Y_h');
    close(c, raw('lstm_c'), 'Y_c');
  });

  it('torch.nn.GRU, bidirectional, initial state (linear_before_reset = 1)', async () => {
    exportTorch();
    const [y, h] = await runNode('gru.onnx', 'GRU', gruKernel, {
      x: feed('x', [S, N, I]),
      h0: feed('h0', [2, N, H]),
    });
    close(torchY(y), raw('gru_y'), 'Y');
    close(h, raw('gru_h'), 'Y_h');
  });
});
