/**
 * Protobuf wire-format primitives (protobuf.dev/programming-guides/encoding): wire types, base-128
 * varints of at most 10 bytes, and the integer reinterpretations proto2 types use. Pure functions
 * over bytes in memory; the lazy reader (reader.ts) feeds them bounded chunks of a ByteSource.
 */
import { NnportError } from '../../core/errors.js';

/** Protobuf wire types (encoding guide, "Message Structure"). 3 and 4 are the deprecated groups. */
export const WireType = {
  VARINT: 0,
  I64: 1,
  LEN: 2,
  SGROUP: 3,
  EGROUP: 4,
  I32: 5,
} as const;

/** A wire type number. */
export type WireTypeValue = (typeof WireType)[keyof typeof WireType];

/** Longest varint: 64 bits in 7-bit groups. */
export const MAX_VARINT_BYTES = 10;

/** Largest field number protobuf allows (2^29 − 1). */
export const MAX_FIELD_NUMBER = 536_870_911;

/** A decoded varint and the position after it. */
export interface VarintResult {
  /** The unsigned 64-bit value: a number when it is a safe integer, else a bigint. */
  readonly value: number | bigint;
  /** Index just past the varint's last byte. */
  readonly next: number;
}

/**
 * Decodes the varint at `bytes[pos]`, reading no further than `limit`. `base` turns indexes into
 * absolute file offsets for errors. Throws TRUNCATED when the varint runs past `limit` and
 * INVALID_STRUCTURE when it is longer than 10 bytes or exceeds 64 bits.
 */
export function decodeVarint(bytes: Uint8Array, pos: number, limit: number, base: number): VarintResult {
  // fast path: up to 7 bytes (49 bits) fit a double exactly
  let value = 0;
  let scale = 1;
  let i = pos;
  for (let n = 0; n < 7; n++) {
    if (i >= limit) throw truncatedVarint(base + pos);
    const b = bytes[i++] as number;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return { value, next: i };
    scale *= 128;
  }
  // slow path: bytes 8..10 in bigint
  let big = BigInt(value);
  let shift = 49n;
  for (let n = 7; n < MAX_VARINT_BYTES; n++) {
    if (i >= limit) throw truncatedVarint(base + pos);
    const b = bytes[i++] as number;
    big |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) {
      if (big > 0xffff_ffff_ffff_ffffn) {
        throw new NnportError('INVALID_STRUCTURE', 'varint exceeds 64 bits', { at: { byte: base + pos } });
      }
      return { value: big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big, next: i };
    }
    shift += 7n;
  }
  throw new NnportError('INVALID_STRUCTURE', 'varint longer than 10 bytes', { at: { byte: base + pos } });
}

function truncatedVarint(at: number): NnportError {
  return new NnportError('TRUNCATED', 'varint runs past the end of its message', { at: { byte: at } });
}

/**
 * An unsigned 64-bit varint value as the signed int64 it encodes (two's complement): a number when
 * safe, else a bigint (proto `int64`: ir_version, dims, attribute ints, int64_data).
 */
export function toInt64(v: number | bigint): number | bigint {
  if (typeof v === 'number') return v;
  const s = BigInt.asIntN(64, v);
  return s >= BigInt(Number.MIN_SAFE_INTEGER) && s <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(s) : s;
}

/** The varint value as a proto `int32` (negative int32 values are sign-extended to 10 bytes on the wire). */
export function toInt32(v: number | bigint): number {
  return typeof v === 'number' ? Number(BigInt.asIntN(32, BigInt(v))) : Number(BigInt.asIntN(32, v));
}

/** The varint value as an unsigned 64-bit bigint (proto `uint64`). */
export function toUint64(v: number | bigint): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const U64 = new BigUint64Array(F64.buffer);

/** The float32 whose bits are `bits` (a little-endian fixed32 read as uint32). */
export function float32FromBits(bits: number): number {
  U32[0] = bits;
  return F32[0] as number;
}

/** The float64 whose bits are `bits` (a little-endian fixed64 read as uint64). */
export function float64FromBits(bits: bigint): number {
  U64[0] = bits;
  return F64[0] as number;
}

/** Human name of a wire type, for messages. */
export function wireTypeName(w: number): string {
  return ['VARINT', 'I64', 'LEN', 'SGROUP', 'EGROUP', 'I32'][w] ?? `wire type ${w}`;
}
