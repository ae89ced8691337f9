/**
 * RFC 4180 fields: quoting on write, and splitting one record (which quoted fields may stretch
 * over several physical lines) on read.
 */

import { NnportError } from '../../core/errors.js';
import { MAX_HEADER_BYTES } from '../../core/limits.js';
import type { LineScanner } from '../../io/text/lines.js';

/**
 * A field as written: quoted (inner `"` doubled) when it holds `,` `"` CR or LF (RFC 4180 §2.6–2.7),
 * or, for a row's first field, when it starts with `#`, so tools told to skip `#` comment lines
 * (pandas `comment='#'`) still read the row.
 */
export function quoteField(s: string, first = false): string {
  if (/[",\r\n]/.test(s) || (first && s.startsWith('#'))) return `"${s.replaceAll('"', '""')}"`;
  return s;
}

/** One CSV record as read: its raw bytes and where each field is. */
export interface CsvRecord {
  /** The record's bytes, line endings inside quoted fields included as they are in the file. */
  readonly raw: Uint8Array;
  /** 1-based line number of its first line. */
  readonly line: number;
  /** Absolute offset of its first byte. */
  readonly offset: number;
  /** Unquoted field contents (UTF-8 bytes). */
  readonly fields: Uint8Array[];
  /** Offset in `raw` of each field's first byte (its opening quote when quoted). */
  readonly starts: number[];
  /** Offset in `raw` just past each field (its closing quote when quoted). */
  readonly ends: number[];
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;

/** Line and 1-based byte column of offset `at` of a record's raw bytes. */
export function recordPosition(rec: CsvRecord, at: number): { line: number; column: number } {
  let line = rec.line;
  let lineStart = 0;
  for (let k = 0; k < at && k < rec.raw.length; k++) {
    if (rec.raw[k] === LF) {
      line++;
      lineStart = k + 1;
    }
  }
  return { line, column: at - lineStart + 1 };
}

/** True when `b` leaves a quoted field open (an odd number of `"`; `""` escapes count twice). */
function quotesOpen(b: Uint8Array, open: boolean): boolean {
  let o = open;
  for (let k = 0; k < b.length; k++) if (b[k] === QUOTE) o = !o;
  return o;
}

/**
 * Reads the next record from `scanner`: one line, plus more lines while a quoted field is open.
 * Returns undefined at end of file. Throws TRUNCATED when the file ends inside a quoted field and
 * INVALID_STRUCTURE for text after a closing quote.
 */
export async function readRecord(scanner: LineScanner): Promise<CsvRecord | undefined> {
  const first = await scanner.next(MAX_HEADER_BYTES, 'CSV record');
  if (first === undefined) return undefined;
  let raw = first.bytes;
  let open = quotesOpen(raw, false);
  if (open) {
    const pieces: Uint8Array[] = [raw];
    let total = raw.length;
    let crlf = first.crlf;
    while (open) {
      const next = await scanner.next(MAX_HEADER_BYTES, 'CSV record');
      if (next === undefined) {
        throw new NnportError('TRUNCATED', 'file ends inside a quoted field', {
          at: { line: first.line, column: 1 },
        });
      }
      const ending = crlf ? new Uint8Array([13, LF]) : new Uint8Array([LF]);
      pieces.push(ending, next.bytes);
      total += ending.length + next.bytes.length;
      if (total > MAX_HEADER_BYTES) {
        throw new NnportError('LIMIT_EXCEEDED', `CSV record longer than ${MAX_HEADER_BYTES} bytes`, {
          at: { line: first.line, column: 1 },
        });
      }
      crlf = next.crlf;
      open = quotesOpen(next.bytes, open);
    }
    raw = new Uint8Array(total);
    let pos = 0;
    for (const p of pieces) {
      raw.set(p, pos);
      pos += p.length;
    }
  }
  const rec: CsvRecord = { raw, line: first.line, offset: first.offset, fields: [], starts: [], ends: [] };
  splitFields(rec);
  return rec;
}

/** Fills `rec.fields`, `starts` and `ends` from `rec.raw`. */
function splitFields(rec: CsvRecord): void {
  const b = rec.raw;
  let p = 0;
  for (;;) {
    rec.starts.push(p);
    if (b[p] === QUOTE) {
      const parts: number[] = [];
      p++;
      for (;;) {
        if (p >= b.length) {
          // quotesOpen guarantees an even count, so an unclosed quote cannot reach here; be safe.
          throw new NnportError('TRUNCATED', 'unterminated quoted field', { at: recordPosition(rec, p) });
        }
        if (b[p] === QUOTE) {
          if (b[p + 1] === QUOTE) {
            parts.push(QUOTE);
            p += 2;
            continue;
          }
          p++;
          break;
        }
        parts.push(b[p++]);
      }
      rec.fields.push(Uint8Array.from(parts));
      if (p < b.length && b[p] !== COMMA) {
        throw new NnportError('INVALID_STRUCTURE', 'text after a closing quote', {
          at: recordPosition(rec, p),
        });
      }
    } else {
      const s = p;
      while (p < b.length && b[p] !== COMMA) p++;
      rec.fields.push(b.subarray(s, p));
    }
    rec.ends.push(p);
    if (p >= b.length) return;
    p++; // the comma
  }
}
