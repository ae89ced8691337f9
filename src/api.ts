/**
 * The platform-neutral library API: read a model from any supported input, write it to any
 * supported format. Node file handling is in `node.ts`; this module runs in browsers too.
 */

import { NnportError } from './core/errors.js';
import type { FormatPlugin, ReadInput, ReadOptions, WriteOptions } from './core/format.js';
import type { Model } from './core/model.js';
import type { Registry } from './core/registry.js';
import { defaultRegistry } from './formats/all.js';
import type { WriteTarget } from './io/byte-sink.js';
import { type ByteSource, BytesSource } from './io/byte-source.js';

let registry: Registry | undefined;

/** The registry of built-in formats (created once). */
export function formats(): Registry {
  registry ??= defaultRegistry();
  return registry;
}

/** Options for `readModel`. */
export interface ReadModelOptions {
  /** Force a format id instead of detecting it. */
  readonly from?: string;
  /** Format-specific reader options. */
  readonly reader?: ReadOptions;
}

/** Reads a model from an input, detecting the format by content first. */
export function readModel(input: ReadInput, options: ReadModelOptions = {}): Promise<Model> {
  return formats().read(input, options.reader ?? {}, options.from);
}

/**
 * Wraps one in-memory file (or browser `File` via `BlobSource`) as a `ReadInput` with optional
 * sibling files, for callers without a file system.
 */
export function memoryInput(
  main: ByteSource | Uint8Array,
  name: string,
  siblings: Record<string, Uint8Array> = {},
): ReadInput {
  const source = main instanceof Uint8Array ? new BytesSource(main, name) : main;
  return {
    source,
    name,
    isFolder: false,
    sibling(path: string): Promise<ByteSource | undefined> {
      if (path.split('/').includes('..') || path.startsWith('/')) {
        return Promise.reject(
          new NnportError('UNSAFE_PATH', `path '${path}' leaves the model's folder`, { file: name }),
        );
      }
      const b = siblings[path];
      return Promise.resolve(b === undefined ? undefined : new BytesSource(b, path));
    },
    list(): Promise<readonly string[]> {
      return Promise.resolve(Object.keys(siblings).sort());
    },
  };
}

/** Finds the writer for a format id, or throws USAGE/NO_WRITER. */
export function writerFor(id: string): FormatPlugin & Required<Pick<FormatPlugin, 'write'>> {
  const f = formats().get(id);
  if (f === undefined) throw new NnportError('USAGE', `unknown output format '${id}' (see 'nnport formats')`);
  if (f.write === undefined)
    throw new NnportError('NO_WRITER', `nnport cannot write ${f.title} yet`, { format: f.id });
  return f as FormatPlugin & Required<Pick<FormatPlugin, 'write'>>;
}

/** Writes a model in a format through a target. */
export async function writeModel(
  model: Model,
  formatId: string,
  target: WriteTarget,
  options: WriteOptions = {},
): Promise<void> {
  const f = writerFor(formatId);
  try {
    await f.write(model, target, options);
  } catch (e) {
    if (e instanceof NnportError) e.locate(target.name, f.id);
    throw e;
  }
}
