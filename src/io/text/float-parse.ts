/**
 * Exact decimal text → float32 / float16 / bfloat16 bits and float64 values.
 *
 * Accepted syntax (anything else is a syntax error; no whitespace):
 *   [+|-] (digits [. [digits]] | . digits) [(e|E) [+|-] digits]
 *   [+|-] Infinity, [+|-] inf
 *   nan, NaN                    → the dtype's canonical quiet NaN
 *   NaN(0x<hex>)                → exactly those bits: as many hex digits as the dtype has nibbles
 *                                 (4, 8 or 16, either case) and the pattern must be a NaN
 *
 * Every decimal is rounded correctly (to nearest, ties to even) *in the target dtype*, however many
 * digits it has. Rounding first to a double and then to float32 can be wrong ("double rounding"):
 * 1.00000005960464477550 lies just above the float32 midpoint 1 + 2^−24, but its nearest double is
 * that midpoint, which then ties to 1. So:
 *
 * 1. Fast path (Clinger, "How to read floating point numbers accurately", PLDI 1990): with at most
 *    15 significant digits w (< 2^53, exact) and |e| ≤ 22 (10^e exact), w·10^e or w/10^e is one
 *    correctly rounded double operation. Longer inputs keep the first 15 digits and note that the
 *    rest were not all zero; larger exponents take two or three operations.
 * 2. The double d approximates x within a known tolerance t (0 when d = RN64(x); else a bound on the
 *    relative error of the truncation and the extra roundings, 2^−44). Every float32/16/bf16 value
 *    and every midpoint between neighbours is a double, so RN32(x) = RN32(d) whenever no midpoint
 *    lies within t of d: checked as |d − RN32(d)| + t < half the gap on that side. With t = 0 this
 *    fails only when d is exactly a midpoint.
 * 3. Otherwise (rare) the input is converted exactly with BigInt: x = D·10^E as a fraction, the
 *    quotient by the right power of two, and the remainder compared with half the divisor.
 *    Digits after the 800th only matter as "not all zero": every midpoint of these formats has at
 *    most 767 significant digits, so they cannot move x across one.
 *
 * float64: the Clinger fast path when exact; with ≤ 20 significant digits the engine's
 * StringToNumber, which ECMA-262 (§7.1.4.1.1, RoundMVResult) requires to be correctly rounded for
 * up to 20 significant digits; beyond that the exact BigInt path.
 *
 * Byte-range parsers return `undefined` on a syntax error (no exceptions on the hot path; there is
 * no spare bit pattern for float64); the string conveniences throw an Error instead.
 * No Node APIs.
 */
import {
  bf16BitsToNumber,
  f16BitsToNumber,
  f64HiWord,
  f64LoWord,
  numberToBf16Bits,
  numberToF16Bits,
  pow2,
} from './float-bits.js';

// ---------------------------------------------------------------------------------------------
// Scanner

// Token kinds returned by scan (the sign is folded in, so no extra state is needed for it).
const KIND_ERROR = 0;
const KIND_POS = 1;
const KIND_NEG = 2;
const KIND_INF = 3;
const KIND_NEG_INF = 4;
const KIND_NAN = 5;
const KIND_NAN_BITS = 6;

/** Exponent digits stop accumulating here: far beyond any finite result, and still exact in a double. */
const EXP_CAP = 1e15;

/**
 * Scan results for a number (a typed array: plain memory, no per-value allocation):
 * the value is (w + tail)·10^e10 with tail in [0, 1), 0 unless N_TAIL is set.
 */
const NUM = new Float64Array(5);
/** The first ≤ 15 significant digits as an integer (0 when every digit is 0). */
const N_W = 0;
const N_E10 = 1;
/** Significant digits in the token (from the first non-zero one), an upper bound when ≤ 15. */
const N_ND = 2;
/** 1 when a non-zero digit after the 15th significant one was dropped. */
const N_TAIL = 3;
/** Index of the first byte after the sign. */
const N_BODY = 4;

