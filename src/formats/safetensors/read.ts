/**
 * Reads one `.safetensors` file: the header only, eagerly; tensor data lazily, as zero-copy
 * windows of the file (safetensors data is already dense, C-order, little-endian).
 *
 * Layout (huggingface/safetensors `tensor.rs`, `SafeTensors::read_metadata`):
 *   u64 LE  N                  header size
 *   N bytes JSON header        `{"__metadata__": {...}, "name": {"dtype", "shape", "data_offsets"}, ...}`,
 *                              possibly padded with trailing spaces
 *   rest    byte buffer        `data_offsets` [begin, end) are relative to its start
 *
 * Checks, after the reference's `Metadata::validate`: N ≤ 100 MB; the header fits the file; it
 * starts with `{` and is UTF-8 JSON without duplicate keys; entries sorted by offsets are
 * contiguous from 0 (no gap, no overlap) and end exactly at the end of the file; each entry's
 * `end - begin` equals elements × dtype bits / 8, computed with overflow-safe arithmetic.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_HEADER_BYTES, MAX_NAME_LENGTH, MAX_TENSORS } from '../../core/limits.js';
import type { JsonValue } from '../../core/model.js';
import { elementCount, SourceData, type Tensor } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import { decodeUtf8, encodeUtf8 } from '../../io/cursor.js';
import { packedByteLength, SAFETENSORS_DTYPES, type SafetensorsDtype } from './dtypes.js';
import { entryPath, scanJson } from './json-scan.js';
import { decodeMetadata, isJsonObject } from './metadata.js';

/** Bytes of the header-size field. */
export const N_LEN = 8;

/** The header key holding the file's string metadata. */
export const METADATA_KEY = '__metadata__';

/** Unsupported tensors named in one error message; an fp8 checkpoint has hundreds. */
const LISTED_TENSORS = 20;

/** Reader options of the safetensors format. */
export interface SafetensorsReadOptions {
  /**
   * Leave out tensors whose dtype nnport cannot represent yet (F8_*, F4, F6_*, C64) instead of
   * refusing the file with UNSUPPORTED_DTYPE. Their entries are still validated.
   */
  readonly skipUnsupported: boolean;
}

/** What one file holds. */
export interface SafetensorsFile {
  /** Tensors in data order (ascending `data_offsets`; ties in header order). */
  readonly tensors: Tensor[];
  /** Every entry name, skipped ones included (for the shard index cross-check). */
  readonly names: readonly string[];
  /** Names left out because of `skipUnsupported`. */
  readonly skipped: readonly string[];
  /** `__metadata__`, decoded (see metadata.ts). */
  readonly metadata: Record<string, JsonValue>;
}

/** One header entry after field validation. */
interface Entry {
  readonly name: string;
  readonly dtypeName: string;
  readonly shape: number[];
  readonly begin: number;
  readonly end: number;
}

