/**
 * Shortest round-trip decimal text for float32, float16, bfloat16 and float64 values.
 *
 * "Shortest" means: the fewest significant digits whose decimal, read back with round-to-nearest-
 * even *in the value's own dtype*, gives the same bits; among those candidates the one closest to
 * the exact value (ties: even last digit). float32 0.1 prints `0.1`, not `0.10000000149011612`.
 *
 * Layout follows ECMA-262 Number::toString (§6.1.6.1.20) for the digits d1..dk and decimal
 * exponent n (value = 0.d1..dk × 10^n): `100`, `12.34`, `0.000123`, `1e-7`, `1.5e+38`; `-0` keeps
 * its sign; `Infinity`, `-Infinity`; `NaN` for the dtype's canonical quiet NaN and
 * `NaN(0x7fc00001)` (all hex digits of the dtype width) for every other NaN, so bits survive.
 *
 * Algorithm for the ≤32-bit formats: Schubfach (R. Giulietti, "The Schubfach way to render
 * doubles", 2020/2021). For v = c·2^q the rounding interval is [(4c−2)·2^(q−2), (4c+2)·2^(q−2)]
 * (lower end (4c−1)·2^(q−2) when c is a power of two above the smallest normal, where the gap
 * below halves), closed when c is even (ties-to-even reads the bound back as v), open otherwise.
 * Pick k so that the interval scaled by 10^−k has width in [1, 10); then the shortest decimal is
 * either the one multiple of 10 inside the scaled interval (one digit fewer) or one of the two
 * integers around v·10^−k, the closer one. Schubfach computes the scaled bounds with a 126-bit
 * approximation of 10^−k and a proof that it is exact enough; here only what the selection needs
 * is computed, and exactly, which JS doubles (exact integers up to 2^53) make cheap for 24-bit
 * significands: the floor of each scaled bound and whether it is an integer.
 *   - |v| from about 1e-4 to 1e8 (k in −11..0): c·5^m·2^(q+m), one exact product and scale;
 *   - up to about 1e18 (k in 1..10): c·2^(q−k)/5^k, one division whose rounding error provably
 *     cannot cross an integer;
 *   - farther out: a double estimate, trusted only when it lies more than 2^−20 (≫ its error
 *     bound) from an integer, else multi-limb exact arithmetic (base 2^26).
 * So there is no table of 128-bit constants and no correctness argument that depends on one.
 *
 * One departure from Schubfach's published selection: it skips the "one digit fewer" step for
 * scaled values below 100 (Java prints at least two digits). We run it down to 10 and, below 10,
 * let the 1..10 candidates compete on closeness, so tiny subnormals such as float16 2^−23 print
 * the closest 1-digit decimal (`1e-7`), matching the definition above. The tests check this against
 * an independent brute-force search over all float16 and bfloat16 values.
 *
 * float64 uses the engine's Number::toString, which ECMA-262 requires to produce the fewest digits
 * (and recommends, and V8/SpiderMonkey/JSC implement, the closest of those).
 *
 * Writers emit ASCII straight into a byte buffer (no strings on the hot path); the format*
 * functions wrap them for convenience. No Node APIs.
 */
import { f64BitsToNumber, pow2 } from './float-bits.js';

/** Bytes a single write* call may use; callers must leave at least this many free. */
export const MAX_FLOAT_CHARS = 32;

// ---------------------------------------------------------------------------------------------
// Tables

/** Range of q (v = c·2^q) over float32 (−149..104), bfloat16 (−133..120) and float16 (−24..5). */
const Q_MIN = -149;
const Q_MAX = 120;

/** k = floor(log10(2^q)): the regular case, interval width 2^q. */
const K_REGULAR = new Int8Array(Q_MAX - Q_MIN + 1);
/** k = floor(log10(3·2^(q−2))): c a power of two, interval width (3/4)·2^q. */
const K_IRREGULAR = new Int8Array(Q_MAX - Q_MIN + 1);
{
  // Exact: estimate with doubles, then settle with BigInt comparisons (once, at load).
  const lessPow10 = (a: bigint, q2: number, k10: number): boolean => {
    // a·2^q2 < 10^k10 ?
    const lhs = a * 2n ** BigInt(Math.max(q2, 0)) * 10n ** BigInt(Math.max(-k10, 0));
    const rhs = 10n ** BigInt(Math.max(k10, 0)) * 2n ** BigInt(Math.max(-q2, 0));
    return lhs < rhs;
  };
  const floorLog10 = (a: bigint, q2: number): number => {
    let k = Math.floor(Math.log10(Number(a)) + q2 * Math.LOG10E * Math.LN2);
    while (lessPow10(a, q2, k)) k--;
    while (!lessPow10(a, q2, k + 1)) k++;
    return k;
  };
  for (let q = Q_MIN; q <= Q_MAX; q++) {
    K_REGULAR[q - Q_MIN] = floorLog10(1n, q);
    K_IRREGULAR[q - Q_MIN] = floorLog10(3n, q - 2);
  }
}

