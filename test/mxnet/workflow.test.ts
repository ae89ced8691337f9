/**
 * The README's MXNet workflow end to end, with the real peers: a CNN trained in PyTorch is
 * exported to ONNX (torch.onnx.export), converted by nnport to MXNet (`-symbol.json` + `.params`),
 * read back and converted to ONNX again; onnx.checker accepts the result, onnxruntime-node's
 * output on it equals PyTorch's own output, and `nnport verify` proves the MXNet pair and the
 * original ONNX compute the same thing.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { onnxCheck, PYTHON } from '../onnx/write-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-mxnet-workflow-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const CLI = join(process.cwd(), 'dist/src/cli/main.js');

function nnport(...args: string[]): { status: number; out: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status ?? -1, out: r.stdout + r.stderr };
}

it('PyTorch CNN → ONNX → MXNet → ONNX: same predictions as PyTorch, verify passes', async () => {
  const original = join(dir, 'cnn.onnx');
  const ref = JSON.parse(
    execFileSync(PYTHON, ['test/peers/torch-cnn-export.py', original], { encoding: 'utf8' }),
  ) as { x: number[]; shape: number[]; y: number[] };

  const symbol = join(dir, 'cnn-symbol.json');
  let r = nnport('convert', original, symbol);
  assert.equal(r.status, 0, r.out);
  assert.ok(existsSync(join(dir, 'cnn-0000.params')));
  // The input's dims are kept in the symbol (unlike the Wolfram Language's export).
  const sym = JSON.parse(readFileSync(symbol, 'utf8')) as {
    nodes: { name: string; attrs?: Record<string, string> }[];
  };
  assert.equal(sym.nodes.find((n) => n.name === 'image')?.attrs?.__shape__, '(2, 3, 32, 32)');

  const back = join(dir, 'back.onnx');
  r = nnport('convert', symbol, back);
  assert.equal(r.status, 0, r.out);
  const report = onnxCheck(back);
  assert.ok(report.nodes.includes('BatchNormalization'));

  const session = await ort.InferenceSession.create(back);
  const out = await session.run({ image: new ort.Tensor('float32', Float32Array.from(ref.x), ref.shape) });
  const probs = out.probs;
  assert.ok(probs !== undefined, Object.keys(out).join(', '));
  const got = probs.data as Float32Array;
  assert.equal(got.length, ref.y.length);
  ref.y.forEach((want, i) => {
    assert.ok(
      Math.abs((got[i] as number) - want) <= 1e-5 + 1e-4 * Math.abs(want),
      `probs[${i}]: ${got[i]} vs torch ${want}`,
    );
  });

  r = nnport('verify', symbol, original, '--samples', '3');
  assert.equal(r.status, 0, r.out);
  assert.match(r.out, /PASSED/);
});
