/**
 * One spelling of tensor values as text, shared by the JSON, CSV and TXT formats (text-common,
 * "Values"; DESIGN §4):
 *
 * - floats: the shortest decimal that reads back to the same value in the tensor's own dtype,
 *   laid out like ECMAScript Number::toString (`0.1`, `100`, `1e-7`, `-0`); `Infinity`,
 *   `-Infinity`, `NaN` for the dtype's canonical quiet NaN, and `NaN(0x7fc00001)` for any other
 *   NaN (the full bit pattern, all hex digits of the dtype's width, so payload and sign survive).
 *   In JSON the four non-finite spellings are strings (`"NaN"`); in CSV and TXT they are bare.
 * - integers: decimal, full precision (int64/uint64 beyond 2^53 exact).
 * - bool: `1`/`0` plain, `true`/`false` in JSON; readers accept both everywhere.
 * - float8 and float4: the same rules over the dtype's own values (minifloat-text.ts).
 * - int4, uint4, int2, uint2: decimal integers. The text layer holds sub-byte tensors unpacked,
 *   one element per byte in its low bits (`textItemSize`, `unpackForText`, `packFromText`).
 * - complex: `re+imj` / `re-imj` (Python's and NumPy's spelling), each part spelled as its float
 *   dtype spells it: `1.5-0j`, `NaN+Infinityj`, `0+NaN(0x7fc00001)j`. The JSON format writes complex
 *   tensors as pairs `[re, im]` of the part dtype instead (see `textLayout`), never through here.
 *
 * Writers and parsers work on bytes in place: one closure per chunk, specialised per dtype, and no
 * string per value for floats or integers that fit a double. The decimal conversion itself lives
 * in float-format.ts / float-parse.ts.
 */
import { complexPart, DTYPES, type DType, itemSize, packSubByte, unpackSubByte } from '../../core/dtype.js';
import { isMiniFloat } from '../../core/minifloat.js';
import { writeBFloat16, writeFloat16, writeFloat32, writeFloat64 } from './float-format.js';
import {
  parseBFloat16Bytes,
  parseFloat16Bytes,
  parseFloat32Bytes,
  parseFloat64Bytes,
} from './float-parse.js';
import {
  type Int64Halves,
  parseInt64,
  parseSmallInt,
  writeInt64,
  writeSigned,
  writeUint64,
  writeUnsigned,
} from './int-text.js';
import { miniFloatWriter, parseMiniFloat } from './minifloat-text.js';

/**
 * Most ASCII bytes one value can take: a complex128 `re+imj` is two float64 spellings (at most 24
 * each: `-2.2250738585072014e-308`), a sign and `j`, plus JSON quotes; int64 min is 20.
 */
export const MAX_VALUE_CHARS = 56;

/** Bytes one element takes in the text layer: sub-byte dtypes are held one element per byte. */
export function textItemSize(dtype: DType): number {
  return DTYPES[dtype].bits < 8 ? 1 : itemSize(dtype);
}

/** Bytes `count` elements take in the text layer (see textItemSize). */
export function textByteLength(dtype: DType, count: number): number {
  return count * textItemSize(dtype);
}

/**
 * How the JSON format lays out a tensor's data: complex tensors as pairs `[re, im]` of the part
 * dtype, i.e. as a part-dtype tensor with a trailing dimension of 2 (the same bytes: parts are
 * interleaved); every other dtype as itself.
 */
export function textLayout(
  dtype: DType,
  shape: readonly number[],
): { readonly dtype: DType; readonly shape: readonly number[] } {
  if (dtype === 'complex64' || dtype === 'complex128')
    return { dtype: complexPart(dtype), shape: [...shape, 2] };
  return { dtype, shape };
}

/** Canonical bytes of `count` elements → the text layer's layout (sub-byte types unpacked; others as they are). */
export function unpackForText(dtype: DType, bytes: Uint8Array, count: number): Uint8Array {
  const bits = DTYPES[dtype].bits;
  return bits < 8 ? unpackSubByte(bytes, bits, count) : bytes;
}

