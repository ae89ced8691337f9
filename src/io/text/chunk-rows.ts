/**
 * The `rows` chunk kind: values laid out in rows with a separator between values and a terminator
 * after each row. TXT (space-separated, one row of the last dimension per line), the CSV matrix
 * layout (comma-separated), plain numeric tables and JSON's innermost arrays are all this shape.
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import { MAX_TOKEN_BYTES } from '../../core/limits.js';
import { FLOAT32_LE, parseFloat32Row } from './float32-row-parse.js';
import { writeFloat32Run } from './float32-run.js';
import {
  MAX_VALUE_CHARS,
  scratchBytes,
  textItemSize,
  type ValueWriter,
  valueParser,
  valueWriter,
  writeRun,
} from './values.js';

/** Formats elements `start .. start + n` of a tensor whose values are laid out in rows. */
export interface RowsFormatRequest {
  readonly kind: 'rows';
  /** Element type of `bytes`. */
  readonly dtype: DType;
  /** Canonical bytes of the chunk's whole elements. */
  readonly bytes: Uint8Array;
  /** `'plain'` (CSV, TXT) or `'json'` spellings; see `valueWriter`. */
  readonly style: 'plain' | 'json';
  /** Flat index (C order) of the chunk's first element within its tensor. */
  readonly start: number;
  /** Elements in the whole tensor (decides which row is the last). */
  readonly total: number;
  /** Elements per row, at least 1. */
  readonly rowLength: number;
  /** Bytes written before each row's first value. */
  readonly rowPrefix: Uint8Array;
  /** Bytes written between values of a row. */
  readonly separator: Uint8Array;
  /** Bytes written after each row's last value. */
  readonly rowSuffix: Uint8Array;
  /** Bytes written after the suffix of every row but the tensor's last. */
  readonly rowJoin: Uint8Array;
  /** True when `bytes` is a view of a whole ArrayBuffer nothing else uses: a pool may transfer it. */
  readonly owned?: boolean;
}

/** Parses the value text of whole rows into canonical bytes. */
export interface RowsParseRequest {
  readonly kind: 'rows';
  /** Element type to produce. */
  readonly dtype: DType;
  /** The text: whole lines, starting at a row's first byte. */
  readonly text: Uint8Array;
  /** Rows the text must hold, exactly. */
  readonly rows: number;
  /** Values each row must hold, exactly (at least 1). */
  readonly rowLength: number;
  /** `'space'`: runs of spaces/tabs separate values (TXT); `'comma'`: one comma, blanks around it allowed. */
  readonly separator: 'space' | 'comma';
  /** 1-based line number of `text[0]`, for error locations. */
  readonly line: number;
  /** When true, blank lines and `#` comment lines are skipped (plain tables, matrix CSV files). */
  readonly skipBlank: boolean;
  /**
   * When true, `rows` is only a maximum: the text holds whole rows up to its end and every one is
   * parsed (a reader that cuts a file at line feeds without counting rows first). The result's
   * length tells how many rows there were.
   */
  readonly upTo?: boolean;
  /**
   * True when `text` is a view of the whole of an ArrayBuffer that belongs to this request alone:
   * a pool may then transfer it to a worker instead of copying it (the sender no longer has it).
   */
  readonly owned?: boolean;
}

/** Writes `bytes` (possibly several bytes) at buf[pos..]; returns the new position. */
function put(b: Uint8Array, buf: Uint8Array, pos: number): number {
  for (let k = 0; k < b.length; k++) buf[pos + k] = b[k];
  return pos + b.length;
}

/** Formats a `rows` request. */
export function formatRows(req: RowsFormatRequest): Uint8Array {
  const count = req.bytes.byteLength / textItemSize(req.dtype);
  const write = valueWriter(req.dtype, req.bytes, req.style);
  const { rowPrefix, separator, rowSuffix, rowJoin, rowLength, total } = req;
  // TXT and CSV matrix rows: one-byte separator and terminator, nothing else; the common case,
  // written a row segment at a time (float32 through its inline fast loop).
  if (rowPrefix.length === 0 && separator.length === 1 && rowSuffix.length === 1 && rowJoin.length === 0) {
    return formatSimpleRows(req, count, write);
  }
  const perValue =
    MAX_VALUE_CHARS + Math.max(rowPrefix.length, separator.length) + rowSuffix.length + rowJoin.length;
  const { buf } = scratchBytes(count * perValue + 64);
  let col = req.start % rowLength;
  let flat = req.start;
  let pos = 0;
  for (let i = 0; i < count; i++) {
    pos = col === 0 ? put(rowPrefix, buf, pos) : put(separator, buf, pos);
    pos = write(i, buf, pos);
    flat++;
    if (++col === rowLength) {
      col = 0;
      pos = put(rowSuffix, buf, pos);
      if (flat < total) pos = put(rowJoin, buf, pos);
    }
  }
  return buf.slice(0, pos);
}

