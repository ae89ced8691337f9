/**
 * The 8- and 4-bit float dtypes ONNX defines: exact decoding of every bit pattern and correctly
 * rounded encoding. Sources of the facts:
 *
 * - ONNX docs/docs/Float8.md (and onnx.proto TensorProto.DataType comments): E4M3FN bias 7, no
 *   infinity, NaN S.1111.111; E4M3FNUZ bias 8; E5M2 bias 15, IEEE-like (±Inf S.11111.00, NaN
 *   S.11111.{01,10,11}); E5M2FNUZ bias 16. The FNUZ types have no infinity and no negative zero:
 *   0x80 (the negative zero pattern) is their only NaN.
 * - ONNX docs/docs/Float4e2m1.md and the OCP Microscaling Formats (MX) v1.0 spec §5.3.3: E2M1
 *   bias 1, no infinity, no NaN, values ±{0, 0.5, 1, 1.5, 2, 3, 4, 6}.
 * - OCP MX v1.0 §5.4.1 (E8M0, the MX scale type): an unsigned biased exponent, bias 127, value
 *   2^(e − 127); 0xFF is NaN; no zero, no sign, no infinity.
 *
 * With at most 256 patterns per dtype, decoding is a table built once from these formulas, and
 * encoding a binary search over the sorted finite values.
 */
import type { DType } from './dtype.js';

/** The float dtypes of fewer than 16 bits. */
export type MiniFloatDType =
  | 'float8e4m3fn'
  | 'float8e4m3fnuz'
  | 'float8e5m2'
  | 'float8e5m2fnuz'
  | 'float8e8m0'
  | 'float4e2m1';

/** Every mini-float dtype. */
export const MINIFLOAT_DTYPES: readonly MiniFloatDType[] = [
  'float8e4m3fn',
  'float8e4m3fnuz',
  'float8e5m2',
  'float8e5m2fnuz',
  'float8e8m0',
  'float4e2m1',
];

/** True for the float8 and float4 dtypes. */
export function isMiniFloat(dtype: DType): dtype is MiniFloatDType {
  return (MINIFLOAT_DTYPES as readonly string[]).includes(dtype);
}

/** Facts about one mini-float format. */
export interface MiniFloatFormat {
  /** Bits per element (8 or 4). */
  readonly bits: number;
  /** Value of each bit pattern (NaN for the NaN patterns, ±Infinity for E5M2's infinities). */
  readonly values: Float64Array;
  /** The NaN nnport writes as `NaN` and reads `NaN` as: what ONNX's Cast produces for a NaN. */
  readonly canonicalNaN: number | undefined;
  /** The sign bit, or 0 for the unsigned E8M0. */
  readonly signBit: number;
  /** True when the format has a negative zero (E4M3FN, E5M2, E2M1). */
  readonly negativeZero: boolean;
  /** True when the format has ±Infinity (E5M2 only). */
  readonly infinity: boolean;
  /** Bit pattern of the largest finite value. */
  readonly maxCode: number;
  /** Finite non-negative values in increasing order and their bit patterns (the encoder's table). */
  readonly ladder: Float64Array;
  readonly ladderCodes: Uint8Array;
  /** True when a tie between two ladder values goes up (E8M0, ONNX Cast round_mode 'nearest'), else to the even pattern. */
  readonly tiesUp: boolean;
}

type Special = 'fn' | 'fnuz' | 'ieee' | 'none';

/** Decodes a sign/exponent/mantissa pattern (E8M0 is handled by its caller). */
function decodeBits(bits: number, e: number, m: number, bias: number, special: Special): number {
  const sign = (bits >> (e + m)) & 1;
  const exp = (bits >> m) & ((1 << e) - 1);
  const man = bits & ((1 << m) - 1);
  const expAll = (1 << e) - 1;
  const manAll = (1 << m) - 1;
  if (special === 'fnuz' && bits === 1 << (e + m)) return Number.NaN;
  if (special === 'fn' && exp === expAll && man === manAll) return Number.NaN;
  if (special === 'ieee' && exp === expAll) {
    if (man !== 0) return Number.NaN;
    return sign ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  }
  // Subnormal: 0.M × 2^(1 − bias); normal: 1.M × 2^(E − bias). Exact in a double.
  const magnitude = exp === 0 ? man * 2 ** (1 - bias - m) : (1 + man / 2 ** m) * 2 ** (exp - bias);
  return sign ? -magnitude : magnitude;
}

function format(
  bits: number,
  decode: (code: number) => number,
  canonicalNaN: number | undefined,
  signBit: number,
  negativeZero: boolean,
  infinity: boolean,
  tiesUp: boolean,
): MiniFloatFormat {
  const n = 1 << bits;
  const values = new Float64Array(n);
  for (let c = 0; c < n; c++) values[c] = decode(c);
  const finite: number[] = [];
  for (let c = 0; c < n; c++) {
    const v = values[c];
    if (Number.isFinite(v) && v >= 0 && !Object.is(v, -0)) finite.push(c);
  }
  finite.sort((a, b) => values[a] - values[b]);
  const ladderCodes = Uint8Array.from(finite);
  const ladder = Float64Array.from(finite, (c) => values[c]);
  const maxCode = ladderCodes[ladderCodes.length - 1];
  return {
    bits,
    values,
    canonicalNaN,
    signBit,
    negativeZero,
    infinity,
    maxCode,
    ladder,
    ladderCodes,
    tiesUp,
  };
}

