/**
 * Test helpers for the nnport JSON format: in-memory read and write through the plug-in directly,
 * random models, and bit-exact comparison of models.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { type ErrorCode, NnportError } from '../../src/core/errors.js';
import type { ReadInput, ReadOptions } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { jsonFormat } from '../../src/formats/json/index.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { type ByteSource, BytesSource } from '../../src/io/byte-source.js';

/** A ReadInput over bytes in memory, with no siblings. */
export function memoryInput(name: string, bytes: Uint8Array): ReadInput {
  return {
    source: new BytesSource(bytes, name),
    name,
    isFolder: false,
    sibling(): Promise<ByteSource | undefined> {
      return Promise.resolve(undefined);
    },
    list(): Promise<readonly string[]> {
      return Promise.resolve([]);
    },
  };
}

/** Reads JSON text or bytes with the plug-in directly (no registry). */
export function readJsonBytes(bytes: Uint8Array | string, options: ReadOptions = {}): Promise<Model> {
  const b = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
  // biome-ignore lint/style/noNonNullAssertion: the JSON plug-in has a reader
  return jsonFormat.read!(memoryInput('m.json', b), options);
}

/** Writes a model as one nnport JSON document and returns the bytes. */
export async function writeJsonBytes(
  model: Model,
  options: Record<string, unknown> = {},
): Promise<Uint8Array> {
  const target = new MemoryTarget('out.json');
  // biome-ignore lint/style/noNonNullAssertion: the JSON plug-in has a writer
  await jsonFormat.write!(model, target, options);
  return target.bytes;
}

/** Writes a model and returns the text. */
export async function writeJsonText(model: Model, options: Record<string, unknown> = {}): Promise<string> {
  return new TextDecoder().decode(await writeJsonBytes(model, options));
}

/** The out-of-order in-thread ParallelText the CSV/TXT tests use too. */
export { fakeParallel } from './csv-txt-helpers.js';

/** Asserts that `work` rejects with an NnportError of `code`; returns the error. */
export async function rejectsWith(work: Promise<unknown>, code: ErrorCode): Promise<NnportError> {
  try {
    await work;
  } catch (e) {
    assert.ok(e instanceof NnportError, `expected NnportError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`expected NnportError ${code}, but it succeeded`);
}

/** Reads a model and every tensor's bytes (so lazy parse errors surface). */
export async function readFully(bytes: Uint8Array | string, options: ReadOptions = {}): Promise<Model> {
  const m = await readJsonBytes(bytes, options);
  for (const t of m.tensors) await readTensorBytes(t);
  return m;
}

/** Asserts two models hold the same names, dtypes, shapes, meta and bytes (bit for bit). */
export async function assertSameTensors(actual: Model, expected: Model): Promise<void> {
  assert.equal(actual.tensors.length, expected.tensors.length);
  for (let i = 0; i < expected.tensors.length; i++) {
    const a = actual.tensors[i];
    const e = expected.tensors[i];
    assert.equal(a.name, e.name);
    assert.equal(a.dtype, e.dtype);
    assert.deepEqual(a.shape, e.shape);
    assert.deepEqual(a.meta, e.meta);
    assert.deepEqual(await readTensorBytes(a), await readTensorBytes(e), `bytes of ${e.name}`);
  }
}

/** The schema in docs/formats, compiled by ajv in strict mode. */
export function schemaValidator(): (doc: unknown) => void {
  const schema = JSON.parse(readFileSync(join(process.cwd(), 'docs/formats/nnport.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: true });
  const validate = ajv.compile(schema);
  return (doc) => {
    if (!validate(doc))
      assert.fail(`schema errors: ${JSON.stringify(validate.errors?.slice(0, 5), null, 1)}`);
  };
}