/** Reads the header of `source` and returns lazily read tensors. */
export async function readSafetensorsFile(
  source: ByteSource,
  options: SafetensorsReadOptions,
): Promise<SafetensorsFile> {
  const { header, headerBytes } = await readHeader(source);
  const bufferStart = N_LEN + headerBytes;
  const bufferSize = source.size - bufferStart;

  // `__metadata__` is optional (serde `Option`), so an absent key and `null` both mean none.
  const metadata = decodeMetadata(header.value[METADATA_KEY] ?? null);
  // Entries in header order (from the scan: `Object.keys` would put integer-like names first).
  const entries: Entry[] = [];
  for (const name of header.keys) {
    if (name === METADATA_KEY) continue;
    entries.push(parseEntry(name, header.value[name]));
  }
  // The 100 MB header bounds the count already (an entry takes 40+ bytes); kept as a guard.
  if (entries.length > MAX_TENSORS) {
    throw new NnportError('LIMIT_EXCEEDED', `${entries.length} tensors exceed MAX_TENSORS ${MAX_TENSORS}`);
  }

  // The reference sorts by data_offsets (older writers ordered entries by name, or not at all);
  // Array.prototype.sort is stable, so empty tensors sharing an offset keep header order.
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);

  const tensors: Tensor[] = [];
  const skipped: string[] = [];
  const unsupported: Entry[] = [];
  // `pos` is where the next tensor must begin: the reference walks the sorted entries the same
  // way (`Metadata::validate`), which rules out gaps and overlaps in one comparison.
  let pos = 0;
  for (const e of entries) {
    const at = (): { path: string } => ({ path: entryPath(e.name, 'data_offsets') });
    if (e.end < e.begin) {
      throw new NnportError('INVALID_OFFSET', `data_offsets [${e.begin}, ${e.end}] end before they begin`, {
        at: at(),
      });
    }
    if (e.begin !== pos) {
      const what = e.begin > pos ? `leave a gap after byte ${pos}` : `overlap the data before byte ${pos}`;
      throw new NnportError('INVALID_OFFSET', `data_offsets [${e.begin}, ${e.end}] ${what} of the buffer`, {
        at: at(),
      });
    }
    if (e.end > bufferSize) {
      throw new NnportError(
        'INVALID_OFFSET',
        `data_offsets [${e.begin}, ${e.end}] pass the end of the ${bufferSize}-byte buffer`,
        { at: at() },
      );
    }
    pos = e.end;

    // Unknown names fail at once (their size cannot be checked); known-but-unrepresentable ones
    // are validated like the rest and collected, so one error can list them all.
    const info = SAFETENSORS_DTYPES.get(e.dtypeName);
    if (info === undefined) {
      throw new NnportError('UNSUPPORTED_DTYPE', `unknown safetensors dtype ${JSON.stringify(e.dtypeName)}`, {
        at: { path: entryPath(e.name, 'dtype') },
      });
    }
    checkSize(e, info);
    if (info.dtype === undefined) {
      unsupported.push(e);
      skipped.push(e.name);
      continue;
    }
    tensors.push({
      name: e.name,
      dtype: info.dtype,
      shape: e.shape,
      data: new SourceData(source, bufferStart + e.begin, e.end - e.begin),
    });
  }
  // The last tensor must end exactly at the end of the file (MetadataIncompleteBuffer): trailing
  // bytes could hide data no reader would see.
  if (pos !== bufferSize) {
    throw new NnportError(
      'INVALID_OFFSET',
      `buffer bytes ${pos}..${bufferSize} belong to no tensor (the offsets must cover the whole file)`,
      { at: { byte: bufferStart + pos } },
    );
  }
  if (unsupported.length > 0 && !options.skipUnsupported) {
    // Every unsupported tensor at once (DESIGN §3), not only the first.
    const shown = unsupported
      .slice(0, LISTED_TENSORS)
      .map((e) => `${JSON.stringify(e.name)} (${e.dtypeName})`);
    if (unsupported.length > LISTED_TENSORS) shown.push(`and ${unsupported.length - LISTED_TENSORS} more`);
    const list = shown.join(', ');
    throw new NnportError(
      'UNSUPPORTED_DTYPE',
      `nnport cannot represent the dtype of ${list} yet; the reader option skipUnsupported leaves them out`,
      { at: { path: entryPath(unsupported[0].name, 'dtype') } },
    );
  }
  return { tensors, names: entries.map((e) => e.name), skipped, metadata };
}

/** The parsed header: its top-level object and keys in document order. */
interface Header {
  readonly value: Record<string, unknown>;
  readonly keys: readonly string[];
}

/** Reads and parses the header; only the first N_LEN + N bytes of the source are read. */
async function readHeader(source: ByteSource): Promise<{ header: Header; headerBytes: number }> {
  if (source.size < N_LEN) {
    throw new NnportError(
      'TRUNCATED',
      `file of ${source.size} bytes is shorter than the 8-byte header size`,
      {
        at: { byte: 0 },
      },
    );
  }
  const head = await source.read(0, N_LEN);
  const n = new DataView(head.buffer, head.byteOffset, N_LEN).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `header of ${n} bytes exceeds MAX_HEADER_BYTES ${MAX_HEADER_BYTES}`,
      {
        at: { byte: 0 },
      },
    );
  }
  // Safe: n ≤ MAX_HEADER_BYTES < 2^53. Compared by subtraction, which cannot overflow.
  const size = Number(n);
  if (size > source.size - N_LEN) {
    throw new NnportError(
      'TRUNCATED',
      `header of ${size} bytes announced at byte 0 passes the end of the ${source.size}-byte file`,
      { at: { byte: 0 } },
    );
  }
  const bytes = await source.read(N_LEN, size);
  // The format's own sanity check (tensor.rs InvalidHeaderStart) and what detection keys on.
  if (size === 0 || bytes[0] !== 0x7b) {
    throw new NnportError('BAD_MAGIC', 'the JSON header does not start with `{`', { at: { byte: N_LEN } });
  }
  // The reference decodes with `str::from_utf8` (InvalidHeader): invalid UTF-8 is an error, never U+FFFD.
  const text = decodeUtf8(bytes, N_LEN);
  // Duplicates and depth first, on the bounded text, then the real parse (which also accepts the
  // trailing space padding, as serde_json does).
  const { topKeys } = scanJson(text);
  const value = parseJson(text, N_LEN);
  if (!isJsonObject(value)) {
    throw new NnportError('INVALID_STRUCTURE', 'the header is not a JSON object', { at: { byte: N_LEN } });
  }
  return { header: { value, keys: topKeys }, headerBytes: size };
}

