/**
 * Reader for MXNet NDArray list files (`.params`, `mx.nd.save`, `Module.save_checkpoint`, Gluon
 * `save_parameters`). Facts from apache/mxnet src/ndarray/ndarray.cc (`NDArray::Save`,
 * `NDArray::Load`, `LegacyLoad`, `MXNDArraySave`'s list layout) and mshadow/base.h (type flags);
 * no code was copied. Layout, all little-endian:
 *
 *   uint64 kMXAPINDArrayListMagic (0x112), uint64 reserved (0),
 *   uint64 array count, the arrays, uint64 name count, names (uint64 length + bytes each).
 *
 * One array record starts with a uint32 that is either a magic (V1 0xF993FAC8, V2 0xF993FAC9,
 * V3 0xF993FACA) or, in the oldest files (no magic, `LegacyLoad`), the shape's ndim itself,
 * followed by uint32 dims. V1 records store int32 ndim + int64 dims; V2 and V3 add an int32
 * storage type first. Then: context (int32 dev_type, int32 dev_id), int32 type flag, raw data. See
 * docs/formats/mxnet.md.
 */
import { DTYPES, type DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import { MAX_NAME_LENGTH, MAX_RANK, MAX_TENSORS } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { elementCount, SourceData, type Tensor } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import { decodeUtf8 } from '../../io/cursor.js';

/** The format id errors carry. */
const FORMAT = 'mxnet-params';

/** `kMXAPINDArrayListMagic` (c_api.cc): the first uint64 of every NDArray list file. */
export const MXNET_LIST_MAGIC = 0x112;
/** First per-array magic (MXNet ≈0.9): int32 ndim, int64 dims (ndarray.cc: "with int64_t TShape"). */
export const NDARRAY_V1_MAGIC = 0xf993fac8;
/** Second per-array magic (sparse storage, MXNet ≥0.11): storage type, int64 dims. */
export const NDARRAY_V2_MAGIC = 0xf993fac9;
/** Third per-array magic (NumPy shape semantics, MXNet ≥1.6): ndim -1 unknown, 0 a scalar. */
export const NDARRAY_V3_MAGIC = 0xf993faca;

/** Which record layout an array was stored with. */
export type RecordVersion = 'legacy' | 'v1' | 'v2' | 'v3';

/**
 * mshadow type flags (mshadow/base.h `TypeFlag`: kFloat32 = 0 … kBfloat16 = 12) to nnport dtypes.
 * MXNet stores `bool` as one byte per element, as NumPy does.
 */
export const TYPE_FLAGS: readonly DType[] = [
  'float32',
  'float64',
  'float16',
  'uint8',
  'int32',
  'int8',
  'int64',
  'bool',
  'int16',
  'uint16',
  'uint32',
  'uint64',
  'bfloat16',
];

/** The type flag MXNet writes for an nnport dtype, or undefined (for future writers). */
export function typeFlagOf(dtype: DType): number | undefined {
  const i = TYPE_FLAGS.indexOf(dtype);
  return i < 0 ? undefined : i;
}

/** Storage types (include/mxnet/ndarray.h `NDArrayStorageType`): 0 default (dense), 1 row_sparse, 2 csr. */
const STORAGE_NAMES: readonly string[] = ['default', 'row_sparse', 'csr'];

/** One array record as parsed, before names are attached. */
export interface ParamsRecord {
  /** The record layout. */
  readonly version: RecordVersion;
  /** The element type. */
  readonly dtype: DType;
  /** The shape ([] for a V3 scalar). */
  readonly shape: readonly number[];
  /** Absolute offset of the raw data. */
  readonly offset: number;
  /** Data bytes. */
  readonly byteLength: number;
  /** True for a "none" array (ndim 0 before V3, ndim -1 in V3): no context, type or data stored. */
  readonly none: boolean;
}

/**
 * Bounds-checked little-endian reads straight from the source: headers are tiny and data is never
 * read here, so a multi-gigabyte file costs a handful of small reads per array.
 */
class RecordReader {
  pos = 0;
  /** What the reader is in (named in TRUNCATED messages). */
  what = 'list header';
  constructor(readonly source: ByteSource) {}

  /** The next `n` bytes, or TRUNCATED at the current offset naming what was being read. */
  async take(n: number, field: string): Promise<DataView> {
    if (n > this.source.size - this.pos) {
      throw new NnportError(
        'TRUNCATED',
        `file ends in ${this.what} (${field}: needs ${n} bytes, ${this.source.size - this.pos} left)`,
        { format: FORMAT, at: { byte: this.pos } },
      );
    }
    const b = await this.source.read(this.pos, n);
    this.pos += n;
    return new DataView(b.buffer, b.byteOffset, b.byteLength);
  }

  /** A uint32. */
  async u32(field: string): Promise<number> {
    return (await this.take(4, field)).getUint32(0, true);
  }

  /** An int32 (ndim, storage type, context, type flag). */
  async i32(field: string): Promise<number> {
    return (await this.take(4, field)).getInt32(0, true);
  }

  /** A uint64 that must fit a safe integer; larger is LIMIT_EXCEEDED. */
  async u64(field: string): Promise<number> {
    const at = this.pos;
    const v = (await this.take(8, field)).getBigUint64(0, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new NnportError('LIMIT_EXCEEDED', `${field} ${v} in ${this.what} exceeds 2^53`, {
        format: FORMAT,
        at: { byte: at },
      });
    }
    return Number(v);
  }

  /** An int64 dim, kept as a bigint until checked. */
  async i64(field: string): Promise<bigint> {
    return (await this.take(8, field)).getBigInt64(0, true);
  }

  /** Throws `code` about the current part at byte `at`. */
  fail(
    code: 'INVALID_STRUCTURE' | 'LIMIT_EXCEEDED' | 'UNSUPPORTED_DTYPE',
    detail: string,
    at: number,
  ): never {
    throw new NnportError(code, `${this.what}: ${detail}`, { format: FORMAT, at: { byte: at } });
  }
}

/**
 * Reads the dims of a shape whose `ndim` was read at `at`: 4-byte unsigned dims in legacy records,
 * 8-byte signed dims in V1/V2/V3. A dim of -1 (unknown, NumPy shape semantics) is returned as -1
 * only when `allowUnknown` (V3); the caller then treats the array as "none", as `NDArray::Load` does.
 */
async function readShape(
  r: RecordReader,
  ndim: number,
  dimBytes: 4 | 8,
  at: number,
  allowUnknown = false,
): Promise<number[]> {
  if (ndim > MAX_RANK) r.fail('LIMIT_EXCEEDED', `ndim ${ndim} exceeds MAX_RANK ${MAX_RANK}`, at);
  if (ndim < 0) r.fail('INVALID_STRUCTURE', `negative ndim ${ndim}`, at);
  const shape: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const dimAt = r.pos;
    if (dimBytes === 4) {
      shape.push(await r.u32(`dim ${i}`));
      continue;
    }
    const d = await r.i64(`dim ${i}`);
    if (d === -1n && allowUnknown) {
      shape.push(-1);
      continue;
    }
    if (d < 0n) r.fail('INVALID_STRUCTURE', `negative dimension ${d}`, dimAt);
    if (d > BigInt(Number.MAX_SAFE_INTEGER)) r.fail('LIMIT_EXCEEDED', `dimension ${d} exceeds 2^53`, dimAt);
    shape.push(Number(d));
  }
  return shape;
}

