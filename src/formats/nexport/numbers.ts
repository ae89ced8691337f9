/**
 * Number text for the nexport and Fiats layouts: the shortest decimal that reads back to the same
 * value *in the tensor's own dtype* (io/text/float-format.ts), laid out the way Python's
 * `repr(float)` lays out its digits, because nexport writes Python floats (`str(list)`,
 * `json.dumps`, f-strings all use `repr`).
 *
 * CPython's `float_repr` (Objects/floatobject.c → PyOS_double_to_string mode 'r', Python/pystrtod.c
 * `format_float_short`): with the value written d1.d2d3… × 10^e, fixed notation when −4 ≤ e < 16
 * (`0.0001`, `123.0`, `1000000000000000.0`, always a `.` and at least one fraction digit),
 * otherwise `d1.d2…e±XX` with a sign and at least two exponent digits (`1e-05`, `1.5e+16`,
 * `5e-324`). Non-finite values: `repr` gives `nan`, `inf`, `-inf`; `json.dumps` gives `NaN`,
 * `Infinity`, `-Infinity` (Python's json extension, which `json.loads` reads back).
 *
 * For a float64 tensor the digits are CPython's own (both are the shortest round-trip digits, the
 * closest on ties), so the text is byte-identical to nexport's. Every spelling is also a Fortran
 * list-directed real (F2018 §13.7.2.3.2: exponent letter optional-signed; `NaN`, `Inf`, `Infinity`
 * any case), which is how Fiats reads numbers.
 */
import type { DType } from '../../core/dtype.js';
import { MAX_VALUE_CHARS, type ValueWriter, valueWriter } from '../../io/text/values.js';

/** Which spelling of non-finite values: Python `repr` (TXT) or `json.dumps` (JSON layouts). */
export type NumberStyle = 'repr' | 'json';

/** Most bytes one value takes after re-layout (17 digits, `-0.000`, `e-308`): with margin. */
export const MAX_NUMBER_CHARS = MAX_VALUE_CHARS + 8;

/** Scratch digits of the token being re-laid out (shortest float64 text has at most 17). */
const DIGITS = new Uint8Array(MAX_VALUE_CHARS);

const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;

function putAscii(s: string, buf: Uint8Array, pos: number): number {
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}

/**
 * Rewrites the token buf[start, end) — text from float-format.ts (ECMAScript layout: `0.000012`,
 * `1e-7`, `1.5e+38`, `-0`, `NaN(0x…)`, `Infinity`) — in Python's repr layout, in place. Returns the
 * new end. At most MAX_NUMBER_CHARS bytes from `start` are used.
 */
export function relayoutAsPython(buf: Uint8Array, start: number, end: number, style: NumberStyle): number {
  let p = start;
  const negative = buf[p] === MINUS;
  if (negative) p++;
  const first = buf[p];
  if (first === 0x4e /* N */) return putAscii(style === 'json' ? 'NaN' : 'nan', buf, start);
  if (first === 0x49 /* I */) {
    const word = style === 'json' ? 'Infinity' : 'inf';
    return putAscii(negative ? `-${word}` : word, buf, start);
  }
  // Significant digits d1 d2 … and the power of ten of d1 (value = d1.d2… × 10^exp).
  let n = 0;
  let pointAt = -1; // digits seen before the '.', counting leading zeros
  let seen = 0;
  let leadingZeros = 0;
  let exponent = 0;
  for (; p < end; p++) {
    const c = buf[p];
    if (c === DOT) {
      pointAt = seen;
    } else if (c === 0x65 /* e */) {
      let q = p + 1;
      let sign = 1;
      if (buf[q] === MINUS) {
        sign = -1;
        q++;
      } else if (buf[q] === 0x2b /* + */) q++;
      let e = 0;
      for (; q < end; q++) e = e * 10 + (buf[q] - ZERO);
      exponent = sign * e;
      break;
    } else {
      if (n === 0 && c === ZERO) leadingZeros++;
      else DIGITS[n++] = c;
      seen++;
    }
  }
  if (pointAt < 0) pointAt = seen;
  // Trailing zeros of an integer text (`100`) are not significant.
  while (n > 1 && DIGITS[n - 1] === ZERO) n--;
  let pos = start;
  if (negative) buf[pos++] = MINUS;
  if (n === 0) return putAscii('0.0', buf, pos);
  const exp = exponent + pointAt - leadingZeros - 1;
  if (exp >= -4 && exp < 16) {
    if (exp < 0) {
      buf[pos++] = ZERO;
      buf[pos++] = DOT;
      for (let k = -1; k > exp; k--) buf[pos++] = ZERO;
      for (let k = 0; k < n; k++) buf[pos++] = DIGITS[k];
      return pos;
    }
    for (let k = 0; k <= exp; k++) buf[pos++] = k < n ? DIGITS[k] : ZERO;
    buf[pos++] = DOT;
    if (n <= exp + 1) buf[pos++] = ZERO;
    for (let k = exp + 1; k < n; k++) buf[pos++] = DIGITS[k];
    return pos;
  }
  buf[pos++] = DIGITS[0];
  if (n > 1) {
    buf[pos++] = DOT;
    for (let k = 1; k < n; k++) buf[pos++] = DIGITS[k];
  }
  buf[pos++] = 0x65;
  buf[pos++] = exp < 0 ? MINUS : 0x2b;
  const magnitude = Math.abs(exp);
  if (magnitude < 10) buf[pos++] = ZERO;
  return putAscii(String(magnitude), buf, pos);
}

/**
 * A writer of element `i` of `bytes` (canonical little-endian elements of a float dtype) in Python's
 * layout: shortest digits in the dtype, then `relayoutAsPython`. The caller leaves
 * MAX_NUMBER_CHARS bytes free at `pos`.
 */
export function pythonFloatWriter(dtype: DType, bytes: Uint8Array, style: NumberStyle): ValueWriter {
  const shortest = valueWriter(dtype, bytes, 'plain');
  return (i, buf, pos) => relayoutAsPython(buf, pos, shortest(i, buf, pos), style);
}

/** A float64 number in Python's layout, as a string (for metadata numbers and tensor maps). */
export function pythonFloat(value: number, style: NumberStyle): string {
  const bytes = new Uint8Array(new Float64Array([value]).buffer);
  const buf = new Uint8Array(MAX_NUMBER_CHARS);
  const end = pythonFloatWriter('float64', bytes, style)(0, buf, 0);
  let s = '';
  for (let i = 0; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}