/** The text layer's bytes → canonical bytes (sub-byte types packed; others as they are). */
export function packFromText(dtype: DType, bytes: Uint8Array): Uint8Array {
  const bits = DTYPES[dtype].bits;
  if (bits >= 8) return bytes;
  return packSubByte(bytes, bits);
}

/** Writes element `i` of a canonical-bytes view as text at buf[pos..], returns the new pos. Caller ensures MAX_VALUE_CHARS bytes free. */
export type ValueWriter = (i: number, buf: Uint8Array, pos: number) => number;

/** Parses the ASCII token src[start, end) as a value of dtype into element `i` of `out` (canonical bytes). Returns false on a syntax error or an out-of-range integer. */
export type ValueParser = (src: Uint8Array, start: number, end: number, i: number) => boolean;

/** How a float dtype's bits are laid out, for the non-finite spellings. */
interface FloatBits {
  /** Hex digits in `NaN(0x...)`. */
  readonly hexDigits: number;
  /** Exponent mask: all ones means Infinity or NaN. */
  readonly expMask: number;
  /** Mantissa mask. */
  readonly fracMask: number;
  /** The canonical quiet NaN (what `NaN` reads as). */
  readonly quietNaN: number;
  /** Sign bit. */
  readonly sign: number;
}

/** 16- and 32-bit float layouts (IEEE 754-2008 binary16/binary32; bfloat16 is binary32's top half). */
const F32: FloatBits = {
  hexDigits: 8,
  expMask: 0x7f800000,
  fracMask: 0x007fffff,
  quietNaN: 0x7fc00000,
  sign: 0x80000000,
};
const F16: FloatBits = { hexDigits: 4, expMask: 0x7c00, fracMask: 0x03ff, quietNaN: 0x7e00, sign: 0x8000 };
const BF16: FloatBits = { hexDigits: 4, expMask: 0x7f80, fracMask: 0x007f, quietNaN: 0x7fc0, sign: 0x8000 };

const TEXT_INFINITY = ascii('Infinity');
const TEXT_NAN = ascii('NaN');
const TEXT_TRUE = ascii('true');
const TEXT_FALSE = ascii('false');
const HEX = ascii('0123456789abcdef');

function ascii(s: string): Uint8Array {
  const b = new Uint8Array(s.length);
  for (let k = 0; k < s.length; k++) b[k] = s.charCodeAt(k);
  return b;
}

function put(b: Uint8Array, buf: Uint8Array, pos: number): number {
  for (let k = 0; k < b.length; k++) buf[pos + k] = b[k];
  return pos + b.length;
}

/** Writes `hi`,`lo` (hi first) as `digits` lower-case hex digits. */
function putHex(hi: number, lo: number, digits: number, buf: Uint8Array, pos: number): number {
  let p = pos + digits;
  for (let k = 0; k < digits; k++) {
    const word = k < 8 ? lo : hi;
    buf[--p] = HEX[(word >>> ((k & 7) * 4)) & 15];
  }
  return pos + digits;
}

/**
 * Writes the spelling of a non-finite float (`Infinity`, `-Infinity`, `NaN`, `NaN(0x...)`) whose
 * raw bits are `hi:lo` (`hi` is 0 below 64 bits). `quote` wraps it in JSON quotes.
 */
function writeNonFinite(
  negative: boolean,
  nan: boolean,
  canonical: boolean,
  hi: number,
  lo: number,
  hexDigits: number,
  quote: boolean,
  buf: Uint8Array,
  pos: number,
): number {
  let p = pos;
  if (quote) buf[p++] = 34;
  if (!nan) {
    if (negative) buf[p++] = 45;
    p = put(TEXT_INFINITY, buf, p);
  } else {
    p = put(TEXT_NAN, buf, p);
    if (!canonical) {
      buf[p++] = 40; // (
      buf[p++] = 48; // 0
      buf[p++] = 120; // x
      p = putHex(hi, lo, hexDigits, buf, p);
      buf[p++] = 41; // )
    }
  }
  if (quote) buf[p++] = 34;
  return p;
}