/** formatRows for a one-byte separator and row terminator and no prefix or join. */
function formatSimpleRows(req: RowsFormatRequest, count: number, write: ValueWriter): Uint8Array {
  const { rowLength } = req;
  const { buf, view } = scratchBytes(count * (MAX_VALUE_CHARS + 2) + 64);
  const src = new DataView(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength);
  const f32 = req.dtype === 'float32';
  const sep = req.separator[0];
  const suffix = req.rowSuffix[0];
  let col = req.start % rowLength;
  let pos = 0;
  if (col !== 0 && count > 0) buf[pos++] = sep; // the chunk starts inside a row
  for (let i = 0; i < count; ) {
    const end = Math.min(count, i + rowLength - col);
    pos = f32
      ? writeFloat32Run(src, i, end, buf, view, pos, sep, 1, write)
      : writeRun(write, i, end, buf, view, pos, sep, 1);
    col += end - i;
    i = end;
    if (col === rowLength) {
      col = 0;
      buf[pos++] = suffix;
    }
  }
  return buf.slice(0, pos);
}

/** Throws INVALID_STRUCTURE at a line and 1-based byte column. */
function fail(detail: string, line: number, column: number): never {
  throw new NnportError('INVALID_STRUCTURE', detail, { at: { line, column } });
}

/** Shows a bad token in a message: at most 40 bytes, non-printable bytes escaped. */
export function showToken(src: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let k = start; k < Math.min(end, start + 40); k++) {
    const c = src[k];
    s += c >= 32 && c < 127 ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return end - start > 40 ? `${s}...` : s;
}

/** Bytes: space, tab, CR, LF, `#`, `,`. */
const SPACE = 32;
const TAB = 9;
const CR = 13;
const LF = 10;
const HASH = 35;
const COMMA = 44;

/**
 * The end of the value token starting at `p`: the first byte at or below space (blank, CR, LF) or,
 * in comma mode, the first comma. Four bytes at a time (SWAR): for a little-endian word x,
 * `(x - 0x21212121) & ~x & 0x80808080` flags bytes below 0x21 and `(y - 0x01010101) & ~y &
 * 0x80808080` with y = x ^ 0x2c2c2c2c flags commas; borrows only run upwards from a flagged byte,
 * so the lowest flag is always a real one (Hacker's Delight §6-1, "Find First 0-Byte").
 */
export function tokenEnd(text: Uint8Array, view: DataView, start: number, comma: boolean): number {
  const n = text.length;
  let p = start;
  while (p + 4 <= n) {
    const x = view.getUint32(p, true);
    let m = (x - 0x21212121) & ~x & 0x80808080;
    if (comma) {
      const y = x ^ 0x2c2c2c2c;
      m |= (y - 0x01010101) & ~y & 0x80808080;
    }
    if (m !== 0) return p + ((31 - Math.clz32(m & -m)) >> 3);
    p += 4;
  }
  while (p < n && text[p] > SPACE && !(comma && text[p] === COMMA)) p++;
  return p;
}

/** Largest output an open-ended (`upTo`) request builds in the reused scratch area. */
const MAX_SCRATCH_OUT = 1 << 24;

