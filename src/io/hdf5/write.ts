/**
 * Writing HDF5 files through h5wasm (the HDF5 C library compiled to WebAssembly): groups, numeric
 * datasets and string attributes written the way h5py writes them. Platform-neutral.
 *
 * Memory. HDF5 writes a file out of order: it places metadata and data at offsets it chooses and
 * rewrites the superblock and object headers when the file closes, so its output cannot go to an
 * append-only `ByteSink` as it is produced. Where the target offers a `RandomAccessFile` (a file
 * on disk in Node), HDF5 writes into it through a callback file system (one-file-fs.ts): the cost
 * is the one tensor being written, copied piece by piece from its source straight into the
 * WebAssembly heap. Elsewhere (memory targets, the browser) the file is built in Emscripten's
 * in-memory file system (MEMFS, JavaScript memory outside the 2 GiB WebAssembly heap) and, once
 * HDF5 has closed it, streamed to the sink in 1 MiB pieces and deleted: the whole output once in
 * MEMFS more.
 *
 * float16 and bool cannot be written: h5wasm's datatype builder knows integers, 4- and 8-byte
 * floats, strings, references and compounds only (its JS layer refuses `<e` with "Float16 not
 * supported", its C layer 2-byte floats with "Float size not supported"; enums such as h5py's
 * bool are not writable), and it exports none of the HDF5 C functions (`H5Tcopy`,
 * `H5Tset_fields`, `H5Dcreate2`) that would build an IEEE half type. Those are UNSUPPORTED_DTYPE
 * here; the Keras writer stores them widened (float32, uint8) and records it.
 */
import type { DType } from '../../core/dtype.js';
import { byteLengthOf } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import { elementCount } from '../../core/tensor.js';
import type { ByteSink, RandomAccessFile } from '../byte-sink.js';
import { hdf5Error } from './errors.js';
import { type LoadedH5, loadH5wasm } from './module.js';
import { type MountedFile, mountOneFile } from './one-file-fs.js';
import { type MemFs, memFsOf } from './write-fs.js';

/** HDF5 type classes used here (H5Tpublic.h). */
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;

/** Element types h5wasm can create, with their HDF5 class, size and sign. */
const WRITABLE: Partial<
  Record<DType, { readonly type: number; readonly size: number; readonly signed: boolean }>
> = {
  int8: { type: H5T_INTEGER, size: 1, signed: true },
  uint8: { type: H5T_INTEGER, size: 1, signed: false },
  int16: { type: H5T_INTEGER, size: 2, signed: true },
  uint16: { type: H5T_INTEGER, size: 2, signed: false },
  int32: { type: H5T_INTEGER, size: 4, signed: true },
  uint32: { type: H5T_INTEGER, size: 4, signed: false },
  int64: { type: H5T_INTEGER, size: 8, signed: true },
  uint64: { type: H5T_INTEGER, size: 8, signed: false },
  float32: { type: H5T_FLOAT, size: 4, signed: true },
  float64: { type: H5T_FLOAT, size: 8, signed: true },
};

/** True when `dtype` can be written as an HDF5 dataset through h5wasm. */
export function isHdf5Writable(dtype: DType): boolean {
  return WRITABLE[dtype] !== undefined;
}

/** Reads `length` bytes at `offset` of a dataset's C-order little-endian data. */
export type DataReader = (offset: number, length: number) => Promise<Uint8Array>;

/** How much of a tensor is copied into the WebAssembly heap per read. */
const PIECE = 16 * 1024 * 1024;
/** How much of the finished file goes to the sink per write. */
const OUT_PIECE = 1024 * 1024;

let files = 0;

/**
 * One HDF5 file being written. Create with `Hdf5Writer.create`, add groups, datasets and
 * attributes (parents before children), then `finish(sink)` completes it; `discard()` drops it.
 * Given a `RandomAccessFile` (a Node output file), HDF5 writes straight into it through a
 * callback file system (one-file-fs.ts) and memory stays bounded; otherwise the file is built in
 * MEMFS and streamed to the sink at the end (see the file comment).
 * The file is written in the HDF5 1.8 format (libver bounds v108..v108), which every h5py and
 * Keras reads and which keeps attributes over 64 KiB (long model configs) in dense storage.
 */
