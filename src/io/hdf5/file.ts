/**
 * An HDF5 file opened through h5wasm from any `ByteSource`. Platform-neutral: no Node or DOM API.
 *
 * Memory. h5wasm runs the HDF5 C library inside WebAssembly and opens files by path on
 * Emscripten's virtual file system. nnport mounts its own one-file file system there
 * (one-file-fs.ts) whose reads are synchronous callbacks, so HDF5 reads the input in place:
 * - a source offering `readSync` (see `SyncByteSource`; a Node file can offer it with
 *   `fs.readSync`) is read block by block, and memory stays bounded by HDF5's own caches
 *   (metadata and 1 MiB chunk cache) plus the data being read;
 * - any other source (a browser Blob, a deflated zip member) is read into memory once when
 *   opened, because HDF5 cannot await an asynchronous read. That costs the file's size in JS
 *   memory, once (MEMFS would cost the same again as a copy).
 * Dataset data is copied out of the WebAssembly heap (at most 2 GiB, `MAXIMUM_MEMORY`), so
 * readers fetch large tensors by rows (`readRows`) rather than whole.
 *
 * Every access runs in a `session`: mount, open, work, close, unmount, all synchronously, so no
 * HDF5 handle or mount outlives the call and nothing needs closing when a model is dropped.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_TENSOR_BYTES_IN_MEMORY } from '../../core/limits.js';
import { type ByteSource, BytesSource, readAll } from '../byte-source.js';
import { hdf5Error } from './errors.js';
import { type LoadedH5, loadH5wasm } from './module.js';
import { mountOneFile } from './one-file-fs.js';
import { locateHdf5Signature } from './signature.js';
import { Hdf5View } from './view.js';

/** Reads `length` bytes at `offset` synchronously (the caller keeps the range inside the file). */
export type SyncReader = (offset: number, length: number) => Uint8Array;

/** A byte source that can also read synchronously (the hook that keeps memory bounded). */
export interface SyncByteSource extends ByteSource {
  /** Reads `length` bytes at `offset` synchronously; same contract as `read`. */
  readSync(offset: number, length: number): Uint8Array;
}

/** True when `source` offers `readSync`. */
export function isSyncByteSource(source: ByteSource): source is SyncByteSource {
  return typeof (source as Partial<SyncByteSource>).readSync === 'function';
}

/** An HDF5 file ready for sessions. */
export class Hdf5File {
  /** The source's name, for messages. */
  readonly name: string;
  /** Where the superblock signature is (the user block's size; 0 for most files). */
  readonly signatureOffset: number;
  /** True when the file is read in place (a `readSync` source), false when held in memory. */
  readonly inPlace: boolean;
  readonly #h5: LoadedH5;
  readonly #size: number;
  readonly #read: SyncReader;

  private constructor(
    name: string,
    at: number,
    h5: LoadedH5,
    size: number,
    read: SyncReader,
    inPlace: boolean,
  ) {
    this.name = name;
    this.signatureOffset = at;
    this.#h5 = h5;
    this.#size = size;
    this.#read = read;
    this.inPlace = inPlace;
  }

  /**
   * Opens `source` as HDF5. Throws BAD_MAGIC (at byte 0) when it has no HDF5 signature, and
   * TRUNCATED / INVALID_STRUCTURE when the library cannot open it.
   */
  static async open(source: ByteSource): Promise<Hdf5File> {
    const at = await locateHdf5Signature(source);
    const h5 = await loadH5wasm();
    let read: SyncReader;
    let inPlace = false;
    if (isSyncByteSource(source)) {
      read = (offset, length) => source.readSync(offset, length);
      inPlace = true;
    } else {
      const bytes = await bytesOf(source);
      read = (offset, length) => bytes.subarray(offset, offset + length);
    }
    const file = new Hdf5File(source.name, at, h5, source.size, read, inPlace);
    file.session(() => undefined); // fail now, not on the first tensor read
    return file;
  }

  /**
   * Runs `work` with the file open. `work` must be synchronous (the file closes when it returns).
   * HDF5 failures come out as NnportErrors naming the file and the HDF5 path.
   */
  session<T>(work: (view: Hdf5View) => T): T {
    const { h5, module, fs } = this.#h5;
    const size = this.#size;
    const mounted = mountOneFile(fs, 'file.h5', { size: () => size, read: this.#read });
    try {
      let file: InstanceType<typeof h5.File>;
      try {
        file = new h5.File(mounted.path, 'r');
      } catch (e) {
        throw hdf5Error(mounted.ioError ?? e, this.name, '/', 'open the file');
      }
      try {
        return work(new Hdf5View(h5, module, file, this.name));
      } catch (e) {
        if (mounted.ioError !== undefined) throw mounted.ioError;
        throw e;
      } finally {
        try {
          file.close();
        } catch {
          // closing after a failed call can fail too; the first error is the one to report
        }
      }
    } finally {
      mounted.unmount();
    }
  }
}

/** The whole source in memory (zero-copy for bytes already there). */
async function bytesOf(source: ByteSource): Promise<Uint8Array> {
  if (source instanceof BytesSource) return source.bytes;
  if (source.size > MAX_TENSOR_BYTES_IN_MEMORY) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `an HDF5 file of ${source.size} bytes that cannot be read in place is too large to hold in memory`,
      { file: source.name },
    );
  }
  return readAll(source);
}
