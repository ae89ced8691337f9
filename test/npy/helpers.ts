/**
 * Test helpers for npy, npz and zip: in-memory inputs, direct plug-in calls, the live NumPy peer
 * and small byte builders.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DType } from '../../src/core/dtype.js';
import type { ReadInput } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, type Tensor, tensorFromBytes } from '../../src/core/tensor.js';
import { npyFormat } from '../../src/formats/npy/index.js';
import { npzFormat } from '../../src/formats/npz/index.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { type ByteSource, BytesSource } from '../../src/io/byte-source.js';

/** The repository root (tests run from dist/test/<area>/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A ReadInput over bytes in memory, with no siblings. */
export function memoryInput(name: string, bytes: Uint8Array): ReadInput {
  return inputFromSource(new BytesSource(bytes, name), name);
}

/** A ReadInput over any source, with no siblings. */
export function inputFromSource(source: ByteSource, name: string): ReadInput {
  return {
    source,
    name,
    isFolder: false,
    sibling: () => Promise.resolve(undefined),
    list: () => Promise.resolve([]),
  };
}

/** Reads npy bytes with the plug-in directly. */
export function readNpyBytes(bytes: Uint8Array, name = 'x.npy'): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the npy plug-in has a reader
  return npyFormat.read!(memoryInput(name, bytes), {});
}

/** Reads npz bytes with the plug-in directly. */
export function readNpzBytes(bytes: Uint8Array, name = 'x.npz'): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the npz plug-in has a reader
  return npzFormat.read!(memoryInput(name, bytes), {});
}

/** Writes a model as npy and returns the bytes. */
export async function writeNpyBytes(
  model: Model,
  options: Record<string, unknown> = {},
): Promise<Uint8Array> {
  const target = new MemoryTarget('out.npy');
  // biome-ignore lint/style/noNonNullAssertion: the npy plug-in has a writer
  await npyFormat.write!(model, target, options);
  return target.bytes;
}

/** Writes a model as npz and returns the bytes. */
export async function writeNpzBytes(
  model: Model,
  options: Record<string, unknown> = {},
): Promise<Uint8Array> {
  const target = new MemoryTarget('out.npz');
  // biome-ignore lint/style/noNonNullAssertion: the npz plug-in has a writer
  await npzFormat.write!(model, target, options);
  return target.bytes;
}

/** A model of the given tensors. */
export function modelOf(...tensors: Tensor[]): Model {
  return { format: 'memory', metadata: {}, tensors };
}

/** A tensor over canonical bytes. */
export function tensorOf(name: string, dtype: DType, shape: readonly number[], bytes: Uint8Array): Tensor {
  return tensorFromBytes(name, dtype, shape, bytes);
}

/** Every tensor's canonical bytes, by name. */
export async function tensorBytes(model: Model): Promise<Map<string, Uint8Array>> {
  const out = new Map<string, Uint8Array>();
  for (const t of model.tensors) out.set(t.name, await readTensorBytes(t));
  return out;
}

export { rejectsWith, sha256 } from '../assert-errors.js';

/** Concatenates byte arrays (test-side; src code streams). */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/** ASCII / Latin-1 text as bytes. */
export function latin1(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

/**
 * An npy file from a raw header dict text: magic, version, length, the text (padded with spaces
 * and a newline to 64 unless `raw`), then `data`.
 */
export function npyFile(
  dict: string,
  data: Uint8Array = new Uint8Array(0),
  version = 1,
  raw = false,
): Uint8Array {
  const lengthBytes = version === 1 ? 2 : 4;
  let text = dict;
  if (!raw) {
    const unpadded = 8 + lengthBytes + text.length + 1;
    text += `${' '.repeat((64 - (unpadded % 64)) % 64)}\n`;
  }
  const body = version === 3 ? new TextEncoder().encode(text) : latin1(text);
  const prefix = new Uint8Array(8 + lengthBytes);
  prefix.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  const v = new DataView(prefix.buffer);
  if (version === 1) v.setUint16(8, body.length, true);
  else v.setUint32(8, body.length, true);
  return concat(prefix, body, data);
}

/** Path of Debian's Python, which has NumPy (the `python3` on PATH may not). */
export const PYTHON = '/usr/bin/python3';

let numpyChecked = false;

/**
 * Runs a Python script with NumPy. A missing peer fails the test with the install command; it is
 * never skipped (common brief, DESIGN §6).
 */
export function runPython(args: readonly string[], input?: string): string {
  if (!numpyChecked) {
    try {
      execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'pipe' });
    } catch (e) {
      assert.fail(
        `the NumPy peer is missing (${PYTHON} -c 'import numpy' failed: ${String(e)}); install it with: apt-get install python3-numpy`,
      );
    }
    numpyChecked = true;
  }
  return execFileSync(PYTHON, args, {
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    ...(input === undefined ? {} : { input }),
  });
}

/** Path of a peer script under test/peers. */
export function peerScript(name: string): string {
  return resolve(REPO_ROOT, 'test/peers', name);
}
