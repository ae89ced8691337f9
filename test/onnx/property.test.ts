/** fast-check: any bytes (and any mutation of a valid model) → a Model or an NnportError, never another exception. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { addGraph, f32, lf, model, tensor } from './build.js';
import { readOnnxBytes } from './helpers.js';

async function readAll(bytes: Uint8Array): Promise<void> {
  try {
    const m = await readOnnxBytes(bytes, { 'w.bin': new Uint8Array(16) });
    for (const t of m.tensors) await readTensorBytes(t);
  } catch (e) {
    assert.ok(e instanceof NnportError, `not an NnportError: ${String(e)}`);
  }
}

test('property: arbitrary bytes', async () => {
  await fc.assert(fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), readAll), { numRuns: 500 });
});

test('property: mutated valid model', async () => {
  const good = model(addGraph(tensor('w', [2], 1, lf(9, f32([1, 2])))));
  await fc.assert(
    fc.asyncProperty(fc.nat(good.length - 1), fc.nat(255), async (i, v) => {
      const b = good.slice();
      b[i] = v;
      await readAll(b);
    }),
    { numRuns: 1000 },
  );
});
