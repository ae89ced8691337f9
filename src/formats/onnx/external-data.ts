/**
 * ONNX external data (onnx.proto TensorProto.external_data; docs/ExternalData.md): a tensor's bytes
 * live in a file beside the model, named by a `location` relative to the model's folder, at an
 * `offset` for a `length`. The location is checked here before the host is asked for the file —
 * absolute paths, `..` segments, drive letters and backslash tricks are refused with UNSAFE_PATH
 * (the path-traversal CVEs in onnx's history, e.g. CVE-2022-25882 and CVE-2024-27318) — and the host's
 * `sibling` refuses symlinks that lead out.
 */
import { NnportError } from '../../core/errors.js';
import type { ByteSource } from '../../io/byte-source.js';
import type { ReadContext } from './read-context.js';
import { ExternalDataKey } from './schema.js';

/** Where one tensor's external bytes are. */
export interface ExternalRef {
  /** The location as the file wrote it. */
  readonly location: string;
  /** Byte offset in that file (0 when absent). */
  readonly offset: number;
  /** Byte length, when the file says. */
  readonly length?: number;
  /** The SHA-1 checksum the file gives, kept but not verified. */
  readonly checksum?: string;
}

/**
 * Normalizes an external-data location to a `/`-separated relative path, refusing with UNSAFE_PATH
 * anything that could leave the model's folder: empty, absolute (`/x`, `\\x`), a drive letter
 * (`C:`), a `..` segment (either separator), or a NUL byte.
 */
export function safeLocation(location: string, tensor: string): string {
  const parts = location.split(/[\\/]/);
  if (
    location === '' ||
    location.startsWith('/') ||
    location.startsWith('\\') ||
    /^[A-Za-z]:/.test(location) ||
    location.includes('\0') ||
    parts.includes('..')
  ) {
    throw new NnportError('UNSAFE_PATH', `external data location '${location}' leaves the model's folder`, {
      at: { tensor },
    });
  }
  return parts.filter((p) => p !== '' && p !== '.').join('/');
}

/** Parses the external_data key/value entries of a tensor (INVALID_STRUCTURE for a missing location or bad number). */
export function parseExternalRef(
  entries: readonly (readonly [string, string])[],
  tensor: string,
): ExternalRef {
  let location: string | undefined;
  let offset = 0;
  let length: number | undefined;
  let checksum: string | undefined;
  for (const [k, v] of entries) {
    if (k === ExternalDataKey.LOCATION) location = v;
    else if (k === ExternalDataKey.OFFSET) offset = parseCount(v, 'offset', tensor);
    else if (k === ExternalDataKey.LENGTH) length = parseCount(v, 'length', tensor);
    else if (k === ExternalDataKey.CHECKSUM) checksum = v;
  }
  if (location === undefined) {
    throw new NnportError('INVALID_STRUCTURE', 'external data without a location', { at: { tensor } });
  }
  return {
    location,
    offset,
    ...(length === undefined ? {} : { length }),
    ...(checksum === undefined ? {} : { checksum }),
  };
}

function parseCount(text: string, what: string, tensor: string): number {
  const n = /^\d{1,16}$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n)) {
    throw new NnportError('INVALID_STRUCTURE', `external data ${what} '${text}' is not a byte count`, {
      at: { tensor },
    });
  }
  return n;
}

/**
 * Opens (once per location) the external file and returns the window `[offset, offset + length)`,
 * checked against the file's size (TRUNCATED when it is shorter) and, when `expected` is given,
 * against the tensor's byte length (INVALID_STRUCTURE).
 */
export async function externalWindow(
  ctx: ReadContext,
  ref: ExternalRef,
  expected: number,
  tensor: string,
): Promise<{ source: ByteSource; offset: number; length: number }> {
  const rel = safeLocation(ref.location, tensor);
  let pending = ctx.external.get(rel);
  if (pending === undefined) {
    pending = ctx.input.sibling(rel).then((s) => {
      if (s === undefined) {
        throw new NnportError('MISSING_FILE', `external data file '${ref.location}' is missing`, {
          at: { tensor },
        });
      }
      return s;
    });
    ctx.external.set(rel, pending);
  }
  const source = await pending;
  const length = ref.length ?? Math.max(source.size - ref.offset, 0);
  if (ref.offset > source.size || length > source.size - ref.offset) {
    throw new NnportError(
      'TRUNCATED',
      `external data needs bytes ${ref.offset}..${ref.offset + length} of '${ref.location}', which has ${source.size}`,
      { file: source.name, at: { byte: Math.min(ref.offset, source.size) } },
    );
  }
  if (length !== expected) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `external data of ${length} bytes for a tensor that needs ${expected}`,
      { at: { tensor } },
    );
  }
  return { source, offset: ref.offset, length };
}
