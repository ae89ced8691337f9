/**
 * Sequential reading of a `ByteSource` in chunks, for text readers that scan a file front to back
 * without holding it whole.
 */
import type { ByteSource } from './byte-source.js';

/** Size of each chunk read from the source. */
export const READ_CHUNK_BYTES = 1 << 22;

/** Yields a source's bytes front to back in chunks of at most `chunkBytes`. */
export async function* readSequential(
  source: ByteSource,
  chunkBytes = READ_CHUNK_BYTES,
): AsyncGenerator<Uint8Array> {
  for (let off = 0; off < source.size; off += chunkBytes) {
    yield await source.read(off, Math.min(chunkBytes, source.size - off));
  }
}
