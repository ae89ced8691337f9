/**
 * What can be done with an open HDF5 file during a session: walk groups, read attributes, describe
 * datasets and read their numeric data as little-endian bytes.
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import { elementCount } from '../../core/tensor.js';
import { dtypeOfHdf5, hdf5TypeName } from './dtype.js';
import { hdf5Error } from './errors.js';
import type { H5Module, H5Wasm } from './module.js';

/** HDF5's string type class and UTF-8 character set (H5Tpublic.h). */
const H5T_STRING = 3;
const H5T_CSET_UTF8 = 1;

/**
 * Filters built into the HDF5 library by id (H5Zpublic.h): deflate 1, shuffle 2, fletcher32 3,
 * nbit 5, scaleoffset 6. szip (4) needs libaec, which h5wasm is not known to include.
 */
const BUILT_IN_FILTERS: ReadonlyMap<number, string> = new Map([
  [1, 'deflate'],
  [2, 'shuffle'],
  [3, 'fletcher32'],
  [5, 'nbit'],
  [6, 'scaleoffset'],
]);

/** What an HDF5 path names. */
export type Hdf5Kind = 'group' | 'dataset' | 'datatype' | 'link' | 'missing';

/** A dataset's type, shape and storage, as far as h5wasm tells. */
export interface Hdf5DatasetInfo {
  /** The dataset's absolute HDF5 path. */
  readonly path: string;
  /** Dimensions (`[]` for a scalar). */
  readonly shape: readonly number[];
  /** The nnport dtype of the elements, undefined when they are not plain numbers. */
  readonly dtype: DType | undefined;
  /** The stored type, numpy-like (`<f4`, `>f2`, `bool`, `string` …). */
  readonly storedType: string;
  /** Bytes per element as stored. */
  readonly elementBytes: number;
  /** Chunk shape when the dataset is chunked, else undefined (contiguous or compact). */
  readonly chunks: readonly number[] | undefined;
  /** Filter pipeline names (`deflate`, `shuffle` …), empty when the data is stored raw. */
  readonly filters: readonly string[];
  /** The same filters' HDF5 ids (1 deflate, 2 shuffle, 32000 lzf …). */
  readonly filterIds: readonly number[];
}

/** One open HDF5 file (valid only inside `Hdf5File.session`). */
export class Hdf5View {
  readonly #h5: H5Wasm;
  readonly #module: H5Module;
  readonly #file: InstanceType<H5Wasm['File']>;
  readonly #name: string;

  constructor(h5: H5Wasm, module: H5Module, file: InstanceType<H5Wasm['File']>, name: string) {
    this.#h5 = h5;
    this.#module = module;
    this.#file = file;
    this.#name = name;
  }

  /** Runs one library call, re-coding its failure with this file and `path`. */
  #call<T>(path: string, doing: string, work: () => T): T {
    try {
      return work();
    } catch (e) {
      throw hdf5Error(e, this.#name, path, doing);
    }
  }

