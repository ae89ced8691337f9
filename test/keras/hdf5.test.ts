/**
 * The h5wasm wrapper (src/io/hdf5) on files h5py writes: signature search, group walking,
 * attributes of each kind, dataset descriptions, float16 and big-endian raw reads compared with
 * h5py's bytes, row reads, and coded errors naming file and HDF5 path.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { NnportError } from '../../src/core/errors.js';
import { BytesSource } from '../../src/io/byte-source.js';
import {
  findHdf5Signature,
  Hdf5File,
  jsonAttribute,
  numberAttribute,
  stringAttribute,
  stringListAttribute,
  summarizeHdf5Message,
} from '../../src/io/hdf5/index.js';
import { rejectsWith } from '../assert-errors.js';
import { runPython } from '../npy/helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-hdf5-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const FILE = join(dir, 'kinds.h5');

// h5py writes every attribute and dataset kind the wrapper handles; the expected bytes of each
// dataset (C order, little-endian) come back as hex so the test compares with h5py's own reading.
const expected = JSON.parse(
  runPython([
    '-c',
    `
import sys, json, h5py, numpy as np
f = h5py.File(sys.argv[1], 'w')
f.attrs['vlen'] = 'héllo'
f.attrs['fixed'] = np.bytes_(b'fixed bytes')
f.attrs['list'] = [b'a', b'bc', b'def']
f.attrs['vlist'] = ['x', 'yz']
f.attrs['one'] = [b'only']
f.attrs['int'] = np.int64(-7)
f.attrs['big'] = np.uint64(2**60 + 1)
f.attrs['float'] = 2.5
f.attrs['matrix'] = np.arange(6, dtype=np.int32).reshape(2, 3)
f.attrs['json'] = json.dumps({'a': [1, 2], 'b': None})
f.attrs['badjson'] = '{nope'
f.attrs['empty'] = np.array([], dtype=np.float64)
f.attrs['half'] = np.float16(1.5)
f.attrs['utf8bytes'] = np.array(['dénse_1'.encode('utf8'), 'конв'.encode('utf8'), b'ok'])
f.attrs['utf8one'] = 'naïve €'.encode('utf8')
f.attrs.create('vascii', 'ä€'.encode('utf8'), dtype=h5py.string_dtype('ascii'))
g = f.create_group('g/inner')
g.attrs['x'] = 1
data = {
  'f16': (np.arange(12, dtype=np.float16).reshape(3, 4) / 3),
  'f16be': (np.arange(-6, 6, dtype=np.float16) / 7).astype('>f2'),
  'f32be': np.linspace(-1, 1, 10).astype('>f4'),
  'i16be': np.arange(-5, 5, dtype='>i2'),
  'u32': np.arange(7, dtype='<u4'),
  'u8': np.arange(5, dtype='u1'),
  'i8': np.arange(-3, 3, dtype='i1'),
  'scalar': np.array(3.25, dtype='>f8'),
  'flags': np.array([[True, False], [False, True]]),
  'empty': np.zeros((0, 4), np.float32),
}
for k, v in data.items():
  f[k] = v
f.create_dataset('g/zipped', data=np.arange(600, dtype=np.float32).reshape(60, 10), compression='gzip', compression_opts=9, chunks=(7, 3))
data['g/zipped'] = f['g/zipped'][()]
f['text'] = np.array([b'a', b'b'])
f.close()
out = {}
for k, v in data.items():
  a = np.asarray(v)
  if a.dtype.itemsize > 1: a = a.astype(a.dtype.newbyteorder('<'))
  out[k] = np.ascontiguousarray(a).tobytes().hex()
print(json.dumps(out))
`,
    FILE,
  ]),
) as Record<string, string>;

async function open(): Promise<Hdf5File> {
  return Hdf5File.open(new BytesSource(new Uint8Array(readFileSync(FILE)), 'kinds.h5'));
}

test('signature: found at 0 and at user-block offsets, not elsewhere', () => {
  const sig = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  for (const at of [0, 512, 1024, 2048]) {
    const head = new Uint8Array(4096);
    head.set(sig, at);
    assert.equal(findHdf5Signature(head), at);
  }
  const off = new Uint8Array(4096);
  off.set(sig, 100);
  assert.equal(findHdf5Signature(off), undefined);
  assert.equal(findHdf5Signature(new Uint8Array(4)), undefined);
});

test('groups and kinds', async () => {
  const file = await open();
  file.session((v) => {
    assert.deepEqual(
      v.children('/').sort(),
      [...Object.keys(expected).filter((k) => !k.includes('/')), 'g', 'text'].sort(),
    );
    assert.deepEqual(v.children('/g').sort(), ['inner', 'zipped']);
    assert.equal(v.kind('/g'), 'group');
    assert.equal(v.kind('/g/zipped'), 'dataset');
    assert.equal(v.kind('/nope'), 'missing');
  });
});

test('attributes: strings, lists, numbers, matrices, JSON-in-string', async () => {
  const file = await open();
  file.session((v) => {
    assert.equal(stringAttribute(v, '/', 'vlen'), 'héllo');
    assert.equal(stringAttribute(v, '/', 'fixed'), 'fixed bytes');
    assert.deepEqual(stringListAttribute(v, '/', 'list'), ['a', 'bc', 'def']);
    assert.deepEqual(stringListAttribute(v, '/', 'vlist'), ['x', 'yz']);
    assert.equal(stringAttribute(v, '/', 'one'), 'only');
    // h5py stores Python bytes (Keras's names and configs) as ASCII-typed strings; Keras decodes UTF-8
    assert.deepEqual(stringListAttribute(v, '/', 'utf8bytes'), ['dénse_1', 'конв', 'ok']);
    assert.equal(stringAttribute(v, '/', 'utf8one'), 'naïve €');
    assert.equal(stringAttribute(v, '/', 'vascii'), 'ä€');
    assert.deepEqual(stringListAttribute(v, '/', 'empty'), []);
    assert.equal(numberAttribute(v, '/', 'int'), -7);
    assert.equal(v.attribute('/', 'big'), (2n ** 60n + 1n).toString());
    assert.equal(numberAttribute(v, '/', 'float'), 2.5);
    assert.deepEqual(v.attribute('/', 'matrix'), [
      [0, 1, 2],
      [3, 4, 5],
    ]);
    assert.deepEqual(jsonAttribute(v, '/', 'json'), { a: [1, 2], b: null });
    assert.equal(numberAttribute(v, '/g/inner', 'x'), 1);
    assert.equal(v.attribute('/', 'absent'), undefined);
    assert.throws(
      () => jsonAttribute(v, '/', 'badjson'),
      (e: unknown) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE',
    );
    assert.throws(
      () => stringAttribute(v, '/', 'int'),
      (e: unknown) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE',
    );
    // h5wasm cannot decode a float16 attribute: coded, naming path@attribute
    assert.throws(
      () => v.attribute('/', 'half'),
      (e: unknown) =>
        e instanceof NnportError &&
        e.code === 'UNSUPPORTED_DTYPE' &&
        JSON.stringify(e.at) === '{"path":"/@half"}',
    );
  });
});

test('datasets: descriptions and bytes equal to h5py (float16, big-endian, gzip, bool, scalar, empty)', async () => {
  const file = await open();
  const types: Record<string, [string | undefined, string]> = {
    f16: ['float16', '<f2'],
    f16be: ['float16', '>f2'],
    f32be: ['float32', '>f4'],
    i16be: ['int16', '>i2'],
    u32: ['uint32', '<u4'],
    u8: ['uint8', '|u1'],
    i8: ['int8', '|i1'],
    scalar: ['float64', '>f8'],
    flags: ['bool', 'bool'],
    empty: ['float32', '<f4'],
    'g/zipped': ['float32', '<f4'],
  };
  file.session((v) => {
    for (const [k, hex] of Object.entries(expected)) {
      const info = v.dataset(`/${k}`);
      assert.deepEqual([info.dtype, info.storedType], types[k], k);
      assert.equal(Buffer.from(v.read(info)).toString('hex'), hex, k);
    }
    const zipped = v.dataset('/g/zipped');
    assert.deepEqual(zipped.chunks, [7, 3]);
    assert.deepEqual(zipped.filters, ['deflate']);
    assert.deepEqual(v.dataset('/scalar').shape, []);
    // rows 13..20 of the gzip-chunked matrix, across chunk borders
    const rows = v.readRows(zipped, 13, 7);
    assert.equal(Buffer.from(rows).toString('hex'), expected['g/zipped'].slice(13 * 80, 20 * 80));
    assert.throws(
      () => v.readRows(zipped, 55, 6),
      (e: unknown) => e instanceof NnportError && e.code === 'INVALID_OFFSET',
    );
    const text = v.dataset('/text');
    assert.equal(text.dtype, undefined);
    assert.throws(
      () => v.read(text),
      (e: unknown) => e instanceof NnportError && e.code === 'UNSUPPORTED_DTYPE',
    );
    assert.throws(
      () => v.dataset('/g'),
      (e: unknown) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE' && e.file === 'kinds.h5',
    );
  });
});

test('errors: BAD_MAGIC at byte 0, TRUNCATED, a corrupt superblock, HDF5 messages summarized', async () => {
  await rejectsWith(
    Hdf5File.open(new BytesSource(new TextEncoder().encode('plain text'), 't')),
    'BAD_MAGIC',
    { byte: 0 },
  );
  const whole = new Uint8Array(readFileSync(FILE));
  const cut = await rejectsWith(
    Hdf5File.open(new BytesSource(whole.subarray(0, 1500), 'cut.h5')),
    'TRUNCATED',
  );
  assert.equal(cut.file, 'cut.h5');
  const bad = whole.slice(0, 64);
  bad[8] = 99; // superblock version
  await rejectsWith(Hdf5File.open(new BytesSource(bad, 'bad.h5')), 'INVALID_STRUCTURE', { path: '/' });
  assert.equal(
    summarizeHdf5Message(
      'HDF5-DIAG: Error\n  #000: a.c line 1 in H5Fopen(): unable to open\n    major: x\n  #001: b.c line 2 in H5F__super_read(): truncated file: eof = 3\n',
    ),
    'H5Fopen: unable to open (H5F__super_read: truncated file: eof = 3)',
  );
  // the library still works after failures
  const file = await open();
  assert.equal(file.session((v) => v.children('/').length) > 0, true);
});