/** NaN(0x…) bits: sLo the last 8 hex digits, sHi the ones before. */
let sHi = 0;
let sLo = 0;

/** True when buf[i, end) is exactly the ASCII `word`. */
function isWord(buf: Uint8Array, i: number, end: number, word: string): boolean {
  if (end - i !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (buf[i + k] !== word.charCodeAt(k)) return false;
  return true;
}

/** Scans `Infinity`, `inf`, `nan`, `NaN`, `NaN(0x…)` at buf[i, end); a sign forbids the NaN forms. */
function scanWord(
  buf: Uint8Array,
  i: number,
  end: number,
  hexDigits: number,
  signed: boolean,
  neg: boolean,
): number {
  if (isWord(buf, i, end, 'Infinity') || isWord(buf, i, end, 'inf')) return neg ? KIND_NEG_INF : KIND_INF;
  if (signed) return KIND_ERROR;
  if (isWord(buf, i, end, 'NaN') || isWord(buf, i, end, 'nan')) return KIND_NAN;
  if (end - i !== hexDigits + 7 || !isWord(buf, i, i + 6, 'NaN(0x') || buf[end - 1] !== 41) return KIND_ERROR;
  let hi = 0;
  let lo = 0;
  for (let k = i + 6; k < end - 1; k++) {
    const c = buf[k];
    const l = c | 32; // ASCII lower case for letters; only A-F/a-f map into 97..102
    const d = c >= 48 && c <= 57 ? c - 48 : l >= 97 && l <= 102 ? l - 87 : -1;
    if (d < 0) return KIND_ERROR;
    hi = ((hi << 4) | (lo >>> 28)) >>> 0;
    lo = ((lo << 4) | d) >>> 0;
  }
  sHi = hi;
  sLo = lo;
  return KIND_NAN_BITS;
}

/** Value of the exponent part buf[i, end) (after the `e`), or NaN when it is malformed. */
function scanExponent(buf: Uint8Array, i: number, end: number): number {
  const c = buf[i];
  const neg = c === 45;
  if (neg || c === 43) i++;
  if (i >= end) return Number.NaN;
  let x = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) return Number.NaN;
    if (x < EXP_CAP) x = x * 10 + d;
  }
  return neg ? -x : x;
}

/**
 * Scans buf[start, end) and, for a number, fills NUM. Returns the KIND_* of the token.
 * `hexDigits`: the width of `NaN(0x…)` for the target dtype.
 */
function scan(buf: Uint8Array, start: number, end: number, hexDigits: number): number {
  let i = start;
  if (i >= end) return KIND_ERROR;
  let c = buf[i];
  let kind = KIND_POS;
  if (c === 45 || c === 43) {
    if (c === 45) kind = KIND_NEG;
    if (++i >= end) return KIND_ERROR;
    c = buf[i];
  }
  if (c >= 65) return scanWord(buf, i, end, hexDigits, i !== start, kind === KIND_NEG);
  // Every digit goes into w; with ≤ 15 digits in all (leading zeros included) w is exact, and
  // longer tokens are rescanned by scanLong.
  const body = i;
  let w = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    w = w * 10 + d;
  }
  let digits = i - body;
  let e10 = 0;
  if (i < end && buf[i] === 46) {
    const f0 = ++i;
    for (; i < end; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      w = w * 10 + d;
    }
    e10 = f0 - i;
    digits += i - f0;
  }
  if (digits === 0) return KIND_ERROR;
  if (i < end) {
    if ((buf[i] | 32) !== 101) return KIND_ERROR;
    const x = scanExponent(buf, i + 1, end);
    if (Number.isNaN(x)) return KIND_ERROR;
    e10 += x;
  }
  if (digits > 15) return scanLong(buf, body, end, e10, kind);
  NUM[N_W] = w;
  NUM[N_E10] = e10;
  NUM[N_ND] = digits;
  NUM[N_TAIL] = 0;
  NUM[N_BODY] = body;
  return kind;
}

