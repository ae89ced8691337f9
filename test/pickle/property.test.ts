/**
 * Properties of the pickle reader: any bytes (raw, behind a PROTO header, zlib-compressed, or a
 * valid pickle with bytes flipped or cut) give a Model or an NnportError — never another
 * exception, never a hang; and any NumPy array, pickled in either order and byte order or
 * through a joblib wrapper, reads back as the same C-order values.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync } from 'node:zlib';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { OP } from '../../src/io/pickle/opcodes.js';
import { concat, PickleBuilder, readPickleBytes } from './helpers.js';

/** Reads and, on success, reads every tensor; anything thrown must be an NnportError. */
async function modelOrCodedError(bytes: Uint8Array): Promise<void> {
  try {
    const m = await readPickleBytes(bytes, 'fuzz.pkl');
    for (const t of m.tensors) await readTensorBytes(t);
  } catch (e) {
    assert.ok(e instanceof NnportError, `not an NnportError: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

/** A valid pickle with a few arrays, scalars and containers: a seed for mutations. */
function seedPickle(): Uint8Array {
  return new PickleBuilder()
    .proto(4)
    .global('sklearn.linear_model._logistic', 'LogisticRegression')
    .op(OP.EMPTY_TUPLE)
    .op(OP.NEWOBJ)
    .dict([
      ['C', (b) => b.float(1)],
      ['coef_', (b) => b.numpyArray('f8', [2, 2], new Uint8Array(32).fill(0x3f), { fortran: true })],
      [
        'classes_',
        (b) => b.numpyArray('U1', [2], Uint8Array.from([0x61, 0, 0, 0, 0x62, 0, 0, 0]), { elsize: 4 }),
      ],
      ['w', (b) => b.joblibArray('i2', [3], Uint8Array.from([1, 0, 2, 0, 3, 0]), { alignment: 16 })],
      ['l', (b) => b.op(OP.EMPTY_LIST).raw(OP.BINPUT, 1).raw(OP.BINGET, 1).op(OP.APPEND)],
    ])
    .op(OP.BUILD)
    .stop()
    .done();
}

describe('pickle reader properties', () => {
  it('any bytes: a Model or an NnportError', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), modelOrCodedError), { numRuns: 400 });
  });

  it('any opcode soup behind PROTO 4, and any zlib-compressed bytes: a Model or an NnportError', async () => {
    const opcodes = Object.values(OP);
    const soup = fc.array(fc.oneof(fc.constantFrom(...opcodes), fc.integer({ min: 0, max: 255 })), {
      maxLength: 200,
    });
    await fc.assert(
      fc.asyncProperty(soup, (ops) => modelOrCodedError(Uint8Array.from([0x80, 4, ...ops]))),
      { numRuns: 600 },
    );
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), (b) =>
        modelOrCodedError(new Uint8Array(deflateSync(concat(Uint8Array.from([0x80, 4]), b)))),
      ),
      { numRuns: 200 },
    );
  });

  it('a valid pickle with bytes flipped or cut: a Model or an NnportError', async () => {
    const seed = seedPickle();
    await modelOrCodedError(seed);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 0, max: 255 })), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.nat(seed.length),
        async (flips, cut) => {
          const b = seed.slice(0, Math.max(cut, 1));
          for (const [at, v] of flips) if (at < b.length) b[at] = v;
          await modelOrCodedError(b);
        },
      ),
      { numRuns: 800 },
    );
  });

  it('any array, in C or Fortran order, either byte order, plain or joblib: the same C-order values', async () => {
    const arb = fc.record({
      shape: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 0, maxLength: 3 }),
      kind: fc.constantFrom(['f8', 8], ['f4', 4], ['i2', 2], ['u1', 1], ['i8', 8]) as fc.Arbitrary<
        [string, number]
      >,
      fortran: fc.boolean(),
      bigEndian: fc.boolean(),
      joblib: fc.boolean(),
      seed: fc.integer(),
    });
    await fc.assert(
      fc.asyncProperty(arb, async ({ shape, kind: [code, size], fortran, bigEndian, joblib, seed }) => {
        const count = shape.reduce((n, d) => n * d, 1);
        const c = new Uint8Array(count * size).map((_, i) => (i * 31 + seed) & 0xff);
        // The stored bytes: reorder elements to Fortran order, then swap each when big-endian.
        const stored = new Uint8Array(c.length);
        const strides = shape.map((_, k) => shape.slice(k + 1).reduce((n, d) => n * d, 1));
        for (let f = 0; f < count; f++) {
          let rest = f;
          let ci = 0;
          for (let k = 0; k < shape.length; k++) {
            const d = shape[k] as number;
            const idx = fortran ? rest % d : 0;
            if (fortran) rest = Math.floor(rest / d);
            ci += idx * (strides[k] as number);
          }
          const from = (fortran ? ci : f) * size;
          for (let j = 0; j < size; j++)
            stored[f * size + j] = c[from + (bigEndian && size > 1 ? size - 1 - j : j)] as number;
        }
        const order = size === 1 ? '|' : bigEndian ? '>' : '<';
        const b = new PickleBuilder().proto(4);
        if (joblib) {
          b.global('joblib.numpy_pickle', 'NumpyArrayWrapper').op(OP.EMPTY_TUPLE).op(OP.NEWOBJ);
          b.dict([
            ['shape', (w) => w.ints(shape)],
            ['order', (w) => w.str(fortran ? 'F' : 'C')],
            ['dtype', (w) => w.numpyDType(code, order)],
          ]);
          b.op(OP.BUILD).raw(stored);
        } else {
          b.numpyArray(code, shape, stored, { fortran, order });
        }
        const m = await readPickleBytes(b.stop().done(), 'a.pkl');
        assert.deepEqual(m.tensors[0]?.shape, shape);
        assert.deepEqual(await readTensorBytes(m.tensors[0] as NonNullable<(typeof m.tensors)[0]>), c);
      }),
      { numRuns: 300 },
    );
  });
});
