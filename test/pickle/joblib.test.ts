/**
 * Hermetic tests of joblib files: `NumpyArrayWrapper` data after BUILD (with and without
 * joblib ≥ 1.2's alignment padding, C and Fortran order, object arrays as nested pickles), old
 * joblib's sibling files (`NDArrayWrapper` .npy, `ZNDArrayWrapper` z-files), and the compressed
 * containers (zlib, gzip, legacy `ZF`; bz2/xz/lzma/lz4 refused), with one test per error code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync, gzipSync } from 'node:zlib';
import { readTensorBytes } from '../../src/core/tensor.js';
import { adler32 } from '../../src/formats/pickle/compression.js';
import { OP } from '../../src/io/pickle/opcodes.js';
import { npyFile } from '../npy/helpers.js';
import { bytesOf, concat, PickleBuilder, readPickleBytes, rejectsWith } from './helpers.js';

const f64 = (...v: number[]) => bytesOf(new Float64Array(v));
const i16 = (...v: number[]) => bytesOf(new Int16Array(v));

/** joblib's dump of `[a, b]`: two wrappers in a list. */
function twoArrays(alignment: number | null | undefined, module?: string): Uint8Array {
  const b = new PickleBuilder().proto(4).op(OP.EMPTY_LIST).mark();
  const opts: { alignment?: number | null; module?: string } = {};
  if (alignment !== undefined) opts.alignment = alignment;
  if (module !== undefined) opts.module = module;
  b.joblibArray('f8', [3], f64(1, 2, 3), opts);
  b.joblibArray('i2', [2, 2], i16(1, 3, 2, 4), { ...opts, order: 'F' });
  return b.op(OP.APPENDS).stop().done();
}

async function expectTwoArrays(bytes: Uint8Array, name = 'm.joblib'): Promise<void> {
  const m = await readPickleBytes(bytes, name);
  assert.deepEqual(
    m.tensors.map((t) => [t.name, t.dtype, t.shape]),
    [
      ['0', 'float64', [3]],
      ['1', 'int16', [2, 2]],
    ],
  );
  assert.deepEqual(await readTensorBytes(m.tensors[0]), f64(1, 2, 3));
  assert.deepEqual(await readTensorBytes(m.tensors[1]), i16(1, 2, 3, 4));
  assert.equal((m.metadata.pickle as Record<string, unknown>).container, 'joblib');
}

/** A joblib ≤ 0.9 z-file: `ZF`, the length as hex left-justified to 19, then zlib data. */
function zfile(data: Uint8Array, declared = data.length): Uint8Array {
  const header = `ZF0x${declared.toString(16)}`.padEnd(21, ' ');
  return concat(new TextEncoder().encode(header), new Uint8Array(deflateSync(data)));
}

describe('joblib arrays', () => {
  it('reads data after the wrapper with joblib ≥ 1.2 alignment padding, and aligns it', async () => {
    const bytes = twoArrays(16);
    await expectTwoArrays(bytes);
    const m = await readPickleBytes(bytes);
    const data = await readTensorBytes(m.tensors[0]);
    assert.equal((data.byteOffset - bytes.byteOffset) % 16, 0, 'joblib aligned the data to 16 in the stream');
  });

  it('reads data without padding (joblib < 1.2: no key; a stream without tell(): None)', async () => {
    await expectTwoArrays(twoArrays(undefined));
    await expectTwoArrays(twoArrays(null));
  });

  it("reads scikit-learn's vendored sklearn.externals.joblib", async () => {
    await expectTwoArrays(twoArrays(undefined, 'sklearn.externals.joblib.numpy_pickle'));
  });

  it('reads an object array from the pickle joblib writes after its wrapper', async () => {
    const nested = new PickleBuilder()
      .proto(2)
      .numpyArray('O8', [2], (w) => w.op(OP.EMPTY_LIST).mark().str('a').int(2).op(OP.APPENDS), { order: '|' })
      .stop()
      .done();
    const bytes = new PickleBuilder()
      .proto(4)
      .dict([
        ['classes_', (b) => b.joblibArray('O8', [2], nested, { alignment: 16 })],
        ['w', (b) => b.joblibArray('f8', [1], f64(9), { alignment: 16 })],
      ])
      .stop()
      .done();
    const m = await readPickleBytes(bytes);
    assert.deepEqual(
      m.tensors.map((t) => t.name),
      ['w'],
    );
    const s = (m.metadata.pickle as { structure: { $dict: unknown[] } }).structure;
    assert.deepEqual(s.$dict[0], ['classes_', { $array: ['a', 2], dtype: '|O', shape: [2] }]);
  });

  it('INVALID_STRUCTURE: a joblib wrapper inside an object array pickle', async () => {
    const nested = new PickleBuilder().proto(2).joblibArray('f8', [1], f64(1)).stop().done();
    const bytes = new PickleBuilder().proto(4).joblibArray('O8', [1], nested).stop().done();
    await rejectsWith(readPickleBytes(bytes), 'INVALID_STRUCTURE');
  });

  it('TRUNCATED: array data cut short', async () => {
    const bytes = twoArrays(16);
    await rejectsWith(readPickleBytes(bytes.subarray(0, bytes.length - 12)), 'TRUNCATED');
  });
});