/**
 * Rescans a syntactically valid number with more than 15 digits: keeps the first 15 significant
 * ones in w, counts the rest and notes whether any was non-zero. `e10` is the exponent so far
 * (exponent part minus all fraction digits), adjusted here for the digits left out of w.
 */
function scanLong(buf: Uint8Array, body: number, end: number, e10: number, kind: number): number {
  let w = 0;
  let nd = 0;
  let tail = 0;
  for (let i = body; i < end; i++) {
    const c = buf[i];
    if (c === 46) continue;
    const d = c - 48;
    if (d < 0 || d > 9) break;
    if (nd === 0 && d === 0) continue; // leading zero
    nd++;
    if (nd <= 15) w = w * 10 + d;
    else {
      // Not in w: in the integer part it scales w by 10; in the fraction it was already
      // subtracted from e10 as a position, which w does not have. Either way: e10 + 1.
      e10++;
      if (d !== 0) tail = 1;
    }
  }
  NUM[N_W] = w;
  NUM[N_E10] = e10;
  NUM[N_ND] = nd;
  NUM[N_TAIL] = tail;
  NUM[N_BODY] = body;
  return kind;
}

// ---------------------------------------------------------------------------------------------
// Double approximation

/** 10^0..10^22, exact doubles. */
const P10 = new Float64Array(23);
for (let i = 0, p = 1; i <= 22; i++, p *= 10) P10[i] = p;

const TWO53 = 9007199254740992;
/** Relative tolerance when d is not RN64(x): truncation after 15 digits (< 10^−14) plus ≤ 3 roundings. */
const TOLERANCE = pow2(-44);

const APPROX_OK = 0;
const APPROX_OVER = 1;
const APPROX_UNDER = 2;

/** approxWide's result: [0] approximates |x|, [1] is its absolute tolerance. */
const APPROX = new Float64Array(2);

/**
 * Approximates the scanned |x| (w ≠ 0) by a double outside the one-operation Clinger case
 * (exponent beyond ±22 or dropped digits). Returns APPROX_OVER when x ≥ 10^(maxP10+1) and
 * APPROX_UNDER when x < 10^minP10 (callers pick bounds beyond their dtype's overflow threshold /
 * below half its smallest subnormal), else APPROX_OK with APPROX filled.
 */
function approxWide(minP10: number, maxP10: number): number {
  const w = NUM[N_W];
  const e = NUM[N_E10];
  let nw = 1; // digits of w
  while (nw < 16 && w >= P10[nw]) nw++;
  const p10 = e + nw - 1;
  if (p10 > maxP10) return APPROX_OVER;
  if (p10 < minP10) return APPROX_UNDER;
  let exact = NUM[N_TAIL] === 0;
  let d: number;
  // With minP10 ≥ -46 and maxP10 ≤ 38: e in [-61, 38], so every index below is ≤ 17 ≤ 22.
  if (e >= 0) {
    if (e <= 22) d = w * P10[e];
    else {
      const y = w * P10[e - 22];
      if (y >= TWO53) exact = false;
      d = y * 1e22;
    }
  } else if (e >= -22) d = w / P10[-e];
  else {
    exact = false;
    d = e >= -44 ? w / 1e22 / P10[-e - 22] : w / 1e22 / 1e22 / P10[-e - 44];
  }
  APPROX[0] = d;
  APPROX[1] = exact ? 0 : d * TOLERANCE;
  return APPROX_OK;
}

const SLOW = -2;

const F32V = new Float32Array(1);
const U32V = new Uint32Array(F32V.buffer);
const F32_MAX = 3.4028234663852886e38;
/** Midpoint between the largest float32 and 2^128: from here on x rounds to Infinity. */
const F32_OVERFLOW = 3.4028235677973366e38;

