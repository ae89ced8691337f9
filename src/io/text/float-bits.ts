/**
 * Bit-level conversions between JavaScript numbers (IEEE 754 binary64) and the narrower float
 * formats tensors are stored in: binary32 (float32), binary16 (float16, "half") and bfloat16.
 *
 * Layouts (IEEE 754-2019 §3.4; bfloat16 is the top 16 bits of binary32, as defined by Google
 * Brain / TensorFlow): sign | biased exponent | fraction, with
 *   float32:  1 | 8 (bias 127) | 23
 *   float16:  1 | 5 (bias 15)  | 10
 *   bfloat16: 1 | 8 (bias 127) | 7
 * An all-ones exponent is Infinity (fraction 0) or NaN; a zero exponent is zero or subnormal.
 *
 * Narrowing from a number rounds to nearest, ties to even (IEEE 754 roundTiesToEven), in one step
 * from the double: going through float32 first would round twice and can be wrong for float16
 * and bfloat16. Every finite narrower value is exactly a double, so widening is exact.
 *
 * No Node APIs: typed-array views only, so this runs in browsers too.
 */

// Scratch views over one buffer: writing a float and reading the integer view reinterprets the
// bits. Both views use the platform byte order, so the float32 <-> uint32 pairing is order-free;
// for float64 the word order is detected once below.
const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
const F64 = new Float64Array(1);
const W64 = new Uint32Array(F64.buffer);
/** Index of the high (sign/exponent) 32-bit word of a float64 in W64: 1 on little-endian hosts. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

/** 2^52: adding then subtracting it rounds a non-negative double below 2^52 to an integer, ties to even. */
const TWO52 = 4503599627370496;

/** The canonical quiet NaN of float32 (what `NaN` parses to and prints as). */
export const F32_QUIET_NAN = 0x7fc00000;
/** The canonical quiet NaN of float16. */
export const F16_QUIET_NAN = 0x7e00;
/** The canonical quiet NaN of bfloat16. */
export const BF16_QUIET_NAN = 0x7fc0;
/** High word of the canonical quiet NaN of float64 (0x7ff8000000000000; the low word is 0). */
export const F64_QUIET_NAN_HI = 0x7ff80000;

const POW2_MIN = -1074;
const POW2_MAX = 1023;
const POW2_TABLE = new Float64Array(POW2_MAX - POW2_MIN + 1);
{
  // Built by repeated exact doubling/halving: every 2^n in [-1074, 1023] is a double.
  let p = 1;
  for (let n = 0; n <= POW2_MAX; n++, p *= 2) POW2_TABLE[n - POW2_MIN] = p;
  p = 1;
  for (let n = 0; n >= POW2_MIN; n--, p /= 2) POW2_TABLE[n - POW2_MIN] = p;
}

/**
 * 2^n as an exact double, for integer n in [-1074, 1023] (table lookup; Math.pow is not
 * guaranteed exact by ECMA-262 and is slower). Out-of-range n gives undefined behaviour.
 */
export function pow2(n: number): number {
  return POW2_TABLE[n - POW2_MIN];
}

/** Rounds a double in [0, 2^52) to an integer, ties to even, using the FPU's own rounding. */
function roundEven(y: number): number {
  return y + TWO52 - TWO52;
}

/** The float32 with bit pattern `bits` (uint32) as a number; NaN patterns give NaN (payload not kept). */
export function f32BitsToNumber(bits: number): number {
  U32[0] = bits;
  return F32[0];
}

/**
 * The float32 bit pattern (uint32) of `x` rounded to float32, ties to even (ECMA-262 ToFloat32 /
 * Math.fround semantics); overflow gives ±Infinity, any NaN gives the canonical 0x7fc00000.
 */
export function numberToF32Bits(x: number): number {
  if (Number.isNaN(x)) return F32_QUIET_NAN;
  F32[0] = x;
  return U32[0];
}

