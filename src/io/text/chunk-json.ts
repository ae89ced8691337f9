/**
 * The JSON format's chunk requests: pure functions from a plain, structured-cloneable request to
 * bytes, so that a worker pool can format or parse pieces of a large tensor in parallel while the
 * caller writes (or places) results strictly in order — the bytes are the same either way
 * (text-common "Parallel work"). `chunk.ts` dispatches requests here by `kind`.
 */
import type { DType } from '../../core/dtype.js';
import { FLOAT32_LE, parseFloat32Run, runCount } from './float32-row-parse.js';
import { writeFloat32Run } from './float32-run.js';
import { DELIMITER, type FastToken, type PieceShape, parsePiece } from './json-data-parse.js';
import { dataLayout, Odometer } from './json-layout.js';
import { MAX_VALUE_CHARS, scratchBytes, textItemSize, valueParser, valueWriter, writeRun } from './values.js';

/** Formats values `[first, first + n)` of a tensor's `data` text (n from `bytes`). */
export interface JsonFormatRequest {
  readonly kind: 'json-format';
  /** Element type of `bytes`. */
  readonly dtype: DType;
  /** The whole tensor's shape (it fixes the separators). */
  readonly shape: readonly number[];
  /** Spaces before the `"data"` key (6 in an nnport document). */
  readonly indent: number;
  /** Index of the first element in `bytes`. */
  readonly first: number;
  /** Canonical bytes of whole elements. */
  readonly bytes: Uint8Array;
  /** True when `bytes` is a view of a whole ArrayBuffer nothing else uses: a pool may transfer it. */
  readonly owned?: boolean;
}

/**
 * Parses a piece of a tensor's `data` text cut at a byte offset, its first value's index unknown
 * (json-data-parse.ts `parsePiece`). The result is the piece's values as canonical bytes followed
 * by a trailer describing its separators; `readJsonPiece` splits them and `checkPiece` checks the
 * separators against the shape once the pieces before have given the first index.
 */
export interface JsonParseRequest {
  readonly kind: 'json-parse';
  /** Element type to produce. */
  readonly dtype: DType;
  /** The piece's text: cut right after a value (unless final), starting right after one (unless initial). The request owns it. */
  readonly bytes: Uint8Array;
  /** True when the piece starts the data value (its opening brackets come first). */
  readonly initial: boolean;
  /** True when the piece ends the data value (its closing brackets are in it). */
  readonly final: boolean;
  /** True when `bytes` is a view of a whole ArrayBuffer nothing else uses: a pool may transfer it (see RowsParseRequest.owned). */
  readonly owned?: boolean;
}

/**
 * The text of elements `[first, first + n)`: the separator (or the opening brackets) before each
 * value, the value, and after the tensor's last element the closing brackets. Concatenating the
 * results of consecutive requests gives the whole `data` value.
 */
export function formatJsonChunk(req: JsonFormatRequest): Uint8Array {
  const layout = dataLayout(req.shape, req.indent);
  const size = textItemSize(req.dtype);
  const n = req.bytes.byteLength / size;
  const write = valueWriter(req.dtype, req.bytes, 'json');
  let sepMax = layout.open.length;
  for (const s of layout.seps) sepMax = Math.max(sepMax, s.length);
  const dims = layout.dims;
  const rank = dims.length;
  const rowLength = rank > 0 ? dims[rank - 1] : 1;
  // Room: every value with its ", ", plus a structural separator per row started here.
  const rowsHere = Math.floor(n / rowLength) + 2;
  const { buf, view } = scratchBytes(
    n * (MAX_VALUE_CHARS + 2) + rowsHere * sepMax + layout.close.length + 64,
  );
  const src = new DataView(req.bytes.buffer, req.bytes.byteOffset, req.bytes.byteLength);
  const f32 = req.dtype === 'float32';
  const seps = layout.seps;
  // Within a row only the column moves (values joined by ", "); at a row's start the odometer
  // over the outer dimensions says how many arrays close and open (the separator's m is 1 + its wraps).
  let column = req.first % rowLength;
  const rows = new Odometer(dims.slice(0, Math.max(rank - 1, 0)), Math.floor(req.first / rowLength));
  let pos = 0;
  for (let i = 0; i < n; ) {
    const sep =
      i === 0
        ? req.first === 0
          ? layout.open
          : seps[new Odometer(dims, req.first).trailingZeros()]
        : seps[1 + rows.next()];
    buf.set(sep, pos);
    pos += sep.length;
    const end = Math.min(n, i + rowLength - column);
    pos = f32
      ? writeFloat32Run(src, i, end, buf, view, pos, COMMA_SPACE, 2, write)
      : writeRun(write, i, end, buf, view, pos, COMMA_SPACE, 2);
    column = (column + end - i) % rowLength;
    i = end;
  }
  if (req.first + n === layout.leaves) {
    buf.set(layout.close, pos);
    pos += layout.close.length;
  }
  return buf.slice(0, pos);
}

