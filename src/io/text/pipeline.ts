/**
 * Running chunk requests in order, on this thread or on `ParallelText` workers: at most
 * `concurrency` requests are in flight and results are consumed strictly in request order, so
 * the output bytes do not depend on whether or how many workers ran (text-common, "Parallel work").
 */
import { byteLengthOf, DTYPES, itemSize } from '../../core/dtype.js';
import type { ParallelText } from '../../core/format.js';
import type { Tensor } from '../../core/tensor.js';
import { elementCount } from '../../core/tensor.js';
import type { BufferedWriter } from '../writer.js';
import { type FormatRequest, formatChunk, type ParseRequest, parseChunk } from './chunk.js';
import { unpackForText } from './values.js';

/** Values per formatting chunk: text-common asks for about 64K–256K. */
export const CHUNK_VALUES = 1 << 17;

/**
 * A typed-array view whose memory is exactly its own: structured clone copies a view's *whole*
 * ArrayBuffer, so a small window of a large buffer is copied out before it goes to a worker.
 */
export function compact(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
}

/** Progress of a write in bytes of tensor data, reported through `WriteOptions.onProgress`. */
export class Progress {
  /** Bytes of tensor data done. */
  done = 0;
  readonly #total: number;
  readonly #report: ((done: number, total: number) => void) | undefined;

  constructor(tensors: readonly Tensor[], report: ((done: number, total: number) => void) | undefined) {
    let total = 0;
    for (const t of tensors) total += t.data.byteLength;
    this.#total = total;
    this.#report = report;
  }

  /** Adds `bytes` done and reports. */
  add(bytes: number): void {
    this.done += bytes;
    this.#report?.(this.done, this.#total);
  }
}

/** One request and how many bytes of tensor data it covers (for progress). */
export interface Job<R> {
  /** The request. */
  readonly request: R;
  /** Bytes of canonical tensor data the request covers. */
  readonly bytes: number;
  /** Where its canonical bytes go in the tensor (parse jobs). */
  readonly offset?: number;
}

/**
 * Runs `jobs` through `run` keeping up to `concurrency` in flight and hands each result to
 * `consume` in job order. A failed job rejects after the jobs before it were consumed; the others'
 * results are dropped (their rejections are observed so none goes unhandled).
 */
export async function runOrdered<R>(
  jobs: AsyncIterable<Job<R>> | Iterable<Job<R>>,
  run: (request: R) => Promise<Uint8Array>,
  concurrency: number,
  consume: (result: Uint8Array, job: Job<R>) => Promise<void> | void,
): Promise<void> {
  const queue: { job: Job<R>; result: Promise<Uint8Array> }[] = [];
  const limit = Math.max(1, Math.floor(concurrency));
  try {
    for await (const job of jobs) {
      const result = run(job.request);
      result.catch(() => undefined);
      queue.push({ job, result });
      while (queue.length >= limit) {
        // biome-ignore lint/style/noNonNullAssertion: the queue is not empty here
        const head = queue.shift()!;
        await consume(await head.result, head.job);
      }
    }
    while (queue.length > 0) {
      // biome-ignore lint/style/noNonNullAssertion: the queue is not empty here
      const head = queue.shift()!;
      await consume(await head.result, head.job);
    }
  } finally {
    queue.length = 0;
  }
}

/**
 * Formats `jobs` into `out` in order: on this thread, or on `parallel`'s workers with up to
 * `parallel.concurrency` chunks in flight. Progress is reported after each chunk is written.
 */
export async function writeFormatted(
  out: BufferedWriter,
  jobs: AsyncIterable<Job<FormatRequest>> | Iterable<Job<FormatRequest>>,
  parallel: ParallelText | undefined,
  progress: Progress,
): Promise<void> {
  const consume = async (text: Uint8Array, job: Job<FormatRequest>): Promise<void> => {
    await out.bytes(text);
    progress.add(job.bytes);
  };
  if (parallel === undefined) {
    for await (const job of jobs) await consume(formatChunk(job.request), job);
    return;
  }
  await runOrdered(jobs, (r) => parallel.format(r), parallel.concurrency, consume);
}

/** Parses `jobs` in order on this thread or on workers; each result goes to `consume`. */
export async function parseAll(
  jobs: AsyncIterable<Job<ParseRequest>> | Iterable<Job<ParseRequest>>,
  parallel: ParallelText | undefined,
  consume: (bytes: Uint8Array, job: Job<ParseRequest>) => void,
): Promise<void> {
  if (parallel === undefined) {
    for await (const job of jobs) consume(parseChunk(job.request), job);
    return;
  }
  await runOrdered(jobs, (r) => parallel.parse(r), parallel.concurrency, consume);
}

/** A chunk of a tensor's canonical bytes and the flat index of its first element. */
export interface TensorChunk {
  readonly bytes: Uint8Array;
  readonly start: number;
  /** True when `bytes` is a copy nothing else holds (made for workers): a request may say it owns it. */
  readonly owned: boolean;
}

/**
 * Yields a tensor's canonical bytes in chunks of CHUNK_VALUES elements (so a tensor larger than
 * memory streams through), copied for transfer when workers will format them.
 */
export async function* tensorChunks(t: Tensor, forWorkers: boolean): AsyncGenerator<TensorChunk> {
  if (DTYPES[t.dtype].bits < 8) {
    yield* subByteChunks(t, forWorkers);
    return;
  }
  const size = itemSize(t.dtype);
  const step = CHUNK_VALUES * size;
  const total = t.data.byteLength;
  // Each chunk's read starts before the chunk before is handed out, so the disk reads while this
  // thread copies and sends (as readAhead in io/reader.ts does); a failed read rejects in order when reached.
  const readAt = (off: number): Promise<Uint8Array> | undefined => {
    if (off >= total) return undefined;
    const p = t.data.read(off, Math.min(step, total - off));
    p.catch(() => undefined);
    return p;
  };
  let next = readAt(0);
  for (let off = 0; next !== undefined; off += step) {
    const reading = next;
    next = readAt(off + step);
    const bytes = await reading;
    // For workers: a copy of its own, which the pool transfers instead of cloning (the bytes read
    // may be a view of memory the source keeps).
    yield forWorkers
      ? { bytes: bytes.slice(), start: off / size, owned: true }
      : { bytes, start: off / size, owned: false };
  }
}

/**
 * tensorChunks for sub-byte dtypes: CHUNK_VALUES elements (a multiple of 8, so every chunk starts
 * on a whole byte) unpacked to one element per byte, the text layer's layout (values.ts).
 */
async function* subByteChunks(t: Tensor, forWorkers: boolean): AsyncGenerator<TensorChunk> {
  const count = elementCount(t.shape);
  for (let start = 0; start < count; start += CHUNK_VALUES) {
    const n = Math.min(CHUNK_VALUES, count - start);
    const packed = await t.data.read(byteLengthOf(t.dtype, start), byteLengthOf(t.dtype, n));
    // unpackForText always makes a new array: the request may own it.
    yield { bytes: unpackForText(t.dtype, packed, n), start, owned: forWorkers };
  }
}
