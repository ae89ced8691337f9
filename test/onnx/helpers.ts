/** ONNX test helpers: reading bytes or files with the plug-in directly, and fixture paths. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadInput } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { onnxFormat } from '../../src/formats/onnx/index.js';
import { BytesSource } from '../../src/io/byte-source.js';
import { openInput } from '../../src/node/file-source.js';

/** The repository root (tests run from dist/test/onnx/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** ../shared/fixtures/onnx, or undefined when absent. */
export function fixturesDir(): string | undefined {
  const d = join(REPO_ROOT, '..', 'shared', 'fixtures', 'onnx');
  return existsSync(d) ? d : undefined;
}

/** A ReadInput over bytes, whose siblings come from `files` (by relative path). */
export function memoryInput(
  bytes: Uint8Array,
  files: Record<string, Uint8Array> = {},
  name = 'm.onnx',
): ReadInput {
  return {
    source: new BytesSource(bytes, name),
    name,
    isFolder: false,
    sibling: (p: string) => {
      const b = files[p];
      return Promise.resolve(b === undefined ? undefined : new BytesSource(b, p));
    },
    list: () => Promise.resolve(Object.keys(files).sort()),
  };
}

/** Reads ONNX bytes with the plug-in directly. */
export function readOnnxBytes(bytes: Uint8Array, files: Record<string, Uint8Array> = {}): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the onnx plug-in has a reader
  return onnxFormat.read!(memoryInput(bytes, files), {});
}

/** Reads an ONNX file (with its real sibling lookups) with the plug-in directly. */
export async function readOnnxFile(path: string): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the onnx plug-in has a reader
  return onnxFormat.read!(await openInput(path), {});
}
