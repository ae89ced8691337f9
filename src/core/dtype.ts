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
  | 'bool'
  | 'float8e4m3fn'
  | 'float8e4m3fnuz'
  | 'float8e5m2'
  | 'float8e5m2fnuz'
  | 'float8e8m0'
  | 'float4e2m1'
  | 'int4'
  | 'uint4'
  | 'int2'
  | 'uint2'
  | 'complex64'
  | 'complex128';

/** What kind of number an element type holds ('complex': a pair of floats, real part first). */
export type DTypeKind = 'float' | 'int' | 'uint' | 'bool' | 'complex';

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
  // ONNX's later element types (onnx.proto TensorProto.DataType 17–26; docs/docs/Float8.md,
  // Float4e2m1.md; OCP Microscaling Formats (MX) v1.0 for float8e8m0 and float4e2m1).
  float8e4m3fn: info('float8e4m3fn', 8, 'float'),
  float8e4m3fnuz: info('float8e4m3fnuz', 8, 'float'),
  float8e5m2: info('float8e5m2', 8, 'float'),
  float8e5m2fnuz: info('float8e5m2fnuz', 8, 'float'),
  float8e8m0: info('float8e8m0', 8, 'float'),
  // Sub-byte types pack little-endian, the first element in the lowest bits of a byte (ONNX
  // "the first element is stored in the 4 LSB"; 2-bit types 4 per byte the same way).
  float4e2m1: info('float4e2m1', 4, 'float'),
  int4: info('int4', 4, 'int'),
  uint4: info('uint4', 4, 'uint'),
  int2: info('int2', 2, 'int'),
  uint2: info('uint2', 2, 'uint'),
  // Complex: real then imaginary part, each a float32 (complex64) or float64 (complex128).
  complex64: info('complex64', 64, 'complex'),
  complex128: info('complex128', 128, 'complex'),
};

/** True when `name` is a dtype nnport knows. */
export function isDType(name: string): name is DType {
  return Object.hasOwn(DTYPES, name);
}

/** Bytes `count` elements of `dtype` take, rounded up to whole bytes (sub-byte types pack). */
export function byteLengthOf(dtype: DType, count: number): number {
  return Math.ceil((DTYPES[dtype].bits * count) / 8);
}

/** Bytes one element takes; only for whole-byte dtypes (a fraction for sub-byte ones). */
export function itemSize(dtype: DType): number {
  return DTYPES[dtype].bits / 8;
}

/** True for dtypes of fewer than 8 bits, which pack several elements into a byte. */
export function isSubByte(dtype: DType): boolean {
  return DTYPES[dtype].bits < 8;
}

/** The float dtype of one part (real or imaginary) of a complex dtype. */
export function complexPart(dtype: 'complex64' | 'complex128'): 'float32' | 'float64' {
  return dtype === 'complex64' ? 'float32' : 'float64';
}

/**
 * Unpacks `count` sub-byte elements of `bits` bits (packed low bits first) into one byte each,
 * the element's raw bits in the low bits of the byte (no sign extension).
 */
export function unpackSubByte(packed: Uint8Array, bits: number, count: number): Uint8Array {
  const out = new Uint8Array(count);
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  for (let i = 0; i < count; i++) {
    out[i] = (packed[Math.floor(i / perByte)] >> ((i % perByte) * bits)) & mask;
  }
  return out;
}

/** The inverse of `unpackSubByte`: one element per byte (low bits) packed `8 / bits` per byte; padding bits are 0. */
export function packSubByte(unpacked: Uint8Array, bits: number): Uint8Array {
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  const out = new Uint8Array(Math.ceil(unpacked.length / perByte));
  for (let i = 0; i < unpacked.length; i++) {
    out[Math.floor(i / perByte)] |= (unpacked[i] & mask) << ((i % perByte) * bits);
  }
  return out;
}

/**
 * The typed array that views a tensor's bytes. float16 and bfloat16 are viewed as their raw
 * `Uint16Array` bits (no platform-neutral Float16Array on Node 20); bool as `Uint8Array` of 0/1.
 * float8 types as their raw `Uint8Array` bits; sub-byte types as the packed bytes (`Uint8Array`,
 * `unpackSubByte` gives one element per byte); complex as interleaved real/imaginary parts.
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
  float8e4m3fn: Uint8Array;
  float8e4m3fnuz: Uint8Array;
  float8e5m2: Uint8Array;
  float8e5m2fnuz: Uint8Array;
  float8e8m0: Uint8Array;
  float4e2m1: Uint8Array;
  int4: Uint8Array;
  uint4: Uint8Array;
  int2: Uint8Array;
  uint2: Uint8Array;
  complex64: Float32Array;
  complex128: Float64Array;
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
  float8e4m3fn: Uint8Array,
  float8e4m3fnuz: Uint8Array,
  float8e5m2: Uint8Array,
  float8e5m2fnuz: Uint8Array,
  float8e8m0: Uint8Array,
  float4e2m1: Uint8Array,
  int4: Uint8Array,
  uint4: Uint8Array,
  int2: Uint8Array,
  uint2: Uint8Array,
  complex64: Float32Array,
  complex128: Float64Array,
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
