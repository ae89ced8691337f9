/**
 * Text spellings of the float8 and float4 dtypes (DESIGN §4, text-common "Values"): every bit
 * pattern has one spelling, the shortest decimal that reads back to the same pattern in that
 * dtype, laid out like ECMAScript Number::toString; `NaN` for the dtype's canonical NaN (what ONNX
 * Cast produces), `NaN(0x..)` with two hex digits for any other NaN pattern, `±Infinity` only for
 * float8e5m2, `-0` only where the dtype has a negative zero. With 256 (or 16) patterns the
 * spellings are a table built at module load from the exact decoding (core/minifloat.ts).
 *
 * Reading: a decimal is rounded correctly to the nearest pattern, ties to even (ties up for
 * float8e8m0); out-of-range values saturate to ±max as ONNX Cast's default saturate=1 does, and so
 * do `±Infinity` for the dtypes without infinities. `NaN`, `-NaN` and `NaN(0x..)` (which must be a
 * NaN pattern of the dtype) read as NaNs; float4e2m1 has no NaN and float8e8m0 no zero or negative
 * values: such tokens are not values of the dtype.
 */
import { decodeMiniFloat, encodeMiniFloat, MINIFLOATS, type MiniFloatDType } from '../../core/minifloat.js';
import { parseFloat64Bytes } from './float-parse.js';

/** Spellings of every pattern of a dtype: `plain[code]` and `json[code]` (non-finite in quotes). */
interface Spellings {
  readonly plain: readonly Uint8Array[];
  readonly json: readonly Uint8Array[];
}

const TABLES = new Map<MiniFloatDType, Spellings>();

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) b[k] = s.charCodeAt(k);
  return b;
}

/** The shortest spelling of pattern `code`, as a string. */
function spell(dtype: MiniFloatDType, code: number): string {
  const f = MINIFLOATS[dtype];
  const v = decodeMiniFloat(dtype, code);
  if (Number.isNaN(v)) {
    return code === f.canonicalNaN ? 'NaN' : `NaN(0x${code.toString(16).padStart(f.bits / 4, '0')})`;
  }
  if (v === Number.POSITIVE_INFINITY) return 'Infinity';
  if (v === Number.NEGATIVE_INFINITY) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  // Saturation reads anything beyond ±max as ±max; the spelling of ±max stays inside its own
  // rounding interval (below max + half its ulp), as IEEE shortest spellings do.
  const ladder = f.ladder;
  const top = ladder[ladder.length - 1];
  const limit = top + (top - ladder[ladder.length - 2]) / 2;
  for (let p = 1; p <= 17; p++) {
    // The closest p-digit decimal, laid out as Number::toString does; kept when it reads back.
    const s = String(Number(v.toPrecision(p)));
    if (Math.abs(Number(s)) < limit && parseMiniFloatString(dtype, s) === code) return s;
  }
  return String(v); // unreachable: 17 digits give the double itself, which is the value
}

/** The spelling tables of a dtype, built on first use. */
function tables(dtype: MiniFloatDType): Spellings {
  let t = TABLES.get(dtype);
  if (t === undefined) {
    const n = 1 << MINIFLOATS[dtype].bits;
    const plain: Uint8Array[] = [];
    const json: Uint8Array[] = [];
    for (let c = 0; c < n; c++) {
      const s = spell(dtype, c);
      plain.push(ascii(s));
      json.push(ascii(/^-?[IN]/.test(s) ? `"${s}"` : s));
    }
    t = { plain, json };
    TABLES.set(dtype, t);
  }
  return t;
}

/** The text of pattern `code` (for tests and messages). */
export function formatMiniFloat(dtype: MiniFloatDType, code: number): string {
  return String.fromCharCode(...tables(dtype).plain[code]);
}

/**
 * A writer of the pattern `get(i)` returns: the table entry copied at buf[pos..] (at most 10
 * bytes: `"NaN(0xff)"` with quotes).
 */
export function miniFloatWriter(
  dtype: MiniFloatDType,
  get: (i: number) => number,
  style: 'json' | 'plain',
): (i: number, buf: Uint8Array, pos: number) => number {
  const t = style === 'json' ? tables(dtype).json : tables(dtype).plain;
  return (i, buf, pos) => {
    const s = t[get(i)];
    buf.set(s, pos);
    return pos + s.length;
  };
}