/** Reads the context, type flag and data window after a known shape. */
async function readBody(r: RecordReader, version: RecordVersion, shape: number[]): Promise<ParamsRecord> {
  await r.i32('context dev_type');
  await r.i32('context dev_id');
  const flagAt = r.pos;
  const flag = await r.i32('type flag');
  const dtype = TYPE_FLAGS[flag];
  if (dtype === undefined) r.fail('UNSUPPORTED_DTYPE', `unknown mshadow type flag ${flag}`, flagAt);
  const shapeAt = r.pos;
  let count: number;
  try {
    count = elementCount(shape);
  } catch (e) {
    if (e instanceof NnportError) r.fail('LIMIT_EXCEEDED', e.detail, shapeAt);
    throw e;
  }
  const bits = DTYPES[dtype].bits;
  if (count > Number.MAX_SAFE_INTEGER / bits) {
    r.fail('LIMIT_EXCEEDED', `${dtype}[${shape.join(', ')}] is more than 2^53 bits`, shapeAt);
  }
  const byteLength = (count * bits) / 8;
  if (byteLength > r.source.size - r.pos) {
    throw new NnportError(
      'TRUNCATED',
      `file ends in ${r.what} data (${dtype}[${shape.join(', ')}] needs ${byteLength} bytes, ${r.source.size - r.pos} left)`,
      { format: FORMAT, at: { byte: r.pos } },
    );
  }
  const offset = r.pos;
  r.pos += byteLength;
  return { version, dtype, shape, offset, byteLength, none: false };
}

