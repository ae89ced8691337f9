/** Assertions shared by every test folder: coded errors (tests assert codes, not prose) and digests. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { type ErrorCode, NnportError } from '../src/core/errors.js';

/** Asserts that `work` rejects with an NnportError of `code` (and location, if given); returns it. */
export async function rejectsWith(
  work: Promise<unknown> | (() => Promise<unknown>),
  code: ErrorCode,
  at?: { line: number; column?: number } | { path: string } | { byte: number },
): Promise<NnportError> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (e) {
    assert.ok(e instanceof NnportError, `expected NnportError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    if (at !== undefined) assert.deepEqual(e.at, at, `location of: ${e.message}`);
    return e;
  }
  assert.fail(`expected NnportError ${code}, but it succeeded`);
}

/** Hex SHA-256 of bytes. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