const TWO26 = 67108864;
const INV_TWO26 = 1 / TWO26;

/** 5^m, exact doubles for m ≤ 22 (5^22 < 2^53). */
const FIVE = new Float64Array(23);
/** 5^m = FIVE_HI[m]·2^26 + FIVE_LO[m], for the two-limb product (m ≤ 22). */
const FIVE_HI = new Float64Array(23);
const FIVE_LO = new Float64Array(23);
/** Largest m (= −k) needed: float32 subnormals, q = −149, k = −45. */
const M_MAX = 46;
/** 5^m in base-2^26 limbs, least significant first, 5 per entry (5^46 < 2^107 < 2^130). */
const FIVE_LIMBS = new Float64Array((M_MAX + 1) * 5);
{
  let p = 1;
  for (let m = 0; m <= 22; m++, p *= 5) {
    FIVE[m] = p;
    FIVE_HI[m] = Math.floor(p * INV_TWO26);
    FIVE_LO[m] = p - FIVE_HI[m] * TWO26;
  }
  const limbs = [1, 0, 0, 0, 0];
  for (let m = 0; m <= M_MAX; m++) {
    for (let i = 0; i < 5; i++) FIVE_LIMBS[m * 5 + i] = limbs[i];
    let carry = 0;
    for (let i = 0; i < 5; i++) {
      const t = limbs[i] * 5 + carry;
      carry = Math.floor(t * INV_TWO26);
      limbs[i] = t - carry * TWO26;
    }
  }
}

/**
 * 2^q·10^−k rounded to a double, per q, for the regular and irregular k: a fast first estimate of
 * the scaled values in the far ranges (see rop). Built as 2^q times the double nearest 10^−k;
 * ECMA-262 requires StringToNumber to round exactly for ≤ 20 significant digits (RoundMVResult),
 * so the table has relative error ≤ 2^−52 whatever the engine's Math.pow does.
 */
const SCALE_REGULAR = new Float64Array(Q_MAX - Q_MIN + 1);
const SCALE_IRREGULAR = new Float64Array(Q_MAX - Q_MIN + 1);
for (let q = Q_MIN; q <= Q_MAX; q++) {
  SCALE_REGULAR[q - Q_MIN] = pow2(q) * Number(`1e${-K_REGULAR[q - Q_MIN]}`);
  SCALE_IRREGULAR[q - Q_MIN] = pow2(q) * Number(`1e${-K_IRREGULAR[q - Q_MIN]}`);
}
/**
 * rop's estimate cp·scale has two roundings, relative error ≤ 2^−52, so < 2^−22 absolute
 * (cp·scale < 2^30): a fractional part farther than 2^−20 from an integer decides safely.
 */
const FAR_MARGIN = 9.5367431640625e-7; // 2^-20
let farMargin = FAR_MARGIN;

/**
 * Testing aid: `true` makes every far-range scaling take the exact multi-limb arithmetic instead
 * of first trying the double estimate, so tests can check the two paths agree everywhere (the
 * estimate otherwise hides the exact path for all but a few values in a million).
 */
export function setExactScalingForTests(exact: boolean): void {
  farMargin = exact ? 1 : FAR_MARGIN;
}

/** Powers of ten as exact doubles, 10^0..10^22. */
const P10 = new Float64Array(23);
for (let i = 0, p = 1; i <= 22; i++, p *= 10) P10[i] = p;

/** Scratch limbs (base 2^26) for the multi-limb paths. */
const LIMB = new Float64Array(10);

// ---------------------------------------------------------------------------------------------
// Exact scaling

