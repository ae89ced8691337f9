/**
 * Interop with live NumPy (Debian's /usr/bin/python3): NumPy writes every dtype, both byte
 * orders, C and Fortran order, scalars, empty arrays, 64-bit extremes, special floats, npy
 * versions 2.0 and 3.0, and npz stored/compressed, and nnport must read the same bytes; nnport
 * writes npy and npz (stored and compressed) and NumPy must load the same dtype, shape and bytes,
 * with npy files byte-identical to `np.save`'s.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { DType } from '../../src/core/dtype.js';
import { readTensorBytes, type Tensor } from '../../src/core/tensor.js';
import { descrOf, type NumpyDType } from '../../src/formats/npy/descr.js';
import {
  modelOf,
  peerScript,
  readNpyBytes,
  readNpzBytes,
  runPython,
  sha256,
  tensorOf,
  writeNpyBytes,
  writeNpzBytes,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-numpy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** NumPy's little-endian dtype strings → nnport dtypes. */
const FROM_DESCR: Record<string, DType> = {
  '<f8': 'float64',
  '<f4': 'float32',
  '<f2': 'float16',
  '|i1': 'int8',
  '<i2': 'int16',
  '<i4': 'int32',
  '<i8': 'int64',
  '|u1': 'uint8',
  '<u2': 'uint16',
  '<u4': 'uint32',
  '<u8': 'uint64',
  '|b1': 'bool',
  '<c8': 'complex64',
  '<c16': 'complex128',
};

interface PyArray {
  name: string;
  descr: string;
  shape: number[];
  sha256: string;
}

test('nnport reads what NumPy writes, bit-exactly', async () => {
  const out = JSON.parse(runPython([peerScript('numpy-write.py'), dir])) as {
    files: { file: string; kind: 'npy' | 'npz'; arrays: PyArray[] }[];
  };
  assert.ok(out.files.length > 80, 'the peer wrote the cases');
  for (const f of out.files) {
    const bytes = new Uint8Array(readFileSync(join(dir, f.file)));
    const model = f.kind === 'npy' ? await readNpyBytes(bytes, f.file) : await readNpzBytes(bytes, f.file);
    assert.deepEqual(
      model.tensors.map((t) => t.name),
      f.arrays.map((a) => a.name),
      f.file,
    );
    for (const [i, a] of f.arrays.entries()) {
      const t = model.tensors[i];
      assert.equal(t.dtype, FROM_DESCR[a.descr], `${f.file}:${a.name} dtype`);
      assert.deepEqual(t.shape, a.shape, `${f.file}:${a.name} shape`);
      assert.equal(sha256(await readTensorBytes(t)), a.sha256, `${f.file}:${a.name} bytes`);
    }
  }
});

