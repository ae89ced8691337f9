/**
 * HDF5 library errors as NnportErrors. With h5wasm's throwing error handler, a failing HDF5 call
 * throws an `Error` whose message is HDF5's whole error stack ("HDF5-DIAG: … #000: … in
 * H5Fopen(): unable to open file …"); this keeps the outermost and innermost descriptions, which
 * say what was attempted and why it failed, and codes the error.
 */
import { type ErrorCode, isNnportError, NnportError } from '../../core/errors.js';

/** `#NNN: FILE line N in FUNC(): description` frames of an HDF5 error stack. */
const FRAME = /#\d+: .* in (\w+)\(\): (.*)$/;

/** The outermost and innermost frame descriptions, or the first line when there are no frames. */
export function summarizeHdf5Message(message: string): string {
  const frames: string[] = [];
  for (const line of message.split('\n')) {
    const m = FRAME.exec(line.trim());
    if (m !== null) frames.push(`${m[1]}: ${m[2]}`);
  }
  if (frames.length === 0) return message.split('\n')[0] ?? message;
  const first = frames[0] as string;
  const last = frames[frames.length - 1] as string;
  return frames.length === 1 ? first : `${first} (${last})`;
}

/** The code for an HDF5 failure: a file shorter than its superblock says is TRUNCATED. */
function codeOf(message: string): ErrorCode {
  return /truncated file/i.test(message) ? 'TRUNCATED' : 'INVALID_STRUCTURE';
}

/**
 * Re-codes an exception thrown while the HDF5 library worked on `file` at HDF5 path `path`.
 * NnportErrors pass through; anything else becomes TRUNCATED or INVALID_STRUCTURE naming both.
 */
export function hdf5Error(e: unknown, file: string, path: string, doing: string): NnportError {
  if (isNnportError(e)) return e;
  const message = e instanceof Error ? e.message : String(e);
  return new NnportError(codeOf(message), `HDF5 could not ${doing}: ${summarizeHdf5Message(message)}`, {
    file,
    at: { path },
    cause: e,
  });
}