/**
 * rop(cp·2^q·10^−k): the floor of the exact value if it is an integer, else the floor with its
 * lowest bit forced to 1 ("round to odd", as in Schubfach). Comparing a round-to-odd value with an
 * even integer gives the same answer as comparing the exact value, which is all the digit
 * selection below needs. cp < 2^26 and the result is < 2^30 for every q, k used here.
 */
function rop(cp: number, q: number, k: number, scale: number): number {
  if (k <= 0 && k >= -11) {
    // cp·5^m < 2^26·5^11 < 2^52 (m = −k): exact; the power-of-two scale is exact too.
    const x = cp * FIVE[-k] * pow2(q - k);
    const f = Math.floor(x);
    return f === x ? f : f | 1;
  }
  if (k > 0 && k <= 10) {
    // x = N/5^k with N = cp·2^(q−k) exact. The division rounds once: |error| ≤ 2^−24 since
    // x < 2^30. If 5^k divides N the quotient is an exact small integer and comes out exact;
    // otherwise frac(x) lies in [5^−k, 1 − 5^−k] and 5^−k > 2^−24 for k ≤ 10, so the rounded
    // quotient has the same floor and is not an integer.
    const x = (cp * pow2(q - k)) / FIVE[k];
    const f = Math.floor(x);
    return f === x ? f : f | 1;
  }
  // Far ranges: an estimate decides unless it lands within FAR_MARGIN of an integer (then, or
  // when x is an integer, the exact multi-limb arithmetic below).
  const x = cp * scale;
  const f = Math.floor(x);
  const r = x - f;
  if (r > farMargin && r < 1 - farMargin) return f | 1;
  if (k > 0) return ropDivLimbs(cp, q - k, k);
  if (k >= -22) return ropMulTwoLimbs(cp, -k, k - q);
  return ropMulLimbs(cp, -k, k - q);
}

/** rop(cp·5^m / 2^r) for 12 ≤ m ≤ 22: 5^m split in two 26-bit limbs, every partial product < 2^52. */
function ropMulTwoLimbs(cp: number, m: number, r: number): number {
  const a = cp * FIVE_HI[m];
  const b = cp * FIVE_LO[m];
  const bHi = Math.floor(b * INV_TWO26);
  const bLo = b - bHi * TWO26;
  // cp·5^m = t·2^26 + bLo with t < 2^52 + 2^26.
  const t = a + bHi;
  const hi = t * pow2(26 - r);
  const lo = bLo * pow2(-r);
  const fh = Math.floor(hi);
  const fl = Math.floor(lo);
  // Either r ≥ 26 (then lo < 1 and frac(hi) is a multiple of 2^(26−r) that lo cannot carry past)
  // or r < 26 (then hi is an integer): in both cases floor(hi + lo) = floor(hi) + floor(lo).
  const f = fh + fl;
  return fh === hi && fl === lo ? f : f | 1;
}

/** rop(cp·5^m / 2^r) for any m ≤ M_MAX, by schoolbook multiplication in base 2^26. */
function ropMulLimbs(cp: number, m: number, r: number): number {
  const base = m * 5;
  let carry = 0;
  for (let i = 0; i < 5; i++) {
    const t = cp * FIVE_LIMBS[base + i] + carry; // < 2^52 + 2^27
    carry = Math.floor(t * INV_TWO26);
    LIMB[i] = t - carry * TWO26;
  }
  LIMB[5] = carry;
  LIMB[6] = 0;
  LIMB[7] = 0;
  const j = Math.floor(r / 26);
  const b = r - 26 * j;
  let sticky = 0;
  for (let i = 0; i < j; i++) if (LIMB[i] !== 0) sticky = 1;
  const lj = LIMB[j];
  const ljHi = Math.floor(lj * pow2(-b));
  if (lj !== ljHi * pow2(b)) sticky = 1;
  const x = ljHi + LIMB[j + 1] * pow2(26 - b) + LIMB[j + 2] * pow2(52 - b);
  return x | sticky;
}

/**
 * rop(cp·2^e / 5^k) for k > 10: long division of the base-2^26 number cp·2^e by 5^11 chunks
 * (< 2^26, so every partial dividend is < 2^52 and its double quotient floors exactly: the
 * quotient's fractional part, when not zero, is at least 1/5^11 > 2^−26, far above the rounding
 * error). floor(floor(N/a)/b) = floor(N/(ab)), and the remainder is zero iff each step's is.
 */
