/**
 * npz: member naming, laziness of deflated members, detection, malformed archives and members.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTensorBytes } from '../../src/core/tensor.js';
import { buildNpyHeader } from '../../src/formats/npy/header.js';
import { detectNpz, npzFormat } from '../../src/formats/npz/index.js';
import { type ByteSource, BytesSource } from '../../src/io/byte-source.js';
import { openZip } from '../../src/io/zip/reader.js';
import { centralOffset, patch, zipOf } from '../zip/helpers.js';
import {
  concat,
  inputFromSource,
  modelOf,
  npyFile,
  readNpzBytes,
  rejectsWith,
  tensorBytes,
  tensorOf,
  writeNpzBytes,
} from './helpers.js';

/** Incompressible bytes from a fixed xorshift32 sequence. */
function pseudoRandomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = 2463534242;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

const u8npy = (...v: number[]) => concat(buildNpyHeader('uint8', [v.length]), Uint8Array.from(v));

test('members become tensors: .npy stripped, folders kept, others ignored and noted', async () => {
  const bytes = await zipOf([
    { name: 'a.npy', data: u8npy(1, 2) },
    { name: 'dir/', data: new Uint8Array(0) },
    { name: 'dir/b.npy', data: u8npy(3), method: 'deflated' },
    { name: 'README.txt', data: new TextEncoder().encode('hi') },
  ]);
  const m = await readNpzBytes(bytes);
  assert.equal(m.format, 'npz');
  assert.deepEqual(
    m.tensors.map((t) => t.name),
    ['a', 'dir/b'],
  );
  assert.deepEqual(m.metadata, { npz: { ignoredMembers: ['README.txt'] } });
  const data = await tensorBytes(m);
  assert.deepEqual(data.get('a'), Uint8Array.from([1, 2]));
  assert.deepEqual(data.get('dir/b'), Uint8Array.from([3]));
});

test('writes stored (default) and deflated (compress) members that read back', async () => {
  const ts = [
    tensorOf('w', 'float32', [2, 3], new Uint8Array(new Float32Array([1, 2, 3, 4, 5, Number.NaN]).buffer)),
    tensorOf('layer/ünï', 'int64', [], new Uint8Array(8).fill(0xff)),
    tensorOf('mask', 'bool', [0, 4], new Uint8Array(0)),
  ];
  for (const compress of [false, true]) {
    const bytes = await writeNpzBytes(modelOf(...ts), { compress });
    const zip = await openZip(new BytesSource(bytes));
    assert.deepEqual(
      zip.entries.map((e) => [e.name, e.method, (e.flags & 0x800) !== 0]),
      [
        ['w.npy', compress ? 8 : 0, false],
        ['layer/ünï.npy', compress ? 8 : 0, true],
        ['mask.npy', compress ? 8 : 0, false],
      ],
    );
    const back = await readNpzBytes(bytes);
    assert.deepEqual(
      back.tensors.map((t) => [t.name, t.dtype, t.shape]),
      ts.map((t) => [t.name, t.dtype, t.shape]),
    );
    const data = await tensorBytes(back);
    for (const t of ts) assert.deepEqual(data.get(t.name), await readTensorBytes(t));
  }
  await rejectsWith(writeNpzBytes(modelOf(...ts), { compress: 'maybe' }), 'USAGE');
});

test('UNREPRESENTABLE: NUL in a name, bfloat16 without widening', async () => {
  await rejectsWith(
    writeNpzBytes(modelOf(tensorOf('a\0b', 'uint8', [1], new Uint8Array(1)))),
    'UNREPRESENTABLE',
  );
  const bf = modelOf(tensorOf('h', 'bfloat16', [1], new Uint8Array(2)));
  await rejectsWith(writeNpzBytes(bf), 'UNREPRESENTABLE');
  const widened = await readNpzBytes(await writeNpzBytes(bf, { bfloat16: 'float32', compress: true }));
  assert.equal(widened.tensors[0].dtype, 'float32');
});

/** A source that counts the bytes read from it. */
function counting(bytes: Uint8Array): ByteSource & { readBytes: number } {
  const inner = new BytesSource(bytes, 'x.npz');
  const s = {
    name: inner.name,
    size: inner.size,
    readBytes: 0,
    read(offset: number, length: number) {
      s.readBytes += length;
      return inner.read(offset, length);
    },
  };
  return s;
}

