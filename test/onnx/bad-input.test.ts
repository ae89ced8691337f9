/** Malformed ONNX inputs: each error code the reader raises, built in test code. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { NnportError } from '../../src/core/errors.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { rejectsWith } from '../assert-errors.js';
import { addGraph, f32, lf, model, sf, tensor, vf } from './build.js';
import { readOnnxBytes, readOnnxFile } from './helpers.js';

const GOOD = model(addGraph(tensor('w', [2], 1, lf(9, f32([1, 2])))));

function external(location: string, length = 8): Uint8Array {
  return model(
    addGraph(
      tensor('w', [2], 1, [
        ...lf(13, [...sf(1, 'location'), ...sf(2, location)]),
        ...lf(13, [...sf(1, 'length'), ...sf(2, String(length))]),
        ...vf(14, 1),
      ]),
    ),
  );
}

test('truncated at every point: TRUNCATED or INVALID_STRUCTURE, never another exception', async () => {
  for (let n = 1; n < GOOD.length; n++) {
    try {
      await readOnnxBytes(GOOD.subarray(0, n));
    } catch (e) {
      assert.ok(e instanceof NnportError, `cut at ${n}: ${String(e)}`);
      assert.ok(['TRUNCATED', 'INVALID_STRUCTURE'].includes(e.code), `cut at ${n}: ${e.code}`);
    }
    // a cut exactly between top-level fields is a valid (smaller) message
  }
  await rejectsWith(readOnnxBytes(GOOD.subarray(0, GOOD.length - 1)), 'TRUNCATED');
});

test('wrong wire type for a known field: INVALID_STRUCTURE', async () => {
  await rejectsWith(readOnnxBytes(new Uint8Array([...vf(1, 8), ...vf(7, 3)])), 'INVALID_STRUCTURE');
  await rejectsWith(readOnnxBytes(new Uint8Array([...sf(1, 'x')])), 'INVALID_STRUCTURE');
});

test('length past the end: TRUNCATED with the byte offset', async () => {
  const e = await rejectsWith(readOnnxBytes(new Uint8Array([...vf(1, 8), 0x3a, 0x7f, 1, 2])), 'TRUNCATED');
  assert.deepEqual(e.at, { byte: 2 });
});

test('groups are refused', async () => {
  await rejectsWith(readOnnxBytes(new Uint8Array([...vf(1, 8), 0x0b])), 'INVALID_STRUCTURE');
});

test('raw_data length not matching dims: INVALID_STRUCTURE naming the tensor', async () => {
  const e = await rejectsWith(
    readOnnxBytes(model(addGraph(tensor('w', [3], 1, lf(9, f32([1, 2])))))),
    'INVALID_STRUCTURE',
  );
  assert.deepEqual(e.at, { tensor: 'w' });
});

test('typed values not matching dims: INVALID_STRUCTURE on read', async () => {
  const m = await readOnnxBytes(model(addGraph(tensor('w', [3], 7, lf(7, [1, 2])))));
  const t = m.tensors[0];
  assert.ok(t);
  await rejectsWith(readTensorBytes(t), 'INVALID_STRUCTURE');
});

test('external data: missing file, short file', async () => {
  await rejectsWith(readOnnxBytes(external('w.bin')), 'MISSING_FILE');
  await rejectsWith(readOnnxBytes(external('w.bin'), { 'w.bin': new Uint8Array(4) }), 'TRUNCATED');
});

test('external data locations that leave the folder: UNSAFE_PATH', async () => {
  for (const loc of ['../x', '/etc/passwd', 'a/../../x', 'C:\\x', '..\\x', '\\\\server\\x']) {
    await rejectsWith(readOnnxBytes(external(loc), { x: new Uint8Array(8) }), 'UNSAFE_PATH');
  }
});

test('a symlink leading out of the model folder: UNSAFE_PATH', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnport-onnx-link-'));
  try {
    mkdirSync(join(dir, 'model'));
    writeFileSync(join(dir, 'secret.bin'), new Uint8Array(8));
    symlinkSync(join(dir, 'secret.bin'), join(dir, 'model', 'w.bin'));
    writeFileSync(join(dir, 'model', 'm.onnx'), external('w.bin'));
    await rejectsWith(readOnnxFile(join(dir, 'model', 'm.onnx')), 'UNSAFE_PATH');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('recursion bomb: subgraphs nested 10,000 deep → LIMIT_EXCEEDED', async () => {
  let graph: number[] = sf(2, 'leaf');
  for (let i = 0; i < 10_000; i++) {
    const attr = [...sf(1, 'body'), ...vf(20, 5), ...lf(6, graph)];
    graph = lf(1, [...sf(4, 'Loop'), ...lf(5, attr)]);
  }
  await rejectsWith(readOnnxBytes(model(graph)), 'LIMIT_EXCEEDED');
});

test('a duplicate initializer name: INVALID_STRUCTURE', async () => {
  const init = lf(5, tensor('w', [1], 1, lf(9, f32([1]))));
  await rejectsWith(readOnnxBytes(model([...init, ...init])), 'INVALID_STRUCTURE');
});

test('unsupported element type: UNSUPPORTED_DTYPE', async () => {
  await rejectsWith(readOnnxBytes(model(addGraph(tensor('w', [1], 99, lf(9, [0]))))), 'UNSUPPORTED_DTYPE');
});
