/**
 * npy writing: NumPy's exact header bytes, one tensor per file, bfloat16 refusal and widening.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTensorBytes } from '../../src/core/tensor.js';
import { buildNpyHeader } from '../../src/formats/npy/header.js';
import { latin1, modelOf, readNpyBytes, rejectsWith, tensorOf, writeNpyBytes } from './helpers.js';

test('the header is byte-identical to np.save (numpy 1.24) and 64-aligned', () => {
  // np.save(f, np.arange(3, dtype='<f4')) writes exactly this header (checked against NumPy 1.24).
  const expected = latin1(
    `\x93NUMPY\x01\x00v\x00{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }${' '.repeat(60)}\n`,
  );
  assert.deepEqual(buildNpyHeader('float32', [3]), expected);
  for (const shape of [[], [0, 3], [1, 2, 3, 4, 5, 6, 7], [123456789012]]) {
    const h = buildNpyHeader('int64', shape);
    assert.equal(h.length % 64, 0);
    assert.equal(h[h.length - 1], 0x0a);
    assert.equal(h[6], 1);
  }
  assert.match(
    new TextDecoder().decode(buildNpyHeader('bool', [])),
    /'descr': '\|b1', 'fortran_order': False, 'shape': \(\), }\s+\n$/,
  );
});

test('writes one tensor and reads it back bit-exactly', async () => {
  const bytes = new Uint8Array(new Float64Array([Number.NaN, -0, Number.POSITIVE_INFINITY, 5e-324]).buffer);
  const out = await writeNpyBytes(modelOf(tensorOf('w', 'float64', [2, 2], bytes)));
  assert.equal(out.length, 128 + 32);
  const back = (await readNpyBytes(out, 'w.npy')).tensors[0];
  assert.deepEqual(back.shape, [2, 2]);
  assert.deepEqual(await readTensorBytes(back), bytes);
});

test('NO_WRITER for a model with other than one tensor', async () => {
  const t = tensorOf('a', 'uint8', [1], new Uint8Array(1));
  await rejectsWith(writeNpyBytes(modelOf(t, { ...t, name: 'b' })), 'NO_WRITER');
  await rejectsWith(writeNpyBytes(modelOf()), 'NO_WRITER');
});

test('bfloat16: UNREPRESENTABLE unless widened to float32 exactly', async () => {
  // bfloat16 bits: 1.0 = 0x3f80, -2.5 = 0xc020, NaN = 0x7fc1
  const bf = new Uint8Array(new Uint16Array([0x3f80, 0xc020, 0x7fc1]).buffer);
  const m = modelOf(tensorOf('h', 'bfloat16', [3], bf));
  const e = await rejectsWith(writeNpyBytes(m), 'UNREPRESENTABLE');
  assert.deepEqual(e.at, { tensor: 'h' });
  assert.match(e.message, /safetensors/);
  await rejectsWith(writeNpyBytes(m, { bfloat16: 'float16' }), 'USAGE');
  const back = (await readNpyBytes(await writeNpyBytes(m, { bfloat16: 'float32' }))).tensors[0];
  assert.equal(back.dtype, 'float32');
  assert.deepEqual(
    await readTensorBytes(back),
    new Uint8Array(new Uint32Array([0x3f800000, 0xc0200000, 0x7fc10000]).buffer),
  );
});

test('INVALID_STRUCTURE when a tensor data length disagrees with its shape', async () => {
  const t = tensorOf('a', 'uint8', [4], new Uint8Array(4));
  await rejectsWith(writeNpyBytes(modelOf({ ...t, shape: [5] })), 'INVALID_STRUCTURE');
});
