/**
 * Streaming outputs. A writer emits bytes through a `ByteSink` piece by piece and never builds a
 * whole output in memory. A `WriteTarget` is where a format writes: one file, or a folder of files
 * for formats that write several (CSV matrix layout, sharded sets). The target, not the writer,
 * decides when output becomes visible: in Node (`node.ts`) everything goes to temporary paths
 * and is renamed into place only by `commit()` after the whole write succeeded.
 */

/** A stream of bytes going to one file. */
export interface ByteSink {
  /** Appends bytes. The sink may keep a reference until the returned promise settles. */
  write(chunk: Uint8Array): Promise<void>;
  /** Flushes and closes the file. */
  close(): Promise<void>;
}

/** Where a format writes its output. */
export interface WriteTarget {
  /** The output's name (file or folder) for messages and for naming members. */
  readonly name: string;
  /**
   * Opens a file of the output. With no `path`, the output file itself (single-file formats).
   * With a `path` (a relative, `/`-separated name without `..`), a file inside the output folder.
   */
  create(path?: string): Promise<ByteSink>;
  /**
   * Opens a file beside the single-file output, in the same folder (ONNX external data:
   * `model.onnx` + `model.onnx.data`). `name` is a plain file name, no `/` or `..`. The file
   * becomes visible together with the output (in Node: renamed into place by the same `commit()`).
   * Optional: targets without it cannot hold formats that need a sibling file.
   */
  createSibling?(name: string): Promise<ByteSink>;
  /**
   * Opens the single-file output for writes and reads at any offset, synchronously: what a C
   * library that places data where it chooses and rewrites headers at the end (HDF5) needs to
   * write straight into the file instead of building it in memory. Optional: targets without it
   * (memory, the browser) get the file through `create()` once it is complete.
   */
  createRandomAccess?(): Promise<RandomAccessFile>;
}

/** A file written and read at any offset, synchronously (see `WriteTarget.createRandomAccess`). */
export interface RandomAccessFile {
  /** Writes all of `bytes` at `position` (the file grows as needed). */
  write(position: number, bytes: Uint8Array): void;
  /** Reads up to `length` bytes at `position` (fewer at the end of the file). */
  read(position: number, length: number): Uint8Array;
  /** The file's current size. */
  size(): number;
  /** Cuts or extends the file to `size` bytes. */
  truncate(size: number): void;
  /** Flushes and closes the file; the target makes it visible on commit, as for `create()`. */
  close(): Promise<void>;
}

/** A target that keeps everything in memory: for the browser, tests and small outputs. */
export class MemoryTarget implements WriteTarget {
  readonly name: string;
  /** Files written so far; the key `''` is the single-file output. */
  readonly files = new Map<string, Uint8Array>();

  constructor(name = '<memory>') {
    this.name = name;
  }

  create(path = ''): Promise<ByteSink> {
    return this.#open(path);
  }

  /** A sibling file is kept under its name (`files.get('model.onnx.data')`). */
  createSibling(name: string): Promise<ByteSink> {
    return this.#open(name);
  }

  #open(path: string): Promise<ByteSink> {
    const chunks: Uint8Array[] = [];
    const files = this.files;
    return Promise.resolve({
      write(chunk: Uint8Array): Promise<void> {
        chunks.push(chunk.slice());
        return Promise.resolve();
      },
      close(): Promise<void> {
        files.set(path, concatBytes(chunks));
        return Promise.resolve();
      },
    });
  }

  /** The single-file output (throws when none was written). */
  get bytes(): Uint8Array {
    const b = this.files.get('');
    if (b === undefined) throw new Error('no single-file output was written');
    return b;
  }
}

/** Concatenates byte arrays into one new array. */
export function concatBytes(chunks: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const c of chunks) total += c.byteLength;
  const out = new Uint8Array(total);
  let pos = 0;
  for (const c of chunks) {
    out.set(c, pos);
    pos += c.byteLength;
  }
  return out;
}