/** The formats, by dtype. */
export const MINIFLOATS: Readonly<Record<MiniFloatDType, MiniFloatFormat>> = {
  float8e4m3fn: format(8, (c) => decodeBits(c, 4, 3, 7, 'fn'), 0x7f, 0x80, true, false, false),
  float8e4m3fnuz: format(8, (c) => decodeBits(c, 4, 3, 8, 'fnuz'), 0x80, 0x80, false, false, false),
  float8e5m2: format(8, (c) => decodeBits(c, 5, 2, 15, 'ieee'), 0x7f, 0x80, true, true, false),
  float8e5m2fnuz: format(8, (c) => decodeBits(c, 5, 2, 16, 'fnuz'), 0x80, 0x80, false, false, false),
  float8e8m0: format(8, (c) => (c === 0xff ? Number.NaN : 2 ** (c - 127)), 0xff, 0, false, false, true),
  float4e2m1: format(4, (c) => decodeBits(c, 2, 1, 1, 'none'), undefined, 0x8, true, false, false),
};

/** The value of bit pattern `code` of a mini-float dtype (exact). */
export function decodeMiniFloat(dtype: MiniFloatDType, code: number): number {
  return MINIFLOATS[dtype].values[code];
}

/**
 * Compares the exact number a double stands for with a midpoint `mid` of the format when the
 * double *is* that midpoint: −1, 0 or 1 for below, equal, above. A decimal parsed to a double
 * can land exactly on a midpoint without being it; the text reader passes the decimal's exact
 * comparison here so that ties are broken only by true ties.
 */
export type TieCheck = (mid: number) => number;

/**
 * The bit pattern nearest to `x`: round to nearest, ties to the even pattern (ties up for E8M0,
 * ONNX Cast round_mode 'nearest'); saturating, as ONNX Cast's default saturate=1 does: finite values
 * beyond the largest finite one (and ±Infinity where the format has none) give ±max. NaN gives
 * the canonical NaN, with the sign of `x` where the format has a signed NaN. Returns undefined
 * when the format cannot hold anything near x: a NaN for float4e2m1, and zero, negative values
 * or NaN-less cases for the unsigned E8M0 (zero and negatives have no E8M0 pattern).
 */
export function encodeMiniFloat(dtype: MiniFloatDType, x: number, tie?: TieCheck): number | undefined {
  const f = MINIFLOATS[dtype];
  const negative = x < 0 || Object.is(x, -0);
  if (Number.isNaN(x)) {
    if (f.canonicalNaN === undefined) return undefined;
    // E4M3FN and E5M2 have NaNs of both signs; the FNUZ and E8M0 NaN is unique.
    return f.negativeZero && negative ? f.canonicalNaN | f.signBit : f.canonicalNaN;
  }
  if (dtype === 'float8e8m0' && (negative || x === 0)) return undefined;
  const a = Math.abs(x);
  let code: number;
  if (a === Number.POSITIVE_INFINITY && f.infinity) {
    code = 0x7c; // E5M2 infinity
  } else {
    code = nearest(f, a, tie);
  }
  if (!negative) return code;
  if (code === 0 && !f.negativeZero && dtype !== 'float8e8m0') return 0; // FNUZ: no -0
  return code | f.signBit;
}

/** The non-negative pattern nearest to the magnitude `a` (saturating at the largest finite value). */
function nearest(f: MiniFloatFormat, a: number, tie: TieCheck | undefined): number {
  const ladder = f.ladder;
  const last = ladder.length - 1;
  if (a >= ladder[last]) return f.maxCode;
  if (a <= ladder[0]) {
    if (a === ladder[0] || ladder[0] === 0) return f.ladderCodes[0];
  }
  // Largest index lo with ladder[lo] <= a (or -1 below the smallest value, E8M0 only).
  let lo = -1;
  let hi = last;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (ladder[mid] <= a) lo = mid;
    else hi = mid;
  }
  if (lo < 0) return f.ladderCodes[0]; // below E8M0's 2^-127: the nearest value is the smallest
  if (ladder[lo] === a) return f.ladderCodes[lo];
  const below = ladder[lo];
  const above = ladder[lo + 1];
  const mid = (below + above) / 2; // exact: both have few significant bits
  let side = a < mid ? -1 : a > mid ? 1 : 0;
  if (side === 0 && tie !== undefined) side = tie(mid);
  if (side < 0) return f.ladderCodes[lo];
  if (side > 0) return f.ladderCodes[lo + 1];
  if (f.tiesUp) return f.ladderCodes[lo + 1];
  return (f.ladderCodes[lo] & 1) === 0 ? f.ladderCodes[lo] : f.ladderCodes[lo + 1];
}