  /** What `path` names (`missing` when nothing). */
  kind(path: string): Hdf5Kind {
    return this.#call(path, 'look up the path', () => {
      const entity = this.#file.get(path);
      if (entity === null) return 'missing';
      if (entity instanceof this.#h5.Dataset) return 'dataset';
      if (entity instanceof this.#h5.Group) return 'group';
      if (entity instanceof this.#h5.Datatype) return 'datatype';
      return 'link';
    });
  }

  /** The names of a group's members, in the library's order (by name unless creation order is tracked). */
  children(path: string): string[] {
    this.#expect(path, 'group');
    return this.#call(path, 'list the group', () => {
      const group = this.#file.get(path) as InstanceType<H5Wasm['Group']>;
      return group.keys();
    });
  }

  /** The names of an object's attributes. */
  attributeNames(path: string): string[] {
    return this.#call(path, 'list attributes', () =>
      this.#module.get_attribute_names(this.#file.file_id, path),
    );
  }

  /**
   * An attribute's value as JSON: strings as strings, numeric arrays as (nested) number arrays,
   * 64-bit integers as numbers; undefined when the attribute does not exist. Types h5wasm cannot
   * decode (float16 attributes, compounds of those) are UNSUPPORTED_DTYPE.
   */
  attribute(path: string, name: string): JsonValue | undefined {
    if (!this.attributeNames(path).includes(name)) return undefined;
    const where = `${path}@${name}`;
    const attr = this.#call(
      where,
      'open the attribute',
      () => new this.#h5.Attribute(this.#file.file_id, path, name),
    );
    let value: unknown;
    try {
      const md = attr.metadata;
      // `value`, not `json_value`: the latter turns 64-bit integers into lossy doubles
      value =
        md.type === H5T_STRING && md.cset !== H5T_CSET_UTF8 ? this.#utf8Strings(path, name) : attr.value;
    } catch (e) {
      throw new NnportError(
        'UNSUPPORTED_DTYPE',
        `attribute of type ${hdf5TypeName(attr.metadata)} is not readable`,
        {
          file: this.#name,
          at: { path: where },
          cause: e,
        },
      );
    }
    const json = toJson(value);
    const shape = attr.shape ?? [];
    return shape.length > 1 && Array.isArray(json) ? nest(json, shape) : json;
  }

  /**
   * A string attribute whose type says ASCII, decoded as UTF-8. h5py stores Python `bytes` (what
   * Keras writes its JSON configs and names as) with the ASCII character set whatever the bytes
   * are, and Keras decodes them as UTF-8; h5wasm would decode them as windows-1252 (fixed length)
   * or Latin-1 (variable length), garbling any non-ASCII layer name. ASCII is a subset of UTF-8,
   * so true ASCII reads the same.
   */
  #utf8Strings(path: string, name: string): string | string[] {
    const m = this.#module;
    const id = this.#file.file_id;
    const md = m.get_attribute_metadata(id, path, name);
    const count = md.total_size;
    const bytes = md.size * count;
    const ptr = m._malloc(Math.max(bytes, 1));
    const out: string[] = [];
    try {
      m.get_attribute_data(id, path, name, BigInt(ptr));
      if (md.vlen) {
        const ptrs = new Uint32Array(m.HEAPU8.buffer.slice(ptr, ptr + 4 * count));
        try {
          for (const p of ptrs) out.push(m.UTF8ToString(p));
        } finally {
          m.reclaim_vlen_memory(id, path, name, BigInt(ptr));
        }
      } else {
        const raw = m.HEAPU8.slice(ptr, ptr + bytes);
        const decoder = new TextDecoder('utf-8');
        for (let i = 0; i < count; i++) {
          const item = raw.subarray(i * md.size, (i + 1) * md.size);
          const end = item.indexOf(0);
          out.push(decoder.decode(end < 0 ? item : item.subarray(0, end)));
        }
      }
    } finally {
      m._free(ptr);
    }
    return (md.shape ?? []).length === 0 ? (out[0] ?? '') : out;
  }

  /** A dataset's description; INVALID_STRUCTURE when `path` is not a dataset. */
  dataset(path: string): Hdf5DatasetInfo {
    this.#expect(path, 'dataset');
    return this.#call(path, 'describe the dataset', () => {
      const ds = this.#file.get(path) as InstanceType<H5Wasm['Dataset']>;
      const meta = ds.metadata;
      if (meta.shape === null) {
        throw new NnportError('UNSUPPORTED_DTYPE', 'empty (null dataspace) dataset', {
          file: this.#name,
          at: { path },
        });
      }
      return {
        path,
        shape: meta.shape,
        dtype: dtypeOfHdf5(meta),
        storedType: hdf5TypeName(meta),
        elementBytes: meta.size,
        chunks: meta.chunks ?? undefined,
        filters: ds.filters.map((f) => f.name),
        filterIds: ds.filters.map((f) => f.id),
      };
    });
  }

  /**
   * Reads `count` rows (indices along the first dimension) from `first` of a numeric dataset, as
   * little-endian bytes in C order: HDF5 converts the byte order, decompresses and assembles
   * chunks. A scalar has one row. Throws UNSUPPORTED_DTYPE for non-numeric datasets.
   */
  readRows(info: Hdf5DatasetInfo, first: number, count: number): Uint8Array {
    const { path, shape } = info;
    if (info.dtype === undefined) {
      throw new NnportError(
        'UNSUPPORTED_DTYPE',
        `dataset of type ${info.storedType} is not a numeric tensor`,
        {
          file: this.#name,
          at: { path },
        },
      );
    }
    const rows = shape.length === 0 ? 1 : (shape[0] as number);
    if (
      !Number.isSafeInteger(first) ||
      !Number.isSafeInteger(count) ||
      first < 0 ||
      count < 0 ||
      first > rows - count
    ) {
      throw new NnportError('INVALID_OFFSET', `rows ${first}..${first + count} outside ${rows}`, {
        file: this.#name,
        at: { path },
      });
    }
    const rowElements = shape.length === 0 ? 1 : elementCount(shape.slice(1));
    const nbytes = count * rowElements * info.elementBytes;
    if (nbytes === 0) return new Uint8Array(0);
    const whole = shape.length === 0 || (first === 0 && count === rows);
    const m = this.#module;
    if (nbytes > m.MAXIMUM_MEMORY) {
      throw new NnportError('LIMIT_EXCEEDED', `reading ${nbytes} bytes at once exceeds the HDF5 heap`, {
        file: this.#name,
        at: { path },
      });
    }
    return this.#call(path, 'read the dataset', () => {
      this.#checkFilters(info);
      const ptr = m._malloc(nbytes);
      if (ptr === 0) throw new Error(`could not allocate ${nbytes} bytes`);
      try {
        if (whole) {
          m.get_dataset_data(this.#file.file_id, path, null, null, null, BigInt(ptr));
        } else {
          const countDims = [BigInt(count), ...shape.slice(1).map(BigInt)];
          const offset = [BigInt(first), ...shape.slice(1).map(() => 0n)];
          const strides = shape.map(() => 1n);
          m.get_dataset_data(this.#file.file_id, path, countDims, offset, strides, BigInt(ptr));
        }
        return m.HEAPU8.slice(ptr, ptr + nbytes);
      } finally {
        m._free(ptr);
      }
    });
  }

  /** Reads a whole numeric dataset (see `readRows`). */
  read(info: Hdf5DatasetInfo): Uint8Array {
    return this.readRows(info, 0, info.shape.length === 0 ? 1 : (info.shape[0] as number));
  }

  /**
   * Filters HDF5 has built in (deflate, shuffle, fletcher32, szip, nbit, scaleoffset) decode;
   * plug-in filters (lzf, blosc, bitshuffle, zstd …) are not in h5wasm's build, and HDF5 would
   * only say that its plug-in folder is missing. Named here instead: UNSUPPORTED_VERSION, like
   * an unknown zip compression method.
   */
  #checkFilters(info: Hdf5DatasetInfo): void {
    const missing = info.filters.filter((_, i) => !BUILT_IN_FILTERS.has(info.filterIds[i] as number));
    if (missing.length > 0) {
      throw new NnportError(
        'UNSUPPORTED_VERSION',
        `dataset is compressed with ${missing.join(', ')}, a filter the HDF5 library in h5wasm does not have (it has ${[...BUILT_IN_FILTERS.values()].join(', ')})`,
        { file: this.#name, at: { path: info.path } },
      );
    }
  }

  #expect(path: string, kind: Hdf5Kind): void {
    const actual = this.kind(path);
    if (actual !== kind) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `expected a ${kind}, found ${actual === 'missing' ? 'nothing' : `a ${actual}`}`,
        {
          file: this.#name,
          at: { path },
        },
      );
    }
  }
}

/** A flat C-order list as nested arrays of `shape`. */
function nest(flat: readonly JsonValue[], shape: readonly number[]): JsonValue[] {
  if (shape.length <= 1) return [...flat];
  const inner = shape.slice(1);
  const step = inner.reduce((a, b) => a * b, 1);
  const out: JsonValue[] = [];
  for (let i = 0; i < (shape[0] as number); i++) out.push(nest(flat.slice(i * step, (i + 1) * step), inner));
  return out;
}

/**
 * h5wasm output as nnport JSON: typed arrays to arrays, 64-bit integers to numbers when exactly
 * representable, else to decimal strings.
 */
function toJson(value: unknown): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'bigint')
    return Number.isSafeInteger(Number(value)) ? Number(value) : value.toString();
  if (ArrayBuffer.isView(value)) return Array.from(value as unknown as ArrayLike<number | bigint>, toJson);
  if (Array.isArray(value)) return value.map(toJson);
  return String(value);
}