/** RN32 of the x approximated by (d, t), as bits, or SLOW when a midpoint lies within t of d. */
function finishF32(d: number, t: number): number {
  if (d >= F32_MAX) {
    if (d + t < F32_OVERFLOW) return 0x7f7fffff;
    if (d - t > F32_OVERFLOW) return 0x7f800000;
    return SLOW;
  }
  F32V[0] = d; // rounds to nearest even (ToFloat32)
  const b = U32V[0];
  const r = d - F32V[0]; // exact (Sterbenz)
  if (r === 0 && t === 0) return b;
  const e = b >>> 23;
  // Half the gap to the neighbour on r's side: ulp/2, or ulp/4 below a power of two.
  let h = pow2((e === 0 ? 1 : e) - 151);
  if (r < 0 && (b & 0x7fffff) === 0 && e > 1) h *= 0.5;
  return (r < 0 ? -r : r) + t < h ? b : SLOW;
}

/** finishF32 for float16 (isBf16 false) or bfloat16. */
function finishHalf(d: number, t: number, isBf16: boolean): number {
  const max = isBf16 ? 3.3895313892515355e38 : 65504;
  const overflow = isBf16 ? 3.39617752923046e38 : 65520;
  if (d >= max) {
    if (d + t < overflow) return isBf16 ? 0x7f7f : 0x7bff;
    if (d - t > overflow) return isBf16 ? 0x7f80 : 0x7c00;
    return SLOW;
  }
  const b = isBf16 ? numberToBf16Bits(d) : numberToF16Bits(d);
  const r = d - (isBf16 ? bf16BitsToNumber(b) : f16BitsToNumber(b));
  if (r === 0 && t === 0) return b;
  const mantBits = isBf16 ? 7 : 10;
  const e = b >>> mantBits;
  let h = pow2((e === 0 ? 1 : e) - (isBf16 ? 135 : 26));
  if (r < 0 && (b & ((1 << mantBits) - 1)) === 0 && e > 1) h *= 0.5;
  return (r < 0 ? -r : r) + t < h ? b : SLOW;
}

// ---------------------------------------------------------------------------------------------
// Exact path

/** Significant digits kept exactly; later ones only count as "not all zero" (see header). */
const MAX_DIGITS = 800;

const EXACT_ZERO = 0;
const EXACT_FINITE = 1;
const EXACT_OVER = 2;

/** Result of exactRound: the magnitude is xM·2^xE (xM < 2^p, or the smallest normal after a carry). */
let xM = 0;
let xE = 0;

/** Bit length of a positive BigInt. */
function bitLength(x: bigint): number {
  const h = x.toString(16);
  const top = Number.parseInt(h[0], 16);
  return (h.length - 1) * 4 + (top >= 8 ? 4 : top >= 4 ? 3 : top >= 2 ? 2 : 1);
}

/**
 * Rounds the scanned decimal buf[NUM[N_BODY], end) (syntax already checked) to nearest-even in a binary
 * format with p-bit significands and ulp exponents in [qMin, qMax] (normals: m in [2^(p−1), 2^p)).
 * Returns EXACT_ZERO, EXACT_OVER, or EXACT_FINITE with xM/xE.
 */
