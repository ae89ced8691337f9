/**
 * The `csv-long` chunk kind: one CSV row per element, `PREFIX,INDEX,VALUE\n`, where PREFIX is the
 * tensor's constant `tensor,layer,param,dtype,shape` fields (already quoted) and INDEX the
 * element's C-order multi-index, space-separated (docs/formats/csv.md).
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import { MAX_TOKEN_BYTES } from '../../core/limits.js';
import { showToken, tokenEnd } from './chunk-rows.js';
import { writeUnsigned } from './int-text.js';
import { MAX_VALUE_CHARS, TextBuffer, textItemSize, valueParser, valueWriter } from './values.js';

/** Formats elements `start .. start + n` of one tensor as long-layout CSV rows. */
export interface CsvLongFormatRequest {
  readonly kind: 'csv-long';
  /** Element type of `bytes`. */
  readonly dtype: DType;
  /** Canonical bytes of the chunk's whole elements. */
  readonly bytes: Uint8Array;
  /** The row's first five fields and their trailing comma, as written (UTF-8, quoted). */
  readonly prefix: Uint8Array;
  /** The tensor's shape (the index field is computed from it). */
  readonly shape: readonly number[];
  /** Flat index (C order) of the chunk's first element. */
  readonly start: number;
}

/** Parses long-layout rows of one tensor into canonical bytes. */
export interface CsvLongParseRequest {
  readonly kind: 'csv-long';
  /** Element type to produce. */
  readonly dtype: DType;
  /** The rows' text, starting at a row's first byte and holding whole rows. */
  readonly text: Uint8Array;
  /** Rows (elements) the text must hold, exactly. */
  readonly rows: number;
  /** The prefix every row must start with, byte for byte. */
  readonly prefix: Uint8Array;
  /** Line feeds inside `prefix` (quoted names may hold them), for line numbers. */
  readonly prefixLines: number;
  /** The tensor's shape (the index field is checked against it). */
  readonly shape: readonly number[];
  /** Flat index of the first row's element. */
  readonly start: number;
  /** 1-based line number of `text[0]`. */
  readonly line: number;
}

const LF = 10;
const CR = 13;
const COMMA = 44;
const SPACE = 32;
const QUOTE = 34;

/** The C-order multi-index of flat index `flat` in `shape`. */
function multiIndex(shape: readonly number[], flat: number): number[] {
  const idx = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const dim = shape[d];
    idx[d] = rest % dim;
    rest = Math.floor(rest / dim);
  }
  return idx;
}

/** Renders `idx[0 .. rank-1)` as `i0 i1 ... ` (each followed by a space): the part that changes rarely. */
function outerText(idx: readonly number[]): Uint8Array {
  const buf = new Uint8Array(idx.length * 17);
  let pos = 0;
  for (let d = 0; d < idx.length - 1; d++) {
    pos = writeUnsigned(idx[d], buf, pos);
    buf[pos++] = SPACE;
  }
  return buf.subarray(0, pos);
}

/** Advances `idx` past its last dimension's wrap (C order); the caller reset the last entry. */
function carry(idx: number[], shape: readonly number[]): void {
  for (let d = shape.length - 2; d >= 0; d--) {
    if (++idx[d] < shape[d]) return;
    idx[d] = 0;
  }
}

/**
 * The prefix as little-endian 32-bit words: rows copy and compare it four bytes at a time, which
 * is several times faster than byte loops for the usual 30–60 byte prefix.
 */
function prefixWords(prefix: Uint8Array): Int32Array {
  const words = new Int32Array(prefix.length >> 2);
  const view = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  for (let k = 0; k < words.length; k++) words[k] = view.getInt32(4 * k, true);
  return words;
}

/** Rows formatted per buffer check. */
const BATCH = 2048;

