/**
 * The new dtypes (float8 ×5, float4e2m1, int4/uint4/int2/uint2, complex64/128) through the text
 * formats: JSON, CSV long, CSV matrix and TXT write them and read them back bit for bit, with
 * sub-byte tensors of odd lengths (a padding nibble) and sizes that span several text chunks.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { byteLengthOf, DTYPES, type DType } from '../../src/core/dtype.js';
import type { FormatPlugin } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, type Tensor, tensorFromBytes } from '../../src/core/tensor.js';
import { csvFormat } from '../../src/formats/csv/index.js';
import { jsonFormat } from '../../src/formats/json/index.js';
import { txtFormat } from '../../src/formats/txt/index.js';
import { CHUNK_VALUES } from '../../src/io/text/pipeline.js';
import { fileInput, folderInput, readWith, textOf, writeWith } from '../text-formats/csv-txt-helpers.js';

/** The dtypes added for ONNX. */
export const NEW_DTYPES: readonly DType[] = [
  'float8e4m3fn',
  'float8e4m3fnuz',
  'float8e5m2',
  'float8e5m2fnuz',
  'float8e8m0',
  'float4e2m1',
  'int4',
  'uint4',
  'int2',
  'uint2',
  'complex64',
  'complex128',
];

/** Deterministic pseudo-random bytes. */
function bytesFor(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let k = 0; k < n; k++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[k] = x & 0xff;
  }
  return out;
}

/** Canonical bytes of `count` elements: every pattern for 8-bit and sub-byte types, random bits otherwise; padding bits 0. */
function dataFor(dtype: DType, count: number, seed: number): Uint8Array {
  const bits = DTYPES[dtype].bits;
  const n = byteLengthOf(dtype, count);
  const out = bits <= 8 ? new Uint8Array(n) : bytesFor(n, seed);
  if (bits <= 8) {
    const perByte = 8 / bits;
    for (let i = 0; i < count; i++) {
      const v = (i + seed) % (1 << bits);
      out[Math.floor(i / perByte)] |= v << ((i % perByte) * bits);
    }
  }
  return out;
}

/** A model with each new dtype as a scalar, an odd-length vector, a matrix and an empty tensor. */
function newDtypeModel(): Model {
  const tensors: Tensor[] = [];
  for (const [k, dtype] of NEW_DTYPES.entries()) {
    tensors.push(tensorFromBytes(`${dtype}.scalar`, dtype, [], dataFor(dtype, 1, k + 3)));
    tensors.push(tensorFromBytes(`${dtype}.all`, dtype, [257], dataFor(dtype, 257, k)));
    tensors.push(tensorFromBytes(`${dtype}.m`, dtype, [3, 5], dataFor(dtype, 15, k + 7)));
    tensors.push(tensorFromBytes(`${dtype}.empty`, dtype, [2, 0], new Uint8Array(0)));
  }
  return { format: 'memory', metadata: {}, tensors };
}

async function assertSameTensors(actual: Model, expected: Model): Promise<void> {
  assert.deepEqual(
    actual.tensors.map((t) => [t.name, t.dtype, [...t.shape]]),
    expected.tensors.map((t) => [t.name, t.dtype, [...t.shape]]),
  );
  for (const [k, e] of expected.tensors.entries()) {
    const a = await readTensorBytes(actual.tensors[k]);
    assert.deepEqual(Buffer.from(a), Buffer.from(await readTensorBytes(e)), e.name);
  }
}

async function roundTrip(
  format: FormatPlugin,
  model: Model,
  options: Record<string, unknown> = {},
): Promise<Model> {
  const target = await writeWith(format, model, options, 'out');
  const single = target.files.get('');
  const input =
    single !== undefined && target.files.size === 1
      ? fileInput('out', single)
      : folderInput('out', new Map([...target.files].map(([k, v]) => [k, v])));
  return readWith(format, input);
}

for (const [id, format, options] of [
  ['json', jsonFormat, {}],
  ['csv', csvFormat, {}],
  ['csv matrix', csvFormat, { layout: 'matrix' }],
  ['txt', txtFormat, {}],
] as const) {
  test(`${id}: every new dtype round-trips bit for bit`, async () => {
    const model = newDtypeModel();
    await assertSameTensors(await roundTrip(format, model, options), model);
  });
}

test('sub-byte and complex tensors larger than a text chunk round-trip (chunks split on whole bytes)', async () => {
  const count = CHUNK_VALUES * 2 + 3;
  const tensors = (['int4', 'uint2', 'float4e2m1', 'complex64'] as const).map((d, k) =>
    tensorFromBytes(`big.${d}`, d, [count], dataFor(d, count, k + 1)),
  );
  const model: Model = { format: 'memory', metadata: {}, tensors };
  for (const format of [jsonFormat, txtFormat])
    await assertSameTensors(await roundTrip(format, model), model);
});

test('the spellings: complex as re+imj in CSV/TXT and [re, im] in JSON, int4 signed, float8 shortest', async () => {
  const c = new Float32Array([1.5, -0, Number.NaN, Number.POSITIVE_INFINITY]);
  const model: Model = {
    format: 'memory',
    metadata: {},
    tensors: [
      tensorFromBytes('c', 'complex64', [2], new Uint8Array(c.buffer)),
      tensorFromBytes('i', 'int4', [3], Uint8Array.of(0x8f, 0x07)),
      tensorFromBytes('f', 'float8e4m3fn', [4], Uint8Array.of(0x38, 0x7e, 0xff, 0x80)),
    ],
  };
  const txt = textOf((await writeWith(txtFormat, model)).files.get('') ?? new Uint8Array(0));
  assert.match(txt, /1\.5-0j NaN\+Infinityj/);
  assert.match(txt, /-1 -8 7/);
  assert.match(txt, /1 450 NaN\(0xff\) -0/);
  const json = textOf((await writeWith(jsonFormat, model)).files.get('') ?? new Uint8Array(0));
  assert.match(json, /\[\s*\[1\.5, -0\],\s*\["NaN", "Infinity"\]\s*\]/);
});
