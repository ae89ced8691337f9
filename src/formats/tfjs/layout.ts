/**
 * Where each manifest entry's bytes lie in its group's data. Entries follow one another from byte
 * 0 with no padding (tfjs-core io_utils.ts `decodeWeights` advances one running offset by
 * `getWeightBytelength`); a string entry's size is the sum of its values' uint32 little-endian
 * length prefixes (4 bytes each) and bytes, so it is found by walking them in the data.
 */
import type { ByteSource } from '../../io/byte-source.js';
import type { ManifestEntry, ManifestGroup } from './manifest.js';

/** An entry with its place in the group's data. */
export interface Placed {
  readonly entry: ManifestEntry;
  readonly offset: number;
  readonly byteLength: number;
}

/** Called when an entry needs bytes `[offset, end)` past the end of the data; must throw. */
export type OnShort = (entry: ManifestEntry, offset: number, end: number) => never;

/** Bytes of one string length prefix (NUM_BYTES_STRING_LENGTH in tfjs-core). */
const LENGTH_BYTES = 4;

/** The bytes of a string entry starting at `offset`: every value's prefix and bytes. */
async function stringBytes(
  entry: ManifestEntry,
  data: ByteSource,
  offset: number,
  short: OnShort,
): Promise<number> {
  let pos = offset;
  for (let i = 0; i < entry.elements; i++) {
    if (pos > data.size - LENGTH_BYTES) short(entry, offset, pos + LENGTH_BYTES);
    const b = await data.read(pos, LENGTH_BYTES);
    const length = (b[0] | (b[1] << 8) | (b[2] << 16)) + b[3] * 2 ** 24;
    pos += LENGTH_BYTES;
    if (length > data.size - pos) short(entry, offset, pos + length);
    pos += length;
  }
  return pos - offset;
}

/**
 * Places every entry of `group` over `data`, calling `short` (which throws) for one that does not
 * fit; every offset stays within the data, so no sum can pass 2^53. Bytes after the last entry
 * are ignored, as tfjs ignores them.
 */
export async function layoutGroup(group: ManifestGroup, data: ByteSource, short: OnShort): Promise<Placed[]> {
  const placed: Placed[] = [];
  let offset = 0;
  for (const entry of group.entries) {
    let byteLength: number;
    if (entry.byteLength === null) {
      byteLength = await stringBytes(entry, data, offset, short);
    } else {
      byteLength = entry.byteLength;
      // Compared by subtraction: offset ≤ data.size here, so neither side can overflow.
      if (byteLength > data.size - offset) short(entry, offset, offset + byteLength);
    }
    placed.push({ entry, offset, byteLength });
    offset += byteLength;
  }
  return placed;
}