/** Decimal syntax the float parser accepts, split for the exact tie comparison. */
const DECIMAL = /^[+-]?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

/** Significant digits kept for the exact comparison; any midpoint has far fewer (below 200). */
const TIE_DIGITS = 800;

/**
 * Compares the magnitude of the decimal `text` with `mid` exactly (−1, 0, 1). Digits beyond
 * TIE_DIGITS only matter as "something non-zero follows": a midpoint has fewer significant digits,
 * so a truncated decimal that differs from it differs in the same direction as the whole one.
 */
function compareDecimal(text: string, mid: number): number {
  const m = DECIMAL.exec(text);
  if (m === null) return 0;
  let digits = (m[1] ?? '') + (m[2] ?? '');
  let exp = Number(m[3] ?? '0') - (m[2] ?? '').length;
  digits = digits.replace(/^0+/, '');
  let sticky = false;
  if (digits.length > TIE_DIGITS) {
    sticky = /[1-9]/.test(digits.slice(TIE_DIGITS));
    exp += digits.length - TIE_DIGITS;
    digits = digits.slice(0, TIE_DIGITS);
  }
  if (digits === '') return -1;
  // mid = k · 2^q with k an integer.
  let k = mid;
  let q = 0;
  while (!Number.isInteger(k)) {
    k *= 2;
    q--;
  }
  // An exponent this far out cannot be a midpoint of a format spanning 2^-136..2^128.
  if (exp + digits.length > 400) return 1;
  if (exp + digits.length < -400) return -1;
  const d = BigInt(digits);
  const left = d * 10n ** BigInt(Math.max(exp, 0)) * 2n ** BigInt(Math.max(-q, 0));
  const right = BigInt(k) * 2n ** BigInt(Math.max(q, 0)) * 10n ** BigInt(Math.max(-exp, 0));
  if (left < right) return -1;
  if (left > right) return 1;
  return sticky ? 1 : 0;
}

/** Lower-case ASCII letters of a short token, for the non-finite words. */
function nonFinite(dtype: MiniFloatDType, text: string): number | undefined {
  const f = MINIFLOATS[dtype];
  const lower = text.toLowerCase();
  const negative = lower.startsWith('-');
  const word = lower.replace(/^[+-]/, '');
  if (word === 'infinity' || word === 'inf') {
    return encodeMiniFloat(dtype, negative ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY);
  }
  if (word === 'nan') {
    // `-NaN` keeps its sign where the dtype has signed NaNs (E4M3FN, E5M2); FNUZ and E8M0 have one NaN.
    if (f.canonicalNaN === undefined) return undefined;
    return negative && f.negativeZero ? f.canonicalNaN | f.signBit : f.canonicalNaN;
  }
  const m = /^nan\(0x([0-9a-f]{1,2})\)$/.exec(lower);
  if (m === null || negative || lower.startsWith('+')) return undefined;
  const code = Number.parseInt(m[1], 16);
  if (code >= 1 << f.bits || !Number.isNaN(decodeMiniFloat(dtype, code))) return undefined;
  return code;
}

/** Reads the text of one value (no quotes) into a pattern, or undefined when it is not one. */
export function parseMiniFloatString(dtype: MiniFloatDType, text: string): number | undefined {
  const bytes = ascii(text);
  return parseMiniFloat(dtype, bytes, 0, bytes.length);
}

/** Reads src[start, end) into a pattern of the dtype, or undefined when it is not a value of it. */
export function parseMiniFloat(
  dtype: MiniFloatDType,
  src: Uint8Array,
  start: number,
  end: number,
): number | undefined {
  let p = start;
  if (p < end && (src[p] === 43 || src[p] === 45)) p++;
  if (p < end && ((src[p] | 32) === 105 || (src[p] | 32) === 110)) {
    if (end - start > 16) return undefined;
    return nonFinite(dtype, String.fromCharCode(...src.subarray(start, end)));
  }
  const x = parseFloat64Bytes(src, start, end);
  if (x === undefined || Number.isNaN(x)) return undefined;
  // Only a double exactly on a midpoint needs the decimal itself (rare: decoded lazily).
  return encodeMiniFloat(dtype, x, (mid) =>
    compareDecimal(new TextDecoder().decode(src.subarray(start, end)), mid),
  );
}