function exactRound(buf: Uint8Array, end: number, p: number, qMin: number, qMax: number): number {
  let digits = '';
  let nd = 0;
  let e10 = 0;
  let sticky = false;
  let point = false;
  let i = NUM[N_BODY];
  for (; i < end; i++) {
    const c = buf[i];
    if (c === 46) {
      point = true;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) break;
    if (nd === 0 && d === 0) {
      if (point) e10--;
      continue;
    }
    if (nd < MAX_DIGITS) {
      digits += String.fromCharCode(c);
      nd++;
      if (point) e10--;
    } else {
      if (d !== 0) sticky = true;
      if (!point) e10++;
    }
  }
  if (i < end) {
    i++;
    const negExp = buf[i] === 45;
    if (buf[i] === 45 || buf[i] === 43) i++;
    let x = 0;
    for (; i < end; i++) if (x < EXP_CAP) x = x * 10 + buf[i] - 48;
    e10 += negExp ? -x : x;
  }
  if (nd === 0) return EXACT_ZERO;
  const p10 = e10 + nd - 1;
  if (p10 > 400) return EXACT_OVER;
  if (p10 < -400) return EXACT_ZERO;
  // x = num/den exactly.
  const big = BigInt(digits);
  const num = e10 >= 0 ? big * 10n ** BigInt(e10) : big;
  const den = e10 >= 0 ? 1n : 10n ** BigInt(-e10);
  // floor(log2 x) is bn − bd or one less.
  let l = bitLength(num) - bitLength(den);
  if (l >= 0 ? num < den << BigInt(l) : num << BigInt(-l) < den) l--;
  let e = l - p + 1;
  if (e < qMin) e = qMin;
  const n2 = e >= 0 ? num : num << BigInt(-e);
  const d2 = e >= 0 ? den << BigInt(e) : den;
  let m = n2 / d2;
  const twice = (n2 - m * d2) << 1n;
  // Above half, or exactly half with dropped non-zero digits, or a tie with an odd m: round up.
  if (twice > d2 || (twice === d2 && (sticky || (m & 1n) === 1n))) m += 1n;
  let mn = Number(m);
  if (mn === pow2(p)) {
    mn = pow2(p - 1);
    e++;
  }
  if (mn === 0) return EXACT_ZERO;
  if (e > qMax) return EXACT_OVER;
  xM = mn;
  xE = e;
  return EXACT_FINITE;
}

/** Bits of |x| in a ≤32-bit format (p-bit significand, ulp exponents from qMin, `inf` pattern) by the exact path. */
function exactBits(buf: Uint8Array, end: number, p: number, qMin: number, qMax: number, inf: number): number {
  const r = exactRound(buf, end, p, qMin, qMax);
  if (r === EXACT_ZERO) return 0;
  if (r === EXACT_OVER) return inf;
  const hidden = pow2(p - 1);
  // Subnormal (xE = qMin, xM < 2^(p−1)): exponent field 0. Otherwise field = xE − qMin + 1.
  return xM < hidden ? xM : (xE - qMin + 1) * hidden + xM - hidden;
}

// ---------------------------------------------------------------------------------------------
// Public parsers

/** fastDecimal's result. */
const FAST = new Float64Array(1);

/**
 * Hot path shared by all parsers, for the shapes the writers produce: [-]digits[.digits][e[±]digits]
 * with at most 15 digits and a decimal exponent (after moving the point) within ±22. Then x =
 * w·10^e or w/10^−e is one correctly rounded double operation (Clinger 1990): the result is
 * RN64(x), with x's sign, stored in FAST[0] (a typed array: returning a double from a call that is
 * not inlined would box it). Returns false when the token is not of that shape (the caller's
 * general path then handles it, syntax errors included).
 */
function fastDecimal(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  const neg = i < end && buf[i] === 45;
  if (neg) i++;
  const body = i;
  let w = 0;
  for (; i < end; i++) {
    const d = buf[i] - 48;
    if (d < 0 || d > 9) break;
    w = w * 10 + d;
  }
  let digits = i - body;
  let e = 0;
  if (i < end && buf[i] === 46) {
    const f0 = ++i;
    for (; i < end; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) break;
      w = w * 10 + d;
    }
    e = f0 - i;
    digits += i - f0;
  }
  if (digits === 0 || digits > 15) return false;
  if (i < end) {
    if ((buf[i] | 32) !== 101 || ++i === end) return false;
    const c = buf[i];
    const negExp = c === 45;
    if ((negExp || c === 43) && ++i === end) return false;
    let x = 0;
    for (; i < end && x < 100; i++) {
      const d = buf[i] - 48;
      if (d < 0 || d > 9) return false;
      x = x * 10 + d;
    }
    if (i !== end) return false;
    e += negExp ? -x : x;
  }
  let v: number;
  if (e >= 0) {
    if (e > 22) return false;
    v = w * P10[e];
  } else {
    if (e < -22) return false;
    v = w / P10[-e];
  }
  FAST[0] = neg ? -v : v;
  return true;
}

/**
 * Parses the ASCII bytes buf[start, end) as a float32, correctly rounded. Returns the bit pattern
 * as a uint32 (0..0xffffffff), or undefined on a syntax error.
 */
