/**
 * Where an HDF5 file starts. The superblock signature `\x89HDF\r\n\x1a\n` sits at byte 0 or, when
 * the file carries a user block, at 512, 1024, 2048 … (each power of two from 512; HDF5 File
 * Format Specification §II.A "Format Signature"). Only the signature is checked here, to tell
 * HDF5 from other bytes early and cheaply; everything else is left to the HDF5 library.
 */
import { NnportError } from '../../core/errors.js';
import type { ByteSource } from '../byte-source.js';

/** The eight signature bytes. */
export const HDF5_SIGNATURE: readonly number[] = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when `bytes` hold the signature at `offset`. */
function hasSignatureAt(bytes: Uint8Array, offset: number): boolean {
  if (offset + HDF5_SIGNATURE.length > bytes.length) return false;
  return HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b);
}

/** The candidate signature offsets below `size`: 0, 512, 1024, 2048, … */
function candidateOffsets(size: number): number[] {
  const out = [0];
  for (let at = 512; at + HDF5_SIGNATURE.length <= size; at *= 2) out.push(at);
  return out;
}

/**
 * The signature's offset within the first bytes of a file (a detection probe), or undefined.
 * Pure and cheap, for `detect`.
 */
export function findHdf5Signature(head: Uint8Array): number | undefined {
  return candidateOffsets(head.length).find((at) => hasSignatureAt(head, at));
}

/**
 * The signature's offset in a whole source; throws BAD_MAGIC at byte 0 when it is nowhere a
 * signature may be.
 */
export async function locateHdf5Signature(source: ByteSource): Promise<number> {
  for (const at of candidateOffsets(source.size)) {
    if (hasSignatureAt(await source.read(at, HDF5_SIGNATURE.length), 0)) return at;
  }
  throw new NnportError('BAD_MAGIC', 'not an HDF5 file (no \\x89HDF\\r\\n\\x1a\\n signature)', {
    file: source.name,
    at: { byte: 0 },
  });
}
