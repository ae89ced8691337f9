/**
 * The npy header: magic, version, header length and the header dict (NumPy
 * `numpy/lib/format.py`, "Format Version 1.0/2.0/3.0", and NEP 1). Reading checks every field
 * and the data size against the file before anything is allocated; writing reproduces NumPy's
 * own header bytes exactly (same dict text, growth padding and 64-byte alignment).
 */
import type { DType } from '../../core/dtype.js';
import { isNnportError, NnportError } from '../../core/errors.js';
import { MAX_HEADER_BYTES } from '../../core/limits.js';
import { elementCount } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import { decodeLatin1, decodeUtf8, encodeUtf8 } from '../../io/cursor.js';
import { descrOf, type NumpyDType, resolveDescr } from './descr.js';
import { PyDict, PyTuple, parsePyLiteral } from './literal.js';

/** `\x93NUMPY`: the magic string every npy file starts with (format.py MAGIC_PREFIX). */
export const NPY_MAGIC = new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]);

/** NumPy ≥ 1.14 pads headers so data starts at a multiple of this (format.py ARRAY_ALIGN). */
const ARRAY_ALIGN = 64;

/**
 * Spaces NumPy reserves after the dict for in-place growth of the first axis: 21 digits minus
 * the length of that axis' repr (format.py GROWTH_AXIS_MAX_DIGITS, NumPy ≥ 1.23).
 */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** The exact key set NumPy requires (format.py EXPECTED_KEYS): others or missing ones are errors. */
const EXPECTED_KEYS = ['descr', 'fortran_order', 'shape'];

/** A parsed, checked npy header. */
export interface NpyHeader {
  /** Format version `[major, minor]`: 1.0, 2.0 or 3.0. */
  readonly version: readonly [number, number];
  /** The descr string as written (e.g. `>f4`). */
  readonly descr: string;
  /** The nnport dtype. */
  readonly dtype: DType;
  /** True when the data is big-endian. */
  readonly bigEndian: boolean;
  /** Bytes per element. */
  readonly itemSize: number;
  /** True when the data is in Fortran (column-major) order. */
  readonly fortranOrder: boolean;
  /** The shape. */
  readonly shape: readonly number[];
  /** Number of elements. */
  readonly count: number;
  /** Where the data starts in the source. */
  readonly dataOffset: number;
  /** Bytes of data (`count × itemSize`). */
  readonly byteLength: number;
}

/**
 * Reads and checks the header of an npy source. Errors: BAD_MAGIC; UNSUPPORTED_VERSION;
 * TRUNCATED when the header or the data run past the end; LIMIT_EXCEEDED for a header over
 * MAX_HEADER_BYTES or a shape past 2^53 elements; INVALID_STRUCTURE for a malformed dict;
 * UNSUPPORTED_DTYPE for object, string, structured and other dtypes nnport has no type for.
 * Bytes after the data are ignored, as `numpy.load` ignores them.
 */