function ropDivLimbs(cp: number, e: number, k: number): number {
  LIMB.fill(0);
  const j = Math.floor(e / 26);
  const v = cp * pow2(e - 26 * j); // < 2^52
  const vHi = Math.floor(v * INV_TWO26);
  LIMB[j] = v - vHi * TWO26;
  LIMB[j + 1] = vHi;
  let sticky = 0;
  for (let left = k; left > 0; ) {
    const step = Math.min(left, 11);
    left -= step;
    const d = FIVE[step];
    let rem = 0;
    for (let i = j + 1; i >= 0; i--) {
      const cur = rem * TWO26 + LIMB[i];
      const qd = Math.floor(cur / d);
      LIMB[i] = qd;
      rem = cur - qd * d;
    }
    if (rem !== 0) sticky = 1;
  }
  return (LIMB[0] + LIMB[1] * TWO26) | sticky;
}

// ---------------------------------------------------------------------------------------------
// Shortest digits

/** Result of toDecimal: the value is DEC_DIGITS × 10^DEC_EXP (DEC_DIGITS < 2^30, may end in 0). */
let decDigits = 0;
let decExp = 0;

/**
 * Shortest decimal in the rounding interval of v = c·2^q (c ≥ 1, c < 2^24), closest to v.
 * `irregular`: c is the smallest significand of a binade above the smallest normal, so the gap
 * below v is half the gap above. Writes decDigits/decExp.
 */
function toDecimal(c: number, q: number, irregular: boolean): void {
  const out = c & 1; // bounds are excluded when c is odd (ties go to the even neighbour)
  const cb = 4 * c;
  const cbr = cb + 2;
  let cbl: number;
  let k: number;
  let scale: number;
  if (irregular) {
    cbl = cb - 1;
    k = K_IRREGULAR[q - Q_MIN];
    scale = SCALE_IRREGULAR[q - Q_MIN];
  } else {
    cbl = cb - 2;
    k = K_REGULAR[q - Q_MIN];
    scale = SCALE_REGULAR[q - Q_MIN];
  }
  // Scaled by 4·10^−k: vb ≈ 4v', vbl/vbr the interval ends (all in round-to-odd form).
  const vb = rop(cb, q, k, scale);
  const vbl = rop(cbl, q, k, scale);
  const vbr = rop(cbr, q, k, scale);
  const s = vb >> 2; // floor(v')
  if (s >= 10) {
    // The scaled width is < 10, so at most one multiple of 10 lies inside; if exactly one of the
    // two around v' does, it is the unique candidate with one digit fewer.
    const sp10 = ((s / 10) | 0) * 10;
    const tp10 = sp10 + 10;
    const upin = vbl + out <= 4 * sp10;
    const wpin = 4 * tp10 + out <= vbr;
    if (upin !== wpin) {
      decDigits = upin ? sp10 : tp10;
      decExp = k;
      return;
    }
  }
  // Width ≥ 1: s or s+1 is inside; if both, the closer to v' (tie: even).
  const t = s + 1;
  const uin = vbl + out <= 4 * s;
  const win = 4 * t + out <= vbr;
  decExp = k;
  if (uin !== win) {
    decDigits = uin ? s : t;
    return;
  }
  const cmp = vb - 4 * s - 2;
  decDigits = cmp < 0 || (cmp === 0 && (s & 1) === 0) ? s : t;
}

// ---------------------------------------------------------------------------------------------
// Layout

/** ASCII pairs "00".."99". */
const DIGIT_PAIRS = new Uint8Array(200);
for (let i = 0; i < 100; i++) {
  DIGIT_PAIRS[2 * i] = 48 + Math.floor(i / 10);
  DIGIT_PAIRS[2 * i + 1] = 48 + (i % 10);
}

/** Writes exactly `width` decimal digits of v (zero-padded) at buf[pos..]. 0 ≤ v < 2^31. */
function putDigits(buf: Uint8Array, pos: number, v: number, width: number): void {
  let i = pos + width;
  v |= 0;
  while (i - pos >= 2) {
    const q = (v / 100) | 0;
    const r = (v - q * 100) << 1;
    buf[--i] = DIGIT_PAIRS[r + 1];
    buf[--i] = DIGIT_PAIRS[r];
    v = q;
  }
  if (i > pos) buf[pos] = 48 + v;
}

