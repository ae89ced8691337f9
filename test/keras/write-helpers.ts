/**
 * Shared by test/keras/write*.test.ts: the h5py check (test/peers/keras-h5-check.py, which repeats
 * Keras's legacy loader), writing with the keras plug-in into a temporary folder, reading back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import type { DType } from '../../src/core/dtype.js';
import type { JsonValue, Model } from '../../src/core/model.js';
import { type Tensor, tensorFromBytes } from '../../src/core/tensor.js';
import { kerasFormat } from '../../src/formats/keras/index.js';
import { readKeras } from '../../src/formats/keras/read.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { memoryInput, peerScript, REPO_ROOT, runPython } from '../npy/helpers.js';

/** The real Keras files. */
export const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures', 'keras');
/** The built CLI. */
export const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
/** The keras plug-in's writer (it has one). */
export const writeKerasModel = kerasFormat.write as NonNullable<typeof kerasFormat.write>;
/** A temporary folder for the test file importing this, removed after it. */
export const dir = mkdtempSync(join(tmpdir(), 'nnport-kwrite-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** One attribute as h5py reads it. */
export interface AttrInfo {
  dtype: string;
  shape: number[];
  value: JsonValue;
}
/** What keras-h5-check.py reports. */
export interface Check {
  attrs: Record<string, Record<string, AttrInfo>>;
  datasets: Record<string, { dtype: string; shape: number[]; sha256: string }>;
  values: Record<string, number[] | number[][]>;
  loader: {
    root: string;
    keras_version: string;
    backend: string | null;
    model_config: JsonValue;
    layers: [string, [string, string, number[]][]][];
  };
}

/** h5py's view of `path` (and the values of `values` datasets as float64 lists). */
export function check(path: string, values: readonly string[] = []): Check {
  return JSON.parse(runPython([peerScript('keras-h5-check.py'), path, ...values])) as Check;
}

/** Writes `model` with the keras plug-in into the test folder as `name`; returns the path. */
export async function writeFile(model: Model, name: string): Promise<string> {
  const target = new MemoryTarget(name);
  await writeKerasModel(model, target, {});
  const path = join(dir, name);
  writeFileSync(path, target.bytes);
  return path;
}

/** Reads a Keras file with nnport. */
export async function readBack(path: string): Promise<Model> {
  return readKeras(memoryInput(path, new Uint8Array(readFileSync(path))));
}

/** Little-endian bytes of `values` as `dtype` (float16: the raw bit patterns). */
export function bytesOf(dtype: DType, values: number[]): Uint8Array {
  const arrays: Partial<Record<DType, (v: number[]) => ArrayBufferView>> = {
    int8: (v) => Int8Array.from(v),
    uint8: (v) => Uint8Array.from(v),
    int16: (v) => Int16Array.from(v),
    uint16: (v) => Uint16Array.from(v),
    int32: (v) => Int32Array.from(v),
    uint32: (v) => Uint32Array.from(v),
    int64: (v) => BigInt64Array.from(v.map(BigInt)),
    uint64: (v) => BigUint64Array.from(v.map(BigInt)),
    float32: (v) => Float32Array.from(v),
    float64: (v) => Float64Array.from(v),
    float16: (v) => Uint16Array.from(v),
  };
  const a = (arrays[dtype] as (v: number[]) => ArrayBufferView)(values);
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A tensor in memory. */
export function tensor(name: string, dtype: DType, shape: number[], values: number[]): Tensor {
  return tensorFromBytes(name, dtype, shape, bytesOf(dtype, values));
}

/** numpy's dtype.str of each nnport dtype h5wasm writes. */
export const NUMPY: Partial<Record<DType, string>> = {
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
  float32: '<f4',
  float64: '<f8',
};
