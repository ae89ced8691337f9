/**
 * joblib's compressed files (joblib/compressor.py, joblib/numpy_pickle_utils.py
 * `_detect_compressor`): the whole pickle stream, array data included, through one compressor,
 * recognised by its first bytes. nnport inflates zlib (joblib's default, `compress=3`), gzip and
 * the legacy `ZF` z-files of joblib ≤ 0.9; bz2, lzma, xz and lz4 are named and refused. Inflating
 * is bounded by MAX_INFLATED_BYTES (a few KB of deflate can claim gigabytes) and the stream's own
 * checksum is verified (fflate does not).
 */
import { Gunzip, Unzlib } from 'fflate';
import { isNnportError, NnportError } from '../../core/errors.js';
import { MAX_INFLATED_BYTES } from '../../core/limits.js';
import { concatBytes } from '../../io/byte-sink.js';
import { crc32 } from '../../io/zip/crc32.js';

/** How a pickle file is compressed. */
export type Compression = 'zlib' | 'gzip' | 'zfile';

/** Compressors joblib can write that nnport does not inflate, by their magic bytes. */
const REFUSED: readonly (readonly [name: string, prefix: readonly number[]])[] = [
  ['bz2', [0x42, 0x5a, 0x68]], // 'BZh'
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a]],
  ['lzma', [0x5d, 0x00]], // lzma "alone" format: properties byte 0x5d, dictionary size
  ['lz4', [0x04, 0x22, 0x4d, 0x18]], // lz4 frame magic
];

/** The `ZF` prefix of joblib ≤ 0.9 z-files, then the inflated length as `0x…` hex padded to 19 characters. */
const ZFILE_HEADER_BYTES = 2 + 19;

/** Compressed bytes fed to the inflater per step, so a bomb is stopped soon after the limit. */
const COMPRESSED_STEP = 1 << 16;

function startsWith(head: Uint8Array, prefix: readonly number[]): boolean {
  return head.length >= prefix.length && prefix.every((b, i) => head[i] === b);
}

/**
 * True for a zlib header joblib writes (RFC 1950 §2.2): CMF 0x78 (deflate, 32 KiB window), an FLG
 * whose check bits make `CMF·256 + FLG` a multiple of 31, and no preset dictionary.
 */
export function isZlibHeader(head: Uint8Array): boolean {
  if (head.length < 2 || head[0] !== 0x78) return false;
  const flg = head[1] as number;
  return (0x78 * 256 + flg) % 31 === 0 && (flg & 0x20) === 0;
}

/** The compression `head` starts with: one nnport inflates, `{ refused }` for one it names, or undefined. */
export function compressionOf(head: Uint8Array): Compression | { readonly refused: string } | undefined {
  if (isZlibHeader(head)) return 'zlib';
  if (startsWith(head, [0x1f, 0x8b])) return 'gzip';
  if (startsWith(head, [0x5a, 0x46]) && head.length >= 4 && head[2] === 0x30 && head[3] === 0x78)
    return 'zfile'; // 'ZF0x'
  for (const [name, prefix] of REFUSED) if (startsWith(head, prefix)) return { refused: name };
  return undefined;
}

/** Compressed bytes detection inflates at most (≤ ~0.5 MB of output at deflate's ~1032:1 ratio). */
const DETECT_COMPRESSED_BYTES = 512;

/**
 * The first inflated bytes of a zlib, gzip or z-file head, for detection: never throws, undefined
 * when the head does not inflate. Only DETECT_COMPRESSED_BYTES of input are used.
 */
export function inflatedPrefix(head: Uint8Array, kind: Compression): Uint8Array | undefined {
  let input = head;
  if (kind === 'zfile') {
    input = head.subarray(head[ZFILE_HEADER_BYTES] === 0x20 ? ZFILE_HEADER_BYTES + 1 : ZFILE_HEADER_BYTES);
  }
  const pieces: Uint8Array[] = [];
  try {
    const stream = kind === 'gzip' ? new Gunzip((c) => pieces.push(c)) : new Unzlib((c) => pieces.push(c));
    stream.push(input.subarray(0, DETECT_COMPRESSED_BYTES), false);
  } catch {
    // Corrupt or not compressed after all; whatever inflated before the error still counts.
  }
  return pieces.length === 0 ? undefined : concatBytes(pieces);
}

/** The pickle stream of a file: the file itself, or what its compressor inflates to. */
export interface PickleStream {
  /** The pickle bytes (the file's own bytes when not compressed). */
  readonly bytes: Uint8Array;
  /** The compression, when there was one. */
  readonly compression: Compression | undefined;
}

/**
 * Inflates a compressed joblib file, or returns the bytes as they are. Throws UNSUPPORTED_VERSION
 * for a compressor nnport does not inflate, LIMIT_EXCEEDED past MAX_INFLATED_BYTES and
 * INVALID_STRUCTURE for corrupt compressed data.
 */