/** The float16 with bit pattern `bits` (0..0xffff) as a number (exact); NaN patterns give NaN. */
export function f16BitsToNumber(bits: number): number {
  const e = (bits >>> 10) & 0x1f;
  const f = bits & 0x3ff;
  let v: number;
  if (e === 0)
    v = f * POW2_TABLE[-24 - POW2_MIN]; // subnormal: f·2^-24
  else if (e === 31) v = f === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
  else v = (f + 1024) * POW2_TABLE[e - 25 - POW2_MIN];
  return bits & 0x8000 ? -v : v;
}

/**
 * The float16 bit pattern of `x` rounded to nearest, ties to even, directly from the double
 * (subnormals included). |x| ≥ 65520 — the midpoint between the largest finite 65504 and 2^16,
 * which ties to the even 2^16 — gives ±Infinity; any NaN gives the canonical 0x7e00.
 */
export function numberToF16Bits(x: number): number {
  if (Number.isNaN(x)) return F16_QUIET_NAN;
  F64[0] = x;
  const hi = W64[HI];
  const sign = (hi >>> 16) & 0x8000;
  const a = x < 0 ? -x : x;
  if (a >= 65520) return sign | 0x7c00;
  // Unbiased exponent of a (a double subnormal reads as -1023, which takes the subnormal branch).
  const e = ((hi >>> 20) & 0x7ff) - 1023;
  // Below 2^-14 the float16 quantum is fixed at 2^-24; the result 1024 is the smallest normal.
  if (e < -14) return sign | roundEven(a * 16777216);
  // a * 2^(10-e) is in [1024, 2048): exact scaling, then one rounding; a carry to 2048 moves into
  // the exponent field by plain addition.
  const m = roundEven(a * POW2_TABLE[10 - e - POW2_MIN]);
  return sign | (((e + 15) << 10) + m - 1024);
}

/** The bfloat16 with bit pattern `bits` (0..0xffff) as a number (exact); NaN patterns give NaN. */
export function bf16BitsToNumber(bits: number): number {
  U32[0] = bits << 16;
  return F32[0];
}

/** Largest finite bfloat16 (0x7f7f) plus half its ulp: |x| at or above this rounds to Infinity. */
const BF16_OVERFLOW = 3.39617752923046e38; // 2^128 - 2^119 exactly (shortest spelling)

/**
 * The bfloat16 bit pattern of `x` rounded to nearest, ties to even, directly from the double (not
 * via float32, which would round twice). Overflow gives ±Infinity, any NaN the canonical 0x7fc0.
 */
export function numberToBf16Bits(x: number): number {
  if (Number.isNaN(x)) return BF16_QUIET_NAN;
  F64[0] = x;
  const hi = W64[HI];
  const sign = (hi >>> 16) & 0x8000;
  const a = x < 0 ? -x : x;
  if (a >= BF16_OVERFLOW) return sign | 0x7f80;
  const e = ((hi >>> 20) & 0x7ff) - 1023;
  // Below 2^-126 the quantum is fixed at 2^-133.
  if (e < -126) return sign | roundEven(a * POW2_TABLE[133 - POW2_MIN]);
  const m = roundEven(a * POW2_TABLE[7 - e - POW2_MIN]);
  return sign | (((e + 127) << 7) + m - 128);
}

/** The float64 whose bit pattern is hi:lo (two uint32 words, hi holds sign and exponent). */
export function f64BitsToNumber(hi: number, lo: number): number {
  W64[HI] = hi;
  W64[LO] = lo;
  return F64[0];
}

/** High 32 bits (sign, exponent, top 20 fraction bits) of the float64 `x`, as a uint32. */
export function f64HiWord(x: number): number {
  F64[0] = x;
  return W64[HI];
}

/** Low 32 bits of the float64 `x`'s fraction, as a uint32. */
export function f64LoWord(x: number): number {
  F64[0] = x;
  return W64[LO];
}
