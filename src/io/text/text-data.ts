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
import type { DType } from '../../core/dtype.js';
import { isNnportError, NnportError } from '../../core/errors.js';
import type { ParallelText } from '../../core/format.js';
import { MAX_TENSOR_BYTES_IN_MEMORY } from '../../core/limits.js';
import type { Tensor, TensorData } from '../../core/tensor.js';
import type { ByteSource } from '../byte-source.js';
import type { ParseRequest } from './chunk.js';
import type { Checkpoint } from './lines.js';
import { compact, type Job, parseAll } from './pipeline.js';
import { textItemSize } from './values.js';

/**
 * The one tensor of a chain parsed ahead and not read yet (see `ParsedTextData.chain`): a new
 * prefetch lets go of the previous one, so a consumer reading in another order than the chain's
 * never makes more than one unread tensor stay in memory.
 */
interface AheadSlot {
  held: ParsedTextData | undefined;
}

/** Canonical bytes parsed from text on first read. */
export class ParsedTextData implements TensorData {
  readonly byteLength: number;
  readonly #parse: () => Promise<Uint8Array>;
  #weak: WeakRef<Uint8Array> | undefined;
  #strong: Uint8Array | undefined;
  #pending: Promise<Uint8Array> | undefined;
  /** The tensor usually read after this one, and the chain's slot (see `chain`). */
  #next: ParsedTextData | undefined;
  #slot: AheadSlot | undefined;
  /** True once read: a read tensor is never parsed ahead again. */
  #read = false;
  /** True while a prefetched result is held for a read that has not come yet. */
  #ahead = false;

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
    this.#read = true;
    this.#ahead = false;
    if (this.#slot !== undefined && this.#slot.held === this) this.#slot.held = undefined;
    // The next tensor parses while this one is parsed (the workers never wait for a tensor's
    // last chunks) and then written out.
    const next = this.#next;
    this.#next = undefined;
    let all = this.#strong ?? this.#weak?.deref();
    if (all === undefined) {
      const parsing = this.#start();
      next?.prefetch();
      all = await parsing;
      if (all.byteLength !== this.byteLength) {
        throw new NnportError(
          'INVALID_STRUCTURE',
          `parsed ${all.byteLength} bytes, expected ${this.byteLength}`,
        );
      }
      this.#weak = new WeakRef(all);
    } else {
      next?.prefetch();
    }
    this.#strong = offset + length < this.byteLength ? all : undefined;
    return all.subarray(offset, offset + length);
  }

  /** The parse in progress, started if none is. */
  #start(): Promise<Uint8Array> {
    if (this.#pending === undefined) {
      const pending = this.#parse();
      this.#pending = pending;
      const done = (): void => {
        if (this.#pending === pending) this.#pending = undefined;
      };
      pending.then(done, done);
    }
    return this.#pending;
  }

  /**
   * Makes the first read of this tensor start parsing `next` in the background, so a consumer
   * that reads tensors in order (a converter writing them out) finds each one parsed, or being
   * parsed, when it gets to it: the workers do not wait for a tensor's last chunks or for the
   * write. The tensor being read and the next one are in memory; `slot` (shared by the chain)
   * bounds the tensors parsed ahead and not read yet to one.
   */
  chain(next: ParsedTextData, slot: AheadSlot): void {
    this.#next = next;
    this.#slot = slot;
    next.#slot = slot;
  }

  /**
   * Starts parsing now (unless this tensor was read before, is held or is being parsed) and keeps
   * the result until it is read, or until the chain parses another one ahead. A failed parse is
   * forgotten; the read that follows parses again and throws.
   */
  prefetch(): void {
    if (
      this.#read ||
      this.#strong !== undefined ||
      this.#weak?.deref() !== undefined ||
      this.#pending !== undefined
    )
      return;
    const slot = this.#slot;
    if (slot !== undefined) {
      const held = slot.held;
      if (held !== undefined && held !== this) held.#letGo();
      slot.held = this;
    }
    this.#ahead = true;
    this.#start().then(
      (all) => {
        if (all.byteLength !== this.byteLength) return;
        this.#weak = new WeakRef(all);
        if (this.#ahead) this.#strong = all;
      },
      () => undefined,
    );
  }

  /** Drops a result parsed ahead and not read (it stays reachable through the WeakRef). */
  #letGo(): void {
    if (!this.#ahead) return;
    this.#ahead = false;
    this.#strong = undefined;
  }
}

/**
 * Chains the text-parsed tensors of a model in their order (`ParsedTextData.chain`): converters
 * read tensors in file order, so the first read of each starts parsing the next.
 */
export function chainInOrder(tensors: readonly Tensor[]): void {
  const slot: AheadSlot = { held: undefined };
  for (let k = 0; k + 1 < tensors.length; k++) {
    const a = tensors[k]?.data;
    const b = tensors[k + 1]?.data;
    if (a instanceof ParsedTextData && b instanceof ParsedTextData) a.chain(b, slot);
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
  const rowBytes = region.rowElements * textItemSize(region.dtype);
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