/** A writer for a ≤32-bit float dtype whose bits `get(i)` returns. */
function smallFloatWriter(
  get: (i: number) => number,
  layout: FloatBits,
  finite: (bits: number, buf: Uint8Array, pos: number) => number,
  quote: boolean,
): ValueWriter {
  const { expMask, fracMask, quietNaN, sign, hexDigits } = layout;
  return (i, buf, pos) => {
    const bits = get(i);
    if ((bits & expMask) !== expMask) return finite(bits, buf, pos);
    const nan = (bits & fracMask) !== 0;
    return writeNonFinite((bits & sign) !== 0, nan, bits === quietNaN, 0, bits, hexDigits, quote, buf, pos);
  };
}

/**
 * A writer for `bytes` (canonical little-endian C-order elements of dtype). style: 'json' quotes
 * non-finite floats and writes bools as true/false; 'plain' writes them bare and bools as 1/0.
 */
export function valueWriter(dtype: DType, bytes: Uint8Array, style: 'json' | 'plain'): ValueWriter {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const quote = style === 'json';
  switch (dtype) {
    // Plain style: float-format's writers already spell non-finite values the shared way.
    case 'float32':
      if (!quote) return (i, buf, pos) => writeFloat32(v.getUint32(i * 4, true), buf, pos);
      return smallFloatWriter((i) => v.getUint32(i * 4, true), F32, writeFloat32, quote);
    case 'float16':
      if (!quote) return (i, buf, pos) => writeFloat16(v.getUint16(i * 2, true), buf, pos);
      return smallFloatWriter((i) => v.getUint16(i * 2, true), F16, writeFloat16, quote);
    case 'bfloat16':
      if (!quote) return (i, buf, pos) => writeBFloat16(v.getUint16(i * 2, true), buf, pos);
      return smallFloatWriter((i) => v.getUint16(i * 2, true), BF16, writeBFloat16, quote);
    case 'float64':
      return (i, buf, pos) => {
        const hi = v.getUint32(i * 8 + 4, true);
        if ((hi & 0x7ff00000) !== 0x7ff00000) return writeFloat64(v.getFloat64(i * 8, true), buf, pos);
        const lo = v.getUint32(i * 8, true);
        const nan = (hi & 0x000fffff) !== 0 || lo !== 0;
        const canonical = hi === 0x7ff80000 && lo === 0;
        return writeNonFinite(hi >= 0x80000000, nan, canonical, hi, lo, 16, quote, buf, pos);
      };
    case 'int8':
      return (i, buf, pos) => writeSigned(v.getInt8(i), buf, pos);
    case 'int16':
      return (i, buf, pos) => writeSigned(v.getInt16(i * 2, true), buf, pos);
    case 'int32':
      return (i, buf, pos) => writeSigned(v.getInt32(i * 4, true), buf, pos);
    case 'int64':
      return (i, buf, pos) => writeInt64(v.getUint32(i * 8, true), v.getInt32(i * 8 + 4, true), buf, pos);
    case 'uint8':
      return (i, buf, pos) => writeUnsigned(v.getUint8(i), buf, pos);
    case 'uint16':
      return (i, buf, pos) => writeUnsigned(v.getUint16(i * 2, true), buf, pos);
    case 'uint32':
      return (i, buf, pos) => writeUnsigned(v.getUint32(i * 4, true), buf, pos);
    case 'uint64':
      return (i, buf, pos) => writeUint64(v.getUint32(i * 8, true), v.getUint32(i * 8 + 4, true), buf, pos);
    case 'bool':
      if (quote) return (i, buf, pos) => put(v.getUint8(i) !== 0 ? TEXT_TRUE : TEXT_FALSE, buf, pos);
      return (i, buf, pos) => {
        buf[pos] = v.getUint8(i) !== 0 ? 49 : 48;
        return pos + 1;
      };
    case 'float8e4m3fn':
    case 'float8e4m3fnuz':
    case 'float8e5m2':
    case 'float8e5m2fnuz':
    case 'float8e8m0':
      return miniFloatWriter(dtype, (i) => bytes[i], style);
    case 'float4e2m1':
      return miniFloatWriter(dtype, (i) => bytes[i] & 15, style);
    // Sub-byte integers, unpacked: the element's bits in the low bits of its byte.
    case 'int4':
      return (i, buf, pos) => writeSigned((bytes[i] << 28) >> 28, buf, pos);
    case 'int2':
      return (i, buf, pos) => writeSigned((bytes[i] << 30) >> 30, buf, pos);
    case 'uint4':
      return (i, buf, pos) => writeUnsigned(bytes[i] & 15, buf, pos);
    case 'uint2':
      return (i, buf, pos) => writeUnsigned(bytes[i] & 3, buf, pos);
    case 'complex64':
    case 'complex128':
      return complexWriter(valueWriter(complexPart(dtype), bytes, 'plain'), quote);
  }
}

