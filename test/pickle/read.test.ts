/**
 * Hermetic tests of the pickle reader: NumPy arrays in every layout NumPy pickles (C and Fortran
 * order, big-endian, protocol 5 buffers, `numpy._core` paths, scalars, strings, objects), shared
 * references, scikit-learn metadata, and one test per error code the reader raises, each input
 * built here with the assembler in helpers.ts.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTensorBytes } from '../../src/core/tensor.js';
import { OP } from '../../src/io/pickle/opcodes.js';
import { bytesOf, PickleBuilder, readPickleBytes, rejectsWith } from './helpers.js';

const f64 = (...v: number[]) => bytesOf(new Float64Array(v));
const f32 = (...v: number[]) => bytesOf(new Float32Array(v));
const i32 = (...v: number[]) => bytesOf(new Int32Array(v));

/** A pickle (protocol 3) of `{name: array}` with one NumPy array written by `write`. */
function oneArray(write: (b: PickleBuilder) => void, name = 'w'): Uint8Array {
  return new PickleBuilder()
    .proto(3)
    .dict([[name, write]])
    .stop()
    .done();
}

function structureOf(m: { metadata: Record<string, unknown> }): unknown {
  return (m.metadata.pickle as { structure: unknown }).structure;
}

describe('pickle reader: NumPy arrays', () => {
  it('names arrays by their dict keys and reads them zero-copy', async () => {
    const bytes = new PickleBuilder()
      .proto(3)
      .dict([
        ['coef', (b) => b.numpyArray('f8', [2, 2], f64(1, 2, 3, 4))],
        ['bias', (b) => b.numpyArray('f4', [2], f32(0.5, -0.5))],
      ])
      .stop()
      .done();
    const m = await readPickleBytes(bytes);
    assert.equal(m.format, 'pickle');
    assert.deepEqual(
      m.tensors.map((t) => [t.name, t.dtype, t.shape]),
      [
        ['coef', 'float64', [2, 2]],
        ['bias', 'float32', [2]],
      ],
    );
    const coef = await readTensorBytes(m.tensors[0]);
    assert.deepEqual(coef, f64(1, 2, 3, 4));
    assert.equal(coef.buffer, bytes.buffer, 'a window of the pickle bytes, not a copy');
    assert.deepEqual(structureOf(m), {
      $dict: [
        ['coef', { $tensor: 'coef' }],
        ['bias', { $tensor: 'bias' }],
      ],
    });
    assert.deepEqual((m.metadata.pickle as Record<string, unknown>).container, 'pickle');
  });

  it('transposes Fortran-order data to C order', async () => {
    // [[1, 2, 3], [4, 5, 6]] stored column by column.
    const m = await readPickleBytes(
      oneArray((b) => b.numpyArray('f4', [2, 3], f32(1, 4, 2, 5, 3, 6), { fortran: true })),
    );
    assert.deepEqual(await readTensorBytes(m.tensors[0]), f32(1, 2, 3, 4, 5, 6));
    assert.deepEqual(m.tensors[0].meta, { descr: '<f4', fortran_order: true });
  });

  it('swaps big-endian data, also in Fortran order', async () => {
    const be = (values: number[]) => {
      const out = new Uint8Array(values.length * 4);
      for (const [i, v] of values.entries()) new DataView(out.buffer).setInt32(i * 4, v, false);
      return out;
    };
    const m = await readPickleBytes(
      new PickleBuilder()
        .proto(2)
        .dict([
          ['c', (b) => b.numpyArray('i4', [3], be([1, -2, 3]), { order: '>' })],
          ['f', (b) => b.numpyArray('i4', [2, 2], be([1, 3, 2, 4]), { order: '>', fortran: true })],
        ])
        .stop()
        .done(),
    );
    assert.deepEqual(await readTensorBytes(m.tensors[0]), i32(1, -2, 3));
    assert.deepEqual(await readTensorBytes(m.tensors[1]), i32(1, 2, 3, 4));
    assert.deepEqual(m.tensors[0].meta, { descr: '>i4', fortran_order: false });
  });

  it("reads NumPy 2's numpy._core module paths", async () => {
    const m = await readPickleBytes(
      oneArray((b) => b.numpyArray('i4', [2], i32(7, 8), { core: 'numpy._core' })),
    );
    assert.deepEqual(await readTensorBytes(m.tensors[0]), i32(7, 8));
  });

  it('reads protocol 5 buffers (_frombuffer) and protocol 2 Latin-1 data (_codecs.encode)', async () => {
    const data = f64(1.5, -2);
    const bytes5 = new PickleBuilder()
      .proto(5)
      .global('numpy.core.numeric', '_frombuffer')
      .mark()
      .raw(OP.BYTEARRAY8, 16, 0, 0, 0, 0, 0, 0, 0, data)
      .numpyDType('f8')
      .ints([2])
      .str('C')
      .tuple()
      .op(OP.REDUCE)
      .stop()
      .done();
    const m5 = await readPickleBytes(bytes5);
    assert.deepEqual(await readTensorBytes(m5.tensors[0]), data);
    assert.equal(m5.tensors[0].name, 'x', 'a bare array is named after the file');

    let latin = '';
    for (const b of data) latin += String.fromCharCode(b);
    const m2 = await readPickleBytes(
      oneArray((b) =>
        b.numpyArray('f8', [2], (w) =>
          w.global('_codecs', 'encode').str(latin).str('latin1').op(OP.TUPLE2).op(OP.REDUCE),
        ),
      ),
    );
    assert.deepEqual(await readTensorBytes(m2.tensors[0]), data);
  });

  it('makes NumPy scalars 0-d tensors, but keeps scalars in lists as values', async () => {
    const scalar = (b: PickleBuilder, v: number) =>
      b.global('numpy.core.multiarray', 'scalar').numpyDType('f8').bytes(f64(v)).op(OP.TUPLE2).op(OP.REDUCE);
    const m = await readPickleBytes(
      new PickleBuilder()
        .proto(2)
        .dict([
          ['intercept_', (b) => scalar(b, 0.25)],
          ['loss_curve_', (b) => scalar(b.op(OP.EMPTY_LIST).mark(), 1.5).op(OP.APPENDS)],
        ])
        .stop()
        .done(),
    );
    assert.deepEqual(
      m.tensors.map((t) => [t.name, t.shape]),
      [['intercept_', []]],
    );
    assert.deepEqual(await readTensorBytes(m.tensors[0]), f64(0.25));
    const s = structureOf(m) as { $dict: [string, unknown][] };
    assert.deepEqual(s.$dict[1], ['loss_curve_', [{ $scalar: { $float: 1.5 }, dtype: 'float64' }]]);
  });

  it('gives an array shared through the memo one tensor, referenced twice', async () => {
    const bytes = new PickleBuilder()
      .proto(2)
      .dict([
        ['coefs_', (b) => b.op(OP.EMPTY_LIST).numpyArray('f8', [1], f64(3)).raw(OP.BINPUT, 9).op(OP.APPEND)],
        ['params', (b) => b.op(OP.EMPTY_LIST).raw(OP.BINGET, 9).op(OP.APPEND)],
      ])
      .stop()
      .done();
    const m = await readPickleBytes(bytes);
    assert.deepEqual(
      m.tensors.map((t) => t.name),
      ['coefs_.0'],
    );
    const s = structureOf(m) as { $dict: [string, unknown][] };
    assert.deepEqual(s.$dict[1], ['params', [{ $tensor: 'coefs_.0' }]]);
  });

  it('keeps string and object arrays in the structure as plain values, in C order', async () => {
    const utf32 = (...items: string[]) => {
      const out = new Uint8Array(items.length * 8);
      for (const [i, s] of items.entries()) {
        for (const [k, c] of [...s].entries()) {
          new DataView(out.buffer).setUint32(i * 8 + k * 4, c.codePointAt(0) as number, true);
        }
      }
      return out;
    };
    const m = await readPickleBytes(
      new PickleBuilder()
        .proto(3)
        .dict([
          // [['a', 'b'], ['c', 'é']] in Fortran order: a, c, b, é.
          [
            'names',
            (b) => b.numpyArray('U2', [2, 2], utf32('a', 'c', 'b', 'é'), { fortran: true, elsize: 8 }),
          ],
          [
            'objects',
            (b) =>
              b.numpyArray(
                'O8',
                [3],
                (w) => w.op(OP.EMPTY_LIST).mark().int(1).str('two').none().op(OP.APPENDS),
                {
                  order: '|',
                },
              ),
          ],
        ])
        .stop()
        .done(),
    );
    assert.equal(m.tensors.length, 0);
    const s = structureOf(m) as { $dict: [string, unknown][] };
    assert.deepEqual(s.$dict[0], [
      'names',
      {
        $array: [
          ['a', 'b'],
          ['c', 'é'],
        ],
        dtype: '<U2',
        shape: [2, 2],
      },
    ]);
    assert.deepEqual(s.$dict[1], ['objects', { $array: [1, 'two', null], dtype: '|O', shape: [3] }]);
  });
});