/** A record that holds no data ("none" NDArray). */
function noneRecord(version: RecordVersion, at: number): ParamsRecord {
  return { version, dtype: 'float32', shape: [0], offset: at, byteLength: 0, none: true };
}

/** Reads one array record at the reader's position (ndarray.cc `NDArray::Load`). */
async function readRecord(r: RecordReader): Promise<ParamsRecord> {
  const start = r.pos;
  const head = await r.u32('magic or ndim');
  if (head === NDARRAY_V2_MAGIC || head === NDARRAY_V3_MAGIC) {
    const version: RecordVersion = head === NDARRAY_V2_MAGIC ? 'v2' : 'v3';
    const stypeAt = r.pos;
    const stype = await r.i32('storage type');
    if (stype !== 0) {
      const name = STORAGE_NAMES[stype];
      if (name === undefined) r.fail('INVALID_STRUCTURE', `unknown storage type ${stype}`, stypeAt);
      r.fail(
        'UNSUPPORTED_DTYPE',
        `${name} (sparse) storage is not read; save it dense (tostype('default'))`,
        stypeAt,
      );
    }
    const ndimAt = r.pos;
    const ndim = await r.i32('ndim');
    // V2 keeps the old meaning (ndim 0: no shape, nothing more stored); V3 uses -1 for that and 0 for a scalar.
    if (version === 'v2' ? ndim === 0 : ndim === -1) return noneRecord(version, r.pos);
    const shape = await readShape(r, ndim, 8, ndimAt, version === 'v3');
    // V3: any unknown dim makes the shape unknown (`shape_is_known`), and nothing more is stored.
    if (shape.includes(-1)) return noneRecord(version, r.pos);
    return readBody(r, version, shape);
  }
  if (head === NDARRAY_V1_MAGIC) {
    // V1 saves an nnvm/MXNet TShape (int32 ndim, int64 dims: ndarray.cc "version 1, with int64_t
    // TShape"); LegacyLoad treats ndim 0 as "no array".
    const ndimAt = r.pos;
    const ndim = await r.i32('ndim');
    if (ndim === 0) return noneRecord('v1', r.pos);
    const shape = await readShape(r, ndim, 8, ndimAt);
    return readBody(r, 'v1', shape);
  }
  // LegacyLoad: no magic; the word is the shape's ndim. Anything over MAX_RANK is not a legacy
  // shape but an unknown magic (a future version or garbage).
  if (head > MAX_RANK) {
    throw new NnportError('BAD_MAGIC', `${r.what}: unknown record magic 0x${head.toString(16)}`, {
      format: FORMAT,
      at: { byte: start },
    });
  }
  if (head === 0) return noneRecord('legacy', r.pos);
  const shape = await readShape(r, head, 4, start);
  return readBody(r, 'legacy', shape);
}

