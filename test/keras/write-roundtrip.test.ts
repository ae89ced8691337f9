/**
 * Keras → nnport → keras → nnport over the real files in ../shared/fixtures/keras and the
 * hermetic ones test/keras/make-files.py writes: layers, names, dtypes, shapes, bytes and configs
 * equal; h5py sees what Keras's loader would load.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { NnportError } from '../../src/core/errors.js';
import { halfToFloatBits } from '../../src/core/half-bits.js';
import type { JsonValue, Model } from '../../src/core/model.js';
import { readTensorBytes, type Tensor } from '../../src/core/tensor.js';
import { DEFAULT_KERAS_VERSION } from '../../src/formats/keras/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { rejectsWith, sha256 } from '../assert-errors.js';
import { REPO_ROOT, runPython } from '../npy/helpers.js';
import { check, dir, FIXTURES, readBack, writeFile, writeKerasModel } from './write-helpers.js';

/** The tensor's bytes as the Keras writer stores them (float16 widened exactly to float32). */
async function widenedBytes(t: Tensor): Promise<Uint8Array> {
  const bytes = await readTensorBytes(t);
  if (t.dtype !== 'float16') return bytes;
  const halves = new Uint16Array(bytes.slice().buffer);
  return new Uint8Array(Uint32Array.from(halves, halfToFloatBits).buffer);
}

/** Keras fixtures (real files) and the hermetic ones make-files.py writes. */
function kerasFiles(): string[] {
  const made = join(dir, 'made');
  mkdirSync(made, { recursive: true });
  runPython([resolve(REPO_ROOT, 'test/keras/make-files.py'), made]);
  const out = readdirSync(made)
    .filter((n) => /\.(h5|keras)$/.test(n))
    .map((n) => join(made, n));
  if (existsSync(FIXTURES)) out.push(...readdirSync(FIXTURES).map((n) => join(FIXTURES, n)));
  return out;
}

test('Keras → nnport → keras → nnport: names, dtypes, shapes, values, config bit for bit', async (t) => {
  if (!existsSync(FIXTURES)) t.diagnostic('../shared/fixtures absent: hermetic files only');
  let written = 0;
  for (const file of kerasFiles()) {
    const name = file.split('/').pop() as string;
    let first: Model;
    try {
      first = await readBack(file);
    } catch {
      continue; // files the reader refuses (its own tests cover them)
    }
    const unreadable = await Promise.all(first.tensors.map((x) => readTensorBytes(x))).then(
      () => undefined,
      (e: NnportError) => e.code,
    );
    if (unreadable !== undefined) {
      // a dataset the reader cannot decode (lzf): the writer fails with the reader's code
      await rejectsWith(writeKerasModel(first, new MemoryTarget(name), {}), unreadable);
      continue;
    }
    const out = await writeFile(first, `rt-${name}.h5`);
    written++;
    t.diagnostic(`round trip: ${name}`);
    const second = await readBack(out);
    const k1 = first.metadata.keras as Record<string, JsonValue>;
    const k2 = second.metadata.keras as Record<string, JsonValue>;
    assert.deepEqual(k2.modelConfig, k1.modelConfig, `${name}: model_config`);
    assert.equal(k2.format, k1.modelConfig === undefined ? 'h5-weights' : 'h5', name);
    if (k1.format === 'h5' || k1.format === 'h5-weights') {
      assert.deepEqual(k2.layers, k1.layers, `${name}: layers`);
      assert.equal(k2.kerasVersion, k1.kerasVersion ?? DEFAULT_KERAS_VERSION, name);
      assert.deepEqual(k2.trainingConfig, k1.trainingConfig, name);
    }
    // float16 and bool are stored widened (float32, uint8; recorded in the nnport attribute)
    const widened: Record<string, string> = { float16: 'float32', bool: 'uint8' };
    assert.deepEqual(
      second.tensors.map((x) => [x.dtype, x.shape]),
      first.tensors.map((x) => [widened[x.dtype] ?? x.dtype, x.shape]),
      name,
    );
    if (k1.format === 'h5' || k1.format === 'h5-weights') {
      assert.deepEqual(
        second.tensors.map((x) => x.name),
        first.tensors.map((x) => x.name),
        name,
      );
    }
    for (const [i, x] of second.tensors.entries()) {
      const y = first.tensors[i] as Tensor;
      assert.equal(sha256(await readTensorBytes(x)), sha256(await widenedBytes(y)), `${name}: ${y.name}`);
    }
    // h5py sees what Keras's loader would load
    const c = check(out);
    assert.equal(c.loader.root, k1.modelConfig === undefined ? '/' : '/model_weights', name);
    assert.deepEqual(c.loader.model_config, k1.modelConfig ?? null, name);
  }
  assert.ok(written >= 3, `round trips written: ${written}`);
});