describe('pickle reader: scikit-learn metadata', () => {
  it('records class, version, parameters and the MLP output activation', async () => {
    const bytes = new PickleBuilder()
      .proto(2)
      .global('sklearn.neural_network._multilayer_perceptron', 'MLPRegressor')
      .op(OP.EMPTY_TUPLE)
      .op(OP.NEWOBJ)
      .dict([
        ['alpha', (b) => b.float(0.0001)],
        ['hidden_layer_sizes', (b) => b.int(5).op(OP.TUPLE1)],
        ['dtype', (b) => b.global('numpy', 'float32')],
        ['coefs_', (b) => b.op(OP.EMPTY_LIST).numpyArray('f4', [1, 1], f32(2)).op(OP.APPEND)],
        ['out_activation_', (b) => b.str('identity')],
        ['_sklearn_version', (b) => b.str('1.2.1')],
      ])
      .op(OP.BUILD)
      .stop()
      .done();
    const m = await readPickleBytes(bytes);
    assert.deepEqual(m.metadata.sklearn, {
      class: 'sklearn.neural_network._multilayer_perceptron.MLPRegressor',
      version: '1.2.1',
      params: { alpha: 0.0001, hidden_layer_sizes: [5], dtype: 'numpy.float32' },
      out_activation: 'identity',
    });
    assert.deepEqual(
      m.tensors.map((t) => t.name),
      ['coefs_.0'],
    );
  });
});

