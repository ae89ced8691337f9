/**
 * Test helpers for the nexport and Fiats formats: direct plug-in calls over bytes in memory,
 * small models of dense layers, the live Python peer and the fixture folder.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DType } from '../../src/core/dtype.js';
import type { FormatPlugin, ReadInput } from '../../src/core/format.js';
import type { Graph } from '../../src/core/graph.js';
import type { JsonValue, Model } from '../../src/core/model.js';
import { type Tensor, tensorFromArray } from '../../src/core/tensor.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { BytesSource } from '../../src/io/byte-source.js';

export { rejectsWith, sha256 } from '../assert-errors.js';

/** The repository root (tests run from dist/test/<area>/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The shared fixtures folder (absent on machines without ../shared). */
export const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures');

/** The two Fiats fixtures (docs: ../shared/fixtures/SOURCES.md, "fiats/"). */
export const FIATS_CURRENT = join(FIXTURES, 'fiats', 'e3sm-trunknet-tag-0.15.0', 'model_trunk.json');
export const FIATS_OLD = join(FIXTURES, 'fiats', 'e3sm-trunknet-nexport-v0.4.7', 'model_trunk.json');

/** A ReadInput over bytes in memory, with no siblings. */
export function memoryInput(name: string, bytes: Uint8Array): ReadInput {
  return {
    source: new BytesSource(bytes, name),
    name,
    isFolder: false,
    sibling: () => Promise.resolve(undefined),
    list: () => Promise.resolve([]),
  };
}

/** UTF-8 bytes of a string. */
export function utf8(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** Reads bytes or text with a plug-in directly (no registry). */
export function readWith(format: FormatPlugin, bytes: Uint8Array | string, name = 'm.json'): Promise<Model> {
  const b = typeof bytes === 'string' ? utf8(bytes) : bytes;
  // biome-ignore lint/style/noNonNullAssertion: the plug-ins under test all read
  return format.read!(memoryInput(name, b), {});
}

/** Writes a model with a plug-in directly; returns the text and the warnings it reported. */
export async function writeWith(
  format: FormatPlugin,
  model: Model,
  options: Record<string, unknown> = {},
): Promise<{ text: string; warnings: string[] }> {
  const warnings: string[] = [];
  const target = new MemoryTarget('out');
  // biome-ignore lint/style/noNonNullAssertion: the plug-ins under test all write
  await format.write!(model, target, { ...options, onWarning: (m: string) => warnings.push(m) });
  return { text: new TextDecoder().decode(target.bytes), warnings };
}

/** A float tensor from plain numbers. */
export function floats(
  name: string,
  shape: readonly number[],
  values: readonly number[],
  dtype: DType = 'float64',
): Tensor {
  if (dtype === 'float32') return tensorFromArray(name, 'float32', shape, Float32Array.from(values));
  return tensorFromArray(name, 'float64', shape, Float64Array.from(values));
}

/** Deterministic pseudo-random numbers in [-1, 1) (a linear congruential generator). */
export function randomValues(count: number, seed: number): number[] {
  let s = seed >>> 0;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.push(s / 2 ** 31 - 1);
  }
  return out;
}

/**
 * A model of dense layers named like a PyTorch state_dict: `prefix{i}.weight` [out, in] and
 * `prefix{i}.bias` [out], for widths [in, h1, ..., out].
 */
export function mlp(
  widths: readonly number[],
  options: {
    dtype?: DType;
    prefix?: string;
    metadata?: Record<string, JsonValue>;
    graph?: Graph;
    seed?: number;
  } = {},
): Model {
  const tensors: Tensor[] = [];
  const prefix = options.prefix ?? 'layers.';
  for (let i = 0; i + 1 < widths.length; i++) {
    const [n, m] = [widths[i], widths[i + 1]];
    tensors.push(
      floats(`${prefix}${i}.weight`, [m, n], randomValues(m * n, (options.seed ?? 7) + i), options.dtype),
    );
    tensors.push(
      floats(`${prefix}${i}.bias`, [m], randomValues(m, (options.seed ?? 7) + 100 + i), options.dtype),
    );
  }
  const model: Model = { format: 'memory', metadata: options.metadata ?? {}, tensors };
  return options.graph === undefined ? model : { ...model, graph: options.graph };
}

/** Path of Debian's Python, which has NumPy and PyTorch (the `python3` on PATH may not). */
export const PYTHON = '/usr/bin/python3';

const checked = new Set<string>();

/**
 * Runs a Python script (with `input` on its standard input) after checking that `modules` import.
 * A missing peer fails the test with the install command; it is never skipped (DESIGN §6).
 */
export function runPython(
  script: string,
  options: { args?: readonly string[]; modules?: readonly string[]; input?: string } = {},
): string {
  for (const module of options.modules ?? ['numpy']) {
    if (checked.has(module)) continue;
    try {
      execFileSync(PYTHON, ['-c', `import ${module}`], { stdio: 'pipe' });
    } catch (e) {
      const pkg =
        module === 'torch' ? 'python3-torch' : module === 'sklearn' ? 'python3-sklearn' : 'python3-numpy';
      assert.fail(
        `the ${module} peer is missing (${PYTHON} -c 'import ${module}': ${String(e)}); install it with: apt-get install ${pkg}`,
      );
    }
    checked.add(module);
  }
  return execFileSync(PYTHON, ['-c', script, ...(options.args ?? [])], {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    ...(options.input === undefined ? {} : { input: options.input }),
  });
}
