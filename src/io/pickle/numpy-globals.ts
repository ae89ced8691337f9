/**
 * NumPy in pickles: the globals NumPy's own `__reduce__` methods name, as an allow-list table,
 * and the inert values they build. What NumPy writes (numpy/core/src/multiarray/methods.c
 * `array_reduce_ex`, descriptor.c `arraydescr_reduce`, scalartypes.c `gentype_reduce`):
 *
 * - an array, protocols 0–4: `_reconstruct(ndarray, (0,), b'b')`, then BUILD with
 *   `(version, shape, dtype, is_fortran, rawdata)`; rawdata is the bytes in C or Fortran order,
 *   or for object arrays a list of the items;
 * - an array, protocol 5 (NumPy ≥ 1.16, contiguous non-object arrays):
 *   `_frombuffer(buffer, dtype, shape, order)`, the buffer pickled in band as bytes/bytearray;
 * - a dtype: `dtype(typestr, False, True)`, then BUILD with
 *   `(version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])`;
 * - a scalar (`np.float64(1.5)`): `scalar(dtype, bytes)`, or `scalar(dtype('O'), obj)`.
 *
 * NumPy 2 moved `numpy.core` to `numpy._core`; both paths are allowed. Nothing here converts
 * data: a `NumpyArray` records where its bytes are, and the format reader decides what becomes
 * a tensor (numeric dtypes) and what becomes metadata (object and string arrays).
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import { elementCount } from '../../core/tensor.js';
import { resolveDescr } from '../../formats/npy/descr.js';
import { badArguments, type GlobalTable, plainClass, tupleItems, VALUE_ONLY } from './allow-list.js';
import {
  asInt,
  asSequence,
  asText,
  type BuildContext,
  type GlobalHandler,
  PyBytes,
  PyGlobal,
  PyHost,
  type PyValue,
  pyTypeName,
} from './values.js';

/** The array classes `_reconstruct` may make: plain arrays and the subclasses NumPy itself ships. */
const ARRAY_CLASSES: readonly string[] = [
  'numpy.ndarray',
  'numpy.matrix',
  'numpy.matrixlib.defmatrix.matrix',
  'numpy.memmap',
  'numpy.core.memmap.memmap',
  'numpy._core.memmap.memmap',
];

/** What an array's element type is, as far as nnport is concerned. */
export type ElementKind =
  /** A number or bool nnport has a dtype for: the array becomes a tensor. */
  | { readonly kind: 'tensor'; readonly dtype: DType; readonly bigEndian: boolean }
  /** Python objects (`dtype=object`): the items are pickled values, not bytes. */
  | { readonly kind: 'object' }
  /** Fixed-width text (`<U5`: UTF-32 code units). */
  | { readonly kind: 'unicode'; readonly bigEndian: boolean }
  /** Fixed-width bytes (`|S5`). */
  | { readonly kind: 'bytes' }
  /** Anything else (complex, datetime, structured, long double): why not. */
  | { readonly kind: 'unsupported'; readonly why: string };

/**
 * A NumPy dtype object. `typestr` is what NumPy passes to `dtype(...)` (`f8`, `U3` — characters,
 * not bytes —, `O8`, `V4`); BUILD adds the byte order and, for flexible types, the item size.
 */
export class NumpyDType extends PyHost {
  /** The type string given to `numpy.dtype`. */
  readonly typestr: string;
  /** `<`, `>`, `|` (not applicable) or `=` (native, taken as little-endian). */
  byteOrder = '=';
  /** Item size from BUILD's `elsize` for flexible types (-1 or absent for fixed ones). */
  elsize = -1;
  /** Why the dtype is structured or a subarray (BUILD named fields or a subarray), if it is. */
  structured: string | undefined;

  constructor(typestr: string) {
    super();
    this.typestr = typestr;
  }

  override describe(): string {
    return `NumPy dtype '${this.str}'`;
  }