/** `", "` as a little-endian 16-bit word: the separator within an innermost row. */
const COMMA_SPACE = 0x202c;

/**
 * The values of a piece of `data` text as canonical bytes, then a trailer of little-endian
 * float64s: the separator marks (index, arrays) pairs, their number, the value count, the
 * leading `[`s and the closing `]`s. Throws INVALID_STRUCTURE (without a location) on bad text.
 */
export function parseJsonChunk(req: JsonParseRequest): Uint8Array {
  const size = textItemSize(req.dtype);
  // Every value takes at least one byte and one separator.
  // Parsed into this thread's scratch area (the bound is about twice what the piece holds), then
  // copied once into the result.
  const bound = (Math.floor(req.bytes.length / 2) + 1) * size;
  const values = scratchBytes(bound).buf.subarray(0, bound);
  const text = req.bytes;
  let fast: FastToken | undefined;
  if (req.dtype === 'float32' && FLOAT32_LE) {
    const view = new DataView(text.buffer, text.byteOffset, text.byteLength);
    const out = new Float32Array(values.buffer, 0, values.length >> 2); // the scratch area: offset 0
    fast = {
      run: (buf, p, i) => parseFloat32Run(buf, view, p, out, i, DELIMITER),
      values: () => runCount.values,
    };
  }
  const piece = parsePiece(text, valueParser(req.dtype, values), req.initial, req.final, fast);
  const n = piece.count * size;
  const trailer = [...piece.marks, piece.marks.length / 2, piece.count, piece.lead, piece.closing];
  const out = new Uint8Array(n + trailer.length * 8);
  out.set(values.subarray(0, n));
  const view = new DataView(out.buffer, n);
  for (let j = 0; j < trailer.length; j++) view.setFloat64(j * 8, trailer[j], true);
  return out;
}

/** Splits a `parseJsonChunk` result into the values and the piece's separators; undefined if malformed. */
export function readJsonPiece(
  result: Uint8Array,
  dtype: DType,
): { values: Uint8Array; piece: PieceShape } | undefined {
  const size = textItemSize(dtype);
  if (result.byteLength < 32) return undefined;
  const view = new DataView(result.buffer, result.byteOffset, result.byteLength);
  const last = (j: number): number => view.getFloat64(result.byteLength - 8 * j, true);
  const closing = last(1);
  const lead = last(2);
  const count = last(3);
  const nMarks = last(4);
  const n = count * size;
  if (
    !Number.isSafeInteger(count) ||
    !Number.isSafeInteger(nMarks) ||
    n + (2 * nMarks + 4) * 8 !== result.byteLength
  ) {
    return undefined;
  }
  const marks: number[] = [];
  for (let j = 0; j < 2 * nMarks; j++) marks.push(view.getFloat64(n + 8 * j, true));
  return { values: result.subarray(0, n), piece: { count, marks, lead, closing } };
}
