/**
 * Node output targets with the "nothing lost" guarantee (DESIGN §2, §3): everything is written to
 * temporary paths beside the destination and renamed into place by `commit()` only after the whole
 * write succeeded; `abort()` removes the temporaries. An existing destination is refused unless
 * `force` is set.
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  type WriteStream,
  writeSync,
} from 'node:fs';
import { lstat, mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { NnportError } from '../core/errors.js';
import type { ByteSink, RandomAccessFile, WriteTarget } from '../io/byte-sink.js';

/** True when something exists at `path` (a dangling symlink counts). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** Throws OUTPUT_EXISTS when `path` exists and `force` is not set. */
export async function checkWritable(path: string, force: boolean): Promise<void> {
  if (!force && (await pathExists(path))) {
    throw new NnportError('OUTPUT_EXISTS', 'output exists (use --force to overwrite)', { file: path });
  }
  // A coded error rather than the temporary file's ENOENT (nnport does not create folders).
  const parent = dirname(path);
  if (!(await pathExists(parent))) {
    throw new NnportError('MISSING_FILE', `the output folder ${parent} does not exist`, { file: path });
  }
}

/** A sink over a Node write stream that honours back-pressure. */
class StreamSink implements ByteSink {
  readonly #stream: WriteStream;
  #failed: Error | undefined;

  constructor(path: string) {
    this.#stream = createWriteStream(path, { flags: 'wx' });
    this.#stream.on('error', (e) => {
      this.#failed = e;
    });
  }

  write(chunk: Uint8Array): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise((resolveWrite, reject) => {
      const ok = this.#stream.write(chunk, (e) => {
        if (e) reject(e);
      });
      if (ok) resolveWrite();
      else {
        const onDrain = (): void => {
          this.#stream.off('error', onError);
          resolveWrite();
        };
        const onError = (e: Error): void => {
          this.#stream.off('drain', onDrain);
          reject(e);
        };
        this.#stream.once('drain', onDrain);
        this.#stream.once('error', onError);
      }
    });
  }

  close(): Promise<void> {
    if (this.#failed) return Promise.reject(this.#failed);
    return new Promise((resolveClose, reject) => {
      this.#stream.end((e?: Error | null) => (e ? reject(e) : resolveClose()));
    });
  }

  /** Closes without caring about errors (used on abort). */
  destroy(): void {
    this.#stream.destroy();
  }
}

/** A file descriptor used at any offset (positional reads and writes, no stream). */
class FdFile implements RandomAccessFile {
  #fd: number | undefined;

  constructor(path: string) {
    this.#fd = openSync(path, 'wx+');
  }

  #open(): number {
    if (this.#fd === undefined) throw new Error('file already closed');
    return this.#fd;
  }

  write(position: number, bytes: Uint8Array): void {
    const fd = this.#open();
    for (let done = 0; done < bytes.length; ) {
      done += writeSync(fd, bytes, done, bytes.length - done, position + done);
    }
  }