  /**
   * BUILD: `(version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata])`
   * (descriptor.c `arraydescr_setstate`; versions 3 and 4 since NumPy 1.7, 0–2 before). Only the
   * byte order, the structure markers and the item size matter here.
   */
  override build(state: PyValue, ctx: BuildContext): void {
    const s = tupleItems(state, 'numpy.dtype state', ctx.position);
    if (s.length < 2) badArguments('numpy.dtype state', `${s.length} items`, ctx.position);
    const order = asText(s[1]);
    if (order === undefined || !['<', '>', '|', '='].includes(order)) {
      badArguments('numpy.dtype state', `byte order ${pyTypeName(s[1])}`, ctx.position);
    }
    this.byteOrder = order;
    if (s.length >= 5) {
      if (s[2] !== null && s[2] !== undefined) this.structured = 'a subarray dtype';
      else if (s[3] !== null && s[3] !== undefined) this.structured = 'a structured dtype (named fields)';
    }
    if (s.length >= 6) {
      const elsize = asInt(s[5]);
      if (elsize === undefined) badArguments('numpy.dtype state', `elsize ${pyTypeName(s[5])}`, ctx.position);
      this.elsize = elsize;
    }
  }

  /** NumPy's `dtype.str`: byte order, kind and item size (`<f8`, `|b1`, `|O`, `<U3`). */
  get str(): string {
    const m = /^([A-Za-z?])(\d*)$/.exec(this.typestr);
    const kind = m?.[1] ?? this.typestr;
    const order = this.byteOrder === '=' ? '<' : this.byteOrder;
    if (kind === 'O') return '|O';
    const size = this.itemSize;
    // NumPy counts `U` lengths in characters (4 bytes each): `<U3` is 12 bytes per item.
    const shown = size === undefined ? '' : kind === 'U' ? size / 4 : size;
    return `${order}${kind}${shown}`;
  }

  /** NumPy's `dtype.name` for the common kinds (`float64`, `int32`, `bool`, `object`, `str96`). */
  get name(): string {
    const e = this.element;
    if (e.kind === 'tensor') return e.dtype;
    if (e.kind === 'object') return 'object';
    const size = this.itemSize ?? 0;
    if (e.kind === 'unicode') return `str${size * 8}`;
    if (e.kind === 'bytes') return `bytes${size * 8}`;
    return this.str;
  }

  /**
   * Bytes per item: `elsize` when BUILD gave one, else from the type string (characters × 4 for
   * `U`), 8 for objects (a pointer; their data is never bytes); undefined when unknowable.
   */
  get itemSize(): number | undefined {
    if (this.elsize > 0) return this.elsize;
    const m = /^([A-Za-z?])(\d*)$/.exec(this.typestr);
    if (m === null) return undefined;
    const [, kind, digits] = m;
    if (kind === 'O') return 8;
    if (kind === '?') return 1;
    if (digits === '') return undefined;
    const n = Number(digits);
    return kind === 'U' ? n * 4 : n;
  }

  /** What arrays of this dtype hold (see ElementKind). */
  get element(): ElementKind {
    if (this.structured !== undefined) return { kind: 'unsupported', why: this.structured };
    const m = /^([A-Za-z?])(\d*)$/.exec(this.typestr);
    if (m === null) return { kind: 'unsupported', why: `type string '${this.typestr}'` };
    const kind = m[1];
    const bigEndian = this.byteOrder === '>';
    if (kind === 'O') return { kind: 'object' };
    if (kind === 'U') return { kind: 'unicode', bigEndian };
    if (kind === 'S' || kind === 'a') return { kind: 'bytes' };
    try {
      const r = resolveDescr(this.str, 0);
      return { kind: 'tensor', dtype: r.dtype, bigEndian: r.bigEndian };
    } catch (e) {
      if (e instanceof NnportError && e.code === 'UNSUPPORTED_DTYPE') {
        return { kind: 'unsupported', why: e.detail.replace(/^npy dtype /, '') };
      }
      throw e;
    }
  }
}

/**
 * A NumPy array (or scalar, as a 0-d array) the pickle built. Numeric and string arrays hold
 * their bytes (`data`: a view into the pickle when the pickle held them as bytes); object arrays
 * hold their items. Nothing is converted here.
 */