/** Formats a `csv-long` request. */
export function formatCsvLong(req: CsvLongFormatRequest): Uint8Array {
  const count = req.bytes.byteLength / textItemSize(req.dtype);
  const write = valueWriter(req.dtype, req.bytes, 'plain');
  const { prefix, shape } = req;
  const words = prefixWords(prefix);
  const tail = words.length * 4;
  const rank = shape.length;
  const out = new TextBuffer(Math.min(count, BATCH) * (prefix.length + 24) + 64);
  const idx = multiIndex(shape, req.start);
  let outer = outerText(idx);
  const last = rank === 0 ? 1 : shape[rank - 1];
  let col = rank === 0 ? 0 : idx[rank - 1];
  const room = prefix.length + rank * 17 + MAX_VALUE_CHARS + 2;
  for (let i = 0; i < count; ) {
    const end = Math.min(count, i + BATCH);
    out.ensure((end - i) * room);
    const buf = out.buf;
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    let pos = out.pos;
    for (; i < end; i++) {
      for (let k = 0; k < words.length; k++) view.setInt32(pos + 4 * k, words[k], true);
      for (let k = tail; k < prefix.length; k++) buf[pos + k] = prefix[k];
      pos += prefix.length;
      if (rank > 0) {
        for (let k = 0; k < outer.length; k++) buf[pos + k] = outer[k];
        pos = writeUnsigned(col, buf, pos + outer.length);
      }
      buf[pos++] = COMMA;
      pos = write(i, buf, pos);
      buf[pos++] = LF;
      if (rank > 0 && ++col === last) {
        col = 0;
        if (rank > 1) {
          carry(idx, shape);
          outer = outerText(idx);
        }
      }
    }
    out.pos = pos;
  }
  return out.take();
}

/** Parses a `csv-long` request. */
export function parseCsvLong(req: CsvLongParseRequest): Uint8Array {
  const { text, rows, prefix, shape, dtype } = req;
  const rank = shape.length;
  const out = new Uint8Array(rows * textItemSize(dtype));
  const parse = valueParser(dtype, out);
  const idx = multiIndex(shape, req.start);
  const words = prefixWords(prefix);
  const tail = words.length * 4;
  const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
  const n = text.length;
  let p = 0;
  let line = req.line;
  let lineStart = 0;
  const fail = (detail: string, at: number): never => {
    throw new NnportError('INVALID_STRUCTURE', detail, { at: { line, column: at - lineStart + 1 } });
  };
  for (let r = 0; r < rows; r++) {
    if (p >= n) {
      throw new NnportError('TRUNCATED', `text ends after ${r} of ${rows} rows`, { at: { line, column: 1 } });
    }
    let same = p + prefix.length <= n;
    for (let k = 0; same && k < words.length; k++) same = view.getInt32(p + 4 * k, true) === words[k];
    for (let k = tail; same && k < prefix.length; k++) same = text[p + k] === prefix[k];
    if (!same) fail('row does not belong to this tensor (its first fields differ)', p);
    if (req.prefixLines > 0) {
      // Quoted names with line feeds: keep line numbers physical.
      line += req.prefixLines;
      lineStart = text.lastIndexOf(LF, p + prefix.length - 1) + 1;
    }
    p += prefix.length;
    // The index field: the element's multi-index, checked digit by digit against the counter.
    const quoted = text[p] === QUOTE;
    if (quoted) p++;
    for (let d = 0; d < rank; d++) {
      if (d > 0) {
        if (text[p] !== SPACE) fail(`index has ${d} entries, the shape has ${rank}`, p);
        p++;
      }
      const s = p;
      let v = 0;
      while (p < n && text[p] >= 48 && text[p] <= 57 && p - s < 16) v = v * 10 + (text[p++] - 48);
      if (p === s || v !== idx[d]) fail(`index should be ${idx.join(' ')} (C order)`, s);
    }
    if (quoted) {
      if (text[p] !== QUOTE) fail('unterminated quoted index', p);
      p++;
    }
    if (text[p] !== COMMA) fail(rank === 0 ? 'a scalar has an empty index' : 'expected , after the index', p);
    p++;
    while (p < n && text[p] === SPACE) p++;
    const s = p;
    p = tokenEnd(text, view, p, true);
    const e = p;
    while (p < n && text[p] === SPACE) p++;
    if (e - s > MAX_TOKEN_BYTES) {
      throw new NnportError('LIMIT_EXCEEDED', `value longer than ${MAX_TOKEN_BYTES} bytes`, {
        at: { line, column: s - lineStart + 1 },
      });
    }
    if (p < n && text[p] === COMMA) fail('row has more than 7 fields', p);
    if (e === s) fail('empty value', s);
    if (!parse(text, s, e, r)) fail(`not a ${dtype} value: '${showToken(text, s, e)}'`, s);
    if (p < n && text[p] === CR) p++;
    if (p < n) {
      if (text[p] !== LF) fail('expected end of line', p);
      p++;
      line++;
      lineStart = p;
    }
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  if (p < n) fail(`more than ${rows} rows`, p);
  return out;
}
