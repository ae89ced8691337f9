/**
 * Properties of the safetensors plug-in (fast-check):
 * - any bytes (random, and mutated valid files) give a Model or an NnportError, never another
 *   exception or a hang — tensor data included;
 * - random models (every dtype, empty and scalar tensors, any metadata) survive write → read
 *   bit for bit, the writer is deterministic and write(read(write(m))) == write(m);
 * - the same through sharded sets with random shard sizes.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { byteLengthOf, DTYPES, type DType } from '../../src/core/dtype.js';
import { NnportError } from '../../src/core/errors.js';
import type { JsonValue, Model } from '../../src/core/model.js';
import { elementCount, readTensorBytes, tensorFromBytes } from '../../src/core/tensor.js';
import { TO_SAFETENSORS } from '../../src/formats/safetensors/dtypes.js';
import { safetensorsFormat } from '../../src/formats/safetensors/index.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { buildFile, memoryInput, readBytes, snapshot, writeBytes } from './helpers.js';

/** Reads and touches every tensor's data; only NnportError may escape. */
async function readAnything(bytes: Uint8Array, skipUnsupported: boolean): Promise<void> {
  try {
    const m = await readBytes(bytes, { skipUnsupported });
    for (const t of m.tensors) {
      const b = await readTensorBytes(t);
      assert.equal(b.byteLength, byteLengthOf(t.dtype, elementCount(t.shape)));
    }
  } catch (e) {
    if (!(e instanceof NnportError)) throw e;
  }
}

const ST_DTYPES = ['BOOL', 'U8', 'I8', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F32', 'F64', 'I64', 'U64'];
const ODD_DTYPES = ['F8_E4M3', 'F4', 'F6_E3M2', 'C64', 'X', ''];

/** A header entry that is often valid and sometimes not. */
const entryArb = fc.record({
  dtype: fc.oneof(fc.constantFrom(...ST_DTYPES), fc.constantFrom(...ODD_DTYPES)),
  shape: fc.array(fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constantFrom(-1, 2 ** 40, 1.5)), {
    maxLength: 4,
  }),
  begin: fc.integer({ min: 0, max: 40 }),
  len: fc.integer({ min: 0, max: 40 }),
});

const nearValidFile = fc
  .tuple(
    fc.dictionary(fc.string({ maxLength: 4 }), entryArb, { maxKeys: 5, noNullPrototype: true }),
    fc.option(
      fc.dictionary(fc.string({ maxLength: 3 }), fc.oneof(fc.string(), fc.integer()), {
        noNullPrototype: true,
      }),
      { nil: undefined },
    ),
    fc.integer({ min: 0, max: 64 }),
    fc.boolean(),
  )
  .map(([entries, meta, dataLength, pad]) => {
    const header: Record<string, unknown> = {};
    if (meta !== undefined) header.__metadata__ = meta;
    for (const [k, e] of Object.entries(entries)) {
      header[k] = { dtype: e.dtype, shape: e.shape, data_offsets: [e.begin, e.begin + e.len] };
    }
    return buildFile(header, new Uint8Array(dataLength).fill(0xab), pad);
  });

const mutated = fc
  .tuple(
    nearValidFile,
    fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
    fc.nat(),
  )
  .map(([bytes, flips, cut]) => {
    const b = bytes.slice(0, bytes.length - (cut % 4 === 0 ? cut % bytes.length : 0));
    for (const [i, v] of flips) if (b.length > 0) b[i % b.length] = v;
    return b;
  });

