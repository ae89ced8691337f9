/**
 * The hot loop of float32 text export: a run of values written back to back with a separator,
 * for the layouts that carry most of a model's bytes (CSV matrix rows, TXT rows, JSON's innermost
 * arrays). It produces exactly the bytes of `writeFloat32` (float-format.ts) — the same shortest
 * decimal, the same Number::toString layout — and defers to a general writer for every value it
 * does not handle itself, so callers get identical output, only faster.
 *
 * Why a separate loop: `writeFloat32` costs about 65 ns a value, mostly in branches the CPU cannot
 * predict (the sign, which of Schubfach's candidates wins, how many digits) and in the call per
 * value. Here, for the values trained weights are made of — |v| from 2^−13 (≈ 1.2e−4) to 2^27
 * (≈ 1.3e8), biased exponents 114..153 — the same computation runs inline and without
 * data-dependent branches, about 2.5× faster:
 *
 * - Scaling. v = c·2^q with q = e − 150 and k = floor(log10 2^q) in −11..0, so Schubfach's scaled
 *   bounds (4c−2, 4c, 4c+2)·2^q·10^−k equal (4c±·)·5^m·2^(q+m) with m = −k ≤ 11: 5^m < 2^26 and
 *   4c+2 ≤ 2^26, so each is ONE exact double product (< 2^52), and its floor, with the lowest bit
 *   set when the product is not an integer, is the "round to odd" value float-format's `rop`
 *   computes. The selection below is float-format's `toDecimal`, written with sign-bit arithmetic
 *   instead of branches; the candidates are compared as in Schubfach (Giulietti 2020): the one
 *   multiple of 10 in the interval if exactly one is, else the integer s or s+1 inside it, the
 *   closer to v (ties to even).
 * - Digits. Here the scaled value lies in [2^23, 10·2^24), so the chosen integer d has 7 to 9
 *   digits. d·10^(9−digits) is written as 9 digits (one byte and two 4-byte stores from a table
 *   of "0000".."9999"), and trailing zeros are dropped by moving the end back, counted from a
 *   table; a shortened candidate (a multiple of 10) loses its zeros that way.
 * - Layout (ECMA-262 Number::toString, §6.1.6.1.20): with n the decimal exponent of the first
 *   digit, −3 ≤ n ≤ 9 in this range, so the result is `0.` + (−n zeros) + digits when n ≤ 0, or
 *   the digits with a `.` after the n-th (or none when no fraction digit is left).
 *
 * The tests compare this loop with `writeFloat32` for every float32 in the fast range.
 */
import { pow2 } from './float-bits.js';
import type { ValueWriter } from './values.js';

/** Biased exponents handled inline: 2^(e−150)·10^−k has k in −11..0 (checked below at load). */
const E_LO = 114;
const E_HI = 153;

/** Per biased exponent: 5^m·2^(q+m), the exact scale 2^q·10^−k (q = e − 150, m = −k ≤ 11). */
const SCALE = new Float64Array(256);
/** Per biased exponent: k = floor(log10(2^q)), the decimal exponent of the scaled value's units. */
const K10 = new Int32Array(256);
{
  // k exactly, by BigInt comparison (2^q < 10^j ?), once at load.
  const below = (q: number, j: number): boolean =>
    2n ** BigInt(Math.max(q, 0)) * 10n ** BigInt(Math.max(-j, 0)) <
    10n ** BigInt(Math.max(j, 0)) * 2n ** BigInt(Math.max(-q, 0));
  for (let e = E_LO; e <= E_HI; e++) {
    const q = e - 150;
    let k = Math.floor(q * Math.LOG10E * Math.LN2);
    while (below(q, k)) k--;
    while (!below(q, k + 1)) k++;
    if (k > 0 || k < -11) throw new Error(`float32-run: k = ${k} out of the exact range at e = ${e}`);
    K10[e] = k;
    SCALE[e] = 5 ** -k * pow2(q - k); // 5^m ≤ 5^11 < 2^26: exact, and so is the power of two
  }
}

/** 10^0..10^9 as int32. */
const P10 = new Int32Array(10);
for (let i = 0, p = 1; i < 10; i++, p *= 10) P10[i] = p;

/** "0000".."9999" as little-endian int32 words: one store writes four digits. */
const DIGITS4 = new Int32Array(10000);
/** Trailing zero digits of 1..9999 written with four digits (0 for 0 is never used: see below). */
const ZEROS4 = new Uint8Array(10000);
for (let i = 0; i < 10000; i++) {
  const a = Math.floor(i / 1000);
  const b = Math.floor(i / 100) % 10;
  const c = Math.floor(i / 10) % 10;
  const d = i % 10;
  DIGITS4[i] = (48 + a) | ((48 + b) << 8) | ((48 + c) << 16) | ((48 + d) << 24);
  let z = 0;
  for (let x = i; x !== 0 && x % 10 === 0; x /= 10) z++;
  ZEROS4[i] = z;
}

/** `0.00` as a little-endian int32 (the longest prefix a value below 1 can need is `0.000`). */
const ZERO_POINT_ZEROS = 0x30302e30;

