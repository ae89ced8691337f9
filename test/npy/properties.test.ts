/**
 * fast-check properties: any bytes give a model or an NnportError (npy and npz, read fully), and
 * random tensors survive write → read bit-exactly (npy; npz stored and compressed).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { DTYPES, type DType, itemSize } from '../../src/core/dtype.js';
import { NnportError } from '../../src/core/errors.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, type Tensor } from '../../src/core/tensor.js';
import { isNumpyDType } from '../../src/formats/npy/descr.js';
import { transposeFortranToC } from '../../src/formats/npy/layout.js';
import {
  modelOf,
  npyFile,
  readNpyBytes,
  readNpzBytes,
  tensorOf,
  writeNpyBytes,
  writeNpzBytes,
} from './helpers.js';

const NPY_DTYPES = (Object.keys(DTYPES) as DType[]).filter(isNumpyDType);

const shapeArb = fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 4 });

/** A tensor of any npy dtype and shape with random content (bools are 0/1). */
const tensorArb = (name: fc.Arbitrary<string>): fc.Arbitrary<Tensor> =>
  fc
    .record({ name, dtype: fc.constantFrom(...NPY_DTYPES), shape: shapeArb })
    .chain(({ name: n, dtype, shape }) => {
      const count = shape.reduce((a, b) => a * b, 1);
      const length = count * itemSize(dtype);
      return fc
        .uint8Array({ minLength: length, maxLength: length })
        .map((bytes) => tensorOf(n, dtype, shape, dtype === 'bool' ? bytes.map((b) => b & 1) : bytes));
    });

async function sameTensors(a: Model, b: Model): Promise<void> {
  assert.deepEqual(
    b.tensors.map((t) => [t.name, t.dtype, t.shape]),
    a.tensors.map((t) => [t.name, t.dtype, t.shape]),
  );
  for (let i = 0; i < a.tensors.length; i++) {
    assert.deepEqual(await readTensorBytes(b.tensors[i]), await readTensorBytes(a.tensors[i]));
  }
}

test('property: npy write → read round trip is bit-exact for every dtype', async () => {
  await fc.assert(
    fc.asyncProperty(tensorArb(fc.constant('t')), async (t) => {
      const m = modelOf(t);
      await sameTensors(m, await readNpyBytes(await writeNpyBytes(m), 't.npy'));
    }),
    { numRuns: 200 },
  );
});

test('property: npz write → read round trip (stored and compressed) is bit-exact', async () => {
  const nameArb = fc.string({ maxLength: 12, unit: 'grapheme' }).filter((s) => !s.includes('\0'));
  await fc.assert(
    fc.asyncProperty(
      fc.uniqueArray(tensorArb(nameArb), { maxLength: 5, selector: (t) => t.name }),
      fc.boolean(),
      async (tensors, compress) => {
        const m = modelOf(...tensors);
        await sameTensors(m, await readNpzBytes(await writeNpzBytes(m, { compress })));
      },
    ),
    { numRuns: 100 },
  );
});

test('property: Fortran → C transpose matches the index formula', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }),
      fc.constantFrom(1, 2, 4, 8),
      (shape, size) => {
        const count = shape.reduce((a, b) => a * b, 1);
        const raw = Uint8Array.from({ length: count * size }, (_, i) => (i * 37 + 11) & 0xff);
        const out = transposeFortranToC(raw, shape, size);
        for (let c = 0; c < count; c++) {
          // C index → multi-index → Fortran offset
          let rest = c;
          let f = 0;
          const idx: number[] = [];
          for (let k = shape.length - 1; k >= 0; k--) {
            idx[k] = rest % shape[k];
            rest = Math.floor(rest / shape[k]);
          }
          let stride = 1;
          for (let k = 0; k < shape.length; k++) {
            f += idx[k] * stride;
            stride *= shape[k];
          }
          assert.deepEqual(out.subarray(c * size, (c + 1) * size), raw.subarray(f * size, (f + 1) * size));
        }
      },
    ),
  );
});

/** Reads a model and all of its tensors' data; any failure must be an NnportError. */
async function readFully(read: () => Promise<Model>): Promise<void> {
  try {
    const m = await read();
    for (const t of m.tensors) await readTensorBytes(t);
  } catch (e) {
    assert.ok(e instanceof NnportError, `not an NnportError: ${e instanceof Error ? e.stack : String(e)}`);
  }
}

/** Valid files with random byte edits and cuts. */
function mutations(valid: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc
    .tuple(
      fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }),
      fc.nat(valid.length),
      fc.boolean(),
    )
    .map(([edits, cut, doCut]) => {
      const b = valid.slice(0, doCut ? cut : valid.length);
      for (const [i, v] of edits) if (i < b.length) b[i] = v;
      return b;
    });
}

test('property: any bytes into the npy reader → a model or an NnportError', async () => {
  const valid = await writeNpyBytes(modelOf(tensorOf('x', 'int32', [2, 3], new Uint8Array(24).fill(1))));
  const fortran = npyFile(
    "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 3), }",
    new Uint8Array(12).fill(3),
  );
  const magic = Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);
  const headerText = fc
    .string({ maxLength: 80 })
    .map((s) => npyFile(`{'descr': ${s}, 'fortran_order': False, 'shape': (2,), }`, new Uint8Array(16)));
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc.uint8Array({ maxLength: 200 }).map((b) => Uint8Array.from([...magic, ...b])),
        mutations(valid),
        mutations(fortran),
        headerText,
      ),
      (bytes) => readFully(() => readNpyBytes(bytes)),
    ),
    { numRuns: 1000 },
  );
});

test('property: any bytes into the npz reader → a model or an NnportError', async () => {
  const model = modelOf(
    tensorOf('a', 'float32', [3], new Uint8Array(12).fill(9)),
    tensorOf('b/c', 'uint16', [2, 2], new Uint8Array(8).fill(2)),
  );
  const stored = await writeNpzBytes(model);
  const compressed = await writeNpzBytes(model, { compress: true });
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.uint8Array({ maxLength: 300 }), mutations(stored), mutations(compressed)),
      (bytes) => readFully(() => readNpzBytes(bytes)),
    ),
    { numRuns: 1000 },
  );
});