/** Reads the whole list: arrays and names (c_api.cc `MXNDArrayLoad`). */
export async function readParamsRecords(
  source: ByteSource,
): Promise<{ records: ParamsRecord[]; names: string[] }> {
  const r = new RecordReader(source);
  // Read as a raw uint64 so any first 8 bytes that are not the magic say BAD_MAGIC, never a limit.
  const magic = (await r.take(8, 'list magic')).getBigUint64(0, true);
  if (magic !== BigInt(MXNET_LIST_MAGIC)) {
    throw new NnportError(
      'BAD_MAGIC',
      `not an MXNet NDArray list (first uint64 is 0x${magic.toString(16)}, not 0x112)`,
      { format: FORMAT, at: { byte: 0 } },
    );
  }
  await r.u64('reserved');
  const countAt = r.pos;
  const count = await r.u64('array count');
  if (count > MAX_TENSORS) r.fail('LIMIT_EXCEEDED', `${count} arrays exceed MAX_TENSORS`, countAt);
  // Every record is at least 4 bytes: a count beyond the file is a truncation, not an allocation.
  if (count > (source.size - r.pos) / 4) {
    throw new NnportError('TRUNCATED', `file too short for ${count} arrays`, {
      format: FORMAT,
      at: { byte: r.pos },
    });
  }
  const records: ParamsRecord[] = [];
  for (let i = 0; i < count; i++) {
    r.what = `array ${i} (record at byte ${r.pos})`;
    records.push(await readRecord(r));
  }
  r.what = 'name list';
  const nameCountAt = r.pos;
  const nameCount = await r.u64('name count');
  if (nameCount !== 0 && nameCount !== count) {
    r.fail('INVALID_STRUCTURE', `${nameCount} names for ${count} arrays`, nameCountAt);
  }
  const names: string[] = [];
  for (let i = 0; i < nameCount; i++) {
    r.what = `name ${i}`;
    const lenAt = r.pos;
    const len = await r.u64('length');
    if (len > MAX_NAME_LENGTH)
      r.fail('LIMIT_EXCEEDED', `name of ${len} bytes exceeds MAX_NAME_LENGTH`, lenAt);
    const textAt = r.pos;
    const view = await r.take(len, 'name bytes');
    names.push(decodeUtf8(new Uint8Array(view.buffer, view.byteOffset, view.byteLength), textAt));
  }
  if (r.pos !== source.size) {
    throw new NnportError('INVALID_STRUCTURE', `${source.size - r.pos} bytes after the name list`, {
      format: FORMAT,
      at: { byte: r.pos },
    });
  }
  return { records, names };
}

/** True when every name carries Module's `arg:` / `aux:` prefix (save_checkpoint); Gluon's have none. */
function hasPrefixes(names: readonly string[]): boolean {
  return names.length > 0 && names.every((n) => n.startsWith('arg:') || n.startsWith('aux:'));
}

/**
 * Reads an MXNet `.params` file into a Model. Tensors keep the stored names (prefixes included);
 * an unnamed list gets '0', '1', …; data are zero-copy windows (MXNet writes little-endian C-order).
 */
export async function readMxnetParams(input: ReadInput): Promise<Model> {
  const { records, names } = await readParamsRecords(input.source);
  const seen = new Set<string>();
  const tensors: Tensor[] = [];
  const noneNames: string[] = [];
  const versions = new Set<RecordVersion>();
  records.forEach((rec, i) => {
    const name = names.length > 0 ? (names[i] as string) : String(i);
    if (seen.has(name)) {
      throw new NnportError('INVALID_STRUCTURE', `duplicate name ${JSON.stringify(name)}`, {
        format: FORMAT,
        at: { tensor: name },
      });
    }
    seen.add(name);
    versions.add(rec.version);
    if (rec.none) noneNames.push(name);
    tensors.push({
      name,
      dtype: rec.dtype,
      shape: rec.shape,
      data: new SourceData(input.source, rec.offset, rec.byteLength),
    });
  });
  const mxnet: Record<string, JsonValue> = {
    prefixes: hasPrefixes(names),
    names: names.length > 0 ? 'stored' : 'none',
    records: [...versions].sort(),
  };
  if (noneNames.length > 0) mxnet.noneArrays = noneNames;
  return { format: FORMAT, metadata: { mxnet }, tensors };
}