/**
 * Writes the float32 values `first .. end−1` of `src` (little-endian float32 elements, index i at
 * byte 4i) at buf[pos..], each followed by the separator `sep` (`sepLen` 1 or 2 bytes, little-
 * endian in a 16-bit word), and returns the position after the last value (its separator is
 * dropped). `view` is a DataView over exactly `buf`'s bytes. Values outside the fast range go
 * through `slow(i, buf, pos)`, which must write what `writeFloat32` (or the caller's spelling of
 * non-finite values) would.
 *
 * The caller guarantees (end − first) · (MAX_VALUE_CHARS + 2) free bytes at pos: stores may
 * write a few bytes past a value's end (overwritten by what follows).
 */
export function writeFloat32Run(
  src: DataView,
  first: number,
  end: number,
  buf: Uint8Array,
  view: DataView,
  pos: number,
  sep: number,
  sepLen: number,
  slow: ValueWriter,
): number {
  for (let i = first; i < end; i++) {
    const bits = src.getInt32(i * 4, true);
    const e = (bits >>> 23) & 0xff;
    const f = bits & 0x7fffff;
    if (e < E_LO || e > E_HI || f === 0) {
      // zero, subnormals, tiny or huge values, powers of two (an asymmetric interval),
      // Infinity and NaN: the general writer
      pos = slow(i, buf, pos);
    } else {
      buf[pos] = 45; // '-', kept only for negative values
      pos += bits >>> 31;
      const scale = SCALE[e];
      const cb = (f | 0x800000) * 4;
      // The scaled interval: exact products, then round-to-odd floors (see the header).
      const xb = cb * scale;
      const xl = (cb - 2) * scale;
      const xr = (cb + 2) * scale;
      let vb = xb | 0;
      if (vb !== xb) vb |= 1;
      let vbl = xl | 0;
      if (vbl !== xl) vbl |= 1;
      let vbr = xr | 0;
      if (vbr !== xr) vbr |= 1;
      const out = f & 1; // odd c: the interval's ends are excluded
      const s = vb >> 2;
      const sp10 = ((s * 0.1) | 0) * 10; // 0.1 > 1/10 as a double: the floor is exact below 2^31
      // Flags as 0/1 from sign bits (all operands below 2^31): x >= 0 is ~x >>> 31.
      const upin = ~(4 * sp10 - vbl - out) >>> 31;
      const wpin = ~(vbr - 4 * sp10 - 40 - out) >>> 31;
      const short = upin ^ wpin; // exactly one multiple of 10 inside: one digit fewer
      const uin = ~(4 * s - vbl - out) >>> 31;
      const win = ~(vbr - 4 * s - 4 - out) >>> 31;
      const cmp = vb - 4 * s - 2; // v' − (s + 1/2), times 4, round-to-odd
      const below = (cmp >>> 31) | ((((cmp | -cmp) >>> 31) ^ 1) & ~s & 1); // s is closer, or a tie and s even
      const one = uin ^ win;
      const pickS = (one & uin) | ((one ^ 1) & below);
      const mask = -short;
      const d = ((sp10 + 10 - 10 * upin) & mask) | ((s + 1 - pickS) & ~mask);
      // 7 to 9 digits; n = decimal exponent of the first digit (value = 0.d1d2... × 10^n)
      const nd = 7 + ((9999999 - d) >>> 31) + ((99999999 - d) >>> 31);
      const n = K10[e] + nd;
      const x = d * P10[9 - nd]; // the digits, left-aligned in 9
      const hi = (x * 1e-4) | 0; // 1e-4 > 1/10^4 as a double: exact floor, as above
      const lo = x - hi * 10000;
      const top = (hi * 1e-4) | 0;
      const mid = hi - top * 10000;
      // Significant digits once trailing zeros go (x ≥ 10^8, so top ≠ 0).
      const sig = 9 - (lo !== 0 ? ZEROS4[lo] : mid !== 0 ? 4 + ZEROS4[mid] : 8);
      if (n <= 0) {
        view.setInt32(pos, ZERO_POINT_ZEROS, true);
        buf[pos + 4] = 48;
        const p = pos + 2 - n;
        buf[p] = 48 + top;
        view.setInt32(p + 1, DIGITS4[mid], true);
        view.setInt32(p + 5, DIGITS4[lo], true);
        pos = p + sig;
      } else {
        // 1 ≤ n ≤ 9: the digits one byte on, then the first n moved back before a '.'
        buf[pos + 1] = 48 + top;
        view.setInt32(pos + 2, DIGITS4[mid], true);
        view.setInt32(pos + 6, DIGITS4[lo], true);
        for (let j = 0; j < n; j++) buf[pos + j] = buf[pos + j + 1];
        buf[pos + n] = 46;
        pos = sig <= n ? pos + n : pos + 1 + sig;
      }
    }
    view.setUint16(pos, sep, true);
    pos += sepLen;
  }
  return end > first ? pos - sepLen : pos;
}