export function parseFloat32Bytes(buf: Uint8Array, start: number, end: number): number | undefined {
  if (fastDecimal(buf, start, end)) {
    const d = FAST[0];
    // d = RN64(x) (|d| in [10^-22, 10^37] or 0): RN32(x) = RN32(d) unless d is exactly a float32
    // midpoint. For a midpoint d = (f + g)/2, 2d − f is the float32 neighbour g; otherwise it lies
    // strictly between f and g and is no float32 (if it rounds onto one, we merely take the
    // general path).
    F32V[0] = d;
    const f = F32V[0];
    const g = d + (d - f);
    if (d === f || Math.fround(g) !== g) return U32V[0];
  }
  return parseFloat32General(buf, start, end);
}

/** parseFloat32Bytes for every token the hot path does not settle. */
function parseFloat32General(buf: Uint8Array, start: number, end: number): number | undefined {
  const kind = scan(buf, start, end, 8);
  if (kind > KIND_NEG) {
    if (kind === KIND_INF) return 0x7f800000;
    if (kind === KIND_NEG_INF) return 0xff800000;
    if (kind === KIND_NAN) return 0x7fc00000;
    if (kind === KIND_NAN_BITS && sHi === 0 && (sLo & 0x7f800000) === 0x7f800000 && (sLo & 0x7fffff) !== 0) {
      return sLo;
    }
    return undefined;
  }
  if (kind === KIND_ERROR) return undefined;
  const sign = kind === KIND_NEG ? 0x80000000 : 0;
  const w = NUM[N_W];
  if (w === 0) return sign;
  const e = NUM[N_E10];
  let bits: number;
  if (e >= -22 && e <= 22 && NUM[N_TAIL] === 0) {
    // Clinger: one correctly rounded operation; 10^±22 keeps x well inside float32's range
    bits = finishF32(e >= 0 ? w * P10[e] : w / P10[-e], 0);
  } else {
    const a = approxWide(-46, 38); // 10^-46 < 2^-150 (half the smallest subnormal); 10^39 > overflow
    if (a !== APPROX_OK) return sign + (a === APPROX_OVER ? 0x7f800000 : 0);
    bits = finishF32(APPROX[0], APPROX[1]);
  }
  if (bits === SLOW) bits = exactBits(buf, end, 24, -149, 104, 0x7f800000);
  return sign + bits;
}

/** Shared body of the float16 and bfloat16 parsers. */
function parseHalfBytes(buf: Uint8Array, start: number, end: number, isBf16: boolean): number | undefined {
  if (fastDecimal(buf, start, end)) {
    // As in parseFloat32Bytes: d = RN64(x); only an exact midpoint d needs the general path. At
    // the top, f = ±Infinity makes g infinite too, which also sends the value there.
    const d = FAST[0];
    const b = isBf16 ? numberToBf16Bits(d) : numberToF16Bits(d);
    const f = isBf16 ? bf16BitsToNumber(b) : f16BitsToNumber(b);
    if (d === f) return b;
    const g = d + (d - f);
    if ((isBf16 ? bf16BitsToNumber(numberToBf16Bits(g)) : f16BitsToNumber(numberToF16Bits(g))) !== g)
      return b;
  }
  return parseHalfGeneral(buf, start, end, isBf16);
}