  read(position: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#open(), out, done, length - done, position + done);
      if (n === 0) break;
      done += n;
    }
    return done === length ? out : out.subarray(0, done);
  }

  size(): number {
    return fstatSync(this.#open()).size;
  }

  truncate(size: number): void {
    ftruncateSync(this.#open(), size);
  }

  close(): Promise<void> {
    const fd = this.#fd;
    this.#fd = undefined;
    if (fd !== undefined) closeSync(fd);
    return Promise.resolve();
  }

  /** Closes without caring about errors (used on abort). */
  destroy(): void {
    try {
      void this.close();
    } catch {
      // closing is all that is left to do
    }
  }
}

/** A target that writes one file, or one folder of files, atomically. */
export class FileTarget implements WriteTarget {
  readonly name: string;
  readonly #force: boolean;
  readonly #temp: string;
  readonly #sinks: (StreamSink | FdFile)[] = [];
  /** Siblings of a single-file output: temporary path → final path, renamed by `commit()`. */
  readonly #siblings = new Map<string, string>();
  #folderMade = false;
  #kind: 'file' | 'folder' | undefined;

  /** @param path the destination; @param force overwrite an existing destination */
  constructor(path: string, force: boolean) {
    this.name = path;
    this.#force = force;
    this.#temp = join(
      dirname(path),
      `.${basename(path)}.nnport-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
    );
  }

  async create(path?: string): Promise<ByteSink> {
    if (path === undefined || path === '') {
      if (this.#kind !== undefined) throw new Error('the output file was already opened');
      this.#kind = 'file';
      const s = new StreamSink(this.#temp);
      this.#sinks.push(s);
      return s;
    }
    if (this.#kind === 'file') throw new Error('a single-file output cannot hold members');
    if (path.split('/').some((p) => p === '..' || p === '') || path.startsWith('/')) {
      throw new NnportError('UNSAFE_PATH', `member path '${path}' leaves the output folder`, {
        file: this.name,
      });
    }
    this.#kind = 'folder';
    if (!this.#folderMade) {
      await mkdir(this.#temp);
      this.#folderMade = true;
    }
    const full = join(this.#temp, ...path.split('/'));
    await mkdir(dirname(full), { recursive: true });
    const s = new StreamSink(full);
    this.#sinks.push(s);
    return s;
  }

  /** The output file opened for positional writes and reads (HDF5 writes through this). */
  createRandomAccess(): Promise<RandomAccessFile> {
    if (this.#kind !== undefined) throw new Error('the output file was already opened');
    this.#kind = 'file';
    const f = new FdFile(this.#temp);
    this.#sinks.push(f);
    return Promise.resolve(f);
  }

  /**
   * Opens a file beside the output (same folder), written to a temporary name and renamed into
   * place by `commit()` together with the output. Refuses names that are not plain file names.
   */
  async createSibling(name: string): Promise<ByteSink> {
    if (name === '' || name === '.' || name.includes('..') || /[/\\]/.test(name) || name.includes('\0')) {
      throw new NnportError('UNSAFE_PATH', `sibling file '${name}' is not a plain file name`, {
        file: this.name,
      });
    }
    const final = join(dirname(this.name), name);
    if ([...this.#siblings.values()].includes(final) || final === this.name) {
      throw new Error(`sibling file '${name}' was already opened`);
    }
    await checkWritable(final, this.#force);
    const temp = join(
      dirname(this.name),
      `.${name}.nnport-${process.pid}-${randomBytes(4).toString('hex')}.tmp`,
    );
    const s = new StreamSink(temp);
    this.#sinks.push(s);
    this.#siblings.set(temp, final);
    return s;
  }

  /** Moves the finished output into place. */
  async commit(): Promise<void> {
    if (this.#kind === undefined) throw new Error('nothing was written');
    await checkWritable(this.name, this.#force);
    // Every destination is checked before anything moves, so a refusal leaves nothing behind.
    for (const final of this.#siblings.values()) await checkWritable(final, this.#force);
    // Siblings first: the output, once visible, never names a data file that is not there yet.
    for (const [temp, final] of this.#siblings) await rename(temp, final);
    if (this.#kind === 'file' || !(await pathExists(this.name))) {
      await rename(this.#temp, this.name); // atomic replace for files
      return;
    }
    // An existing folder (with --force): move it aside, move the new one in, then delete the old.
    const trash = `${this.#temp}.old`;
    await rename(this.name, trash);
    await rename(this.#temp, this.name);
    await rm(trash, { recursive: true, force: true });
  }

  /** Removes everything written so far. */
  async abort(): Promise<void> {
    for (const s of this.#sinks) s.destroy();
    await rm(this.#temp, { recursive: true, force: true });
    for (const temp of this.#siblings.keys()) await rm(temp, { force: true });
  }
}