export class NumpyArray extends PyHost {
  /** The array class: `numpy.ndarray`, or a subclass such as `numpy.matrix`. */
  cls = 'numpy.ndarray';
  /** Dimensions (checked: non-negative safe integers, at most MAX_RANK, a safe product). */
  shape: readonly number[] = [0];
  /** The element type. */
  dtype: NumpyDType = new NumpyDType('i1');
  /** True when `data` is in Fortran (column-major) order. */
  fortran = false;
  /** The element bytes (numeric and string arrays). */
  data: Uint8Array | undefined = new Uint8Array(0);
  /** The items (object arrays), in C order whatever `fortran` says (NumPy's methods.c `_getlist_pkl`). */
  items: readonly PyValue[] | undefined;
  /** Byte offset of the opcode that gave the array its content, for messages. */
  at = 0;
  /** True for a NumPy scalar (`np.float64(1.5)`), made a 0-d array. */
  scalar = false;

  override describe(): string {
    return `NumPy array ${this.dtype.str}[${this.shape.join(', ')}]`;
  }

  /**
   * BUILD of `_reconstruct`'s array: `ndarray.__setstate__((version, shape, dtype, is_fortran,
   * rawdata))`; NumPy's `array_setstate` also takes the 4-tuple without the version, which old
   * NumPy wrote.
   */
  override build(state: PyValue, ctx: BuildContext): void {
    const at = ctx.position;
    let s = tupleItems(state, 'numpy.ndarray state', at);
    if (s.length === 5) s = s.slice(1);
    if (s.length !== 4) badArguments('numpy.ndarray state', `${s.length} items, not 4 or 5`, at);
    const [shape, dtype, fortran, raw] = s as [PyValue, PyValue, PyValue, PyValue];
    if (!(dtype instanceof NumpyDType))
      badArguments('numpy.ndarray state', `dtype is a ${pyTypeName(dtype)}`, at);
    if (typeof fortran !== 'boolean' && asInt(fortran) === undefined) {
      badArguments('numpy.ndarray state', `is_fortran is a ${pyTypeName(fortran)}`, at);
    }
    this.setContent(
      shapeOf(shape, 'numpy.ndarray state', at),
      dtype,
      fortran === true || fortran === 1,
      raw,
      at,
    );
  }

  /**
   * Sets shape, dtype, order and content, checking the content against them: bytes must be
   * exactly `elements × itemsize`, an object array's items exactly `elements`.
   */
  setContent(shape: readonly number[], dtype: NumpyDType, fortran: boolean, raw: PyValue, at: number): void {
    const count = checkedCount(shape, at);
    this.shape = shape;
    this.dtype = dtype;
    this.fortran = fortran;
    this.at = at;
    if (dtype.element.kind === 'object') {
      const items = asSequence(raw);
      if (items === undefined) badArguments('NumPy object array', `items are a ${pyTypeName(raw)}`, at);
      if (items.length !== count)
        badArguments('NumPy object array', `${items.length} items for ${count} elements`, at);
      this.items = items;
      this.data = undefined;
      return;
    }
    const bytes = rawBytes(raw, at);
    const size = dtype.itemSize;
    if (size === undefined) badArguments('NumPy array', `dtype '${dtype.typestr}' has no item size`, at);
    if (count > Number.MAX_SAFE_INTEGER / Math.max(size, 1) || bytes.length !== count * size) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `NumPy array ${dtype.str}[${shape.join(', ')}] holds ${bytes.length} bytes, not ${count} × ${size}`,
        { at: { byte: at } },
      );
    }
    this.data = bytes;
    this.items = undefined;
  }
}

/** The bytes of an array's raw data: bytes, a bytearray, a Python 2 str, or a `str` (Latin-1). */
function rawBytes(raw: PyValue, at: number): Uint8Array {
  if (raw instanceof PyBytes) return raw.bytes;
  if (typeof raw === 'string') {
    // NumPy writes bytes; a text str is taken as Latin-1, as `pickle.load(encoding='latin1')` maps Python 2 data.
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) {
      const c = raw.charCodeAt(i);
      if (c > 0xff) badArguments('NumPy array data', 'a character outside Latin-1', at);
      out[i] = c;
    }
    return out;
  }
  return badArguments('NumPy array data', `is a ${pyTypeName(raw)}, not bytes`, at);
}