/** parseHalfBytes for every token its hot path does not settle. */
function parseHalfGeneral(buf: Uint8Array, start: number, end: number, isBf16: boolean): number | undefined {
  const kind = scan(buf, start, end, 4);
  const inf = isBf16 ? 0x7f80 : 0x7c00;
  if (kind > KIND_NEG) {
    if (kind === KIND_INF) return inf;
    if (kind === KIND_NEG_INF) return 0x8000 | inf;
    if (kind === KIND_NAN) return isBf16 ? 0x7fc0 : 0x7e00;
    if (kind === KIND_NAN_BITS && (sLo & inf) === inf && (sLo & (isBf16 ? 0x7f : 0x3ff)) !== 0) return sLo;
    return undefined;
  }
  if (kind === KIND_ERROR) return undefined;
  const sign = kind === KIND_NEG ? 0x8000 : 0;
  const w = NUM[N_W];
  if (w === 0) return sign;
  const e = NUM[N_E10];
  let bits: number;
  if (e >= -22 && e <= 22 && NUM[N_TAIL] === 0) {
    // Clinger; finishHalf handles results beyond the format's range itself
    bits = finishHalf(e >= 0 ? w * P10[e] : w / P10[-e], 0, isBf16);
  } else {
    // float16: 10^-8 < 2^-25 and 10^5 > 65520; bfloat16: 10^-41 < 2^-134 and 10^39 > overflow
    const a = isBf16 ? approxWide(-41, 38) : approxWide(-8, 4);
    if (a !== APPROX_OK) return sign | (a === APPROX_OVER ? inf : 0);
    bits = finishHalf(APPROX[0], APPROX[1], isBf16);
  }
  if (bits === SLOW)
    bits = isBf16 ? exactBits(buf, end, 8, -133, 120, inf) : exactBits(buf, end, 11, -24, 5, inf);
  return sign | bits;
}

/** Parses buf[start, end) as a float16 (correctly rounded); returns its bits (0..0xffff) or undefined on a syntax error. */
export function parseFloat16Bytes(buf: Uint8Array, start: number, end: number): number | undefined {
  return parseHalfBytes(buf, start, end, false);
}

/** Parses buf[start, end) as a bfloat16 (correctly rounded); returns its bits (0..0xffff) or undefined on a syntax error. */
export function parseBFloat16Bytes(buf: Uint8Array, start: number, end: number): number | undefined {
  return parseHalfBytes(buf, start, end, true);
}

/** |x| of the scanned decimal as a float64, correctly rounded. */
function magnitude64(buf: Uint8Array, end: number): number {
  const w = NUM[N_W];
  const e = NUM[N_E10];
  if (w === 0) return 0;
  if (NUM[N_TAIL] === 0) {
    if (e >= 0) {
      if (e <= 22) return w * P10[e];
      if (e <= 37) {
        const y = w * P10[e - 22];
        if (y < TWO53) return y * 1e22; // exact product, then one rounding
      }
    } else if (e >= -22) return w / P10[-e];
  }
  let nw = 1;
  while (nw < 16 && w >= P10[nw]) nw++;
  const p10 = e + nw - 1;
  if (p10 > 308) return Number.POSITIVE_INFINITY; // x ≥ 10^309 > largest double + half ulp
  if (p10 < -324) return 0; // x < 10^-324 < 2^-1075
  if (NUM[N_ND] <= 20) {
    // ECMA-262 RoundMVResult: exact rounding is required for ≤ 20 significant digits.
    let s = '';
    for (let i = NUM[N_BODY]; i < end; i++) s += String.fromCharCode(buf[i]);
    return Number(s);
  }
  const r = exactRound(buf, end, 53, -1074, 971);
  if (r === EXACT_ZERO) return 0;
  if (r === EXACT_OVER) return Number.POSITIVE_INFINITY;
  return xM * pow2(xE);
}

function isNaN64(hi: number, lo: number): boolean {
  return (hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0);
}

/**
 * Parses buf[start, end) as a float64, correctly rounded. Returns the number, or undefined on a
 * syntax error. Every NaN spelling gives NaN (the payload of `NaN(0x…)` is checked but, as a JS
 * number cannot carry it reliably, only parseFloat64BitsBytes returns it).
 */
export function parseFloat64Bytes(buf: Uint8Array, start: number, end: number): number | undefined {
  if (fastDecimal(buf, start, end)) return FAST[0];
  const kind = scan(buf, start, end, 16);
  if (kind === KIND_POS) return magnitude64(buf, end);
  if (kind === KIND_NEG) return -magnitude64(buf, end);
  if (kind === KIND_INF) return Number.POSITIVE_INFINITY;
  if (kind === KIND_NEG_INF) return Number.NEGATIVE_INFINITY;
  if (kind === KIND_NAN || (kind === KIND_NAN_BITS && isNaN64(sHi, sLo))) return Number.NaN;
  return undefined;
}

