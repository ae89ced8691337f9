/**
 * Decoding of the text arguments of protocol-0 opcodes (INT, LONG, FLOAT, STRING, UNICODE), as
 * CPython's `Lib/pickle.py` `load_*` methods define them. Each returns undefined on malformed
 * text; the machine turns that into INVALID_STRUCTURE with the offset.
 */
import { PyBytes, PyFloat, type PyValue } from './values.js';

/** A decimal integer, as a JS number when safe and a bigint otherwise. */
export function parseDecimalInt(text: string): number | bigint | undefined {
  if (!/^[+-]?\d+$/.test(text)) return undefined;
  const big = BigInt(text);
  return big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/** INT's argument: `00` and `01` are False and True (protocol 0's bools), anything else a decimal int. */
export function parseIntOpcode(text: string): PyValue | undefined {
  if (text === '00') return false;
  if (text === '01') return true;
  return parseDecimalInt(text);
}

/** LONG's argument: a decimal with Python 2's optional `L` suffix. */
export function parseLongOpcode(text: string): PyValue | undefined {
  return parseDecimalInt(text.endsWith('L') ? text.slice(0, -1) : text);
}

/** FLOAT's argument: Python `repr(float)` text, including `inf`, `-inf` and `nan`. */
export function parseFloatOpcode(text: string): PyFloat | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'inf' || t === '+inf' || t === 'infinity') return new PyFloat(Number.POSITIVE_INFINITY);
  if (t === '-inf' || t === '-infinity') return new PyFloat(Number.NEGATIVE_INFINITY);
  if (t === 'nan' || t === '+nan' || t === '-nan') return new PyFloat(Number.NaN);
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined;
  return new PyFloat(Number(t));
}

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = {
  '\\': 0x5c,
  "'": 0x27,
  '"': 0x22,
  a: 0x07,
  b: 0x08,
  f: 0x0c,
  n: 0x0a,
  r: 0x0d,
  t: 0x09,
  v: 0x0b,
};

/**
 * STRING's argument: a quoted Python 2 `str` literal (`'abc\x00'`), decoded to its bytes. Only
 * the escapes `repr` produces are accepted (pickle.py calls `codecs.escape_decode`).
 */
export function parseStringOpcode(text: string): PyBytes | undefined {
  const q = text[0];
  if (text.length < 2 || (q !== "'" && q !== '"') || text[text.length - 1] !== q) return undefined;
  const body = text.slice(1, -1);
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c > 0xff) return undefined;
    if (c !== 0x5c) {
      out.push(c);
      continue;
    }
    const e = body[++i];
    if (e === undefined) return undefined;
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) out.push(simple);
    else if (e === 'x') {
      const hex = body.slice(i + 1, i + 3);
      if (!/^[0-9a-fA-F]{2}$/.test(hex)) return undefined;
      out.push(Number.parseInt(hex, 16));
      i += 2;
    } else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i)) as RegExpExecArray;
      out.push(Number.parseInt(oct[0], 8) & 0xff);
      i += oct[0].length - 1;
    } else {
      out.push(0x5c, e.charCodeAt(0)); // Python keeps unknown escapes as written
    }
  }
  return new PyBytes(Uint8Array.from(out), 'str8');
}

/** UNICODE's argument: raw-unicode-escape bytes (Latin-1 with `\uXXXX` and `\UXXXXXXXX`). */
export function parseUnicodeOpcode(raw: Uint8Array): string | undefined {
  let s = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i] as number;
    if (c === 0x5c && (raw[i + 1] === 0x75 || raw[i + 1] === 0x55)) {
      const n = raw[i + 1] === 0x75 ? 4 : 8;
      let hex = '';
      for (let k = 0; k < n; k++) hex += String.fromCharCode(raw[i + 2 + k] ?? 0);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined;
      const cp = Number.parseInt(hex, 16);
      if (cp > 0x10ffff) return undefined;
      s += String.fromCodePoint(cp);
      i += 1 + n;
    } else {
      s += String.fromCharCode(c);
    }
  }
  return s;
}

/** Two hex digits for each byte value. */
const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/**
 * LONG1/LONG4's argument: little-endian two's complement bytes. Built through one hex literal:
 * shifting a growing bigint byte by byte is quadratic, and a LONG4 of a few hundred kilobytes
 * would then take minutes.
 */
export function decodeLongBytes(bytes: Uint8Array): number | bigint {
  if (bytes.length === 0) return 0;
  let hex = '0x';
  for (let i = bytes.length - 1; i >= 0; i--) hex += HEX_BYTE[bytes[i] as number];
  let v = BigInt(hex);
  if (((bytes[bytes.length - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * bytes.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}