export class Hdf5Writer {
  readonly #h5: LoadedH5;
  readonly #fs: MemFs;
  readonly #dir: string;
  readonly #path: string;
  readonly #name: string;
  readonly #output: { readonly file: RandomAccessFile; readonly mount: MountedFile } | undefined;
  #file: InstanceType<LoadedH5['h5']['File']> | undefined;

  private constructor(
    h5: LoadedH5,
    dir: string,
    name: string,
    output?: { readonly file: RandomAccessFile; readonly mount: MountedFile },
  ) {
    this.#h5 = h5;
    this.#fs = memFsOf(h5);
    this.#dir = dir;
    this.#path = output === undefined ? `${dir}/out.h5` : output.mount.path;
    this.#name = name;
    this.#output = output;
  }

  /**
   * Starts an empty file; `name` is the output's name, for messages. With `file`, HDF5 writes
   * into it directly (`finish` then takes no sink).
   */
  static async create(name: string, file?: RandomAccessFile): Promise<Hdf5Writer> {
    const h5 = await loadH5wasm();
    const output = file === undefined ? undefined : { file, mount: mountOneFile(h5.fs, 'out.h5', file) };
    const writer = new Hdf5Writer(h5, `/nnport-hdf5-write-${++files}`, name, output);
    if (output === undefined) writer.#fs.mkdir(writer.#dir);
    try {
      writer.#file = writer.#call(
        '/',
        'create the file',
        () => new h5.h5.File(writer.#path, 'w', { libver: ['v108', 'v108'] }),
      );
    } catch (e) {
      writer.#remove();
      throw e;
    }
    return writer;
  }

  #open(): InstanceType<LoadedH5['h5']['File']> {
    if (this.#file === undefined) throw new Error('HDF5 writer already finished');
    return this.#file;
  }

  #call<T>(path: string, doing: string, work: () => T): T {
    try {
      return work();
    } catch (e) {
      // an error of the output file itself (disk full …) is the one to report, not HDF5's EIO
      const io = this.#output?.mount.ioError;
      if (io !== undefined) throw io;
      throw hdf5Error(e, this.#name, path, doing);
    }
  }

  /** Creates group `path` (absolute; its parent must exist). */
  group(path: string): void {
    const file = this.#open();
    this.#call(path, 'create the group', () => this.#h5.module.create_group(file.file_id, path, false));
  }

