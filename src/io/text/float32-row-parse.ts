/**
 * The hot loop of float32 text import: one row of values in the shape nnport's writers (and NumPy
 * `savetxt`) produce — `[-]digits[.digits]` tokens joined by one separator byte, the row ended by
 * LF, CRLF or the end of the text — parsed in a single pass that scans each token and builds its
 * value at once, instead of finding the token's end first and parsing it afterwards.
 *
 * Rounding is float-parse.ts's fast path: with at most 15 digits the token is w·10^−f with w < 2^53
 * exact and f ≤ 15, so w / 10^f is ONE correctly rounded double operation (Clinger, "How to read
 * floating point numbers accurately", PLDI 1990); its float32 rounding is the correct one unless
 * the double is exactly a float32 midpoint (then the general parser decides). Any other token
 * (exponents, NaN, Infinity, quotes, more digits) goes to the general `ValueParser` on its own, and
 * anything unusual about the row's structure (blanks around values, a missing or extra value)
 * makes the whole row fall back to the caller's general code, which also reports the errors: this
 * loop never raises one itself.
 */
import { MAX_TOKEN_BYTES } from '../../core/limits.js';
import type { ValueParser } from './values.js';

const LF = 10;
const CR = 13;
const MINUS = 45;
const POINT = 46;

/**
 * True when this host stores a Float32Array's elements little-endian, as canonical bytes are:
 * then the fast parsers store into a Float32Array over the output, which V8 compiles to one
 * store, where `DataView.setFloat32` measured about 9 ns more per value. Every current JS engine
 * host is little-endian; on another the callers keep to the general parser.
 */
export const FLOAT32_LE = new Uint8Array(new Float32Array([1]).buffer)[3] === 0x3f;

/** 10^0..10^15, exact doubles. */
const P10 = new Float64Array(16);
for (let i = 0, p = 1; i < 16; i++, p *= 10) P10[i] = p;

/**
 * Parses the row of `rowLength` float32 values starting at text[p] into elements `i ..` of `out`
 * (a Float32Array over the output's bytes; only where FLOAT32_LE holds). `sep` is the separator byte (`,` or space);
 * `view` is a DataView over exactly `text`; `end` finds a general token's end from its start (the
 * row parser's tokenizer); `parse` is the general parser for one token into `out`'s element.
 * Returns the position after the row's line ending (text.length at the end of the text), or −1
 * when the row must be parsed by the general code.
 */
