/**
 * Sizes of protobuf wire encodings (protobuf encoding guide, "Base 128 Varints" and "Message
 * Structure"). A length-delimited field carries its length before its bytes, so a streaming writer
 * must know every nested message's size before it emits the message: these functions compute
 * them without encoding anything.
 */

/** Wire type 0: varint (int32, int64, uint64, bool, enum). */
export const WIRE_VARINT = 0;
/** Wire type 1: 8 little-endian bytes (fixed64, double). */
export const WIRE_FIXED64 = 1;
/** Wire type 2: a varint length, then that many bytes (strings, bytes, messages, packed repeated). */
export const WIRE_LEN = 2;
/** Wire type 5: 4 little-endian bytes (fixed32, float). */
export const WIRE_FIXED32 = 5;

/** Largest field number protobuf allows (2^29 - 1, "Message Structure"). */
export const MAX_FIELD_NUMBER = 0x1fffffff;

/** Bytes of the varint encoding of a non-negative safe integer. */
export function varintSize(n: number): number {
  // Each byte carries 7 bits; divide instead of shifting since `n` may exceed 2^32.
  let size = 1;
  while (n >= 128) {
    n = Math.floor(n / 128);
    size += 1;
  }
  return size;
}

/**
 * Bytes of the varint encoding of an integer field value. Negative int32/int64 values are
 * sign-extended to 64 bits and always take 10 bytes (the encoding guide: "if you use int32 or
 * int64 as the type for a negative number, the resulting varint is always ten bytes long").
 */
export function intVarintSize(v: number | bigint): number {
  if (typeof v === 'bigint') {
    if (v < 0n) return 10;
    let size = 1;
    while (v >= 128n) {
      v >>= 7n;
      size += 1;
    }
    return size;
  }
  return v < 0 ? 10 : varintSize(v);
}

/** Bytes of a field's tag (field number and wire type in one varint). */
export function tagSize(field: number): number {
  // The tag is `field << 3 | wireType`; multiply so field numbers near 2^29 stay exact.
  return varintSize(field * 8);
}

/** Bytes of a length-delimited field whose content takes `length` bytes: tag, length, content. */
export function lenFieldSize(field: number, length: number): number {
  return tagSize(field) + varintSize(length) + length;
}
