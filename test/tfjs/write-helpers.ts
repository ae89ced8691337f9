/**
 * Helpers for the TF.js writer tests: write a model into memory, read the result back with
 * nnport's tfjs reader, lay it out in a temporary folder for the NumPy peer, and run graphs.
 */
import { resolve } from 'node:path';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { readTfjs } from '../../src/formats/tfjs/index.js';
import { writeTfjs } from '../../src/formats/tfjs/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { openInput, readModel } from '../../src/node.js';
import { inputOf, numpyReading, type RefTensor, writeBuilt } from './build.js';

/** The files a write produced: model.json's bytes and every shard by name. */
export interface Written {
  readonly json: Uint8Array;
  readonly files: Record<string, Uint8Array>;
  /** model.json parsed. */
  readonly doc: { [key: string]: unknown };
}

/** Writes `model` as TF.js into memory. */
export async function writeToMemory(model: Model, options: Record<string, unknown> = {}): Promise<Written> {
  const target = new MemoryTarget('out/model.json');
  await writeTfjs(model, target, options);
  const files: Record<string, Uint8Array> = {};
  for (const [k, v] of target.files) if (k !== '') files[k] = v;
  const json = target.bytes;
  return { json, files, doc: JSON.parse(new TextDecoder().decode(json)) as { [key: string]: unknown } };
}

/** Reads what `writeToMemory` produced with nnport's tfjs reader. */
export function readBack(w: Written): Promise<Model> {
  return readTfjs(inputOf(w));
}

/** The NumPy peer's reading of the written files (laid out in a temporary folder). */
export function numpyOf(w: Written): RefTensor[] {
  return numpyReading(writeBuilt(w));
}

/** Reads a shared fixture (path relative to ../shared/fixtures) with nnport. */
export async function readFixture(rel: string): Promise<Model> {
  return readModel(await openInput(resolve(process.cwd(), '../shared/fixtures', rel)));
}

/** Hex of every tensor's bytes, by name. */
export async function hexByName(model: Model): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of model.tensors) out.set(t.name, Buffer.from(await readTensorBytes(t)).toString('hex'));
  return out;
}

/** Deterministic float32 inputs for every graph input (unknown dims taken as 2). */
export function inputsFor(model: Model, seed: number): Record<string, ExecTensor> {
  const out: Record<string, ExecTensor> = {};
  let s = seed;
  for (const v of model.graph?.inputs ?? []) {
    const shape = (v.shape ?? []).map((d) => (typeof d === 'number' ? d : 2));
    const n = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      s = (s * 1103515245 + 12345) >>> 0;
      data[i] = (s / 2 ** 32) * 2 - 1;
    }
    out[v.name] = { dtype: 'float32', shape, data };
  }
  return out;
}

/** Runs both models' graphs on the same inputs; the outputs, in graph order. */
export async function runBoth(a: Model, b: Model, seed: number): Promise<[ExecTensor[], ExecTensor[]]> {
  const inputs = inputsFor(a, seed);
  const ra = await runGraph(a, inputs);
  const rb = await runGraph(b, inputs);
  return [Object.values(ra), Object.values(rb)];
}
