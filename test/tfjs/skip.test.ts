/**
 * String and complex64 weights: refused by default (UNSUPPORTED_DTYPE naming the tensor); with
 * the reader option `skipUnsupported`, stepped over (string sizes walked through their length
 * prefixes, across shard boundaries) so the weights after them read right, as NumPy reads them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTensorBytes } from '../../src/core/tensor.js';
import { defaultRegistry } from '../../src/formats/all.js';
import { readTfjs } from '../../src/formats/tfjs/index.js';
import { closeAllFiles, openInput } from '../../src/node.js';
import { rejectsWith } from '../assert-errors.js';
import { buildModel, bytesOf, cat, inputOf, numpyReading, writeBuilt } from './build.js';

/** tfjs string tensor bytes: per value a uint32 LE length, then its UTF-8 bytes. */
function strings(...values: string[]): Uint8Array {
  return cat(
    ...values.flatMap((v) => {
      const b = new TextEncoder().encode(v);
      return [bytesOf(new Uint32Array([b.byteLength])), b];
    }),
  );
}

const a = bytesOf(new Float32Array([1, 2]));
const s = strings('hello', '', 'wörld');
const c = bytesOf(new Float32Array([1, -1, 2, -2])); // complex64[2]: (1−1i), (2−2i)
const b = bytesOf(new Int32Array([5, -6, 7]));
const weights = [
  { name: 'a', shape: [2], dtype: 'float32' },
  { name: 'table/keys', shape: [3], dtype: 'string' },
  { name: 'z', shape: [2], dtype: 'complex64' },
  { name: 'b', shape: [3], dtype: 'int32' },
];

test('skipUnsupported: strings and complex64 are stepped over; the rest read as NumPy reads them', async () => {
  // Cut inside the second string value's length prefix and inside the int32 tensor.
  const data = cat(a, s, c, b);
  const built = buildModel({ groups: [{ data, weights, cuts: [8 + 9 + 2, data.byteLength - 5] }] });

  const e = await rejectsWith(readTfjs(inputOf(built)), 'UNSUPPORTED_DTYPE', {
    path: '$.weightsManifest[0].weights[1].dtype',
  });
  assert.match(e.message, /table\/keys/);

  const m = await readTfjs(inputOf(built), { skipUnsupported: true });
  assert.deepEqual(
    m.tensors.map((t) => t.name),
    ['a', 'b'],
  );
  assert.deepEqual(await readTensorBytes(m.tensors[0]), a);
  assert.deepEqual(await readTensorBytes(m.tensors[1]), b);
  assert.deepEqual((m.metadata.tfjs as { skipped: unknown }).skipped, [
    { name: 'table/keys', dtype: 'string' },
    { name: 'z', dtype: 'complex64' },
  ]);

  // Through the registry with the option as the CLI passes it, and against NumPy.
  const path = writeBuilt(built);
  try {
    const viaRegistry = await defaultRegistry().read(await openInput(path), { skipUnsupported: 'true' });
    const ref = numpyReading(path);
    assert.deepEqual(
      ref.map((r) => r.name),
      ['a', 'b'],
    );
    for (const [i, r] of ref.entries()) {
      assert.equal(Buffer.from(await readTensorBytes(viaRegistry.tensors[i])).toString('hex'), r.hex, r.name);
    }
  } finally {
    await closeAllFiles();
  }
});

test('skipUnsupported: a string length past the shards is TRUNCATED; quantized strings stay refused', async () => {
  const bad = cat(a, bytesOf(new Uint32Array([1000])), new Uint8Array(10));
  const built = buildModel({ groups: [{ data: bad, weights: weights.slice(0, 2) }] });
  const e = await rejectsWith(readTfjs(inputOf(built), { skipUnsupported: true }), 'TRUNCATED');
  assert.equal(e.file, 'group1-shard1of1.bin');
  assert.match(e.message, /table\/keys/);

  const quantized = buildModel({
    groups: [{ data: s, weights: [{ ...weights[1], quantization: { dtype: 'uint8', min: 0, scale: 1 } }] }],
  });
  await rejectsWith(readTfjs(inputOf(quantized), { skipUnsupported: true }), 'UNSUPPORTED_DTYPE');
  // An empty string tensor takes no bytes (tfjs-core getWeightBytelength).
  const empty = buildModel({
    groups: [{ data: a, weights: [{ name: 'none', shape: [0], dtype: 'string' }, weights[0]] }],
  });
  const m = await readTfjs(inputOf(empty), { skipUnsupported: true });
  assert.deepEqual(await readTensorBytes(m.tensors[0]), a);
});