/** A shape tuple (or list) as checked numbers. */
export function shapeOf(v: PyValue, what: string, at: number): number[] {
  const items = asSequence(v);
  if (items === undefined) {
    // A bare int is a 1-d shape (NumPy accepts `shape=5`; joblib never writes it, but be liberal).
    const n = asInt(v);
    if (n === undefined) badArguments(what, `shape is a ${pyTypeName(v)}`, at);
    return checkedShape([n], at);
  }
  const dims = items.map((d) => {
    const n = asInt(d);
    if (n === undefined) badArguments(what, `a dimension is a ${pyTypeName(d)}`, at);
    return n;
  });
  return checkedShape(dims, at);
}

function checkedShape(dims: number[], at: number): number[] {
  checkedCount(dims, at);
  return dims;
}

/** `elementCount` with the error located at the pickle offset. */
function checkedCount(shape: readonly number[], at: number): number {
  try {
    return elementCount(shape);
  } catch (e) {
    if (e instanceof NnportError) throw new NnportError(e.code, e.detail, { at: { byte: at } });
    throw e;
  }
}

/** `numpy.dtype(typestr, align, copy)`. */
function makeDType(args: readonly PyValue[], at: number): NumpyDType {
  const t = asText(args[0]);
  if (t === undefined) {
    // `numpy.dtype(numpy.float64)`-style calls are not what NumPy's reduce writes, but name the class.
    if (args[0] instanceof PyGlobal) return new NumpyDType(scalarTypeCode(args[0].qualifiedName, at));
    return badArguments('numpy.dtype', `made from a ${pyTypeName(args[0])}`, at);
  }
  if (t.length === 0 || t.length > 64) badArguments('numpy.dtype', `type string '${t.slice(0, 64)}'`, at);
  // A full `dtype.str` (`<f8`) is accepted too: NumPy's constructor takes it.
  const m = /^([<>|=]?)(.*)$/s.exec(t) as RegExpExecArray;
  const d = new NumpyDType(m[2] as string);
  if (m[1] !== '') d.byteOrder = m[1] as string;
  return d;
}

/** `numpy.core.multiarray._reconstruct(cls, shape, typecode)`: an empty array BUILD fills. */
function reconstruct(args: readonly PyValue[], at: number): NumpyArray {
  const cls = args[0];
  if (!(cls instanceof PyGlobal) || !ARRAY_CLASSES.includes(cls.qualifiedName)) {
    return badArguments('numpy _reconstruct', `makes a ${pyTypeName(cls)}, not a NumPy array class`, at);
  }
  const a = new NumpyArray();
  a.cls = cls.qualifiedName;
  a.at = at;
  return a;
}

/** `numpy.core.numeric._frombuffer(buffer, dtype, shape, order)` (protocol 5). */
function fromBuffer(args: readonly PyValue[], at: number): NumpyArray {
  if (args.length !== 4) badArguments('numpy _frombuffer', `${args.length} arguments, not 4`, at);
  const [buffer, dtype, shape, order] = args as [PyValue, PyValue, PyValue, PyValue];
  if (!(dtype instanceof NumpyDType))
    badArguments('numpy _frombuffer', `dtype is a ${pyTypeName(dtype)}`, at);
  const o = asText(order);
  if (o !== 'C' && o !== 'F')
    badArguments('numpy _frombuffer', `order ${String(o ?? pyTypeName(order))}`, at);
  if (dtype.element.kind === 'object') badArguments('numpy _frombuffer', 'an object dtype', at);
  const a = new NumpyArray();
  a.setContent(shapeOf(shape, 'numpy _frombuffer', at), dtype, o === 'F', buffer, at);
  return a;
}

/** `numpy.core.multiarray.scalar(dtype, data)`: a NumPy scalar, as a 0-d array (objects: the object itself). */
function scalar(args: readonly PyValue[], at: number): PyValue {
  const [dtype, data] = args;
  if (!(dtype instanceof NumpyDType))
    return badArguments('numpy scalar', `dtype is a ${pyTypeName(dtype)}`, at);
  if (dtype.element.kind === 'object') return data ?? null;
  if (data === undefined) badArguments('numpy scalar', 'no data', at);
  const a = new NumpyArray();
  a.setContent([], dtype, false, data, at);
  a.scalar = true;
  return a;
}

