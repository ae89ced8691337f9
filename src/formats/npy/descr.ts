/**
 * NumPy type descriptors (`descr` in an npy header) to nnport dtypes and back. NumPy writes
 * `dtype.str` for plain dtypes (format.py `dtype_to_descr`): a byte-order character, a kind
 * character and the item size, e.g. `<f4`, `|b1`, `>i8`. Structured dtypes are written as a list
 * of fields and subarray dtypes as a tuple; nnport reads neither.
 */
import { type DType, itemSize } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import { type PyLiteral, PyTuple } from './literal.js';

/** A plain descr resolved to an nnport dtype. */
export interface ResolvedDescr {
  /** The nnport dtype. */
  readonly dtype: DType;
  /** True when the data is big-endian and must be swapped to the canonical little-endian layout. */
  readonly bigEndian: boolean;
  /** Bytes per element. */
  readonly itemSize: number;
}

/** `kind + size` → dtype, for the kinds NumPy's `dtype.str` produces (NumPy "Array-protocol type strings"). */
const KINDS: Readonly<Record<string, DType>> = {
  f8: 'float64',
  f4: 'float32',
  f2: 'float16',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  u2: 'uint16',
  u4: 'uint32',
  u8: 'uint64',
  b1: 'bool',
  c8: 'complex64',
  c16: 'complex128',
};

/** What the kind characters nnport cannot read mean, for the error message. */
const UNREADABLE_KINDS: Readonly<Record<string, string>> = {
  O: 'object (pickled Python objects; nnport never unpickles npy data)',
  U: 'unicode string',
  S: 'byte string',
  a: 'byte string',
  V: 'void (raw bytes; ml_dtypes bfloat16 is also saved as <V2, indistinguishable from plain void)',
  c: 'complex (other than complex64 and complex128)',
  M: 'datetime64',
  m: 'timedelta64',
};

/**
 * Resolves a descr. A string must be `[<>=|]?` + kind + size (or `?`, NumPy's bool typecode);
 * `=`, `|` and no prefix mean the writer's native order, taken as little-endian (every platform
 * NumPy runs on today). Everything else is UNSUPPORTED_DTYPE with what it is; a descr that is not a
 * string, list or tuple is INVALID_STRUCTURE. `at` is the header's offset for errors.
 */
export function resolveDescr(descr: PyLiteral, at: number): ResolvedDescr {
  if (Array.isArray(descr)) {
    throw new NnportError('UNSUPPORTED_DTYPE', `structured dtype ${describeFields(descr)} is not supported`, {
      at: { byte: at },
    });
  }
  if (descr instanceof PyTuple) {
    throw new NnportError('UNSUPPORTED_DTYPE', 'subarray dtype descr (a tuple) is not supported', {
      at: { byte: at },
    });
  }
  if (typeof descr !== 'string') {
    throw new NnportError('INVALID_STRUCTURE', 'npy header descr is not a string', { at: { byte: at } });
  }
  const m = /^([<>=|]?)([A-Za-z?])(\d*)(.*)$/s.exec(descr);
  const unsupported = (why: string): never => {
    throw new NnportError('UNSUPPORTED_DTYPE', `npy dtype '${descr}': ${why}`, { at: { byte: at } });
  };
  if (m === null) return unsupported('not a NumPy type string');
  const [, order, kind, size, rest] = m;
  let dtype: DType | undefined;
  if (rest === '') dtype = kind === '?' && size === '' ? 'bool' : KINDS[kind + size];
  if (dtype === undefined) {
    const what = UNREADABLE_KINDS[kind];
    if (what !== undefined) return unsupported(`${what} arrays are not supported`);
    if (kind === 'f') return unsupported(`float of ${size || '?'} bytes (long double?) is not supported`);
    return unsupported('unknown type string');
  }
  const bytes = itemSize(dtype);
  // A complex element is two floats: swapping it whole would exchange its parts. NumPy writes
  // native (little-endian) order, so big-endian complex is refused rather than special-cased.
  if (order === '>' && (dtype === 'complex64' || dtype === 'complex128')) {
    return unsupported('big-endian complex arrays are not supported');
  }
  return { dtype, bigEndian: order === '>' && bytes > 1, itemSize: bytes };
}

/** The dtypes NumPy has (no bfloat16, float8, float4 or sub-byte integers). */
export type NumpyDType = Extract<
  DType,
  | 'float64'
  | 'float32'
  | 'float16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool'
  | 'complex64'
  | 'complex128'
>;

/** True when NumPy has a dtype for `dtype`. */
export function isNumpyDType(dtype: DType): dtype is NumpyDType {
  return Object.values(KINDS).includes(dtype);
}

/** The descr NumPy writes for a dtype (`np.dtype(x).str`): little-endian, `|` for one-byte types. */
export function descrOf(dtype: NumpyDType): string {
  switch (dtype) {
    case 'bool':
      return '|b1';
    case 'int8':
      return '|i1';
    case 'uint8':
      return '|u1';
    default:
      for (const [code, d] of Object.entries(KINDS)) if (d === dtype) return `<${code}`;
      throw new Error(`no descr for ${dtype}`);
  }
}

/** Field names of a structured descr, for the message. */
function describeFields(fields: readonly PyLiteral[]): string {
  const names = fields.map((f) => {
    const first = Array.isArray(f) ? f[0] : f instanceof PyTuple ? f.items[0] : undefined;
    return typeof first === 'string' ? first : '?';
  });
  const shown = names.slice(0, 8).join(', ');
  return `(fields ${shown}${names.length > 8 ? ', ...' : ''})`;
}
