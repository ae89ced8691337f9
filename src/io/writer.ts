/**
 * Buffered writing into a `ByteSink`: writers put small pieces here and the buffer goes to the
 * sink in large chunks, so a model's output is never one string or one array.
 */
import type { ByteSink } from './byte-sink.js';
import { encodeUtf8 } from './cursor.js';

/** Size of each buffered chunk: large enough to amortise sink calls, small enough to stay in cache. */
export const WRITE_CHUNK_BYTES = 1 << 20;

/** A buffered writer over a sink. */
export class BufferedWriter {
  /** The buffer callers may fill directly after `reserve`. */
  buf: Uint8Array;
  /** Next free position in `buf`. */
  pos = 0;
  /** Bytes handed to the sink so far. */
  written = 0;
  readonly #sink: ByteSink;

  constructor(sink: ByteSink, chunkBytes = WRITE_CHUNK_BYTES) {
    this.#sink = sink;
    this.buf = new Uint8Array(chunkBytes);
  }

  /** Ensures `n` free bytes in `buf` (flushing if needed); afterwards write at `buf[pos..]`. */
  async reserve(n: number): Promise<void> {
    if (this.pos + n <= this.buf.length) return;
    await this.flush();
    if (n > this.buf.length) this.buf = new Uint8Array(n);
  }

  /** Appends bytes (large ones go straight to the sink). */
  async bytes(b: Uint8Array): Promise<void> {
    if (b.length > this.buf.length >> 1) {
      await this.flush();
      await this.#sink.write(b);
      this.written += b.length;
      return;
    }
    await this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Appends a string as UTF-8. */
  text(s: string): Promise<void> {
    return this.bytes(encodeUtf8(s));
  }

  /** Hands buffered bytes to the sink. The sink receives a fresh array each time (it may keep it). */
  async flush(): Promise<void> {
    if (this.pos === 0) return;
    const out = this.buf.subarray(0, this.pos);
    this.buf = new Uint8Array(this.buf.length);
    this.written += this.pos;
    this.pos = 0;
    await this.#sink.write(out);
  }

  /** Flushes and closes the sink. */
  async close(): Promise<void> {
    await this.flush();
    await this.#sink.close();
  }
}