export function openPickleStream(bytes: Uint8Array): PickleStream {
  const c = compressionOf(bytes.subarray(0, 8));
  if (c === undefined) return { bytes, compression: undefined };
  if (typeof c === 'object') {
    throw new NnportError(
      'UNSUPPORTED_VERSION',
      `joblib file compressed with ${c.refused}, which nnport does not decompress (re-save it with joblib.dump(..., compress=('zlib', 3)) or uncompressed)`,
      { at: { byte: 0 } },
    );
  }
  if (c === 'zfile') return { bytes: inflateZfile(bytes), compression: c };
  return { bytes: inflate(c, bytes, MAX_INFLATED_BYTES, 0), compression: c };
}

/**
 * A joblib ≤ 0.9 z-file (numpy_pickle_compat.py `read_zfile`): `ZF`, the inflated length as
 * Python's `hex()` left-justified to 19 characters, on Python 2 sometimes one more space, then a
 * zlib stream of exactly that length. Used for the main pickle and for `ZNDArrayWrapper` arrays.
 */
export function inflateZfile(bytes: Uint8Array, base = 0): Uint8Array {
  let text = '';
  for (let i = 2; i < Math.min(bytes.length, ZFILE_HEADER_BYTES); i++)
    text += String.fromCharCode(bytes[i] as number);
  const m = /^0x([0-9a-fA-F]{1,16})L? *$/.exec(text);
  if (bytes.length < ZFILE_HEADER_BYTES || m === null) {
    throw new NnportError('INVALID_STRUCTURE', 'joblib z-file header is not "ZF" and a hex length', {
      at: { byte: base },
    });
  }
  const length = Number.parseInt(m[1] as string, 16);
  if (!Number.isSafeInteger(length) || length > MAX_INFLATED_BYTES) {
    throw new NnportError('LIMIT_EXCEEDED', `joblib z-file declares ${m[1]} bytes, over MAX_INFLATED_BYTES`, {
      at: { byte: base + 2 },
    });
  }
  // RFC 6713 §2.1: a zlib stream never starts with a space, so one here is the Python 2 padding.
  const start = bytes[ZFILE_HEADER_BYTES] === 0x20 ? ZFILE_HEADER_BYTES + 1 : ZFILE_HEADER_BYTES;
  const out = inflate('zlib', bytes.subarray(start), length, base + start);
  if (out.length !== length) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `joblib z-file inflates to ${out.length} bytes, not the declared ${length}`,
      {
        at: { byte: base + start },
      },
    );
  }
  return out;
}

/** Inflates a whole zlib or gzip stream, at most `limit` bytes, checking its checksum. */
function inflate(kind: 'zlib' | 'gzip', data: Uint8Array, limit: number, at: number): Uint8Array {
  const pieces: Uint8Array[] = [];
  let produced = 0;
  let members = 1;
  const onData = (chunk: Uint8Array) => {
    if (chunk.length > limit - produced) {
      throw new NnportError(
        'LIMIT_EXCEEDED',
        `${kind} data inflates to more than ${limit} bytes (MAX_INFLATED_BYTES)`,
        {
          at: { byte: at },
        },
      );
    }
    pieces.push(chunk);
    produced += chunk.length;
  };
  const stream = kind === 'zlib' ? new Unzlib(onData) : new Gunzip(onData);
  if (stream instanceof Gunzip) stream.onmember = () => members++;
  try {
    if (data.length === 0) stream.push(data, true);
    for (let done = 0; done < data.length; ) {
      const n = Math.min(COMPRESSED_STEP, data.length - done);
      stream.push(data.subarray(done, done + n), done + n === data.length);
      done += n;
    }
  } catch (e) {
    if (isNnportError(e)) throw e;
    throw new NnportError(
      'INVALID_STRUCTURE',
      `corrupt ${kind} data (${e instanceof Error ? e.message : String(e)})`,
      {
        at: { byte: at },
      },
    );
  }
  const out = concatBytes(pieces);
  checkTrailer(kind, data, out, members, at);
  return out;
}

/** RFC 1950 §2.2 ADLER32 (zlib) or RFC 1952 §2.3.1 CRC32 and ISIZE (gzip, one member) after the data. */
function checkTrailer(
  kind: 'zlib' | 'gzip',
  data: Uint8Array,
  out: Uint8Array,
  members: number,
  at: number,
): void {
  const fail = (what: string) => {
    throw new NnportError('INVALID_STRUCTURE', `${kind} ${what} does not match the inflated data`, {
      at: { byte: at + data.length - 4 },
    });
  };
  const v = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (data.length < 8) fail('trailer');
  if (kind === 'zlib') {
    if (v.getUint32(data.length - 4, false) !== adler32(out)) fail('ADLER-32 checksum');
    return;
  }
  if (members !== 1) return; // concatenated members each carry their own trailer; fflate read them all
  if (v.getUint32(data.length - 4, true) !== out.length % 2 ** 32) fail('ISIZE');
  if (v.getUint32(data.length - 8, true) !== crc32(out)) fail('CRC-32');
}

/** Adler-32 (RFC 1950 §8.2), summing in runs of 5552 bytes so the sums never pass 2^53. */
export function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (let i = 0; i < bytes.length; ) {
    const end = Math.min(bytes.length, i + 5552);
    for (; i < end; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= 65521;
    b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}
