/**
 * Test helpers for the safetensors format: in-memory inputs with siblings, file builders for
 * malformed headers, and assertions on error codes.
 */
import { NnportError } from '../../src/core/errors.js';
import type { ReadInput } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { safetensorsFormat } from '../../src/formats/safetensors/index.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { type ByteSource, BytesSource } from '../../src/io/byte-source.js';

/**
 * A ReadInput over bytes in memory. `siblings` are the other files of its folder; like a real
 * host, `sibling()` refuses absolute paths, backslashes and `..` with UNSAFE_PATH.
 */
export function memoryInput(
  name: string,
  bytes: Uint8Array,
  siblings: ReadonlyMap<string, Uint8Array> = new Map(),
  isFolder = false,
): ReadInput {
  return {
    source: new BytesSource(bytes, name),
    name,
    isFolder,
    sibling(path: string): Promise<ByteSource | undefined> {
      if (path.startsWith('/') || path.includes('\\') || path.split('/').includes('..')) {
        return Promise.reject(new NnportError('UNSAFE_PATH', `path ${path} leaves the model's folder`));
      }
      const b = siblings.get(path);
      return Promise.resolve(b === undefined ? undefined : new BytesSource(b, path));
    },
    list(): Promise<readonly string[]> {
      return Promise.resolve([...siblings.keys()]);
    },
  };
}

/** Reads a single safetensors file from bytes with the plug-in directly (no registry). */
export function readBytes(
  bytes: Uint8Array,
  options: Record<string, boolean> = {},
  name = 'x.safetensors',
): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the safetensors plug-in has a reader
  return safetensorsFormat.read!(memoryInput(name, bytes), options);
}

/** Writes a model as one safetensors file and returns the bytes. */
export async function writeBytes(model: Model, options: Record<string, unknown> = {}): Promise<Uint8Array> {
  const target = new MemoryTarget('out.safetensors');
  // biome-ignore lint/style/noNonNullAssertion: the safetensors plug-in has a writer
  await safetensorsFormat.write!(model, target, options);
  return target.bytes;
}

/** A file: u64 LE header length, the header text (optionally space-padded to 8), then `data`. */
export function buildFile(
  header: string | object,
  data: Uint8Array = new Uint8Array(0),
  pad = true,
): Uint8Array {
  const text = typeof header === 'string' ? header : JSON.stringify(header);
  let json = new TextEncoder().encode(text);
  if (pad && json.length % 8 !== 0) {
    const padded = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    padded.set(json);
    json = padded;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

export { rejectsWith, sha256 } from '../assert-errors.js';

/** Every tensor of a model as {name → {dtype, shape, bytes}} for comparisons. */
export async function snapshot(
  model: Model,
): Promise<Map<string, { dtype: string; shape: readonly number[]; bytes: Uint8Array }>> {
  const out = new Map<string, { dtype: string; shape: readonly number[]; bytes: Uint8Array }>();
  for (const t of model.tensors) {
    out.set(t.name, { dtype: t.dtype, shape: t.shape, bytes: (await readTensorBytes(t)).slice() });
  }
  return out;
}
