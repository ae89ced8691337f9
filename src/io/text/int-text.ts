/**
 * Decimal integers as ASCII bytes, written and parsed in place: no string per value for anything
 * that fits a double exactly (every integer dtype up to 32 bits, and int64/uint64 values within
 * ±2^53). Only 64-bit values beyond 2^53 go through `bigint`, which is rare in real tensors
 * (token ids, step counters and hashes are the usual int64 contents).
 */

/** ASCII `0`. */
const ZERO = 48;
/** ASCII `-`. */
const MINUS = 45;
/** ASCII `+`. */
const PLUS = 43;

/** 2^32, to combine and split the two 32-bit halves of a 64-bit integer. */
const TWO_32 = 4294967296;

/**
 * Largest accumulator that can take one more decimal digit exactly in a double:
 * `acc * 10 + 9 <= 2^53 - 1` holds for every `acc <= SAFE_ACC`.
 */
const SAFE_ACC = 900719925474098;

/** Writes the non-negative safe integer `v` in decimal at buf[pos..]; returns the new position. */
export function writeUnsigned(v: number, buf: Uint8Array, pos: number): number {
  if (v < 10) {
    buf[pos] = ZERO + v;
    return pos + 1;
  }
  // Count digits first so the digits can be filled from the right without a scratch buffer.
  let digits = 2;
  for (let t = 100; t <= v && digits < 16; t *= 10) digits++;
  let end = pos + digits;
  let q = v;
  while (end > pos) {
    const next = Math.floor(q / 10);
    buf[--end] = ZERO + (q - next * 10);
    q = next;
  }
  return pos + digits;
}

/** Writes the safe integer `v` (any sign) in decimal; returns the new position. */
export function writeSigned(v: number, buf: Uint8Array, pos: number): number {
  if (v < 0) {
    buf[pos] = MINUS;
    return writeUnsigned(-v, buf, pos + 1);
  }
  return writeUnsigned(v, buf, pos);
}

/** Writes ASCII text (digits of a bigint) at buf[pos..]; returns the new position. */
export function writeAscii(s: string, buf: Uint8Array, pos: number): number {
  for (let k = 0; k < s.length; k++) buf[pos + k] = s.charCodeAt(k);
  return pos + s.length;
}

/**
 * Writes the int64 whose little-endian halves are `lo` (unsigned) and `hi` (signed). Values
 * within ±2^53 are combined exactly in a double; the rest go through `bigint`.
 */
export function writeInt64(lo: number, hi: number, buf: Uint8Array, pos: number): number {
  // |hi| < 2^21 means |value| < 2^53: the double `hi * 2^32 + lo` is exact.
  if (hi >= -2097152 && hi < 2097152) return writeSigned(hi * TWO_32 + lo, buf, pos);
  return writeAscii(((BigInt(hi) << 32n) | BigInt(lo)).toString(), buf, pos);
}

/** Writes the uint64 whose little-endian halves are `lo` and `hi` (both unsigned). */
export function writeUint64(lo: number, hi: number, buf: Uint8Array, pos: number): number {
  if (hi < 2097152) return writeUnsigned(hi * TWO_32 + lo, buf, pos);
  return writeAscii(((BigInt(hi) << 32n) | BigInt(lo)).toString(), buf, pos);
}

/**
 * Parses the decimal integer src[start, end): an optional sign and at least one digit, nothing
 * else. Returns the value when it lies within [min, max] (both safe integers), else NaN.
 */
export function parseSmallInt(src: Uint8Array, start: number, end: number, min: number, max: number): number {
  let p = start;
  let negative = false;
  if (p < end) {
    const c = src[p];
    if (c === MINUS) {
      negative = true;
      p++;
    } else if (c === PLUS) {
      p++;
    }
  }
  if (p === end) return Number.NaN;
  let acc = 0;
  // The bound is the larger magnitude the dtype allows; stop as soon as it is passed so a long run
  // of digits cannot lose precision before the range check.
  const limit = negative ? -min : max;
  for (; p < end; p++) {
    const d = src[p] - ZERO;
    if (d < 0 || d > 9) return Number.NaN;
    acc = acc * 10 + d;
    if (acc > limit) return Number.NaN;
  }
  return negative ? -acc : acc;
}

/** The parsed value of a 64-bit integer token as its two little-endian 32-bit halves. */
export interface Int64Halves {
  /** Low 32 bits, unsigned. */
  lo: number;
  /** High 32 bits, as an unsigned number (the caller writes them as raw bits). */
  hi: number;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * Parses a decimal int64 (`signed`) or uint64 token into `out` halves. Returns false on a syntax
 * error or a value outside the dtype's range. `-0` is 0; a sign on uint64 is accepted only for
 * zero (`-0`, `+0`) and positive values.
 */
export function parseInt64(
  src: Uint8Array,
  start: number,
  end: number,
  signed: boolean,
  out: Int64Halves,
): boolean {
  let p = start;
  let negative = false;
  if (p < end) {
    const c = src[p];
    if (c === MINUS) {
      negative = true;
      p++;
    } else if (c === PLUS) {
      p++;
    }
  }
  if (p === end) return false;
  let acc = 0;
  let big: bigint | undefined;
  for (; p < end; p++) {
    const d = src[p] - ZERO;
    if (d < 0 || d > 9) return false;
    if (big !== undefined) {
      big = big * 10n + BigInt(d);
      // Anything past 2^64 is out of range for both dtypes; stop before the number grows unbounded.
      if (big > UINT64_MAX) return false;
    } else if (acc <= SAFE_ACC) {
      acc = acc * 10 + d;
    } else {
      big = BigInt(acc) * 10n + BigInt(d);
    }
  }
  if (big === undefined) {
    if (negative && !signed && acc !== 0) return false;
    const v = negative ? -acc : acc;
    const hi = Math.floor(v / TWO_32);
    out.lo = v - hi * TWO_32;
    out.hi = hi >>> 0;
    return true;
  }
  const value = negative ? -big : big;
  if (signed ? value < INT64_MIN || value > INT64_MAX : value < 0n || value > UINT64_MAX) return false;
  const bits = BigInt.asUintN(64, value);
  out.lo = Number(bits & 0xffffffffn);
  out.hi = Number(bits >> 32n);
  return true;
}
