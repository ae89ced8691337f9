/**
 * Shared by the MXNet writer tests (and meant for the reverse check once the symbol reader lands):
 * convert an ONNX file to an MXNet pair in a folder through the Node target, run an MXNet pair in
 * the NumPy interpreter peer (test/peers/mxnet-symbol-run.py), run an ONNX file in onnxruntime.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { WriteOptions } from '../../src/core/format.js';
import { paramsFileName, writeMxnet } from '../../src/formats/mxnet/write.js';
import { onnxFormat } from '../../src/formats/onnx/index.js';
import { openInput } from '../../src/node/file-source.js';
import { FileTarget } from '../../src/node/file-target.js';

/** Debian's Python with numpy and torch. */
export const PYTHON = '/usr/bin/python3';

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nnport-mxnet-write-'));
}

/** The paths of a written MXNet pair. */
export interface MxnetPair {
  readonly symbol: string;
  readonly params: string;
}

/**
 * Reads `onnxPath` with nnport and writes `<dir>/<prefix>-symbol.json` + `<dir>/<prefix>-0000.params`
 * through the Node target (so `createSibling` and commit are exercised). Warnings are collected
 * into `warnings` when given.
 */
export async function onnxToMxnet(
  onnxPath: string,
  dir: string,
  prefix: string,
  warnings: string[] = [],
  options: WriteOptions = {},
): Promise<MxnetPair> {
  const model = await (onnxFormat.read as NonNullable<typeof onnxFormat.read>)(await openInput(onnxPath), {});
  const symbol = join(dir, `${prefix}-symbol.json`);
  const target = new FileTarget(symbol, true);
  try {
    await writeMxnet(model, target, { ...options, onWarning: (w) => warnings.push(w) });
    await target.commit();
  } catch (e) {
    await target.abort();
    throw e;
  }
  return { symbol, params: join(dir, paramsFileName(symbol)) };
}

/** One input or output array. */
export interface Arr {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** Runs an MXNet pair in the NumPy interpreter peer; returns the heads' values. */
export function runMxnetPeer(pair: MxnetPair, feeds: Record<string, Arr>, dir: string): Arr[] {
  const feedPath = join(dir, `feeds-${Math.random().toString(16).slice(2)}.json`);
  writeFileSync(feedPath, JSON.stringify(feeds));
  const script = resolve(process.cwd(), 'test/peers/mxnet-symbol-run.py');
  const out = execFileSync(PYTHON, [script, pair.symbol, pair.params, feedPath], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  return JSON.parse(out) as Arr[];
}

/** Runs an ONNX file in onnxruntime on float32 feeds; returns the outputs in the model's order. */
export async function runOrt(onnxPath: string, feeds: Record<string, Arr>): Promise<Arr[]> {
  const session = await ort.InferenceSession.create(onnxPath);
  const inputs: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds))
    inputs[k] = new ort.Tensor('float32', Float32Array.from(v.data), [...v.shape]);
  const out = await session.run(inputs);
  const result = session.outputNames.map((n) => {
    const t = out[n] as ort.Tensor;
    return { shape: [...t.dims], data: Array.from(t.data as Float32Array, Number) };
  });
  await session.release();
  return result;
}

/** Asserts two arrays agree in shape and values within `tol` (absolute + relative). */
export function assertClose(actual: Arr, expected: Arr, tol = 1e-4, what = 'output'): void {
  assert.deepEqual(actual.shape, expected.shape, `${what} shape`);
  assert.equal(actual.data.length, expected.data.length);
  expected.data.forEach((e, i) => {
    const a = actual.data[i] as number;
    assert.ok(Math.abs(a - e) <= tol * (1 + Math.abs(e)), `${what}[${i}]: ${a} vs ${e}`);
  });
}

/** Deterministic pseudo-random float32 values in [-1, 1). */
export function seeded(n: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(Math.fround(s / 2 ** 31 - 1));
  }
  return out;
}

/** Makes sure torch is importable (the peer fails the test with the install command otherwise). */
export function requireTorch(): void {
  try {
    execFileSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'pipe' });
  } catch {
    assert.fail(`torch/numpy are missing for ${PYTHON}: apt-get install python3-torch python3-numpy`);
  }
}