/**
 * `re+imj` from the part writer over the same bytes (parts 2i and 2i + 1): the imaginary part
 * is written after a `+`, which is dropped when the part starts with its own `-`.
 */
function complexWriter(part: ValueWriter, quote: boolean): ValueWriter {
  return (i, buf, pos) => {
    let p = pos;
    if (quote) buf[p++] = 34;
    p = part(2 * i, buf, p);
    buf[p] = 43; // +
    const end = part(2 * i + 1, buf, p + 1);
    if (buf[p + 1] === 45) {
      buf.copyWithin(p, p + 1, end);
      p = end - 1;
    } else {
      p = end;
    }
    buf[p++] = 106; // j
    if (quote) buf[p++] = 34;
    return p;
  };
}

/** Lower-cases an ASCII letter byte. */
function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** True when src[start, end) equals the lower-case ASCII word `word`, ignoring case. */
function sameWord(src: Uint8Array, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let k = 0; k < word.length; k++) if (lower(src[start + k]) !== word.charCodeAt(k)) return false;
  return true;
}

/** Parses up to 16 hex digits src[start, end) into hi:lo; false on a non-hex byte or too many digits. */
function parseHex(src: Uint8Array, start: number, end: number, maxDigits: number, out: Int64Halves): boolean {
  const n = end - start;
  if (n < 1 || n > maxDigits) return false;
  let hi = 0;
  let lo = 0;
  for (let p = start; p < end; p++) {
    const c = lower(src[p]);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return false;
    hi = ((hi << 4) | (lo >>> 28)) >>> 0;
    lo = ((lo << 4) | d) >>> 0;
  }
  out.hi = hi;
  out.lo = lo;
  return true;
}

/**
 * Parses a non-finite spelling: `Infinity`, `+Infinity`, `-Infinity`, `inf` (any case, as NumPy
 * and C write them), `NaN`/`nan`/`-nan`, and `NaN(0x...)` with explicit bits. Sets `out` to the
 * raw bits (a bare NaN gives the canonical quiet NaN, `negInf` etc. from `layout`) and returns
 * true, or false when the token is none of these.
 */
function parseNonFinite(
  src: Uint8Array,
  start: number,
  end: number,
  hexDigits: number,
  inf: Int64Halves,
  nan: Int64Halves,
  signBit: Int64Halves,
  out: Int64Halves,
): boolean {
  let p = start;
  let negative = false;
  if (src[p] === 45 || src[p] === 43) {
    negative = src[p] === 45;
    p++;
  }
  if (sameWord(src, p, end, 'infinity') || sameWord(src, p, end, 'inf')) {
    out.hi = (inf.hi | (negative ? signBit.hi : 0)) >>> 0;
    out.lo = (inf.lo | (negative ? signBit.lo : 0)) >>> 0;
    return true;
  }
  if (sameWord(src, p, end, 'nan')) {
    out.hi = (nan.hi | (negative ? signBit.hi : 0)) >>> 0;
    out.lo = (nan.lo | (negative ? signBit.lo : 0)) >>> 0;
    return true;
  }
  // NaN(0x7fc00001): the exact bits, which must be a NaN of the dtype.
  if (negative || end - p < 8 || !sameWord(src, p, p + 6, 'nan(0x') || src[end - 1] !== 41) return false;
  if (!parseHex(src, p + 6, end - 1, hexDigits, out)) return false;
  const expHi = inf.hi;
  const expLo = inf.lo;
  const nanBits =
    (out.hi & expHi) === expHi &&
    (out.lo & expLo) === expLo &&
    ((out.hi & ~expHi & ~signBit.hi) !== 0 || (out.lo & ~expLo & ~signBit.lo) !== 0);
  return nanBits;
}