describe('safetensors: any bytes give a model or a coded error', () => {
  it('random bytes', async () => {
    await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.boolean(), readAnything), {
      numRuns: 500,
    });
  });

  it('near-valid and mutated files', async () => {
    await fc.assert(fc.asyncProperty(fc.oneof(nearValidFile, mutated), fc.boolean(), readAnything), {
      numRuns: 1500,
    });
  });

  it('random index documents', async () => {
    const shard = buildFile({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1));
    const doc = fc.oneof(
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc
        .dictionary(
          fc.constantFrom('a', 'b', 'c'),
          fc.constantFrom('s.safetensors', 't.safetensors', '../x', 'a/b'),
          {
            noNullPrototype: true,
          },
        )
        .map((m) => JSON.stringify({ weight_map: m })),
    );
    await fc.assert(
      fc.asyncProperty(doc, async (text) => {
        const input = memoryInput(
          'model.safetensors.index.json',
          new TextEncoder().encode(text),
          new Map([['s.safetensors', shard]]),
        );
        try {
          // biome-ignore lint/style/noNonNullAssertion: the plug-in reads
          await safetensorsFormat.read!(input, {});
        } catch (e) {
          if (!(e instanceof NnportError)) throw e;
        }
      }),
      { numRuns: 300 },
    );
  });
});

// float4e2m1 (F4) is left out: an odd element count ends mid-byte, which safetensors refuses.
const DTYPE_NAMES = (Object.keys(DTYPES) as DType[]).filter(
  (d) => TO_SAFETENSORS[d] !== undefined && d !== 'float4e2m1',
);

/** Random models: every dtype, scalars and empty tensors, unique names, any metadata. */
const modelArb: fc.Arbitrary<Model> = fc
  .tuple(
    fc.uniqueArray(
      fc.record({
        name: fc.string({ unit: 'binary', maxLength: 10 }).filter((n) => n !== '__metadata__'),
        dtype: fc.constantFrom(...DTYPE_NAMES),
        shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
      }),
      { selector: (t) => t.name, maxLength: 8 },
    ),
    fc.dictionary(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.oneof(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 3 })),
      { maxKeys: 4, noNullPrototype: true },
    ),
  )
  .chain(([specs, metadata]) =>
    fc
      .tuple(...specs.map((s) => fc.uint8Array({ minLength: byteLength(s), maxLength: byteLength(s) })))
      .map((datas) => ({
        format: 'memory',
        metadata: metadata as Record<string, JsonValue>,
        tensors: specs.map((s, i) => tensorFromBytes(s.name, s.dtype, s.shape, datas[i])),
      })),
  );

function byteLength(s: { dtype: DType; shape: number[] }): number {
  return byteLengthOf(s.dtype, elementCount(s.shape));
}

describe('safetensors: round trips', () => {
  it('write → read is bit-exact; write is deterministic and idempotent', async () => {
    await fc.assert(
      fc.asyncProperty(modelArb, async (m) => {
        const bytes = await writeBytes(m);
        assert.deepEqual(await writeBytes(m), bytes, 'same input, same bytes');
        const back = await readBytes(bytes);
        assert.deepStrictEqual(back.metadata, m.metadata);
        assert.deepStrictEqual(await snapshot(back), await snapshot(m));
        assert.deepEqual(await writeBytes(back), bytes, 'write(read(write(m))) == write(m)');
      }),
      { numRuns: 300 },
    );
  });

  it('sharded write → read is bit-exact for any shard size', async () => {
    await fc.assert(
      // A set with no tensors has no shard the index points to, so nothing carries its metadata.
      fc.asyncProperty(
        modelArb.filter((m) => m.tensors.length > 0),
        fc.integer({ min: 1, max: 200 }),
        async (m, shardBytes) => {
          const target = new MemoryTarget('out');
          // biome-ignore lint/style/noNonNullAssertion: the plug-in writes
          await safetensorsFormat.write!(m, target, { shardBytes });
          const index = target.files.get('model.safetensors.index.json');
          assert.ok(index !== undefined);
          // biome-ignore lint/style/noNonNullAssertion: the plug-in reads
          const back = await safetensorsFormat.read!(
            memoryInput('model.safetensors.index.json', index, target.files),
            {},
          );
          assert.deepStrictEqual(back.metadata, m.metadata);
          assert.deepStrictEqual(await snapshot(back), await snapshot(m));
        },
      ),
      { numRuns: 150 },
    );
  });
});