describe('old joblib sibling files', () => {
  const wrapper = (cls: string, entries: [string, (b: PickleBuilder) => void][]) =>
    new PickleBuilder()
      .proto(2)
      .global('joblib.numpy_pickle', cls)
      .op(OP.EMPTY_TUPLE)
      .op(OP.NEWOBJ)
      .dict(entries)
      .op(OP.BUILD)
      .stop()
      .done();

  it('reads NDArrayWrapper arrays from the .npy file beside the pickle', async () => {
    const pkl = wrapper('NDArrayWrapper', [
      ['filename', (b) => b.str('m.pkl_01.npy')],
      ['subclass', (b) => b.global('numpy', 'ndarray')],
    ]);
    const npy = npyFile("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", f64(4, 5));
    const m = await readPickleBytes(pkl, 'm.pkl', { 'm.pkl_01.npy': npy });
    assert.equal(m.tensors[0].name, 'm', 'a bare array is named after the pickle file');
    assert.deepEqual(await readTensorBytes(m.tensors[0]), f64(4, 5));
  });

  it('MISSING_FILE: the .npy file is not there', async () => {
    const pkl = wrapper('NDArrayWrapper', [['filename', (b) => b.str('gone.npy')]]);
    await rejectsWith(readPickleBytes(pkl, 'm.pkl'), 'MISSING_FILE');
  });

  it('reads ZNDArrayWrapper arrays from the z-file beside the pickle', async () => {
    const pkl = wrapper('ZNDArrayWrapper', [
      ['filename', (b) => b.str('m.pkl_01.npy.z')],
      ['init_args', (b) => b.global('numpy', 'ndarray').int(0).op(OP.TUPLE1).bytes([0x62]).op(OP.TUPLE3)],
      ['state', (b) => b.mark().int(1).ints([2]).numpyDType('i2').bool(false).tuple()],
    ]);
    const m = await readPickleBytes(pkl, 'm.pkl', { 'm.pkl_01.npy.z': zfile(i16(-1, 7)) });
    assert.deepEqual(await readTensorBytes(m.tensors[0]), i16(-1, 7));
  });
});

describe('compressed joblib files', () => {
  const plain = twoArrays(16);

  it('inflates zlib (joblib compress=3), gzip and legacy ZF files', async () => {
    await expectTwoArrays(new Uint8Array(deflateSync(plain, { level: 3 })));
    await expectTwoArrays(new Uint8Array(gzipSync(plain)));
    await expectTwoArrays(zfile(plain));
    const m = await readPickleBytes(new Uint8Array(deflateSync(plain)));
    assert.equal((m.metadata.pickle as Record<string, unknown>).compression, 'zlib');
  });

  it('INVALID_STRUCTURE: corrupt deflate data, a wrong ADLER-32, a wrong gzip CRC, a lying z-file', async () => {
    const z = new Uint8Array(deflateSync(plain));
    const corrupt = z.slice();
    corrupt[10] ^= 0xff;
    corrupt[11] ^= 0x55;
    await rejectsWith(readPickleBytes(corrupt), 'INVALID_STRUCTURE');
    const badAdler = z.slice();
    badAdler[badAdler.length - 1] ^= 1;
    await rejectsWith(readPickleBytes(badAdler), 'INVALID_STRUCTURE');
    const gz = new Uint8Array(gzipSync(plain));
    gz[gz.length - 8] ^= 1;
    await rejectsWith(readPickleBytes(gz), 'INVALID_STRUCTURE');
    await rejectsWith(readPickleBytes(zfile(plain, plain.length + 1)), 'INVALID_STRUCTURE');
    await rejectsWith(
      readPickleBytes(new TextEncoder().encode('ZF0xzz                 x')),
      'INVALID_STRUCTURE',
    );
  });

  it('INVALID_STRUCTURE: zlib data cut short', async () => {
    const z = new Uint8Array(deflateSync(plain));
    await rejectsWith(readPickleBytes(z.subarray(0, z.length - 30)), 'INVALID_STRUCTURE');
  });

  it('LIMIT_EXCEEDED: a z-file declaring more than MAX_INFLATED_BYTES', async () => {
    await rejectsWith(readPickleBytes(zfile(plain, 2 ** 40)), 'LIMIT_EXCEEDED');
  });

  it('UNSUPPORTED_VERSION: bz2, xz, lzma and lz4 compressed files name their compressor', async () => {
    for (const magic of [
      [0x42, 0x5a, 0x68, 0x39],
      [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0],
      [0x5d, 0, 0, 0x80],
      [0x04, 0x22, 0x4d, 0x18],
    ]) {
      const e = await rejectsWith(
        readPickleBytes(Uint8Array.from([...magic, 1, 2, 3, 4])),
        'UNSUPPORTED_VERSION',
      );
      assert.match(e.detail, /bz2|xz|lzma|lz4/);
    }
  });

  it('computes Adler-32 as RFC 1950 defines it', () => {
    assert.equal(adler32(new TextEncoder().encode('Wikipedia')), 0x11e60398);
    assert.equal(adler32(new Uint8Array(0)), 1);
    const big = new Uint8Array(100_000).fill(0xff);
    const z = new Uint8Array(deflateSync(big));
    assert.equal(adler32(big), new DataView(z.buffer, z.byteOffset).getUint32(z.length - 4, false));
  });
});
