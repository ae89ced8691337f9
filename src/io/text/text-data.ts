/**
 * Tensor data parsed from text on demand (text-common, "Reading with bounded memory"). The scan
 * found the byte range of a tensor's values and checkpoints inside it; the first read parses the
 * range chunk by chunk (in workers when the host offers them) into canonical bytes.
 *
 * The parsed bytes are cached through a `WeakRef`, so converting a text model to a binary one
 * holds about one tensor at a time. A partial read keeps a strong reference until the read that
 * reaches the last byte, so a consumer that streams a tensor in pieces (`readChunks`) parses it
 * once, not once per piece.
 */
import { type DType, itemSize } from '../../core/dtype.js';
import { isNnportError, NnportError } from '../../core/errors.js';
import type { ParallelText } from '../../core/format.js';
import { MAX_TENSOR_BYTES_IN_MEMORY } from '../../core/limits.js';
import type { TensorData } from '../../core/tensor.js';
import type { ByteSource } from '../byte-source.js';
import type { ParseRequest } from './chunk.js';
import type { Checkpoint } from './lines.js';
import { compact, type Job, parseAll } from './pipeline.js';

/** Canonical bytes parsed from text on first read. */
export class ParsedTextData implements TensorData {
  readonly byteLength: number;
  readonly #parse: () => Promise<Uint8Array>;
  #weak: WeakRef<Uint8Array> | undefined;
  #strong: Uint8Array | undefined;
  #pending: Promise<Uint8Array> | undefined;

  /**
   * @param byteLength the canonical byte length the parse must produce
   * @param parse parses the whole tensor (throws NnportError on malformed text)
   */
  constructor(byteLength: number, parse: () => Promise<Uint8Array>) {
    this.byteLength = byteLength;
    this.#parse = parse;
  }

  async read(offset = 0, length = this.byteLength - offset): Promise<Uint8Array> {
    if (
      !Number.isSafeInteger(offset) ||
      !Number.isSafeInteger(length) ||
      offset < 0 ||
      length < 0 ||
      offset > this.byteLength - length
    ) {
      throw new NnportError(
        'INVALID_OFFSET',
        `read of ${length} bytes at ${offset} outside tensor of ${this.byteLength}`,
      );
    }
    let all = this.#strong ?? this.#weak?.deref();
    if (all === undefined) {
      if (this.#pending === undefined) {
        const pending = this.#parse();
        this.#pending = pending;
        pending.then(
          () => {
            if (this.#pending === pending) this.#pending = undefined;
          },
          () => {
            if (this.#pending === pending) this.#pending = undefined;
          },
        );
      }
      all = await this.#pending;
      if (all.byteLength !== this.byteLength) {
        throw new NnportError(
          'INVALID_STRUCTURE',
          `parsed ${all.byteLength} bytes, expected ${this.byteLength}`,
        );
      }
      this.#weak = new WeakRef(all);
    }
    this.#strong = offset + length < this.byteLength ? all : undefined;
    return all.subarray(offset, offset + length);
  }
}

/** Where a tensor's value text is and how to parse it. */
export interface TextRegion {
  /** The file holding the text. */
  readonly source: ByteSource;
  /** Row starts: the first at the region's start, the last at its end (from `LineScanner.skipRows`). */
  readonly checkpoints: readonly Checkpoint[];
  /** Element type to produce. */
  readonly dtype: DType;
  /** Elements per row of the region. */
  readonly rowElements: number;
  /** Builds the request for `rows` rows of `text` starting at checkpoint `cp`. */
  readonly request: (text: Uint8Array, cp: Checkpoint, rows: number) => ParseRequest;
}

/**
 * Parses a whole region into canonical bytes: one request per checkpoint interval, results copied
 * into place in order. Refuses tensors over MAX_TENSOR_BYTES_IN_MEMORY before allocating.
 */
export async function parseRegion(
  region: TextRegion,
  byteLength: number,
  parallel: ParallelText | undefined,
): Promise<Uint8Array> {
  if (byteLength > MAX_TENSOR_BYTES_IN_MEMORY) {
    throw new NnportError('LIMIT_EXCEEDED', `tensor of ${byteLength} bytes is too large to parse at once`);
  }
  const out = new Uint8Array(byteLength);
  const rowBytes = region.rowElements * itemSize(region.dtype);
  const cps = region.checkpoints;
  // Workers only pay off with more than one chunk; a single chunk is parsed here.
  const workers = cps.length > 2 ? parallel : undefined;
  async function* jobs(): AsyncGenerator<Job<ParseRequest>> {
    for (let k = 0; k + 1 < cps.length; k++) {
      const a = cps[k];
      const b = cps[k + 1];
      const rows = b.row - a.row;
      if (rows === 0 && b.offset === a.offset) continue;
      const text = await region.source.read(a.offset, b.offset - a.offset);
      const request = region.request(workers === undefined ? text : compact(text), a, rows);
      yield { request, bytes: rows * rowBytes, offset: a.row * rowBytes };
    }
  }
  await parseAll(jobs(), workers, (bytes, job) => {
    const at = job.offset ?? 0;
    if (bytes.byteLength !== job.bytes || at + bytes.byteLength > out.byteLength) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `a parsed chunk has ${bytes.byteLength} bytes, expected ${job.bytes}`,
      );
    }
    out.set(bytes, at);
  });
  return out;
}

/**
 * Adds the file name and format id to an NnportError a lazy parse throws: the registry names the
 * file only for errors raised while opening, and data is parsed long after.
 */
export async function locateErrors<T>(file: string, format: string, work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (e) {
    if (isNnportError(e)) e.locate(file, format);
    throw e;
  }
}