/**
 * Writes decDigits × 10^decExp in the Number::toString layout (sign already written), returns
 * the new position.
 */
function writeDecimal(buf: Uint8Array, pos: number): number {
  let d = decDigits;
  let e = decExp;
  for (;;) {
    const q = (d / 10) | 0;
    if (q * 10 !== d) break;
    d = q;
    e++;
  }
  let k = 1;
  while (k < 22 && d >= P10[k]) k++;
  const n = e + k; // value = 0.d1..dk × 10^n
  if (k <= n && n <= 21) {
    putDigits(buf, pos, d, k);
    pos += k;
    for (let i = k; i < n; i++) buf[pos++] = 48;
    return pos;
  }
  if (0 < n && n <= 21) {
    const p = P10[k - n];
    const ip = Math.floor(d / p);
    putDigits(buf, pos, ip, n);
    pos += n;
    buf[pos++] = 46; // .
    putDigits(buf, pos, d - ip * p, k - n);
    return pos + k - n;
  }
  if (-6 < n && n <= 0) {
    buf[pos++] = 48;
    buf[pos++] = 46;
    for (let i = n; i < 0; i++) buf[pos++] = 48;
    putDigits(buf, pos, d, k);
    return pos + k;
  }
  const p = P10[k - 1];
  const first = Math.floor(d / p);
  buf[pos++] = 48 + first;
  if (k > 1) {
    buf[pos++] = 46;
    putDigits(buf, pos, d - first * p, k - 1);
    pos += k - 1;
  }
  buf[pos++] = 101; // e
  let x = n - 1;
  if (x < 0) {
    buf[pos++] = 45;
    x = -x;
  } else {
    buf[pos++] = 43;
  }
  const w = x >= 100 ? 3 : x >= 10 ? 2 : 1;
  putDigits(buf, pos, x, w);
  return pos + w;
}

const HEX = [48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 97, 98, 99, 100, 101, 102];
const TEXT_INFINITY = [73, 110, 102, 105, 110, 105, 116, 121];

/**
 * Writes `Infinity`/`-Infinity` (nan false), `NaN` (nan and canonical) or `NaN(0x…)` with the
 * bits hi:lo as `hexDigits` lower-case hex digits (hi only used beyond 8 digits).
 */
function writeNonFinite(
  negative: boolean,
  nan: boolean,
  canonical: boolean,
  hi: number,
  lo: number,
  hexDigits: number,
  buf: Uint8Array,
  pos: number,
): number {
  if (!nan) {
    if (negative) buf[pos++] = 45;
    for (let i = 0; i < 8; i++) buf[pos++] = TEXT_INFINITY[i];
    return pos;
  }
  buf[pos++] = 78; // N
  buf[pos++] = 97; // a
  buf[pos++] = 78; // N
  if (canonical) return pos;
  buf[pos++] = 40; // (
  buf[pos++] = 48; // 0
  buf[pos++] = 120; // x
  for (let i = hexDigits - 1; i >= 0; i--) {
    const word = i >= 8 ? hi : lo;
    buf[pos++] = HEX[(word >>> ((i & 7) * 4)) & 15];
  }
  buf[pos++] = 41; // )
  return pos;
}

// ---------------------------------------------------------------------------------------------
// Public writers

/**
 * Writes the float32 with bit pattern `bits` (uint32; an int32 with the same bits also works) as
 * shortest round-trip ASCII text at buf[pos..]; returns the new position. Needs at most
 * MAX_FLOAT_CHARS (32) free bytes (the longest output is 22).
 */
export function writeFloat32(bits: number, buf: Uint8Array, pos: number): number {
  const e = (bits >>> 23) & 0xff;
  const f = bits & 0x7fffff;
  const negative = bits >>> 31 !== 0;
  if (e === 0xff)
    return writeNonFinite(negative, f !== 0, bits >>> 0 === 0x7fc00000, 0, bits >>> 0, 8, buf, pos);
  if (negative) buf[pos++] = 45;
  if (e === 0) {
    if (f === 0) {
      buf[pos] = 48;
      return pos + 1;
    }
    toDecimal(f, -149, false);
  } else {
    toDecimal(f + 0x800000, e - 150, f === 0 && e > 1);
  }
  return writeDecimal(buf, pos);
}