export function parseFloat32Row(
  text: Uint8Array,
  p: number,
  rowLength: number,
  sep: number,
  view: DataView,
  out: Float32Array,
  i: number,
  end: (start: number) => number,
  parse: ValueParser,
): number {
  const n = text.length;
  const last = rowLength - 1;
  for (let c = 0; c <= last; c++, i++) {
    const s = p;
    const neg = p < n && text[p] === MINUS;
    if (neg) p++;
    const d0 = p;
    let w = 0;
    for (; p < n; p++) {
      const d = text[p] - 48;
      if (d < 0 || d > 9) break;
      w = w * 10 + d;
    }
    let digits = p - d0;
    let f = 0;
    if (p < n && text[p] === POINT) {
      const f0 = ++p;
      // Four digits at a time while whole words are digits (SWAR, as in tokenEnd): every byte's
      // high nibble is 3 and adding 6 keeps it 3; then pairs, then the 4-digit value.
      for (; p + 4 <= n; p += 4) {
        const x = view.getInt32(p, true);
        if ((x & 0xf0f0f0f0) !== 0x30303030 || ((x + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) break;
        const y = x & 0x0f0f0f0f; // digits d0 d1 d2 d3, the first in the lowest byte
        const z = (y * 10 + (y >>> 8)) & 0x00ff00ff; // d0d1 in byte 0, d2d3 in byte 2
        w = w * 10000 + ((z & 0xffff) * 100 + (z >>> 16));
      }
      for (; p < n; p++) {
        const d = text[p] - 48;
        if (d < 0 || d > 9) break;
        w = w * 10 + d;
      }
      f = p - f0;
      digits += f;
    }
    let b = p < n ? text[p] : LF; // the byte after the token; the text's end counts as a line end
    if (digits > 0 && digits <= 15 && (b === sep || b === LF || b === CR)) {
      const x = w / P10[f];
      const r = Math.fround(x);
      // x is RN64 of the decimal; RN32(x) is right unless x is exactly a float32 midpoint, when
      // 2x − r is the other neighbour (a float32); otherwise it is no float32 at all.
      const g = x + (x - r);
      if (x === r || Math.fround(g) !== g) out[i] = neg ? -r : r;
      else if (!parse(text, s, p, i)) return -1;
    } else {
      p = end(s);
      if (p === s || p - s > MAX_TOKEN_BYTES || !parse(text, s, p, i)) return -1;
      b = p < n ? text[p] : LF;
    }
    if (c < last) {
      if (b !== sep) return -1;
      p++;
    } else if (b === CR) {
      if (p + 1 < n && text[p + 1] !== LF) return -1;
      return Math.min(p + 2, n);
    } else {
      if (b !== LF) return -1;
      return Math.min(p + 1, n);
    }
  }
  return -1; // rowLength 0 never reaches here: the caller passes at least 1
}

/**
 * One float32 token at text[p] in the shape parseFloat32Row settles (`[-]digits[.digits]`, at
 * most 15 digits, not a float32 midpoint), for readers whose separators are not a single byte
 * (JSON's `, ` and brackets). The token must end at the text's end or at a byte `delimiter` flags;
 * its value goes to element `i` of `out` (a Float32Array, as in parseFloat32Row). Returns the token's end, or −1 when the token is not of
 * that shape (nothing is written then; the caller's general tokenizer and parser take it, and
 * report any error). `view` is a DataView over exactly `text`.
 */
export function parseFloat32Token(
  text: Uint8Array,
  view: DataView,
  p: number,
  out: Float32Array,
  i: number,
  delimiter: Uint8Array,
): number {
  const n = text.length;
  const neg = text[p] === MINUS;
  if (neg) p++;
  const d0 = p;
  let w = 0;
  for (; p < n; p++) {
    const d = text[p] - 48;
    if (d < 0 || d > 9) break;
    w = w * 10 + d;
  }
  let digits = p - d0;
  let f = 0;
  if (p < n && text[p] === POINT) {
    const f0 = ++p;
    // Four digits at a time, as in parseFloat32Row.
    for (; p + 4 <= n; p += 4) {
      const x = view.getInt32(p, true);
      if ((x & 0xf0f0f0f0) !== 0x30303030 || ((x + 0x06060606) & 0xf0f0f0f0) !== 0x30303030) break;
      const y = x & 0x0f0f0f0f;
      const z = (y * 10 + (y >>> 8)) & 0x00ff00ff;
      w = w * 10000 + ((z & 0xffff) * 100 + (z >>> 16));
    }
    for (; p < n; p++) {
      const d = text[p] - 48;
      if (d < 0 || d > 9) break;
      w = w * 10 + d;
    }
    f = p - f0;
    digits += f;
  }
  if (digits === 0 || digits > 15 || (p < n && delimiter[text[p]] === 0)) return -1;
  const x = w / P10[f];
  const r = Math.fround(x);
  const g = x + (x - r);
  if (x !== r && Math.fround(g) === g) return -1; // a float32 midpoint: the general parser decides
  out[i] = neg ? -r : r;
  return p;
}

/** How many values the last parseFloat32Run call parsed (its return value is the position). */
export const runCount = { values: 0 };

/**
 * A run of float32 tokens joined by `, ` (JSON's innermost arrays as nnport writes them), each as
 * parseFloat32Token takes it, into elements `i, i + 1, …` of `out`. Stops before a `, ` whose next
 * token that function would not settle, or after a token followed by anything else. Returns the
 * position after the last token parsed (runCount.values says how many), or −1 when the first token
 * is not settled (nothing is parsed then).
 */
export function parseFloat32Run(
  text: Uint8Array,
  view: DataView,
  p: number,
  out: Float32Array,
  i: number,
  delimiter: Uint8Array,
): number {
  let e = parseFloat32Token(text, view, p, out, i, delimiter);
  if (e < 0) return -1;
  const n = text.length;
  let k = 1;
  while (e + 2 < n && text[e] === 44 && text[e + 1] === 32) {
    const next = parseFloat32Token(text, view, e + 2, out, i + k, delimiter);
    if (next < 0) break;
    e = next;
    k++;
  }
  runCount.values = k;
  return e;
}