export async function readNpyHeader(source: ByteSource): Promise<NpyHeader> {
  const size = source.size;
  const lead = await source.read(0, Math.min(size, 12));
  for (let i = 0; i < NPY_MAGIC.length; i++) {
    if (i >= lead.length) {
      throw new NnportError('TRUNCATED', `file of ${size} bytes ends inside the npy magic`, {
        at: { byte: size },
      });
    }
    if (lead[i] !== NPY_MAGIC[i]) {
      throw new NnportError('BAD_MAGIC', 'not an npy file (no \\x93NUMPY magic)', { at: { byte: i } });
    }
  }
  if (lead.length < 8) {
    throw new NnportError('TRUNCATED', 'file ends inside the npy version', { at: { byte: lead.length } });
  }
  const major = lead[6];
  const minor = lead[7];
  if (minor !== 0 || major < 1 || major > 3) {
    throw new NnportError(
      'UNSUPPORTED_VERSION',
      `npy format version ${major}.${minor} (nnport reads 1.0, 2.0, 3.0)`,
      {
        at: { byte: 6 },
      },
    );
  }
  // 1.0: u16 header length; 2.0 and 3.0: u32 (format.py _header_size_info).
  const lengthBytes = major === 1 ? 2 : 4;
  const headerStart = 8 + lengthBytes;
  if (lead.length < headerStart) {
    throw new NnportError('TRUNCATED', 'file ends inside the npy header length', {
      at: { byte: lead.length },
    });
  }
  const view = new DataView(lead.buffer, lead.byteOffset, lead.byteLength);
  const headerLength = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  if (headerLength > MAX_HEADER_BYTES) {
    throw new NnportError('LIMIT_EXCEEDED', `npy header of ${headerLength} bytes exceeds MAX_HEADER_BYTES`, {
      at: { byte: 8 },
    });
  }
  if (headerLength > size - headerStart) {
    throw new NnportError(
      'TRUNCATED',
      `npy header of ${headerLength} bytes runs past the end of the ${size}-byte file`,
      { at: { byte: 8 } },
    );
  }
  const raw = await source.read(headerStart, headerLength);
  // 1.0 and 2.0 headers are Latin-1; 3.0 headers are UTF-8 (format.py _header_size_info).
  const text = major === 3 ? decodeUtf8(raw, headerStart) : decodeLatin1(raw);
  if (!text.endsWith('\n')) {
    throw new NnportError('INVALID_STRUCTURE', 'npy header does not end with a newline', {
      at: { byte: headerStart + headerLength - 1 },
    });
  }
  const dict = parsePyLiteral(text, headerStart);
  if (!(dict instanceof PyDict)) {
    throw new NnportError('INVALID_STRUCTURE', 'npy header is not a dict', { at: { byte: headerStart } });
  }
  const keys = [...dict.entries.keys()].sort();
  if (keys.join('\0') !== EXPECTED_KEYS.join('\0')) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `npy header keys are [${keys.join(', ')}]; NumPy requires exactly descr, fortran_order, shape`,
      { at: { byte: headerStart } },
    );
  }
  const fortranOrder = dict.entries.get('fortran_order');
  if (typeof fortranOrder !== 'boolean') {
    throw new NnportError('INVALID_STRUCTURE', 'npy header fortran_order is not True or False', {
      at: { byte: headerStart },
    });
  }
  const shape = readShape(dict.entries.get('shape'), headerStart);
  const descr = dict.entries.get('descr') ?? null;
  const resolved = resolveDescr(descr, headerStart);
  const count = located(() => elementCount(shape), headerStart);
  const byteLength = count * resolved.itemSize;
  if (!Number.isSafeInteger(byteLength)) {
    throw new NnportError('LIMIT_EXCEEDED', `npy array of ${count} elements has more than 2^53 bytes`, {
      at: { byte: headerStart },
    });
  }
  const dataOffset = headerStart + headerLength;
  if (byteLength > size - dataOffset) {
    throw new NnportError(
      'TRUNCATED',
      `npy data needs ${byteLength} bytes for ${descr}[${shape.join(', ')}] but ${size - dataOffset} remain`,
      { at: { byte: dataOffset } },
    );
  }
  return {
    version: [major, minor],
    descr: descr as string,
    dtype: resolved.dtype,
    bigEndian: resolved.bigEndian,
    itemSize: resolved.itemSize,
    fortranOrder,
    shape,
    count,
    dataOffset,
    byteLength,
  };
}

/** The shape: a tuple of non-negative integers (format.py checks `isinstance(x, int)`). */
function readShape(value: unknown, at: number): number[] {
  if (!(value instanceof PyTuple)) {
    throw new NnportError('INVALID_STRUCTURE', 'npy header shape is not a tuple', { at: { byte: at } });
  }
  return value.items.map((d) => {
    if (typeof d !== 'bigint' || d < 0n) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        'npy header shape holds something other than a non-negative integer',
        {
          at: { byte: at },
        },
      );
    }
    if (d > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new NnportError('LIMIT_EXCEEDED', `npy dimension ${d} is beyond 2^53`, { at: { byte: at } });
    }
    return Number(d);
  });
}

/** Runs `f`, giving a location to an NnportError it throws without one. */
function located<T>(f: () => T, at: number): T {
  try {
    return f();
  } catch (e) {
    if (isNnportError(e) && e.at === undefined) {
      throw new NnportError(e.code, e.detail, { at: { byte: at }, cause: e });
    }
    throw e;
  }
}

/** Python's `repr` of a tuple of ints: `()`, `(3,)`, `(3, 4)`. */
function reprShape(shape: readonly number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * The bytes NumPy writes before C-order little-endian data of this dtype and shape: exactly
 * `np.save`'s (format.py `_write_array_header` with `_wrap_header_guess_version`): version 1.0
 * when the header length fits a u16, else 2.0; the dict text, the growth padding, then spaces and
 * a newline so the data starts at a multiple of 64. Version 3.0 is never needed: descrs and
 * shapes are ASCII.
 */
export function buildNpyHeader(dtype: NumpyDType, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descrOf(dtype)}', 'fortran_order': False, 'shape': ${reprShape(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length));
  const body = encodeUtf8(dict);
  const withNewline = body.length + 1;
  let major = 1;
  let prefix = 10;
  let pad = ARRAY_ALIGN - ((prefix + withNewline) % ARRAY_ALIGN);
  if (withNewline + pad > 0xffff) {
    major = 2;
    prefix = 12;
    pad = ARRAY_ALIGN - ((prefix + withNewline) % ARRAY_ALIGN);
  }
  const total = prefix + withNewline + pad;
  const out = new Uint8Array(total);
  out.set(NPY_MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const view = new DataView(out.buffer);
  if (major === 1) view.setUint16(8, withNewline + pad, true);
  else view.setUint32(8, withNewline + pad, true);
  out.set(body, prefix);
  out.fill(0x20, prefix + body.length, total - 1);
  out[total - 1] = 0x0a;
  return out;
}