/** Parses a `rows` request into canonical bytes of `rows * rowLength` elements. */
export function parseRows(req: RowsParseRequest): Uint8Array {
  const { text, rowLength, dtype } = req;
  const upTo = req.upTo === true;
  // A row takes at least 2·rowLength − 1 bytes plus its line feed, which bounds the rows an
  // open-ended request can hold (its output is cut to the rows found).
  const rows = upTo ? Math.min(req.rows, Math.floor((text.length + 1) / (2 * rowLength))) : req.rows;
  const comma = req.separator === 'comma';
  // An open-ended request parses into this thread's scratch area and returns a copy of the rows
  // found: its bound is often several times what the text holds. (A huge bound, from text with
  // very long rows, gets its own buffer: the scratch area never shrinks.)
  const outBytes = rows * rowLength * textItemSize(dtype);
  const out =
    upTo && outBytes <= MAX_SCRATCH_OUT
      ? scratchBytes(outBytes).buf.subarray(0, outBytes)
      : new Uint8Array(outBytes);
  const parse = valueParser(dtype, out);
  const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
  const n = text.length;
  const f32 = dtype === 'float32' && FLOAT32_LE;
  const sepByte = comma ? COMMA : SPACE;
  // Fresh or the scratch area: its offset is 0, so a Float32Array fits over it.
  const out32 = new Float32Array(f32 ? out.buffer : new ArrayBuffer(0), 0, f32 ? out.length >> 2 : 0);
  const findEnd = (start: number): number => tokenEnd(text, view, start, comma);
  let p = 0;
  let line = req.line;
  let lineStart = 0;
  let i = 0;
  for (let r = 0; r < rows; r++) {
    if (req.skipBlank) {
      // Pass over blank lines and comments before the row.
      for (;;) {
        let q = p;
        while (q < n && (text[q] === SPACE || text[q] === TAB || text[q] === CR)) q++;
        if (q < n && text[q] !== LF && text[q] !== HASH) break;
        if (q >= n) {
          p = q;
          break;
        }
        const at = text.indexOf(LF, q);
        if (at < 0) {
          p = n;
          break;
        }
        p = at + 1;
        line++;
        lineStart = p;
      }
    }
    if (p >= n) {
      if (upTo) return out.slice(0, i * textItemSize(dtype));
      throw new NnportError('TRUNCATED', `text ends after ${r} of ${rows} rows`, {
        at: { line, column: p - lineStart + 1 },
      });
    }
    if (f32) {
      // The common case in one pass; a row it does not settle is parsed again below.
      const q = parseFloat32Row(text, p, rowLength, sepByte, view, out32, i, findEnd, parse);
      if (q >= 0) {
        p = q;
        i += rowLength;
        line++;
        lineStart = p;
        continue;
      }
    }
    for (let c = 0; c < rowLength; c++) {
      while (p < n && (text[p] === SPACE || text[p] === TAB)) p++;
      if (c > 0 && comma) {
        if (p >= n || text[p] !== COMMA) {
          const atEnd = p >= n || text[p] === LF || text[p] === CR;
          fail(
            atEnd
              ? `row has ${c} values, expected ${rowLength}`
              : `expected ',' before value ${c + 1} of the row`,
            line,
            p - lineStart + 1,
          );
        }
        p++;
        while (p < n && (text[p] === SPACE || text[p] === TAB)) p++;
      }
      const s = p;
      p = tokenEnd(text, view, p, comma);
      if (p === s) {
        const atEnd = p >= n || text[p] === LF || text[p] === CR;
        fail(atEnd ? `row has ${c} values, expected ${rowLength}` : 'empty value', line, p - lineStart + 1);
      }
      if (p - s > MAX_TOKEN_BYTES) {
        throw new NnportError('LIMIT_EXCEEDED', `value longer than ${MAX_TOKEN_BYTES} bytes`, {
          at: { line, column: s - lineStart + 1 },
        });
      }
      if (!parse(text, s, p, i))
        fail(`not a ${dtype} value: '${showToken(text, s, p)}'`, line, s - lineStart + 1);
      i++;
    }
    while (p < n && (text[p] === SPACE || text[p] === TAB)) p++;
    if (p < n && text[p] === CR) p++;
    if (p < n) {
      if (text[p] !== LF) fail(`row has more than ${rowLength} values`, line, p - lineStart + 1);
      p++;
      line++;
      lineStart = p;
    }
  }
  if (req.skipBlank) {
    while (p < n) {
      let q = p;
      while (q < n && (text[q] === SPACE || text[q] === TAB || text[q] === CR)) q++;
      if (q < n && text[q] !== LF && text[q] !== HASH) break;
      const at = q < n ? text.indexOf(LF, q) : -1;
      p = at < 0 ? n : at + 1;
      if (at >= 0) {
        line++;
        lineStart = p;
      }
    }
  }
  if (p < n) fail(`more than ${rows} rows`, line, p - lineStart + 1);
  return upTo ? out.slice() : out;
}
