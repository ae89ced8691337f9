/**
 * Second pass of the JSON reader: one tensor's `data` text (a byte range found by the first pass)
 * parsed into canonical bytes when the tensor is read. On this thread the range streams through
 * one resumable parser; with workers, a quick scan counts values to cut the range into pieces of
 * about CHUNK_VALUES values whose first index is known, and each piece is parsed independently
 * (`json-parse` requests, chunk-json.ts) and placed in order.
 */
import { type DType, itemSize } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { ParallelText } from '../../core/format.js';
import { MAX_TENSOR_BYTES_IN_MEMORY, MAX_TOKEN_BYTES } from '../../core/limits.js';
import type { ByteSource } from '../../io/byte-source.js';
import { readAhead } from '../../io/reader.js';
import type { ParseRequest } from '../../io/text/chunk.js';
import { readJsonPiece } from '../../io/text/chunk-json.js';
import { checkPiece, DataParser, DELIMITER } from '../../io/text/json-data-parse.js';
import { dataLayout } from '../../io/text/json-layout.js';
import type { ValueRange } from '../../io/text/json-scan.js';
import { CHUNK_VALUES, type Job, parseAll } from '../../io/text/pipeline.js';
import { valueParser } from '../../io/text/values.js';

/** What the first pass learnt about one tensor's data. */
export interface DataSpec {
  /** The file. */
  readonly source: ByteSource;
  /** Where the data value's text is. */
  readonly range: ValueRange;
  /** Element type to produce. */
  readonly dtype: DType;
  /** The shape the nesting must match. */
  readonly shape: readonly number[];
  /** Elements (product of the shape). */
  readonly count: number;
  /** JSON path of the data value, for messages. */
  readonly path: string;
  /** Worker threads, when the host offers them. */
  readonly parallel: ParallelText | undefined;
}

/** Text bytes in one piece sent to a worker: about CHUNK_VALUES values of 10–20 characters. */
const PIECE_BYTES = 1 << 21;

/** Below this many values a tensor is parsed on the calling thread: sending it away costs more. */
const PARALLEL_MIN_VALUES = 2 * CHUNK_VALUES;

/** Parses a tensor's data text into `byteLength` canonical bytes. */
export async function parseJsonData(spec: DataSpec, byteLength: number): Promise<Uint8Array> {
  if (byteLength > MAX_TENSOR_BYTES_IN_MEMORY) {
    throw new NnportError('LIMIT_EXCEEDED', `tensor of ${byteLength} bytes is too large to parse at once`, {
      at: { path: spec.path },
    });
  }
  const out = new Uint8Array(byteLength);
  if (spec.parallel !== undefined && spec.count >= PARALLEL_MIN_VALUES) {
    await parseInPieces(spec, out, spec.parallel);
  } else {
    await parseStreaming(spec, out);
  }
  return out;
}

/**
 * One parser over the whole range, fed block by block. Each block is cut after its last delimiter
 * so no token is split; the unfinished token moves to the next block (at most MAX_TOKEN_BYTES).
 */
async function parseStreaming(spec: DataSpec, out: Uint8Array): Promise<void> {
  const { range } = spec;
  const layout = dataLayout(spec.shape, 0);
  const parse = spec.count > 0 ? valueParser(spec.dtype, out) : undefined;
  const parser = new DataParser(layout, parse, 0, spec.path, {
    first: 0,
    line: range.line,
    column: range.column,
  });
  let carry: Uint8Array | undefined;
  const tooLong = (): never => {
    throw new NnportError('LIMIT_EXCEEDED', `a value longer than MAX_TOKEN_BYTES ${MAX_TOKEN_BYTES}`, {
      at: { path: spec.path },
    });
  };
  let off = range.start;
  for await (let block of readAhead(spec.source, range.start, range.end)) {
    const last = off + block.length >= range.end;
    off += block.length;
    if (carry !== undefined) {
      // Finish the carried token with this block's bytes up to its first delimiter.
      let d = 0;
      while (d < block.length && DELIMITER[block[d]] === 0) d++;
      if (d === block.length && !last) {
        carry = join([carry, block]);
        if (carry.length > MAX_TOKEN_BYTES) tooLong();
        continue;
      }
      parser.feed(join([carry, block.subarray(0, d)]), last && d === block.length);
      carry = undefined;
      block = block.subarray(d);
      if (block.length === 0 && last) return;
    }
    if (last) {
      parser.feed(block, true);
      return;
    }
    let cut = block.length;
    while (cut > 0 && DELIMITER[block[cut - 1]] === 0) cut--;
    if (block.length - cut > MAX_TOKEN_BYTES) tooLong();
    if (cut > 0) parser.feed(block.subarray(0, cut), false);
    carry = cut < block.length ? block.slice(cut) : undefined;
  }
}

/** Concatenates byte arrays (a new array). */
function join(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}

/**
 * Parses the range in pieces on workers. The range is cut at byte offsets (right after a value,
 * near every PIECE_BYTES) so this thread does no per-byte work; each worker parses its piece
 * without knowing where it starts (`json-parse`, chunk-json.ts) and reports its values and
 * separators, which are checked here in order against the shape. Any failure — bad text, a
 * separator in the wrong place, a worker error — re-parses the range on this thread, which
 * throws the error with its line:column (or succeeds if a worker merely failed).
 */
async function parseInPieces(spec: DataSpec, out: Uint8Array, parallel: ParallelText): Promise<void> {
  const { range, dtype } = spec;
  const size = itemSize(dtype);
  const layout = dataLayout(spec.shape, 0);
  const job = (bytes: Uint8Array, initial: boolean, final: boolean): Job<ParseRequest> => ({
    // join() made `bytes`: the request owns them.
    request: { kind: 'json-parse', dtype, bytes, initial, final, owned: true },
    bytes: 0,
  });
  async function* jobs(): AsyncGenerator<Job<ParseRequest>> {
    let pending: Uint8Array[] = [];
    let pendingLength = 0;
    let initial = true;
    for await (const block of readAhead(spec.source, range.start, range.end)) {
      let from = 0;
      for (;;) {
        let q = Math.max(from + PIECE_BYTES - pendingLength, from + 1);
        // Cut right after a value: a delimiter whose previous byte is not one.
        while (q < block.length && !(DELIMITER[block[q]] === 1 && DELIMITER[block[q - 1]] === 0)) q++;
        if (q >= block.length) break;
        pending.push(block.subarray(from, q));
        yield job(join(pending), initial, false);
        initial = false;
        pending = [];
        pendingLength = 0;
        from = q;
      }
      pending.push(block.subarray(from));
      pendingLength += block.length - from;
    }
    yield job(join(pending), initial, true);
  }
  let next = 0;
  let ok = true;
  try {
    await parseAll(jobs(), parallel, (result, { request }) => {
      if (!ok || request.kind !== 'json-parse') return;
      const piece = readJsonPiece(result, dtype);
      if (piece === undefined || !checkPiece(piece.piece, next, layout, request.initial, request.final)) {
        ok = false;
        return;
      }
      out.set(piece.values, next * size);
      next += piece.piece.count;
    });
  } catch {
    ok = false;
  }
  if (!ok) await parseStreaming(spec, out);
}
