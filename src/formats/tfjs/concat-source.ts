/**
 * A TF.js weight group's data: its shard files concatenated in `paths` order (the converter cuts
 * one byte stream into 4 MB shards regardless of tensor boundaries, write_weights.py
 * `_shard_group_bytes_to_disk`), read as one `ByteSource`. A read within one shard is passed to
 * that shard unchanged (zero-copy where the shard's source is); only a read that crosses a shard
 * boundary is assembled into a new buffer.
 */
import { type ByteSource, checkRange } from '../../io/byte-source.js';

/** Several sources read as their concatenation. */
export class ConcatSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly #parts: readonly ByteSource[];
  /** `#starts[i]` is where part i begins; one more entry holds the total size. */
  readonly #starts: readonly number[];

  constructor(parts: readonly ByteSource[], name: string) {
    const starts: number[] = [0];
    let total = 0;
    for (const p of parts) {
      total += p.size;
      starts.push(total);
    }
    this.#parts = parts;
    this.#starts = starts;
    this.size = total;
    this.name = name;
  }

  /** The index of the part holding byte `offset` (binary search for the last start ≤ offset). */
  #partAt(offset: number): number {
    let lo = 0;
    let hi = this.#parts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.#starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    if (length === 0) return new Uint8Array(0);
    // The last part starting at or before `offset`, which skips empty parts starting there too.
    let i = this.#partAt(offset);
    const local = offset - this.#starts[i];
    if (local + length <= this.#parts[i].size) return this.#parts[i].read(local, length);
    const out = new Uint8Array(length);
    let done = 0;
    for (let at = local; done < length; i++, at = 0) {
      const n = Math.min(this.#parts[i].size - at, length - done);
      if (n > 0) out.set(await this.#parts[i].read(at, n), done);
      done += n;
    }
    return out;
  }
}
