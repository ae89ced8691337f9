/**
 * Node file access: a `ByteSource` that reads a file by position (so a file over 2 GB opens without
 * being loaded), and the `ReadInput` whose sibling lookups stay inside the model's folder.
 */
import { closeSync, constants, openSync, readSync, type Stats } from 'node:fs';
import { type FileHandle, lstat, open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { NnportError } from '../core/errors.js';
import type { ReadInput } from '../core/format.js';
import { type ByteSource, BytesSource, checkRange } from '../io/byte-source.js';

/**
 * Reads of at most this many bytes per `read` call: Node's `FileHandle.read` takes lengths up to
 * 2^31 - 1, so larger ranges are assembled from pieces.
 */
const MAX_SINGLE_READ = 1 << 30;

/** A file read by position. Handles are opened lazily and closed by `close()` or process exit. */
export class FileSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly #path: string;
  #handle: Promise<FileHandle> | undefined;
  #fd: number | undefined;

  constructor(path: string, size: number, name = path) {
    this.#path = path;
    this.size = size;
    this.name = name;
  }

  /** Opens a file, naming it in errors as the user wrote it. */
  static async open(path: string): Promise<FileSource> {
    let st: Stats;
    try {
      st = await stat(path);
    } catch {
      throw new NnportError('MISSING_FILE', 'no such file', { file: path });
    }
    if (!st.isFile()) throw new NnportError('USAGE', 'not a file', { file: path });
    return new FileSource(path, st.size);
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    this.#handle ??= open(this.#path, constants.O_RDONLY);
    const fh = await this.#handle;
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = Math.min(MAX_SINGLE_READ, length - done);
      const { bytesRead } = await fh.read(out, done, n, offset + done);
      if (bytesRead === 0) {
        throw new NnportError('TRUNCATED', 'file shrank while reading', {
          file: this.name,
          at: { byte: offset + done },
        });
      }
      done += bytesRead;
    }
    return out;
  }

  /**
   * Reads like `read`, synchronously: for libraries that cannot await (HDF5 in h5wasm reads the
   * file in place through it; `SyncByteSource` in src/io/hdf5/file.ts).
   */
  readSync(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    this.#fd ??= openSync(this.#path, constants.O_RDONLY);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, out, done, Math.min(MAX_SINGLE_READ, length - done), offset + done);
      if (n === 0) {
        throw new NnportError('TRUNCATED', 'file shrank while reading', {
          file: this.name,
          at: { byte: offset + done },
        });
      }
      done += n;
    }
    return out;
  }

  /** Closes the file handles if any were opened. */
  async close(): Promise<void> {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
    const h = this.#handle;
    this.#handle = undefined;
    if (h !== undefined) await (await h).close();
  }
}

/**
 * Resolves `rel` inside `folder` and refuses anything that leaves it (DESIGN §5): absolute paths,
 * `..` segments, and symlinks whose target lies outside. Returns undefined for a missing file.
 */
export async function resolveInside(folder: string, rel: string, file: string): Promise<string | undefined> {
  const parts = rel.split(/[\\/]/);
  if (rel === '' || isAbsolute(rel) || /^[A-Za-z]:/.test(rel) || parts.includes('..') || rel.includes('\0')) {
    throw new NnportError('UNSAFE_PATH', `path '${rel}' leaves the model's folder`, { file });
  }
  const full = join(folder, ...parts);
  try {
    await lstat(full);
  } catch {
    return undefined;
  }
  const [realFolder, realFull] = await Promise.all([realpath(folder), realpath(full).catch(() => undefined)]);
  if (realFull === undefined) return undefined; // dangling symlink
  const back = relative(realFolder, realFull);
  if (back === '' || back.startsWith(`..${sep}`) || back === '..' || isAbsolute(back)) {
    throw new NnportError('UNSAFE_PATH', `path '${rel}' resolves outside the model's folder`, { file });
  }
  return full;
}

/** Every source opened for an input, so the CLI can close them at the end. */
const opened = new Set<FileSource>();

/** Closes every file nnport opened through `openInput`. */
export async function closeAllFiles(): Promise<void> {
  const all = [...opened];
  opened.clear();
  await Promise.all(all.map((s) => s.close()));
}

/** Opens a path (file or folder) as a `ReadInput`. */
export async function openInput(path: string): Promise<ReadInput> {
  let st: Stats;
  try {
    st = await stat(path);
  } catch {
    throw new NnportError('MISSING_FILE', 'no such file or folder', { file: path });
  }
  const isFolder = st.isDirectory();
  const folder = isFolder ? resolve(path) : dirname(resolve(path));
  const source: ByteSource = isFolder
    ? new BytesSource(new Uint8Array(0), path)
    : new FileSource(path, st.size);
  if (source instanceof FileSource) opened.add(source);
  return {
    source,
    name: path,
    isFolder,
    async sibling(rel: string): Promise<ByteSource | undefined> {
      const full = await resolveInside(folder, rel, path);
      if (full === undefined) return undefined;
      const s = await stat(full);
      if (!s.isFile()) return undefined;
      const display = isFolder ? join(path, rel) : join(dirname(path), rel);
      const src = new FileSource(full, s.size, display);
      opened.add(src);
      return src;
    },
    async list(): Promise<readonly string[]> {
      const names = await readdir(folder);
      return names.sort();
    },
  };
}

/** The last component of a path, for probes and default names. */
export function fileName(path: string): string {
  return basename(path);
}