/** NumPy's scalar type names (`numpy.float64`) → type code, for `numpy.dtype(numpy.float64)`. */
const SCALAR_TYPES: Readonly<Record<string, string>> = {
  float64: 'f8',
  float32: 'f4',
  float16: 'f2',
  double: 'f8',
  single: 'f4',
  half: 'f2',
  int8: 'i1',
  int16: 'i2',
  int32: 'i4',
  int64: 'i8',
  uint8: 'u1',
  uint16: 'u2',
  uint32: 'u4',
  uint64: 'u8',
  bool_: 'b1',
  bool: 'b1',
  object_: 'O8',
  str_: 'U0',
  bytes_: 'S0',
  complex64: 'c8',
  complex128: 'c16',
  longdouble: 'f16',
  intc: 'i4',
  intp: 'i8',
  uintp: 'u8',
  longlong: 'i8',
  ulonglong: 'u8',
  datetime64: 'M8',
  timedelta64: 'm8',
};

function scalarTypeCode(qualifiedName: string, at: number): string {
  const name = qualifiedName.slice(qualifiedName.lastIndexOf('.') + 1);
  const code = SCALAR_TYPES[name];
  if (code === undefined || !qualifiedName.startsWith('numpy.')) {
    return badArguments('numpy.dtype', `made from ${qualifiedName}`, at);
  }
  return code;
}

/** Handlers shared by the `numpy.core` and `numpy._core` spellings. */
const CORE: Readonly<Record<string, GlobalHandler>> = {
  'multiarray._reconstruct': { call: reconstruct },
  'multiarray.scalar': { call: scalar },
  'numeric._frombuffer': { call: fromBuffer },
};

/**
 * NumPy's globals as nnport allows them: the array, dtype and scalar constructors under both
 * module paths, the array classes and scalar types as values (scikit-learn stores `dtype=np.float64`
 * parameters), and the pickling helpers of `numpy.random` (a `RandomState` is plain data: its
 * Mersenne Twister key and position). None of them runs anything.
 */
export const NUMPY_GLOBALS: GlobalTable = (() => {
  const t: Record<string, GlobalHandler> = {
    'numpy.dtype': { call: makeDType, instantiate: (args, _kw, at) => makeDType(args, at) },
  };
  for (const core of ['numpy.core', 'numpy._core']) {
    for (const [name, h] of Object.entries(CORE)) t[`${core}.${name}`] = h;
  }
  for (const cls of ARRAY_CLASSES) t[cls] = VALUE_ONLY;
  for (const name of Object.keys(SCALAR_TYPES)) t[`numpy.${name}`] = VALUE_ONLY;
  for (const name of [
    'Float64DType',
    'Float32DType',
    'Float16DType',
    'Int64DType',
    'Int32DType',
    'BoolDType',
    'ObjectDType',
  ]) {
    t[`numpy.dtypes.${name}`] = VALUE_ONLY;
  }
  // numpy/random/_pickle.py (NumPy ≥ 1.17) and numpy/random/__init__.py (older): constructors of
  // random states, whose BUILD state is plain data (a key array and counters).
  for (const ctor of ['__randomstate_ctor', '__bit_generator_ctor', '__generator_ctor']) {
    t[`numpy.random._pickle.${ctor}`] = plainClass(`numpy.random._pickle.${ctor}`);
  }
  t['numpy.random.__RandomState_ctor'] = plainClass('numpy.random.__RandomState_ctor');
  t['numpy.random.mtrand.RandomState'] = plainClass('numpy.random.mtrand.RandomState');
  for (const bg of [
    '_mt19937.MT19937',
    '_pcg64.PCG64',
    '_pcg64.PCG64DXSM',
    '_philox.Philox',
    '_sfc64.SFC64',
  ]) {
    t[`numpy.random.${bg}`] = plainClass(`numpy.random.${bg}`);
  }
  return t;
})();

/** True when `v` is a NumPy array of a numeric dtype (one that becomes a tensor). */
export function isNumericArray(v: PyValue | undefined): v is NumpyArray {
  return v instanceof NumpyArray && v.dtype.element.kind === 'tensor';
}