/** Writes the float16 with bit pattern `bits` (0..0xffff) like writeFloat32; returns the new position. */
export function writeFloat16(bits: number, buf: Uint8Array, pos: number): number {
  const e = (bits >>> 10) & 0x1f;
  const f = bits & 0x3ff;
  if (e === 0x1f)
    return writeNonFinite((bits & 0x8000) !== 0, f !== 0, bits === 0x7e00, 0, bits, 4, buf, pos);
  if ((bits & 0x8000) !== 0) buf[pos++] = 45;
  if (e === 0) {
    if (f === 0) {
      buf[pos] = 48;
      return pos + 1;
    }
    toDecimal(f, -24, false);
  } else {
    toDecimal(f + 0x400, e - 25, f === 0 && e > 1);
  }
  return writeDecimal(buf, pos);
}

/** Writes the bfloat16 with bit pattern `bits` (0..0xffff) like writeFloat32; returns the new position. */
export function writeBFloat16(bits: number, buf: Uint8Array, pos: number): number {
  const e = (bits >>> 7) & 0xff;
  const f = bits & 0x7f;
  if (e === 0xff)
    return writeNonFinite((bits & 0x8000) !== 0, f !== 0, bits === 0x7fc0, 0, bits, 4, buf, pos);
  if ((bits & 0x8000) !== 0) buf[pos++] = 45;
  if (e === 0) {
    if (f === 0) {
      buf[pos] = 48;
      return pos + 1;
    }
    toDecimal(f, -133, false);
  } else {
    toDecimal(f + 0x80, e - 134, f === 0 && e > 1);
  }
  return writeDecimal(buf, pos);
}

/** Copies an ASCII string into buf at pos, returns the new position. */
function putAscii(s: string, buf: Uint8Array, pos: number): number {
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}

/**
 * Shortest round-trip text of a float64 value (Number::toString, plus `-0` for negative zero).
 * Every NaN prints `NaN`: a number's NaN payload is not observable reliably in JS (ECMA-262 lets
 * engines canonicalise NaNs), so use formatFloat64Bits when the bits must survive.
 */
export function formatFloat64(value: number): string {
  if (value === 0) return 1 / value < 0 ? '-0' : '0';
  return String(value);
}

/**
 * Writes the float64 `value` as formatFloat64 does at buf[pos..], returns the new position (at
 * most 25 bytes, e.g. `-0.0000012345678901234567`).
 */
export function writeFloat64(value: number, buf: Uint8Array, pos: number): number {
  return putAscii(formatFloat64(value), buf, pos);
}

/**
 * Writes the float64 with bit pattern hi:lo (uint32 words, hi holds sign and exponent) at
 * buf[pos..]; NaNs other than the canonical 0x7ff8000000000000 print as `NaN(0x` + 16 hex + `)`.
 */
export function writeFloat64Bits(hi: number, lo: number, buf: Uint8Array, pos: number): number {
  hi >>>= 0;
  lo >>>= 0;
  if ((hi & 0x7ff00000) === 0x7ff00000 && ((hi & 0xfffff) !== 0 || lo !== 0)) {
    return writeNonFinite(hi >= 0x80000000, true, hi === 0x7ff80000 && lo === 0, hi, lo, 16, buf, pos);
  }
  return writeFloat64(f64BitsToNumber(hi, lo), buf, pos);
}

// ---------------------------------------------------------------------------------------------
// String conveniences

const SCRATCH = new Uint8Array(MAX_FLOAT_CHARS);

function scratchText(n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += String.fromCharCode(SCRATCH[i]);
  return s;
}

/** The text writeFloat32 produces for `bits`, as a string. */
export function formatFloat32(bits: number): string {
  return scratchText(writeFloat32(bits, SCRATCH, 0));
}

/** The text writeFloat16 produces for `bits`, as a string. */
export function formatFloat16(bits: number): string {
  return scratchText(writeFloat16(bits, SCRATCH, 0));
}

/** The text writeBFloat16 produces for `bits`, as a string. */
export function formatBFloat16(bits: number): string {
  return scratchText(writeBFloat16(bits, SCRATCH, 0));
}

/** The text writeFloat64Bits produces for the bit pattern hi:lo, as a string. */
export function formatFloat64Bits(hi: number, lo: number): string {
  return scratchText(writeFloat64Bits(hi, lo, SCRATCH, 0));
}