describe('pickle reader: errors', () => {
  const valid = oneArray((b) => b.numpyArray('f8', [2], f64(1, 2)));

  it('TRUNCATED: an empty file, and a pickle cut short', async () => {
    await rejectsWith(readPickleBytes(new Uint8Array(0)), 'TRUNCATED');
    await rejectsWith(readPickleBytes(valid.subarray(0, valid.length - 20)), 'TRUNCATED');
  });

  it('TRUNCATED: a length far beyond the file (BINUNICODE 0xffffffff)', async () => {
    await rejectsWith(
      readPickleBytes(Uint8Array.from([0x80, 2, OP.BINUNICODE, 0xff, 0xff, 0xff, 0xff, 0x61])),
      'TRUNCATED',
    );
  });

  it('LIMIT_EXCEEDED: a BINBYTES8 length beyond 2^53', async () => {
    await rejectsWith(
      readPickleBytes(Uint8Array.from([0x80, 4, OP.BINBYTES8, 0, 0, 0, 0, 0, 0, 0, 0x40, 0x2e])),
      'LIMIT_EXCEEDED',
    );
  });

  it('LIMIT_EXCEEDED: a shape with more than 2^53 elements', async () => {
    await rejectsWith(
      readPickleBytes(oneArray((b) => b.numpyArray('f8', [2 ** 30, 2 ** 30, 2 ** 30], f64()))),
      'LIMIT_EXCEEDED',
    );
  });

  it('INVALID_STRUCTURE: an unknown opcode', async () => {
    await rejectsWith(readPickleBytes(Uint8Array.from([0x80, 2, 0xff, 0x2e])), 'INVALID_STRUCTURE', {
      byte: 2,
    });
  });

  it('INVALID_STRUCTURE: data that does not fill the shape', async () => {
    await rejectsWith(
      readPickleBytes(oneArray((b) => b.numpyArray('f8', [3], f64(1, 2)))),
      'INVALID_STRUCTURE',
    );
  });

  it('INVALID_STRUCTURE: a list that contains itself', async () => {
    const b = new PickleBuilder()
      .proto(2)
      .op(OP.EMPTY_LIST)
      .raw(OP.BINPUT, 0)
      .raw(OP.BINGET, 0)
      .op(OP.APPEND)
      .stop();
    await rejectsWith(readPickleBytes(b.done()), 'INVALID_STRUCTURE');
  });

  it('UNSUPPORTED_VERSION: a protocol above 5', async () => {
    await rejectsWith(readPickleBytes(Uint8Array.from([0x80, 6, 0x4e, 0x2e])), 'UNSUPPORTED_VERSION');
  });

  it('UNSUPPORTED_DTYPE: complex numbers, and an object array holding an object', async () => {
    await rejectsWith(
      readPickleBytes(oneArray((b) => b.numpyArray('c32', [1], new Uint8Array(32)))),
      'UNSUPPORTED_DTYPE',
      {
        path: '$["w"]',
      },
    );
    const objects = oneArray((b) =>
      b.numpyArray(
        'O8',
        [1],
        (w) =>
          w
            .op(OP.EMPTY_LIST)
            .global('sklearn.preprocessing._data', 'StandardScaler')
            .op(OP.EMPTY_TUPLE)
            .op(OP.NEWOBJ)
            .op(OP.APPEND),
        { order: '|' },
      ),
    );
    await rejectsWith(readPickleBytes(objects), 'UNSUPPORTED_DTYPE', { path: '$["w"][0]' });
  });

  it('UNSAFE: a global outside the allow-list', async () => {
    await rejectsWith(
      readPickleBytes(
        new PickleBuilder()
          .proto(2)
          .global('os', 'system')
          .str('true')
          .op(OP.TUPLE1)
          .op(OP.REDUCE)
          .stop()
          .done(),
      ),
      'UNSAFE',
      { byte: 2 },
    );
  });

  it('UNSAFE: an allowed class used as a function it is not', async () => {
    await rejectsWith(
      readPickleBytes(
        new PickleBuilder()
          .proto(2)
          .global('numpy', 'float64')
          .str('1')
          .op(OP.TUPLE1)
          .op(OP.REDUCE)
          .stop()
          .done(),
      ),
      'UNSAFE',
    );
  });
});