/** True when the token could be a non-finite spelling (starts with a letter after an optional sign). */
function startsWithLetter(src: Uint8Array, start: number, end: number): boolean {
  let p = start;
  if (p < end && (src[p] === 45 || src[p] === 43)) p++;
  return p < end && (src[p] | 32) >= 97 && (src[p] | 32) <= 122;
}

/** Halves for the ≤32-bit layouts (hi is 0). */
function halves(lo: number, hi = 0): Int64Halves {
  return { lo: lo >>> 0, hi: hi >>> 0 };
}

/**
 * A parser writing into `out` (canonical bytes, whole elements of dtype). A token wrapped in
 * double quotes is parsed as its contents: JSON's `"NaN"` and RFC 4180's quoted CSV fields.
 *
 * Hot path: the dtype's own parser is called first, straight on the token; only when it refuses
 * the token does the slow path look for quotes and the extra non-finite spellings (`-nan`, `INF`).
 */
export function valueParser(dtype: DType, out: Uint8Array): ValueParser {
  const v = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const scratch: Int64Halves = { lo: 0, hi: 0 };
  const full = parserFor(dtype, v, scratch);
  const slow: ValueParser = (src, start, end, i) => {
    if (end - start >= 2 && src[start] === 34 && src[end - 1] === 34) return full(src, start + 1, end - 1, i);
    return full(src, start, end, i);
  };
  switch (dtype) {
    case 'float32':
      return (src, start, end, i) => {
        const bits = parseFloat32Bytes(src, start, end);
        if (bits === undefined) return slow(src, start, end, i);
        v.setUint32(i * 4, bits, true);
        return true;
      };
    case 'float16':
      return (src, start, end, i) => {
        const bits = parseFloat16Bytes(src, start, end);
        if (bits === undefined) return slow(src, start, end, i);
        v.setUint16(i * 2, bits, true);
        return true;
      };
    case 'bfloat16':
      return (src, start, end, i) => {
        const bits = parseBFloat16Bytes(src, start, end);
        if (bits === undefined) return slow(src, start, end, i);
        v.setUint16(i * 2, bits, true);
        return true;
      };
    case 'int32':
      return (src, start, end, i) => {
        const x = parseSmallInt(src, start, end, -2147483648, 2147483647);
        if (Number.isNaN(x)) return slow(src, start, end, i);
        v.setInt32(i * 4, x, true);
        return true;
      };
    default:
      return slow;
  }
}

