/**
 * Properties of the JSON plug-in (fast-check):
 * - random models (every dtype with random bits: NaN payloads, subnormals, -0, ±Infinity, int64
 *   and uint64 extremes; scalars and zero-size shapes; names with quotes, controls, lone
 *   surrogates and astral characters; metadata, tensor meta, graphs with every attribute type)
 *   survive write → read bit for bit, and the writer is deterministic;
 * - any bytes (random, JSON-like, and mutated valid documents) give a Model or an NnportError —
 *   also when every tensor's lazily parsed data is then read — never another exception or a hang.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { byteLengthOf } from '../../src/core/dtype.js';
import { NnportError } from '../../src/core/errors.js';
import { elementCount, readTensorBytes } from '../../src/core/tensor.js';
import { modelArb, normalizeGraph, tinyModel } from './json-fixtures.js';
import {
  assertSameTensors,
  fakeParallel,
  readJsonBytes,
  schemaValidator,
  writeJsonBytes,
  writeJsonText,
} from './json-helpers.js';

/** Reads and touches every tensor's data; only NnportError may escape. */
async function readAnything(bytes: Uint8Array): Promise<void> {
  try {
    const m = await readJsonBytes(bytes);
    for (const t of m.tensors) {
      const b = await readTensorBytes(t);
      assert.equal(b.byteLength, byteLengthOf(t.dtype, elementCount(t.shape)));
    }
  } catch (e) {
    if (!(e instanceof NnportError)) throw e;
  }
}

describe('JSON properties', () => {
  it('round-trips random models bit for bit, through documents the JSON Schema accepts', async () => {
    const validate = schemaValidator();
    await fc.assert(
      fc.asyncProperty(modelArb, async (model) => {
        const bytes = await writeJsonBytes(model);
        validate(JSON.parse(new TextDecoder().decode(bytes)));
        const back = await readJsonBytes(bytes);
        await assertSameTensors(back, model);
        assert.deepEqual(back.metadata, model.metadata);
        assert.deepEqual(back.graph, model.graph === undefined ? undefined : normalizeGraph(model.graph));
        assert.deepEqual(await writeJsonBytes(back), bytes);
      }),
      { numRuns: 300 },
    );
  });

  it('writes the same bytes with a (fake) worker pool', async () => {
    await fc.assert(
      fc.asyncProperty(modelArb, async (model) => {
        assert.deepEqual(
          await writeJsonBytes(model, { parallel: fakeParallel(2) }),
          await writeJsonBytes(model),
        );
      }),
      { numRuns: 30 },
    );
  });

  it('any bytes: a model or an NnportError, data included', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), async (bytes) => {
        await readAnything(bytes);
      }),
      { numRuns: 500 },
    );
  });

  it('JSON-like text: a model or an NnportError, data included', async () => {
    const unit = fc.constantFrom(
      ...'{}[]:, "0123456789-.eE\n'.split(''),
      '"format"',
      '"nnport"',
      '"version"',
      '1',
      '"tensors"',
      '"name"',
      '"dtype"',
      '"float32"',
      '"int64"',
      '"bool"',
      '"shape"',
      '"data"',
      '"meta"',
      '"NaN"',
      'true',
    );
    const prefix = '{"format": "nnport", "version": 1, "tensors": [{"name": "a", "dtype": ';
    await fc.assert(
      fc.asyncProperty(fc.string({ unit, maxLength: 60 }), fc.boolean(), async (text, withPrefix) => {
        await readAnything(new TextEncoder().encode(withPrefix ? prefix + text : text));
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated valid documents: a model or an NnportError, data included', async () => {
    const valid = await writeJsonText(tinyModel());
    const edit = fc.record({
      at: fc.nat({ max: valid.length }),
      remove: fc.nat({ max: 4 }),
      insert: fc.string({ unit: fc.constantFrom(...'[]{},:"0-1.5eNa\\ '.split('')), maxLength: 3 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(edit, { minLength: 1, maxLength: 3 }), async (edits) => {
        let text = valid;
        for (const { at, remove, insert } of edits) {
          const i = Math.min(at, text.length);
          text = text.slice(0, i) + insert + text.slice(i + remove);
        }
        await readAnything(new TextEncoder().encode(text));
      }),
      { numRuns: 1000 },
    );
  });
});
