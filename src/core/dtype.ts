/**
 * Element types nnport knows. Sizes are kept in *bits* so that sub-byte and block-quantized types
 * (int4, float8, GGUF blocks) can be added later without changing the contract.
 */

/** The name of an element type. */
export type DType =
  | 'float64'
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool';

/** What kind of number an element type holds. */
export type DTypeKind = 'float' | 'int' | 'uint' | 'bool';

/** Facts about one element type. */
export interface DTypeInfo {
  /** The dtype's name. */
  readonly name: DType;
  /** Bits one element takes in the canonical (dense, little-endian) layout. */
  readonly bits: number;
  /** Integer, unsigned integer, float or bool. */
  readonly kind: DTypeKind;
}

function info(name: DType, bits: number, kind: DTypeKind): DTypeInfo {
  return { name, bits, kind };
}

/** Every dtype, in the order listings and documentation use. */
export const DTYPES: Readonly<Record<DType, DTypeInfo>> = {
  float64: info('float64', 64, 'float'),
  float32: info('float32', 32, 'float'),
  float16: info('float16', 16, 'float'),
  bfloat16: info('bfloat16', 16, 'float'),
  int8: info('int8', 8, 'int'),
  int16: info('int16', 16, 'int'),
  int32: info('int32', 32, 'int'),
  int64: info('int64', 64, 'int'),
  uint8: info('uint8', 8, 'uint'),
  uint16: info('uint16', 16, 'uint'),
  uint32: info('uint32', 32, 'uint'),
  uint64: info('uint64', 64, 'uint'),
  bool: info('bool', 8, 'bool'),
};

/** True when `name` is a dtype nnport knows. */
export function isDType(name: string): name is DType {
  return Object.hasOwn(DTYPES, name);
}

/** Bytes `count` elements of `dtype` take, rounded up to whole bytes (sub-byte types pack). */
export function byteLengthOf(dtype: DType, count: number): number {
  return Math.ceil((DTYPES[dtype].bits * count) / 8);
}

/** Bytes one element takes; only for whole-byte dtypes. */
export function itemSize(dtype: DType): number {
  return DTYPES[dtype].bits / 8;
}

/**
 * The typed array that views a tensor's bytes. float16 and bfloat16 are viewed as their raw
 * `Uint16Array` bits (no platform-neutral Float16Array on Node 20); bool as `Uint8Array` of 0/1.
 */
export interface TypedArrayOf {
  float64: Float64Array;
  float32: Float32Array;
  float16: Uint16Array;
  bfloat16: Uint16Array;
  int8: Int8Array;
  int16: Int16Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  uint16: Uint16Array;
  uint32: Uint32Array;
  uint64: BigUint64Array;
  bool: Uint8Array;
}

/** Any typed array a tensor can be viewed as. */
export type AnyTypedArray = TypedArrayOf[DType];

const CONSTRUCTORS = {
  float64: Float64Array,
  float32: Float32Array,
  float16: Uint16Array,
  bfloat16: Uint16Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint64: BigUint64Array,
  bool: Uint8Array,
} as const;

/**
 * Views little-endian `bytes` as the dtype's typed array. Zero-copy when the bytes are aligned
 * for the element size; a copy otherwise (STYLE habit 4). Assumes a little-endian host, which is
 * every platform Node and browsers ship on; `assertLittleEndianHost` guards it.
 */
export function viewAs<D extends DType>(dtype: D, bytes: Uint8Array): TypedArrayOf[D] {
  const ctor = CONSTRUCTORS[dtype];
  const size = ctor.BYTES_PER_ELEMENT;
  const count = Math.floor(bytes.byteLength / size);
  if (bytes.byteOffset % size === 0) {
    return new ctor(bytes.buffer as ArrayBuffer, bytes.byteOffset, count) as TypedArrayOf[D];
  }
  const copy = bytes.slice(0, count * size);
  return new ctor(copy.buffer, 0, count) as TypedArrayOf[D];
}

/** Throws on a big-endian host: canonical tensor bytes are little-endian and viewed directly. */
export function assertLittleEndianHost(): void {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1) {
    throw new Error('nnport needs a little-endian host');
  }
}
