/**
 * Sequential reading of a `ByteSource` in chunks, for readers that scan a file front to back
 * without holding it whole. The next chunk's read is issued before the current one is used, so the
 * disk delivers while the caller scans (a cold 333 MB JSON file takes about as long to read as to scan).
 */
import type { ByteSource } from './byte-source.js';

/** Size of each chunk read from the source. */
export const READ_CHUNK_BYTES = 1 << 22;

/**
 * Yields `source`'s bytes in `[start, end)` front to back in chunks of at most `chunkBytes`, each
 * chunk's read started while the one before is being used. A read that fails rejects when its
 * chunk is reached, in order, as with one read at a time; one left unreached (the consumer
 * stopped early) is dropped without an unhandled rejection.
 */
export async function* readAhead(
  source: ByteSource,
  start = 0,
  end = source.size,
  chunkBytes = READ_CHUNK_BYTES,
): AsyncGenerator<Uint8Array> {
  const readAt = (off: number): Promise<Uint8Array> | undefined => {
    if (off >= end) return undefined;
    const p = source.read(off, Math.min(chunkBytes, end - off));
    p.catch(() => undefined);
    return p;
  };
  let next = readAt(start);
  for (let off = start; next !== undefined; off += chunkBytes) {
    const current = next;
    next = readAt(off + chunkBytes);
    yield await current;
  }
}
