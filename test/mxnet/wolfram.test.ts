/**
 * A net in the shape the Wolfram Language's Export[..., "MXNet"] writes: `file.json` + `file*.params`
 * beside it, inputs named `.Inputs.Input` without `__shape__` (the dims are not exported), arrays
 * named `.Nodes.<layer>.Arrays.Weights`, and a `_copy` node named `.Outputs.Output`. Read through
 * the CLI, converted to ONNX (checked by onnx.checker), run by onnxruntime-node and compared with
 * the values computed here by hand.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { onnxCheck } from '../onnx/write-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-wolfram-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const CLI = join(process.cwd(), 'dist/src/cli/main.js');

/** An NDArray list (V2 records, float32) with names, as mx.nd.save writes it. */
function params(arrays: { name: string; shape: number[]; values: number[] }[]): Uint8Array {
  const parts: Buffer[] = [];
  const u64 = (v: number): Buffer => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(v));
    return b;
  };
  const i32 = (v: number): Buffer => {
    const b = Buffer.alloc(4);
    b.writeInt32LE(v);
    return b;
  };
  parts.push(u64(0x112), u64(0), u64(arrays.length));
  for (const a of arrays) {
    const head = Buffer.alloc(4);
    head.writeUInt32LE(0xf993fac9);
    parts.push(head, i32(0), i32(a.shape.length), ...a.shape.map((d) => u64(d)), i32(1), i32(0), i32(0));
    parts.push(Buffer.from(Float32Array.from(a.values).buffer));
  }
  parts.push(u64(arrays.length));
  for (const a of arrays) parts.push(u64(Buffer.byteLength(a.name)), Buffer.from(a.name));
  return Buffer.concat(parts);
}

const W = [0.5, -1, 2, 0.25, 1.5, -0.75];
const B = [0.1, -0.2];
const symbol = {
  nodes: [
    { op: 'null', name: '.Inputs.Input', inputs: [] },
    { op: 'null', name: '.Nodes.1.Arrays.Weights', inputs: [] },
    { op: 'null', name: '.Nodes.1.Arrays.Biases', inputs: [] },
    {
      op: 'FullyConnected',
      name: '.Nodes.1',
      attrs: { num_hidden: '2' },
      inputs: [
        [0, 0, 0],
        [1, 0, 0],
        [2, 0, 0],
      ],
    },
    { op: 'Activation', name: '.Nodes.2', attrs: { act_type: 'relu' }, inputs: [[3, 0, 0]] },
    { op: '_copy', name: '.Outputs.Output', inputs: [[4, 0, 0]] },
  ],
  arg_nodes: [0, 1, 2],
  node_row_ptr: [0, 1, 2, 3, 4, 5, 6],
  heads: [[5, 0, 0]],
  attrs: { mxnet_version: ['int', 10500] },
};

function cli(...args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

it('Wolfram naming: file.json finds file*.params; the ONNX output computes relu(x·Wᵀ + b)', async () => {
  writeFileSync(join(dir, 'net.json'), JSON.stringify(symbol));
  writeFileSync(
    join(dir, 'net_weights.params'),
    params([
      { name: '.Nodes.1.Arrays.Weights', shape: [2, 3], values: W },
      { name: '.Nodes.1.Arrays.Biases', shape: [2], values: B },
    ]),
  );
  const inspect = cli('inspect', join(dir, 'net.json'), '--json');
  assert.equal(inspect.status, 0, inspect.stderr);
  const summary = JSON.parse(inspect.stdout) as { metadata: { mxnet: { paramsFile: string } } };
  assert.equal(summary.metadata.mxnet.paramsFile, 'net_weights.params');

  // The dims were not exported: ONNX needs them, and the error says how to give them.
  const out = join(dir, 'net.onnx');
  const missing = cli('convert', join(dir, 'net.json'), out);
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /--input \.Inputs\.Input=/);

  const ok = cli('convert', join(dir, 'net.json'), out, '--input', '.Inputs.Input=2,3');
  assert.equal(ok.status, 0, ok.stderr);
  const report = onnxCheck(out);
  assert.deepEqual(
    report.initializers.map((i) => i.name),
    ['.Nodes.1.Arrays.Weights', '.Nodes.1.Arrays.Biases'],
  );
  const x = Float32Array.from([1, 2, 3, -1, 0.5, 4]);
  const session = await ort.InferenceSession.create(out);
  const result = await session.run({ '.Inputs.Input': new ort.Tensor('float32', x, [2, 3]) });
  const y = result['.Outputs.Output'];
  assert.ok(y !== undefined, `outputs: ${Object.keys(result).join(', ')}`);
  const want: number[] = [];
  for (let n = 0; n < 2; n++) {
    for (let o = 0; o < 2; o++) {
      let s = B[o] as number;
      for (let k = 0; k < 3; k++) s += (x[n * 3 + k] as number) * (W[o * 3 + k] as number);
      want.push(Math.max(0, Math.fround(s)));
    }
  }
  assert.deepEqual(
    Array.from(y.data as Float32Array).map((v) => Math.round(v * 1e5) / 1e5),
    want.map((v) => Math.round(v * 1e5) / 1e5),
  );

  const verify = cli('verify', join(dir, 'net.json'), out, '--input', '.Inputs.Input=2,3');
  assert.equal(verify.status, 0, verify.stdout + verify.stderr);
});

it('Wolfram naming: --arrays none gives the uninitialized net, its arrays as inputs with shapes from the ops', () => {
  const r = cli('inspect', join(dir, 'net.json'), '--arrays', 'none', '--json');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout) as {
    metadata: { mxnet: { paramsFile: null; arrays: { name: string; shape: number[] }[] } };
  };
  assert.equal(s.metadata.mxnet.paramsFile, null);
  assert.deepEqual(
    s.metadata.mxnet.arrays.map((a) => [a.name, a.shape]),
    [
      ['.Nodes.1.Arrays.Weights', [2, null]],
      ['.Nodes.1.Arrays.Biases', [2]],
    ],
  );
});