  /**
   * Sets a scalar fixed-length byte-string attribute on the object at `path`, as h5py stores a
   * Python `bytes` value (`f.attrs['model_config'] = json.encode('utf8')`, numpy `|S…`). The type
   * is exactly as long as the UTF-8 text and marked UTF-8 (h5wasm's `S` type), so h5py returns
   * the same bytes and h5wasm decodes them as UTF-8 (an ASCII-marked string it would decode byte
   * by byte). The empty string is a one-byte null-terminated string.
   */
  stringAttribute(path: string, name: string, value: string): void {
    const size = new TextEncoder().encode(value).length;
    const file = this.#open();
    this.#call(`${path}@${name}`, 'write the attribute', () => {
      const obj = path === '/' ? file : file.get(path);
      if (obj === null || !('create_attribute' in obj)) throw new Error(`no object at ${path}`);
      obj.create_attribute(name, value, null, size === 0 ? 'A1' : `S${size}`);
    });
  }

  /**
   * Sets a one-dimensional fixed-length byte-string array attribute, as h5py stores
   * `np.array([b'dense', b'dense_1'])` (`|S8` here): how Keras writes `layer_names` and
   * `weight_names`. Elements are null-terminated, one byte longer than the longest UTF-8 text, so
   * shorter ones are null-padded as numpy pads them (h5wasm's UTF-8 string type would pad with
   * spaces). The type is marked ASCII, as h5py marks `|S`; h5py returns the exact bytes, and
   * h5wasm decodes non-ASCII names byte by byte. An empty list is stored as h5py stores
   * `np.array([])`: an empty float64 array.
   */
  stringListAttribute(path: string, name: string, values: readonly string[]): void {
    const file = this.#open();
    this.#call(`${path}@${name}`, 'write the attribute', () => {
      const obj = path === '/' ? file : file.get(path);
      if (obj === null || !('create_attribute' in obj)) throw new Error(`no object at ${path}`);
      if (values.length === 0) {
        obj.create_attribute(name, new Float64Array(0), [0], '<f8');
        return;
      }
      const encoder = new TextEncoder();
      const size = Math.max(...values.map((v) => encoder.encode(v).length)) + 1;
      obj.create_attribute(name, [...values], [values.length], `A${size}`);
    });
  }

  /**
   * Creates dataset `path` of `dtype` and `shape`, its data read through `read` in pieces of at
   * most 16 MiB straight into the WebAssembly heap. Contiguous layout, no filters (what h5py and
   * Keras write by default). UNSUPPORTED_DTYPE for types h5wasm cannot create (float16, bool …);
   * LIMIT_EXCEEDED when the data would not fit in the 2 GiB heap at once.
   */
  async dataset(path: string, dtype: DType, shape: readonly number[], read: DataReader): Promise<void> {
    const file = this.#open();
    const type = WRITABLE[dtype];
    if (type === undefined) {
      throw new NnportError('UNSUPPORTED_DTYPE', `h5wasm cannot create ${dtype} datasets`, {
        file: this.#name,
        at: { path },
      });
    }
    const nbytes = byteLengthOf(dtype, elementCount(shape));
    const m = this.#h5.module;
    if (nbytes >= m.MAXIMUM_MEMORY / 2) {
      throw new NnportError('LIMIT_EXCEEDED', `a ${nbytes}-byte dataset does not fit the HDF5 heap at once`, {
        file: this.#name,
        at: { path },
      });
    }
    const ptr = m._malloc(Math.max(nbytes, 1));
    if (ptr === 0) {
      throw new NnportError('LIMIT_EXCEEDED', `could not allocate ${nbytes} bytes in the HDF5 heap`, {
        file: this.#name,
        at: { path },
      });
    }
    try {
      for (let at = 0; at < nbytes; at += PIECE) {
        const piece = await read(at, Math.min(PIECE, nbytes - at));
        // HEAPU8 is re-read after every await: the heap may have grown (a new buffer) meanwhile
        m.HEAPU8.set(piece, ptr + at);
      }
      const dims = shape.map(BigInt);
      this.#call(path, 'write the dataset', () =>
        m.create_dataset(file.file_id, path, BigInt(ptr), {
          ...type,
          vlen: false,
          littleEndian: true,
          total_size: elementCount(shape),
          shape: dims,
          maxshape: dims,
          chunks: null,
          compression: 0,
          compression_opts: [],
          track_order: false,
        } as unknown as Parameters<typeof m.create_dataset>[3]),
      );
    } finally {
      m._free(ptr);
    }
  }

  /**
   * Closes the file. Built in MEMFS: streams its bytes to `sink` (closing it) and deletes it.
   * Written through a `RandomAccessFile`: closes that file (no sink).
   */
  async finish(sink?: ByteSink): Promise<void> {
    const file = this.#open();
    this.#call('/', 'close the file', () => file.close());
    this.#file = undefined;
    if (this.#output !== undefined) {
      this.#remove();
      await this.#output.file.close();
      return;
    }
    if (sink === undefined) throw new Error('an HDF5 file built in memory needs a sink');
    try {
      const fs = this.#fs;
      const size = fs.stat(this.#path).size;
      const stream = fs.open(this.#path, 'r');
      try {
        for (let at = 0; at < size; at += OUT_PIECE) {
          const piece = new Uint8Array(Math.min(OUT_PIECE, size - at));
          fs.read(stream, piece, 0, piece.length, at);
          await sink.write(piece);
        }
      } finally {
        fs.close(stream);
      }
      await sink.close();
    } finally {
      this.#remove();
    }
  }

  /** Drops the file without writing it (after a failure). Never throws. */
  discard(): void {
    try {
      this.#file?.close();
    } catch {
      // the error that made us discard is the one to report
    }
    this.#file = undefined;
    this.#remove();
  }

  #remove(): void {
    if (this.#output !== undefined) {
      try {
        this.#output.mount.unmount();
      } catch {
        // already unmounted
      }
      return;
    }
    try {
      this.#fs.unlink(this.#path);
    } catch {
      // not created
    }
    try {
      this.#fs.rmdir(this.#dir);
    } catch {
      // already gone
    }
  }
}
