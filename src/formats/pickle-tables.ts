/**
 * Every pickle allow-list nnport has, in one place, for `nnport scan`: a global on any of these
 * lists builds plain data in some reader, so the scanner counts it as safe.
 */

import type { NestedScan } from '../analysis/scan.js';
import type { GlobalTable } from '../io/pickle/allow-list.js';
import { openPickleStream, PICKLE_TABLES } from './pickle/index.js';
import { joblibGlobals } from './pickle/joblib.js';

/** The allow-lists beyond Python's and torch's (NumPy, scikit-learn, joblib). */
export const SCAN_TABLES: readonly GlobalTable[] = PICKLE_TABLES;

/**
 * Decompresses a compressed joblib file for scanning (zlib, gzip, joblib's old `ZF`); undefined
 * when the bytes are not compressed. Compressors nnport refuses (bz2, xz, lz4) throw
 * UNSUPPORTED_VERSION, which scan reports as unreadable.
 */
export function scanDecompress(bytes: Uint8Array): Uint8Array | undefined {
  const stream = openPickleStream(bytes);
  return stream.compression === undefined ? undefined : stream.bytes;
}

/** joblib's wrappers bound to the scanned stream, so an object array's nested pickle is scanned too. */
export function scanStreamTables(
  bytes: Uint8Array,
  base: number,
  nested: NestedScan,
): readonly GlobalTable[] {
  return [joblibGlobals({ bytes, base, nested, files: [] })];
}