/**
 * Parses buf[start, end) as a float64 and stores its bit pattern in out[at] (high word: sign and
 * exponent) and out[at + 1] (low word). `NaN(0x…)` gives exactly its bits, `nan`/`NaN` the
 * canonical 0x7ff8000000000000. Returns false (out untouched) on a syntax error.
 */
export function parseFloat64BitsBytes(
  buf: Uint8Array,
  start: number,
  end: number,
  out: Uint32Array,
  at: number,
): boolean {
  const kind = scan(buf, start, end, 16);
  let hi: number;
  let lo: number;
  if (kind === KIND_NAN) {
    hi = 0x7ff80000;
    lo = 0;
  } else if (kind === KIND_NAN_BITS) {
    if (!isNaN64(sHi, sLo)) return false;
    hi = sHi;
    lo = sLo;
  } else if (kind === KIND_ERROR) {
    return false;
  } else {
    const v =
      kind === KIND_POS
        ? magnitude64(buf, end)
        : kind === KIND_NEG
          ? -magnitude64(buf, end)
          : kind === KIND_INF
            ? Number.POSITIVE_INFINITY
            : Number.NEGATIVE_INFINITY;
    hi = f64HiWord(v);
    lo = f64LoWord(v);
  }
  out[at] = hi;
  out[at + 1] = lo;
  return true;
}

// ---------------------------------------------------------------------------------------------
// String conveniences

let textBuf = new Uint8Array(64);

/** Copies `text` into textBuf as bytes; returns its length, or -1 if it has a non-ASCII char. */
function textBytes(text: string): number {
  const n = text.length;
  if (n > textBuf.length) textBuf = new Uint8Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c > 127) return -1;
    textBuf[i] = c;
  }
  return n;
}

function syntaxError(text: string, dtype: string): Error {
  const shown = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return new Error(`not a ${dtype} literal: ${JSON.stringify(shown)}`);
}

/** Parses `text` as a float32 and returns its bits (uint32); throws an Error on a syntax error. */
export function parseFloat32(text: string): number {
  const n = textBytes(text);
  const r = n < 0 ? undefined : parseFloat32Bytes(textBuf, 0, n);
  if (r === undefined) throw syntaxError(text, 'float32');
  return r;
}

/** Parses `text` as a float16 and returns its bits; throws an Error on a syntax error. */
export function parseFloat16(text: string): number {
  const n = textBytes(text);
  const r = n < 0 ? undefined : parseFloat16Bytes(textBuf, 0, n);
  if (r === undefined) throw syntaxError(text, 'float16');
  return r;
}

/** Parses `text` as a bfloat16 and returns its bits; throws an Error on a syntax error. */
export function parseBFloat16(text: string): number {
  const n = textBytes(text);
  const r = n < 0 ? undefined : parseBFloat16Bytes(textBuf, 0, n);
  if (r === undefined) throw syntaxError(text, 'bfloat16');
  return r;
}

/** Parses `text` as a float64 number (any NaN spelling gives NaN); throws an Error on a syntax error. */
export function parseFloat64(text: string): number {
  const n = textBytes(text);
  const r = n < 0 ? undefined : parseFloat64Bytes(textBuf, 0, n);
  if (r === undefined) throw syntaxError(text, 'float64');
  return r;
}

const BITS_OUT = new Uint32Array(2);

/** Parses `text` as a float64 and returns its 64-bit pattern (NaN payloads kept); throws on a syntax error. */
export function parseFloat64Bits(text: string): bigint {
  const n = textBytes(text);
  if (n < 0 || !parseFloat64BitsBytes(textBuf, 0, n, BITS_OUT, 0)) throw syntaxError(text, 'float64');
  return (BigInt(BITS_OUT[0]) << 32n) | BigInt(BITS_OUT[1]);
}
