/**
 * Shared by the ONNX writer tests: write a model into a temporary folder through the Node target
 * (so `createSibling` and commit are exercised) and check it with the onnx package as the peer
 * (test/peers/onnx-check.py: onnx.checker.check_model full_check, initializers' sha256).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { WriteOptions } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, type Tensor } from '../../src/core/tensor.js';
import { writeOnnx } from '../../src/formats/onnx/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { FileTarget } from '../../src/node/file-target.js';

/** Debian's Python with numpy, onnx (and torch for the export tests). */
export const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install python3-onnx python3-numpy';

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nnport-onnx-write-'));
}

/** Writes `model` to `dir/name` with the Node target and commits it; returns the path. */
export async function writeFile(
  model: Model,
  dir: string,
  name: string,
  options: WriteOptions = {},
): Promise<string> {
  const path = join(dir, name);
  const target = new FileTarget(path, true);
  try {
    await writeOnnx(model, target, options);
    await target.commit();
  } catch (e) {
    await target.abort();
    throw e;
  }
  return path;
}

/** Writes `model` into memory; returns the target (files: '' and siblings). */
export async function writeMemory(
  model: Model,
  options: WriteOptions = {},
  name = 'model.onnx',
): Promise<MemoryTarget> {
  const target = new MemoryTarget(name);
  await writeOnnx(model, target, options);
  return target;
}

/** What the onnx peer reports for a file that passed the checker. */
export interface CheckReport {
  readonly ok: boolean;
  readonly external: boolean;
  readonly ir_version: number;
  readonly opsets: Record<string, number>;
  readonly initializers: { name: string; dtype: number; dims: number[]; sha256: string }[];
  readonly sparse: { name: string; dims: number[] }[];
  readonly nodes: string[];
  readonly metadata: Record<string, string>;
}

/** Asserts that the onnx package is there (a missing peer fails with the install command). */
export function requireOnnx(): void {
  if (!existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: ${INSTALL}`);
  try {
    execFileSync(PYTHON, ['-c', 'import onnx, numpy'], { stdio: 'pipe' });
  } catch {
    assert.fail(`the onnx package is missing for ${PYTHON}: ${INSTALL}`);
  }
}

/**
 * Runs onnx.checker on `path` (full check with shape inference unless `full` is false); fails the
 * test with the checker's message.
 */
export function onnxCheck(path: string, full = true): CheckReport {
  requireOnnx();
  const script = resolve(process.cwd(), 'test/peers/onnx-check.py');
  try {
    return JSON.parse(
      execFileSync(PYTHON, [script, path, ...(full ? [] : ['basic'])], {
        encoding: 'utf8',
        stdio: 'pipe',
        maxBuffer: 64 << 20,
      }),
    );
  } catch (e) {
    const err = e as { stderr?: string };
    return assert.fail(`onnx.checker refused ${path}:\n${err.stderr ?? String(e)}`);
  }
}

/** sha256 of a tensor's canonical bytes (what numpy's C-order tobytes gives). */
export async function tensorSha(t: Tensor): Promise<string> {
  return createHash('sha256')
    .update(await readTensorBytes(t))
    .digest('hex');
}
