/**
 * nnport's Node entry: files, atomic outputs and worker threads on top of the browser-safe API.
 */
import { basename, dirname, extname, join } from 'node:path';
import { formats, type ReadModelOptions, readModel, writeModel, writerFor } from './api.js';
import { NnportError } from './core/errors.js';
import type { FormatPlugin, WriteOptions } from './core/format.js';
import type { Model } from './core/model.js';
import { openInput } from './node/file-source.js';
import { checkWritable, FileTarget } from './node/file-target.js';

export * from './index.js';
export { closeAllFiles, FileSource, openInput, resolveInside } from './node/file-source.js';
export { checkWritable, FileTarget, pathExists } from './node/file-target.js';
export { createTextPool, type TextPool } from './node/text-pool.js';

/** Reads a model from a file or folder path. */
export async function openModel(path: string, options: ReadModelOptions = {}): Promise<Model> {
  return readModel(await openInput(path), options);
}

/** Options for `saveModel`. */
export interface SaveOptions extends WriteOptions {
  /** Output format id; by default chosen from the output path's extension. */
  readonly to?: string;
  /** Replace an existing output. */
  readonly force?: boolean;
}

/** The writer for an output path: `to` when given, else by extension. Throws USAGE when neither tells. */
export function chooseWriter(path: string, to: string | undefined): FormatPlugin {
  if (to !== undefined) return writerFor(to);
  const f = formats().byExtension(basename(path));
  if (f === undefined) {
    throw new NnportError('USAGE', `cannot tell the output format from '${basename(path)}': add --to FORMAT`);
  }
  return f;
}

/** The input's name without its format extension (`net.safetensors` → `net`). */
export function stemOf(path: string): string {
  const name = basename(path);
  const lower = name.toLowerCase();
  let best = '';
  for (const f of formats().formats) {
    for (const ext of f.extensions) if (lower.endsWith(ext) && ext.length > best.length) best = ext;
  }
  const stem =
    best !== '' && best.length < name.length
      ? name.slice(0, -best.length)
      : name.slice(0, name.length - extname(name).length);
  return join(dirname(path), stem || name);
}

/** The default output path for converting `input` to format `f`: the input's stem with the format's extension. */
export function defaultOutput(input: string, f: FormatPlugin): string {
  const ext = f.extensions[0] ?? `.${f.id}`;
  return stemOf(input) + ext;
}

/**
 * Writes a model to a path atomically: refused up front if the path exists and `force` is not
 * set; written to temporary paths; renamed into place only on success; removed on failure.
 */
export async function saveModel(
  model: Model,
  path: string,
  options: SaveOptions = {},
): Promise<FormatPlugin> {
  const f = chooseWriter(path, options.to);
  const force = options.force ?? false;
  await checkWritable(path, force);
  const target = new FileTarget(path, force);
  try {
    await writeModel(model, f.id, target, options);
    await target.commit();
  } catch (e) {
    await target.abort();
    throw e;
  }
  return f;
}