/** Edge values of a dtype as canonical bytes (8 elements). */
function edgeBytes(dtype: NumpyDType): Uint8Array {
  const bytesOf = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  switch (dtype) {
    case 'float64': {
      const a = new Float64Array([
        Number.NaN,
        -0,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        5e-324,
        Number.MAX_VALUE,
        0.1,
        -1,
      ]);
      new BigUint64Array(a.buffer)[0] = 0x7ff0_0000_0000_0001n; // signalling NaN with a payload
      return bytesOf(a);
    }
    case 'float32':
      return bytesOf(
        new Uint32Array([
          0x7fc0_0001, 0x8000_0000, 0x7f80_0000, 0xff80_0000, 0x0000_0001, 0x7f7f_ffff, 0x3dcc_cccd,
          0x7f80_0001,
        ]),
      );
    case 'float16':
      return bytesOf(new Uint16Array([0x7e00, 0x8000, 0x7c00, 0xfc00, 0x0001, 0x7bff, 0x3c00, 0x7d01]));
    case 'int8':
      return bytesOf(new Int8Array([-128, 127, 0, -1, 1, 2, 3, 4]));
    case 'uint8':
      return Uint8Array.from([0, 255, 1, 2, 3, 4, 5, 6]);
    case 'int16':
      return bytesOf(new Int16Array([-32768, 32767, 0, -1, 1, 2, 3, 4]));
    case 'uint16':
      return bytesOf(new Uint16Array([0, 65535, 1, 2, 3, 4, 5, 6]));
    case 'int32':
      return bytesOf(new Int32Array([-(2 ** 31), 2 ** 31 - 1, 0, -1, 1, 2, 3, 4]));
    case 'uint32':
      return bytesOf(new Uint32Array([0, 2 ** 32 - 1, 1, 2, 3, 4, 5, 6]));
    case 'int64':
      return bytesOf(
        new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 2n ** 53n + 1n, -1n, 0n, 1n, -(2n ** 53n) - 3n, 4n]),
      );
    case 'uint64':
      return bytesOf(new BigUint64Array([0n, 2n ** 64n - 1n, 2n ** 53n + 1n, 2n ** 63n, 1n, 2n, 3n, 4n]));
    case 'bool':
      return Uint8Array.from([1, 0, 1, 1, 0, 0, 1, 0]);
    case 'complex64':
      return bytesOf(
        new Float32Array([
          1,
          -0,
          Number.NaN,
          0.1,
          Number.POSITIVE_INFINITY,
          -1.5,
          1e-45,
          3,
          0,
          0,
          2,
          4,
          5,
          6,
          7,
          8,
        ]),
      );
    case 'complex128':
      return bytesOf(
        new Float64Array([
          1,
          -0,
          Number.NaN,
          0.1,
          Number.NEGATIVE_INFINITY,
          -1.5,
          5e-324,
          3,
          0,
          0,
          2,
          4,
          5,
          6,
          7,
          8,
        ]),
      );
  }
}

test('NumPy loads what nnport writes: npy byte-identical to np.save, npz stored and compressed', async () => {
  const dtypes = Object.keys(FROM_DESCR).map((d) => FROM_DESCR[d]) as NumpyDType[];
  const tensors: Tensor[] = [];
  for (const d of dtypes) {
    const bytes = edgeBytes(d);
    tensors.push(tensorOf(`${d}_2x4`, d, [2, 4], bytes));
    tensors.push(tensorOf(`${d}_2x2x2`, d, [2, 2, 2], bytes));
    tensors.push(tensorOf(`${d}_scalar`, d, [], bytes.subarray(0, bytes.length / 8)));
    tensors.push(tensorOf(`${d}_empty`, d, [0, 3], new Uint8Array(0)));
  }
  tensors.push(tensorOf('nested/name ü', 'float32', [1], new Uint8Array(4)));
  const files: string[] = [];
  const expected = new Map<string, Map<string, Tensor>>();
  for (const t of tensors) {
    if (t.name.includes('/')) continue;
    const file = join(dir, `out_${t.name}.npy`);
    writeFileSync(file, await writeNpyBytes(modelOf(t)));
    files.push(file);
    expected.set(file, new Map([['', t]]));
  }
  for (const compress of [false, true]) {
    const file = join(dir, `out_${compress ? 'compressed' : 'stored'}.npz`);
    writeFileSync(file, await writeNpzBytes(modelOf(...tensors), { compress }));
    files.push(file);
    expected.set(file, new Map(tensors.map((t) => [t.name, t])));
  }
  const got = JSON.parse(runPython([peerScript('numpy-check.py'), ...files])) as Record<
    string,
    Record<string, PyArray & { resaved_sha256?: string; c_contiguous: boolean }>
  >;
  for (const file of files) {
    const want = expected.get(file);
    assert.ok(want !== undefined);
    assert.deepEqual(Object.keys(got[file]), [...want.keys()], file);
    for (const [name, t] of want) {
      const a = got[file][name];
      assert.equal(a.descr, descrOf(t.dtype as NumpyDType), `${file}:${name} dtype`);
      assert.deepEqual(a.shape, t.shape, `${file}:${name} shape`);
      assert.equal(a.sha256, sha256(await readTensorBytes(t)), `${file}:${name} bytes`);
      assert.equal(a.c_contiguous, true);
      if (a.resaved_sha256 !== undefined) {
        assert.equal(
          a.resaved_sha256,
          sha256(new Uint8Array(readFileSync(file))),
          `${file} is byte-identical to np.save`,
        );
      }
    }
  }
});
