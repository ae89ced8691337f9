/**
 * npy reading: versions, dtypes, byte orders, Fortran order, the header literal parser, and one
 * malformed file per error code (built here, hermetic).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_HEADER_BYTES } from '../../src/core/limits.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { npyFormat } from '../../src/formats/npy/index.js';
import { PyDict, PyTuple, parsePyLiteral } from '../../src/formats/npy/literal.js';
import { tensorNameFromFile } from '../../src/formats/npy/read.js';
import type { ByteSource } from '../../src/io/byte-source.js';
import { inputFromSource, npyFile, readNpyBytes, rejectsWith } from './helpers.js';

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);

test('reads a v1.0 little-endian array zero-copy, named after the file', async () => {
  const file = npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }", f32(1, 2, 3, 4));
  const m = await readNpyBytes(file, 'dir/weights.npy');
  assert.equal(m.format, 'npy');
  assert.equal(m.tensors.length, 1);
  const t = m.tensors[0];
  assert.equal(t.name, 'weights');
  assert.equal(t.dtype, 'float32');
  assert.deepEqual(t.shape, [2, 2]);
  assert.equal(t.meta, undefined);
  const bytes = await readTensorBytes(t);
  assert.deepEqual(bytes, f32(1, 2, 3, 4));
  assert.equal(bytes.buffer, file.buffer, 'zero-copy window of the file');
});

test('versions 2.0 and 3.0 (UTF-8 header), Python 2 L suffixes, double quotes, trailing bytes', async () => {
  const v2 = npyFile(
    "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }",
    new Uint8Array([1, 0, 2, 0, 3, 0]),
    2,
  );
  assert.deepEqual((await readNpyBytes(v2)).tensors[0].shape, [3]);
  const v3 = npyFile("{'descr': '<u2', 'fortran_order': False, 'shape': (1,), } ", new Uint8Array([7, 0]), 3);
  assert.equal((await readNpyBytes(v3)).tensors[0].dtype, 'uint16');
  const py2 = npyFile('{"descr": "<i8", "fortran_order": False, "shape": (1L, 2L)}', new Uint8Array(16));
  assert.deepEqual((await readNpyBytes(py2)).tensors[0].shape, [1, 2]);
  // numpy.load reads exactly the bytes it needs and ignores the rest; so does nnport.
  const trailing = npyFile(
    "{'descr': '|u1', 'fortran_order': False, 'shape': (2,), }",
    new Uint8Array([1, 2, 99, 99]),
  );
  assert.deepEqual(await readTensorBytes((await readNpyBytes(trailing)).tensors[0]), new Uint8Array([1, 2]));
});

test('every dtype descr, with native and not-applicable order markers', async () => {
  const cases: [string, string, number][] = [
    ['<f8', 'float64', 8],
    ['<f4', 'float32', 4],
    ['<f2', 'float16', 2],
    ['|i1', 'int8', 1],
    ['<i1', 'int8', 1],
    ['<i2', 'int16', 2],
    ['<i4', 'int32', 4],
    ['<i8', 'int64', 8],
    ['|u1', 'uint8', 1],
    ['<u2', 'uint16', 2],
    ['<u4', 'uint32', 4],
    ['<u8', 'uint64', 8],
    ['|b1', 'bool', 1],
    ['?', 'bool', 1],
    ['=f4', 'float32', 4],
    ['f8', 'float64', 8],
    ['>i1', 'int8', 1],
  ];
  for (const [descr, dtype, size] of cases) {
    const file = npyFile(
      `{'descr': '${descr}', 'fortran_order': False, 'shape': (2,), }`,
      new Uint8Array(2 * size),
    );
    const t = (await readNpyBytes(file)).tensors[0];
    assert.equal(t.dtype, dtype, descr);
    assert.equal(t.meta, undefined, descr);
  }
});

test('big-endian data is swapped on read, per range, and recorded in meta', async () => {
  const be = new Uint8Array(12);
  const v = new DataView(be.buffer);
  [1.5, -2.25, 3e-40].forEach((x, i) => {
    v.setFloat32(i * 4, x, false);
  });
  const t = (await readNpyBytes(npyFile("{'descr': '>f4', 'fortran_order': False, 'shape': (3,), }", be)))
    .tensors[0];
  assert.deepEqual(t.meta, { descr: '>f4', fortran_order: false });
  assert.deepEqual(await readTensorBytes(t), f32(1.5, -2.25, 3e-40));
  assert.deepEqual(await t.data.read(5, 5), f32(1.5, -2.25, 3e-40).subarray(5, 10));
  const i8 = new Uint8Array(16);
  new DataView(i8.buffer).setBigInt64(0, -(2n ** 62n) - 1n, false);
  new DataView(i8.buffer).setBigUint64(8, 2n ** 64n - 1n, false);
  const ti = (await readNpyBytes(npyFile("{'descr': '>i8', 'fortran_order': False, 'shape': (2,), }", i8)))
    .tensors[0];
  const out = await readTensorBytes(ti);
  assert.equal(new DataView(out.buffer, out.byteOffset).getBigInt64(0, true), -(2n ** 62n) - 1n);
  assert.equal(new DataView(out.buffer, out.byteOffset).getBigInt64(8, true), -1n);
});

test('Fortran order is transposed to C order (1-, 2-, 4-, 8-byte, big-endian, rank 3)', async () => {
  // shape (2, 3), C order values 0..5; Fortran order stores columns: 0 3 1 4 2 5.
  const fOrder = [0, 3, 1, 4, 2, 5];
  for (const [descr, ctor] of [
    ['|u1', Uint8Array],
    ['<i2', Int16Array],
    ['<f4', Float32Array],
    ['<f8', Float64Array],
  ] as const) {
    const data = new Uint8Array(new ctor(fOrder).buffer);
    const t = (
      await readNpyBytes(npyFile(`{'descr': '${descr}', 'fortran_order': True, 'shape': (2, 3), }`, data))
    ).tensors[0];
    assert.deepEqual(t.meta, { descr, fortran_order: true });
    assert.deepEqual(await readTensorBytes(t), new Uint8Array(new ctor([0, 1, 2, 3, 4, 5]).buffer), descr);
  }
  const be = new Uint8Array(12);
  fOrder.forEach((x, i) => {
    new DataView(be.buffer).setInt16(i * 2, x, false);
  });
  const tb = (await readNpyBytes(npyFile("{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }", be)))
    .tensors[0];
  assert.deepEqual(await readTensorBytes(tb), new Uint8Array(new Int16Array([0, 1, 2, 3, 4, 5]).buffer));
  // shape (2, 2, 2): C index (i,j,k) = 4i + 2j + k sits at Fortran offset i + 2j + 4k.
  const f3 = new Uint8Array(8);
  for (let i = 0; i < 2; i++)
    for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) f3[i + 2 * j + 4 * k] = 4 * i + 2 * j + k;
  const t3 = (
    await readNpyBytes(npyFile("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 2, 2), }", f3))
  ).tensors[0];
  assert.deepEqual(await readTensorBytes(t3), Uint8Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
  // A Fortran vector is the same bytes as a C vector: read in place.
  const vec = (
    await readNpyBytes(
      npyFile("{'descr': '|u1', 'fortran_order': True, 'shape': (1, 3), }", Uint8Array.from([5, 6, 7])),
    )
  ).tensors[0];
  assert.deepEqual(await readTensorBytes(vec), Uint8Array.from([5, 6, 7]));
});

test('scalars and empty arrays', async () => {
  const scalar = (
    await readNpyBytes(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", new Uint8Array(8)))
  ).tensors[0];
  assert.deepEqual(scalar.shape, []);
  assert.equal(scalar.data.byteLength, 8);
  const empty = (await readNpyBytes(npyFile("{'descr': '<f4', 'fortran_order': True, 'shape': (0, 3), }")))
    .tensors[0];
  assert.deepEqual(empty.shape, [0, 3]);
  assert.equal((await readTensorBytes(empty)).length, 0);
});

test('the header literal parser', () => {
  const d = parsePyLiteral(
    "{'a': (1, 2,), \"b\": [True, None, 'x\\'y\\x41\\u00e9'], 'c': (5), 'd': (), 'e': -3}",
  );
  assert.ok(d instanceof PyDict);
  const a = d.entries.get('a');
  assert.ok(a instanceof PyTuple);
  assert.deepEqual(a.items, [1n, 2n]);
  assert.deepEqual(d.entries.get('b'), [true, null, "x'yAé"]);
  assert.equal(d.entries.get('c'), 5n);
  assert.deepEqual((d.entries.get('d') as PyTuple).items, []);
  assert.equal(d.entries.get('e'), -3n);
  for (const bad of [
    '{1: 2}',
    "{'a' 1}",
    "{'a': 1.5}",
    "{'a': x}",
    "{'a': '''x'''}",
    "{'a': 01}",
    "'unterminated",
    '(1 2)',
    '{} x',
  ]) {
    assert.throws(
      () => parsePyLiteral(bad),
      (e: Error & { code?: string }) => e.code === 'INVALID_STRUCTURE',
      bad,
    );
  }
});

test('tensor names from file names', () => {
  assert.equal(tensorNameFromFile('weights.npy'), 'weights');
  assert.equal(tensorNameFromFile('/a/b.c/x.y.npy'), 'x.y');
  assert.equal(tensorNameFromFile('C:\\m\\bias.NPY'), 'bias');
  assert.equal(tensorNameFromFile('noext'), 'noext');
  assert.equal(tensorNameFromFile('.npy'), 'array');
});

// ---------- malformed files, one per error code ----------

const HEADER = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";

test('BAD_MAGIC: no \\x93NUMPY', async () => {
  await rejectsWith(readNpyBytes(new TextEncoder().encode('not numpy at all')), 'BAD_MAGIC');
  const e = await rejectsWith(
    readNpyBytes(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x58, 1, 0, 0, 0])),
    'BAD_MAGIC',
  );
  assert.deepEqual(e.at, { byte: 5 });
});

test('UNSUPPORTED_VERSION: npy 4.0 and 1.1', async () => {
  const file = npyFile(HEADER, f32(1, 2, 3));
  const v4 = file.slice();
  v4[6] = 4;
  await rejectsWith(readNpyBytes(v4), 'UNSUPPORTED_VERSION');
  const v11 = file.slice();
  v11[7] = 1;
  await rejectsWith(readNpyBytes(v11), 'UNSUPPORTED_VERSION');
});

test('TRUNCATED: file ends in the magic, the length, the header, or the data', async () => {
  const file = npyFile(HEADER, f32(1, 2, 3));
  await rejectsWith(readNpyBytes(file.subarray(0, 4)), 'TRUNCATED');
  await rejectsWith(readNpyBytes(file.subarray(0, 9)), 'TRUNCATED');
  // header length beyond the file
  const e = await rejectsWith(readNpyBytes(file.subarray(0, 40)), 'TRUNCATED');
  assert.deepEqual(e.at, { byte: 8 });
  // data shorter than the shape needs
  const d = await rejectsWith(readNpyBytes(file.subarray(0, file.length - 1)), 'TRUNCATED');
  assert.deepEqual(d.at, { byte: file.length - 12 });
});

test('INVALID_STRUCTURE: bad dict syntax, keys, values, no newline', async () => {
  const bad = [
    "{'descr': '<f4', 'fortran_order': False, 'shape': (3,}",
    "{'descr': '<f4', 'shape': (3,), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'extra': 1}",
    "{'descr': '<f4', 'fortran_order': 0, 'shape': (3,), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': [3], }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (-3,), }",
    "{'descr': '<f4', 'fortran_order': False, 'shape': (True,), }",
    "{'descr': 4, 'fortran_order': False, 'shape': (3,), }",
    "['descr', 'fortran_order', 'shape']",
  ];
  for (const dict of bad) await rejectsWith(readNpyBytes(npyFile(dict, f32(1, 2, 3))), 'INVALID_STRUCTURE');
  await rejectsWith(readNpyBytes(npyFile(`${HEADER}  `, f32(1, 2, 3), 1, true)), 'INVALID_STRUCTURE');
  const e = await rejectsWith(
    readNpyBytes(npyFile("{'descr': '<f4', 'fortran_order': Flase, 'shape': (3,), }")),
    'INVALID_STRUCTURE',
  );
  assert.deepEqual(e.at, { byte: 10 + 34 });
});

test('LIMIT_EXCEEDED: shape overflow, huge header length, deep nesting, giant integers', async () => {
  await rejectsWith(
    readNpyBytes(
      npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }"),
    ),
    'LIMIT_EXCEEDED',
  );
  await rejectsWith(
    readNpyBytes(npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (9007199254740991,), }")),
    'LIMIT_EXCEEDED',
  );
  await rejectsWith(readNpyBytes(npyFile(`{'descr': ${'['.repeat(100)}`)), 'LIMIT_EXCEEDED');
  await rejectsWith(
    readNpyBytes(npyFile(`{'descr': '<f4', 'fortran_order': False, 'shape': (${'9'.repeat(60)},), }`)),
    'LIMIT_EXCEEDED',
  );
  // A v2 header claiming MAX_HEADER_BYTES + 1 in a (virtual) file big enough to hold it.
  const lead = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0, 0, 0, 0, 0]);
  new DataView(lead.buffer).setUint32(8, MAX_HEADER_BYTES + 1, true);
  const huge: ByteSource = {
    name: 'huge.npy',
    size: MAX_HEADER_BYTES * 2,
    read: (offset, length) => {
      const out = new Uint8Array(length);
      if (offset < lead.length) out.set(lead.subarray(offset, offset + length));
      return Promise.resolve(out);
    },
  };
  // biome-ignore lint/style/noNonNullAssertion: the npy plug-in has a reader
  await rejectsWith(npyFormat.read!(inputFromSource(huge, 'huge.npy'), {}), 'LIMIT_EXCEEDED');
});

test('UNSUPPORTED_DTYPE: object, strings, void/bfloat16, structured, complex, datetime, unknown', async () => {
  for (const descr of [
    "'|O'",
    "'O8'",
    "'|O8'",
    "'<U5'",
    "'|S3'",
    "'<V2'",
    "[('a', '<f4'), ('b', '<i8')]",
    "('<f4', (2,))",
    "'<c32'",
    "'>c8'",
    "'<M8[ns]'",
    "'<f16'",
    "'<x9'",
    "'float32'",
  ]) {
    const file = npyFile(`{'descr': ${descr}, 'fortran_order': False, 'shape': (3,), }`, new Uint8Array(64));
    await rejectsWith(readNpyBytes(file), 'UNSUPPORTED_DTYPE');
  }
  // An object array with no data at all is still refused as a dtype, never unpickled or sized.
  await rejectsWith(
    readNpyBytes(npyFile("{'descr': '|O', 'fortran_order': False, 'shape': (1000000,), }")),
    'UNSUPPORTED_DTYPE',
  );
});

test('detect: content by magic, name by extension', () => {
  const probe = (name: string, head: Uint8Array) =>
    npyFormat.detect({ name, head, size: head.length, isFolder: false });
  assert.equal(probe('x.bin', npyFile(HEADER)), 'content');
  assert.equal(probe('x.npy', new Uint8Array(3)), 'name');
  assert.equal(probe('x.bin', new Uint8Array(3)), undefined);
});
