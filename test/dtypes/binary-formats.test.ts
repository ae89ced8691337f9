/**
 * The new dtypes in the binary formats and the analyses: safetensors F8_E4M3 / F8_E5M2 / F8_E8M0 /
 * F4 / C64 read and write bit for bit under their header names; npy complex64/complex128 against
 * NumPy (np.save → nnport, nnport → np.load); npy and pytorch refuse float8 and sub-byte tensors
 * with UNREPRESENTABLE; stats and diff decode float8, int4 and complex values.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { diffModels } from '../../src/analysis/diff.js';
import { tensorStats } from '../../src/analysis/stats.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, tensorFromBytes } from '../../src/core/tensor.js';
import { pytorchFormat } from '../../src/formats/pytorch/index.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { readNpyBytes, writeNpyBytes } from '../npy/helpers.js';
import { readBytes, rejectsWith, writeBytes } from '../safetensors/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-dtypes-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const f64 = (...v: number[]) => new Uint8Array(new Float64Array(v).buffer);

function model(...tensors: ReturnType<typeof tensorFromBytes>[]): Model {
  return { format: 'memory', metadata: {}, tensors };
}

test('safetensors: F8_E4M3, F8_E5M2, F8_E8M0, F4 and C64 write and read back bit for bit', async () => {
  const m = model(
    tensorFromBytes('a', 'float8e4m3fn', [4], Uint8Array.of(0x00, 0x7e, 0xff, 0x38)),
    tensorFromBytes('b', 'float8e5m2', [3], Uint8Array.of(0x7c, 0xfc, 0x7f)),
    tensorFromBytes('c', 'complex64', [2], f32(1, -2, Number.NaN, 0.5)),
    tensorFromBytes('d', 'float8e8m0', [2], Uint8Array.of(127, 0xff)),
    tensorFromBytes('e', 'float4e2m1', [4], Uint8Array.of(0x21, 0xf7)),
  );
  const bytes = await writeBytes(m);
  const header = JSON.parse(
    new TextDecoder().decode(
      bytes.subarray(8, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))),
    ),
  );
  assert.deepEqual(Object.fromEntries(['a', 'b', 'c', 'd', 'e'].map((k) => [k, header[k].dtype])), {
    a: 'F8_E4M3',
    b: 'F8_E5M2',
    c: 'C64',
    d: 'F8_E8M0',
    e: 'F4',
  });
  const back = await readBytes(bytes);
  for (const t of m.tensors) {
    const u = back.tensors.find((x) => x.name === t.name);
    assert.ok(u !== undefined);
    assert.equal(u.dtype, t.dtype);
    assert.deepEqual(await readTensorBytes(u), await readTensorBytes(t));
  }
  // int4 and complex128 have no safetensors dtype; F4 with an odd count ends mid-byte.
  await rejectsWith(
    writeBytes(model(tensorFromBytes('i', 'int4', [2], Uint8Array.of(0x21)))),
    'UNREPRESENTABLE',
  );
  await rejectsWith(writeBytes(model(tensorFromBytes('z', 'complex128', [1], f64(1, 2)))), 'UNREPRESENTABLE');
  await rejectsWith(
    writeBytes(model(tensorFromBytes('f', 'float4e2m1', [3], Uint8Array.of(0x21, 0x07)))),
    'UNREPRESENTABLE',
  );
});

test('npy: complex64 and complex128 from np.save read bit for bit, and np.load reads what nnport writes', async () => {
  const script = `
import numpy as np, sys
np.save(sys.argv[1], np.array([[1+2j, -0.0-1.5j], [np.nan+1j, np.inf-0.1j]], dtype=np.complex64))
np.save(sys.argv[2], np.array([1e-300+5e-324j, -2.5+0j], dtype=np.complex128))
`;
  const a = join(dir, 'c64.npy');
  const b = join(dir, 'c128.npy');
  execFileSync('/usr/bin/python3', ['-c', script, a, b]);
  const m64 = await readNpyBytes(new Uint8Array(readFileSync(a)));
  assert.equal(m64.tensors[0].dtype, 'complex64');
  assert.deepEqual(m64.tensors[0].shape, [2, 2]);
  assert.deepEqual(
    await readTensorBytes(m64.tensors[0]),
    f32(1, 2, -0, -1.5, Number.NaN, 1, Number.POSITIVE_INFINITY, -0.1),
  );
  const m128 = await readNpyBytes(new Uint8Array(readFileSync(b)));
  assert.equal(m128.tensors[0].dtype, 'complex128');
  assert.deepEqual(await readTensorBytes(m128.tensors[0]), f64(1e-300, 5e-324, -2.5, 0));
  // Written back: byte-identical to np.save's file, and np.load sees the same values.
  assert.deepEqual(await writeNpyBytes(m64), new Uint8Array(readFileSync(a)));
  const out = join(dir, 'out.npy');
  writeFileSync(out, await writeNpyBytes(m128));
  const seen = execFileSync(
    '/usr/bin/python3',
    ['-c', 'import numpy as np,sys;a=np.load(sys.argv[1]);print(a.dtype, repr(a.tolist()))', out],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(seen.trim(), 'complex128 [(1e-300+5e-324j), (-2.5+0j)]');
});

test('npy and pytorch refuse float8 and sub-byte tensors with UNREPRESENTABLE', async () => {
  for (const t of [
    tensorFromBytes('w8', 'float8e4m3fn', [2], Uint8Array.of(1, 2)),
    tensorFromBytes('w4', 'int4', [2], Uint8Array.of(0x21)),
  ]) {
    await rejectsWith(writeNpyBytes(model(t)), 'UNREPRESENTABLE');
    // biome-ignore lint/style/noNonNullAssertion: the pytorch plug-in writes
    await rejectsWith(pytorchFormat.write!(model(t), new MemoryTarget('x.pt'), {}), 'UNREPRESENTABLE');
  }
});

test('stats and diff decode float8, int4 and complex values', async () => {
  const s8 = await tensorStats(tensorFromBytes('a', 'float8e4m3fn', [3], Uint8Array.of(0x38, 0xb8, 0x7f)));
  assert.deepEqual([s8.min, s8.max, s8.nan], [-1, 1, 1]);
  const s4 = await tensorStats(tensorFromBytes('b', 'int4', [3], Uint8Array.of(0x8f, 0x07)));
  assert.deepEqual([s4.min, s4.max], [-8, 7]);
  const sc = await tensorStats(tensorFromBytes('c', 'complex64', [2], f32(3, 4, 0, 1)));
  assert.deepEqual([sc.min, sc.max], [1, 5]); // magnitudes
  const a = model(tensorFromBytes('w', 'int4', [3], Uint8Array.of(0x8f, 0x07)));
  const b = model(tensorFromBytes('w', 'int4', [3], Uint8Array.of(0x8f, 0x06)));
  const d = await diffModels(a, b);
  assert.equal(d.tensors[0].status, 'different');
  assert.equal(d.tensors[0].maxAbs, 1);
  assert.equal(d.tensors[0].worstIndex, 2);
  assert.equal((await diffModels(a, a)).tensors[0].status, 'equal');
  // Padding bits alone never count as a difference.
  const c = model(tensorFromBytes('w', 'int4', [3], Uint8Array.of(0x8f, 0x17)));
  assert.equal((await diffModels(a, c)).tensors[0].status, 'equal');
});
