/**
 * Hermetic TF.js models for the reader tests: a model.json and its shards built in memory (for
 * `memoryInput`) or written to a temporary folder (for the NumPy peer and the CLI), and the peer
 * itself (test/peers/tfjs-ref.py).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { memoryInput } from '../../src/api.js';
import type { ReadInput } from '../../src/core/format.js';
import { peerScript, runPython } from '../npy/helpers.js';

/** ../shared/fixtures/tfjs (tests run from the repository root), or undefined when absent. */
export function tfjsFixtures(): string | undefined {
  const d = resolve(process.cwd(), '../shared/fixtures/tfjs');
  return existsSync(d) ? d : undefined;
}

/** One manifest entry as a test writes it (any JSON, so broken entries can be built too). */
export type EntrySpec = Record<string, unknown>;

/** A model under construction: groups of entries, each group's data cut into shards. */
export interface ModelSpec {
  /** Per group: the entries and the group's whole data, cut at `cuts` (byte offsets) into shards. */
  readonly groups: readonly {
    readonly weights: readonly EntrySpec[];
    readonly data: Uint8Array;
    readonly cuts?: readonly number[];
    /** Shard names instead of `groupN-shardKofM.bin`. */
    readonly paths?: readonly string[];
  }[];
  /** Top-level members besides weightsManifest (default: a small layers-model). */
  readonly top?: Record<string, unknown>;
}

/** A built model: model.json's bytes and every shard by path. */
export interface BuiltModel {
  readonly json: Uint8Array;
  readonly files: Record<string, Uint8Array>;
}

/** Lays out the model as the converter would (write_weights.py shard names). */
export function buildModel(spec: ModelSpec): BuiltModel {
  const files: Record<string, Uint8Array> = {};
  const manifest = spec.groups.map((g, gi) => {
    const cuts = [0, ...(g.cuts ?? []), g.data.byteLength];
    const n = cuts.length - 1;
    const paths = g.paths ?? Array.from({ length: n }, (_, k) => `group${gi + 1}-shard${k + 1}of${n}.bin`);
    for (let k = 0; k < n && k < paths.length; k++) files[paths[k]] = g.data.slice(cuts[k], cuts[k + 1]);
    return { paths, weights: g.weights };
  });
  const top = spec.top ?? {
    format: 'layers-model',
    generatedBy: 'keras v2.7.0',
    convertedBy: 'TensorFlow.js Converter v3.11.0',
    modelTopology: { class_name: 'Sequential', config: { name: 'seq', layers: [] } },
  };
  const json = new TextEncoder().encode(JSON.stringify({ ...top, weightsManifest: manifest }));
  return { json, files };
}

/** The built model as an in-memory input named `model.json`. */
export function inputOf(built: BuiltModel): ReadInput {
  return memoryInput(built.json, 'model.json', built.files);
}

/** Temporary folders `writeBuilt` made, removed when the test process exits. */
const made: string[] = [];
process.on('exit', () => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});

/** Writes the built model into a new temporary folder; returns the model.json path. */
export function writeBuilt(built: BuiltModel): string {
  const dir = mkdtempSync(join(tmpdir(), 'nnport-tfjs-'));
  made.push(dir);
  for (const [p, bytes] of Object.entries(built.files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), bytes);
  }
  const path = join(dir, 'model.json');
  writeFileSync(path, built.json);
  return path;
}

/** Little-endian bytes of a typed array. */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

/** Concatenates byte arrays. */
export function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** What the NumPy peer reads for one tensor. */
export interface RefTensor {
  readonly name: string;
  readonly dtype: string;
  readonly shape: number[];
  readonly hex: string;
}

/** Runs test/peers/tfjs-ref.py on a model.json path. */
export function numpyReading(modelJson: string): RefTensor[] {
  const out = runPython([peerScript('tfjs-ref.py'), modelJson]);
  return (JSON.parse(out) as { tensors: RefTensor[] }).tensors;
}

/** Deterministic pseudo-random bytes (xorshift32), so failures reproduce. */
export function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}