test('deflated members inflate only their header until a tensor is read; stored ones are zero-copy', async () => {
  const big = pseudoRandomBytes(4_000_000);
  const model = modelOf(
    tensorOf('big', 'uint8', [big.length], big),
    tensorOf('small', 'uint8', [2], Uint8Array.from([4, 5])),
  );
  const compressed = await writeNpzBytes(model, { compress: true });
  const source = counting(compressed);
  // biome-ignore lint/style/noNonNullAssertion: the npz plug-in has a reader
  const m = await npzFormat.read!(inputFromSource(source, 'x.npz'), {});
  assert.ok(
    source.readBytes < 200_000,
    `read ${source.readBytes} of ${compressed.length} bytes to list tensors`,
  );
  assert.deepEqual(await readTensorBytes(m.tensors[0]), big);
  const stored = await writeNpzBytes(model);
  const sm = await readNpzBytes(stored);
  const data = await readTensorBytes(sm.tensors[0]);
  assert.equal(data.buffer, stored.buffer, 'stored member data is a window of the archive');
});

test('detection claims npz, not every zip', async () => {
  const probe = (name: string, head: Uint8Array) =>
    detectNpz({ name, head, size: head.length, isFolder: false });
  const npz = await zipOf([{ name: 'x.npy', data: u8npy(1) }]);
  const torch = await zipOf([{ name: 'archive/data.pkl', data: new Uint8Array(4) }]);
  assert.equal(probe('weights.bin', npz), 'content');
  assert.equal(probe('model.npz', torch), 'content');
  assert.equal(probe('model.pt', torch), undefined);
  assert.equal(probe('model.keras', torch), undefined);
  assert.equal(probe('empty.npz', await zipOf([])), 'content');
  assert.equal(probe('junk.npz', new Uint8Array(10)), 'name');
  assert.equal(probe('junk.bin', new Uint8Array(10)), undefined);
});

test('an empty npz is a model with no tensors', async () => {
  const m = await readNpzBytes(await writeNpzBytes(modelOf()));
  assert.deepEqual(m.tensors, []);
});

// ---------- malformed ----------

test('UNSUPPORTED_DTYPE names the member holding an object array', async () => {
  const obj = npyFile("{'descr': '|O', 'fortran_order': False, 'shape': (2,), }", new Uint8Array(20));
  const bytes = await zipOf([
    { name: 'ok.npy', data: u8npy(1) },
    { name: 'objs.npy', data: obj, method: 'deflated' },
  ]);
  const e = await rejectsWith(readNpzBytes(bytes), 'UNSUPPORTED_DTYPE');
  assert.match(e.message, /objs\.npy/);
});

test('INVALID_STRUCTURE: duplicate member names; bad CRC surfaces on the tensor read', async () => {
  await rejectsWith(
    readNpzBytes(
      await zipOf([
        { name: 'a.npy', data: u8npy(1) },
        { name: 'a.npy', data: u8npy(2) },
      ]),
    ),
    'INVALID_STRUCTURE',
  );
  // Large enough that listing inflates only the header: the CRC is checked on the first data read.
  const values = pseudoRandomBytes(100_000);
  const bytes = await zipOf([
    {
      name: 'a.npy',
      data: concat(buildNpyHeader('uint8', [values.length]), values),
      method: 'deflated',
      inMemory: true,
    },
  ]);
  const bad = patch(bytes, centralOffset(bytes) + 16, 0xdeadbeef);
  const m = await readNpzBytes(bad);
  await rejectsWith(readTensorBytes(m.tensors[0]), 'INVALID_STRUCTURE');
  // A small member inflates whole while its header is read, so the CRC is checked at once.
  const small = await zipOf([{ name: 'a.npy', data: u8npy(1, 2, 3), method: 'deflated', inMemory: true }]);
  await rejectsWith(readNpzBytes(patch(small, centralOffset(small) + 16, 0xdeadbeef)), 'INVALID_STRUCTURE');
});

test('member errors keep their codes: bad magic, truncation, unsupported method, bad zip', async () => {
  await rejectsWith(readNpzBytes(await zipOf([{ name: 'a.npy', data: new Uint8Array(20) }])), 'BAD_MAGIC');
  await rejectsWith(
    readNpzBytes(await zipOf([{ name: 'a.npy', data: u8npy(1, 2, 3).subarray(0, 66) }])),
    'TRUNCATED',
  );
  const bytes = await zipOf([{ name: 'a.npy', data: u8npy(1), inMemory: true }]);
  await rejectsWith(readNpzBytes(patch(bytes, centralOffset(bytes) + 10, 14, 2)), 'UNSUPPORTED_VERSION');
  await rejectsWith(readNpzBytes(new Uint8Array(64)), 'BAD_MAGIC');
  await rejectsWith(readNpzBytes(bytes.subarray(0, bytes.length - 5)), 'TRUNCATED');
  await rejectsWith(readNpzBytes(patch(bytes, centralOffset(bytes) + 42, 1 << 30)), 'INVALID_OFFSET');
});