/**
 * JSON.parse with INVALID_STRUCTURE on failure, located at the byte V8 names (its messages say
 * "at position N", a UTF-16 index, converted here to a file offset).
 */
export function parseJson(text: string, base: number): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const byte = m === null ? base : base + encodeUtf8(text.slice(0, Number(m[1]))).byteLength;
    throw new NnportError('INVALID_STRUCTURE', `not valid JSON: ${msg}`, { at: { byte } });
  }
}

/** Validates one entry's fields (types and ranges; the layout is checked by the caller). */
function parseEntry(name: string, value: unknown): Entry {
  if (name.length > MAX_NAME_LENGTH) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `tensor name of ${name.length} characters exceeds MAX_NAME_LENGTH`,
      {
        at: { path: entryPath(name.slice(0, 64)) },
      },
    );
  }
  if (!isJsonObject(value)) {
    throw new NnportError('INVALID_STRUCTURE', 'a tensor entry must be an object', {
      at: { path: entryPath(name) },
    });
  }
  // Other fields are ignored, as serde ignores unknown fields of `TensorInfo`.
  const { dtype, shape, data_offsets: offsets } = value;
  if (typeof dtype !== 'string') {
    throw new NnportError('INVALID_STRUCTURE', 'dtype must be a string', {
      at: { path: entryPath(name, 'dtype') },
    });
  }
  if (!Array.isArray(shape)) {
    throw new NnportError('INVALID_STRUCTURE', 'shape must be an array', {
      at: { path: entryPath(name, 'shape') },
    });
  }
  for (let i = 0; i < shape.length; i++) {
    const d: unknown = shape[i];
    const at = (): { path: string } => ({ path: `${entryPath(name, 'shape')}[${i}]` });
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `dimension ${JSON.stringify(d)} is not a non-negative integer`,
        { at: at() },
      );
    }
    // JSON.parse gives doubles: beyond 2^53 a dimension is no longer exact (the reference allows up
    // to 2^64 - 1, but no such tensor has data nnport could address).
    if (!Number.isSafeInteger(d)) {
      throw new NnportError('LIMIT_EXCEEDED', `dimension ${d} is beyond 2^53`, { at: at() });
    }
  }
  const at = (): { path: string } => ({ path: entryPath(name, 'data_offsets') });
  if (!Array.isArray(offsets) || offsets.length !== 2) {
    throw new NnportError('INVALID_STRUCTURE', 'data_offsets must be [begin, end]', { at: at() });
  }
  const [begin, end] = offsets as unknown[];
  for (const o of [begin, end]) {
    if (typeof o !== 'number' || !Number.isInteger(o) || o < 0) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `offset ${JSON.stringify(o)} is not a non-negative integer`,
        { at: at() },
      );
    }
    // No file nnport can open is 2^53 bytes long, so such an offset points outside the file.
    if (!Number.isSafeInteger(o)) {
      throw new NnportError('INVALID_OFFSET', `offset ${o} is beyond any file`, { at: at() });
    }
  }
  return { name, dtypeName: dtype, shape: shape as number[], begin: begin as number, end: end as number };
}

/** `end - begin` must equal the bytes the shape and dtype need (tensor.rs TensorInvalidInfo). */
function checkSize(e: Entry, info: SafetensorsDtype): void {
  const at = (): { path: string } => ({ path: entryPath(e.name) });
  // elementCount checks rank (MAX_RANK) and the product (≤ 2^53) before each multiplication,
  // the reference's `checked_mul` fold (ValidationOverflow).
  let elements: number;
  try {
    elements = elementCount(e.shape);
  } catch (err) {
    if (err instanceof NnportError)
      throw new NnportError(err.code, err.detail, { at: { path: entryPath(e.name, 'shape') } });
    throw err;
  }
  const bytes = packedByteLength(elements, info.bits);
  if (bytes === 'overflow') {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `${info.name}[${e.shape.join(', ')}] needs more than 2^53 bytes`,
      { at: at() },
    );
  }
  if (bytes === 'misaligned') {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `${elements} ${info.name} values do not end on a byte boundary`,
      { at: at() },
    );
  }
  if (bytes !== e.end - e.begin) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `${info.name}[${e.shape.join(', ')}] needs ${bytes} bytes but data_offsets [${e.begin}, ${e.end}] hold ${e.end - e.begin}`,
      { at: at() },
    );
  }
}