/** The per-dtype parser without the quote handling. */
function parserFor(dtype: DType, v: DataView, scratch: Int64Halves): ValueParser {
  if (isMiniFloat(dtype)) {
    return (src, start, end, i) => {
      const code = parseMiniFloat(dtype, src, start, end);
      if (code === undefined) return false;
      v.setUint8(i, code);
      return true;
    };
  }
  switch (dtype) {
    case 'float32':
      return smallFloatParser(parseFloat32Bytes, F32, (i, bits) => v.setUint32(i * 4, bits, true), scratch);
    case 'float16':
      return smallFloatParser(parseFloat16Bytes, F16, (i, bits) => v.setUint16(i * 2, bits, true), scratch);
    case 'bfloat16':
      return smallFloatParser(parseBFloat16Bytes, BF16, (i, bits) => v.setUint16(i * 2, bits, true), scratch);
    case 'float64': {
      const inf = halves(0, 0x7ff00000);
      const nan = halves(0, 0x7ff80000);
      const sign = halves(0, 0x80000000);
      return (src, start, end, i) => {
        if (startsWithLetter(src, start, end)) {
          if (!parseNonFinite(src, start, end, 16, inf, nan, sign, scratch)) return false;
          v.setUint32(i * 8, scratch.lo, true);
          v.setUint32(i * 8 + 4, scratch.hi, true);
          return true;
        }
        const x = parseFloat64Bytes(src, start, end);
        if (x === undefined) return false;
        v.setFloat64(i * 8, x, true);
        return true;
      };
    }
    case 'int8':
      return smallIntParser(-128, 127, (i, x) => v.setInt8(i, x));
    case 'int16':
      return smallIntParser(-32768, 32767, (i, x) => v.setInt16(i * 2, x, true));
    case 'int32':
      return smallIntParser(-2147483648, 2147483647, (i, x) => v.setInt32(i * 4, x, true));
    case 'uint8':
      return smallIntParser(0, 255, (i, x) => v.setUint8(i, x));
    case 'uint16':
      return smallIntParser(0, 65535, (i, x) => v.setUint16(i * 2, x, true));
    case 'uint32':
      return smallIntParser(0, 4294967295, (i, x) => v.setUint32(i * 4, x, true));
    case 'int64':
    case 'uint64': {
      const signed = dtype === 'int64';
      return (src, start, end, i) => {
        if (!parseInt64(src, start, end, signed, scratch)) return false;
        v.setUint32(i * 8, scratch.lo, true);
        v.setUint32(i * 8 + 4, scratch.hi, true);
        return true;
      };
    }
    // Sub-byte integers, unpacked: the element's bits in the low bits of its byte.
    case 'int4':
      return smallIntParser(-8, 7, (i, x) => v.setUint8(i, x & 15));
    case 'uint4':
      return smallIntParser(0, 15, (i, x) => v.setUint8(i, x));
    case 'int2':
      return smallIntParser(-2, 1, (i, x) => v.setUint8(i, x & 3));
    case 'uint2':
      return smallIntParser(0, 3, (i, x) => v.setUint8(i, x));
    case 'complex64':
    case 'complex128':
      return complexParser(parserFor(complexPart(dtype), v, scratch));
    case 'bool':
      return (src, start, end, i) => {
        const n = end - start;
        if (n === 1 && (src[start] === 48 || src[start] === 49)) {
          v.setUint8(i, src[start] - 48);
          return true;
        }
        if (sameWord(src, start, end, 'true')) {
          v.setUint8(i, 1);
          return true;
        }
        if (sameWord(src, start, end, 'false')) {
          v.setUint8(i, 0);
          return true;
        }
        return false;
      };
    default:
      return () => false; // the float8/float4 dtypes, handled above
  }
}

/**
 * A parser of `re+imj` / `re-imj` (`J` too) into parts 2i and 2i + 1 with the part parser. The
 * split is the last `+` or `-` that is neither the first byte nor right after an exponent's `e`.
 */
function complexParser(part: ValueParser): ValueParser {
  return (src, start, end, i) => {
    if (end - start < 4 || (src[end - 1] | 32) !== 106) return false;
    for (let k = end - 2; k > start; k--) {
      const c = src[k];
      if ((c === 43 || c === 45) && (src[k - 1] | 32) !== 101) {
        if (!part(src, start, k, 2 * i)) return false;
        // The imaginary part keeps its sign; a `+` is stripped so the part parser sees a plain number.
        return part(src, c === 43 ? k + 1 : k, end - 1, 2 * i + 1);
      }
    }
    return false;
  };
}

/** A parser for a ≤32-bit float dtype: decimals through `parse`, non-finite spellings here. */
function smallFloatParser(
  parse: (src: Uint8Array, start: number, end: number) => number | undefined,
  layout: FloatBits,
  set: (i: number, bits: number) => void,
  scratch: Int64Halves,
): ValueParser {
  const inf = halves(layout.expMask);
  const nan = halves(layout.quietNaN);
  const sign = halves(layout.sign);
  return (src, start, end, i) => {
    if (startsWithLetter(src, start, end)) {
      if (!parseNonFinite(src, start, end, layout.hexDigits, inf, nan, sign, scratch)) return false;
      set(i, scratch.lo);
      return true;
    }
    const bits = parse(src, start, end);
    if (bits === undefined) return false;
    set(i, bits);
    return true;
  };
}

/** A parser for an integer dtype of at most 32 bits. */
function smallIntParser(min: number, max: number, set: (i: number, x: number) => void): ValueParser {
  return (src, start, end, i) => {
    const x = parseSmallInt(src, start, end, min, max);
    if (Number.isNaN(x)) return false; // syntax error or out of range
    set(i, x);
    return true;
  };
}

/** A reusable output area: `buf` and a DataView over exactly its bytes. */
export interface Scratch {
  readonly buf: Uint8Array;
  readonly view: DataView;
}

let scratchArea: Scratch = { buf: new Uint8Array(0), view: new DataView(new ArrayBuffer(0)) };

/**
 * A scratch area of at least `n` bytes, reused by every chunk formatted on this thread: a chunk's
 * text is built here and copied out once at its exact size, instead of growing a fresh buffer by
 * doubling (zero-filled, copied on each growth) for every chunk. Its contents are only valid until
 * the next call; it grows to the largest chunk formatted and stays there.
 */
export function scratchBytes(n: number): Scratch {
  if (scratchArea.buf.length < n) {
    const buf = new Uint8Array(Math.max(n, scratchArea.buf.length * 2));
    scratchArea = { buf, view: new DataView(buf.buffer) };
  }
  return scratchArea;
}

/**
 * Writes elements `first .. end−1` with `write`, each followed by the separator `sep` (`sepLen` 1
 * or 2 bytes, little-endian in a 16-bit word) except the last; returns the new position. The
 * generic counterpart of `writeFloat32Run`, with the same contract: `view` covers `buf`, and
 * (end − first)·(MAX_VALUE_CHARS + 2) bytes are free at pos.
 */
export function writeRun(
  write: ValueWriter,
  first: number,
  end: number,
  buf: Uint8Array,
  view: DataView,
  pos: number,
  sep: number,
  sepLen: number,
): number {
  for (let i = first; i < end; i++) {
    pos = write(i, buf, pos);
    view.setUint16(pos, sep, true);
    pos += sepLen;
  }
  return end > first ? pos - sepLen : pos;
}

/** A growable byte buffer formatted text is built in (one chunk at a time; handed to a BufferedWriter or sent back from a worker). */
export class TextBuffer {
  /** The bytes; valid up to `pos`. Re-read after `ensure`, which may replace it. */
  buf: Uint8Array;
  /** Next free position. */
  pos = 0;

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(Math.max(64, capacity));
  }

  /** Ensures `n` free bytes at `pos` (growing by doubling, so appends stay amortised O(1)). */
  ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }

  /** Appends an ASCII string (one byte per char; callers pass ASCII only). */
  ascii(s: string): void {
    this.ensure(s.length);
    const buf = this.buf;
    for (let k = 0; k < s.length; k++) buf[this.pos + k] = s.charCodeAt(k);
    this.pos += s.length;
  }

  /** Appends bytes. */
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /**
   * The text so far, and a fresh start. The result owns its memory when it fills most of the
   * buffer (no copy); otherwise it is copied so a worker does not send back unused capacity.
   */
  take(): Uint8Array {
    const n = this.pos;
    const out = n * 4 >= this.buf.length * 3 ? this.buf.subarray(0, n) : this.buf.slice(0, n);
    this.buf = new Uint8Array(64);
    this.pos = 0;
    return out;
  }
}
