/**
 * A deflated zip member as a `ByteSource` of its inflated bytes. Inflating is lazy: small reads at
 * the start (an npy header) inflate only a prefix; any other read inflates the whole member once,
 * checks its size and CRC-32 against the central directory, and keeps it for later reads.
 */
import { Inflate } from 'fflate';
import { isNnportError, NnportError } from '../../core/errors.js';
import { MAX_INFLATED_BYTES } from '../../core/limits.js';
import { concatBytes } from '../byte-sink.js';
import { type ByteSource, checkRange } from '../byte-source.js';
import { crc32 } from './crc32.js';

/**
 * Reads ending within this many bytes are served by inflating a prefix only, so that listing an
 * npz's tensors (npy headers are at most a few KiB for every dtype nnport reads) does not inflate
 * every member whole.
 */
export const PREFIX_INFLATE_BYTES = 1 << 16;

/**
 * Compressed bytes fed to the inflater per step. Deflate expands at most ~1032:1, so one step
 * produces at most ~64 MiB before the size check sees it, however hostile the stream.
 */
const COMPRESSED_STEP_FULL = 1 << 16;
/** Smaller steps for prefix inflation, which usually needs only the first few KiB of output. */
const COMPRESSED_STEP_PREFIX = 1 << 12;

/** Where a deflated member's bytes are and what the central directory says about them. */
export interface DeflatedMember {
  /** The zip file. */
  readonly parent: ByteSource;
  /** Offset of the compressed bytes in `parent`. */
  readonly dataOffset: number;
  /** Compressed size from the central directory. */
  readonly compressedSize: number;
  /** Declared inflated size (at most MAX_INFLATED_BYTES, checked by the caller). */
  readonly size: number;
  /** Declared CRC-32 of the inflated bytes. */
  readonly crc32: number;
  /** A name for messages: `zip/member`. */
  readonly name: string;
}

/** The inflated bytes of one deflated member. */
export class InflatedSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly #member: DeflatedMember;
  #prefix: Uint8Array = new Uint8Array(0);
  #whole: Promise<Uint8Array> | undefined;

  constructor(member: DeflatedMember) {
    if (member.size > MAX_INFLATED_BYTES) {
      throw new NnportError(
        'LIMIT_EXCEEDED',
        `member '${member.name}' declares ${member.size} inflated bytes, over MAX_INFLATED_BYTES ${MAX_INFLATED_BYTES}`,
        { at: { byte: member.dataOffset } },
      );
    }
    this.#member = member;
    this.name = member.name;
    this.size = member.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    const end = offset + length;
    if (this.#whole === undefined) {
      if (end <= this.#prefix.length) return this.#prefix.subarray(offset, end);
      if (end <= PREFIX_INFLATE_BYTES) {
        const { bytes, checked } = await inflateMember(this.#member, end);
        this.#prefix = bytes;
        if (checked) this.#whole = Promise.resolve(bytes);
        return bytes.subarray(offset, end);
      }
      this.#whole = inflateMember(this.#member, undefined).then((r) => r.bytes);
      this.#prefix = new Uint8Array(0);
    }
    const all = await this.#whole;
    return all.subarray(offset, end);
  }
}

/**
 * Inflates a member. With `stopAfter`, returns once at least that many bytes are out (no CRC
 * check while the stream is unfinished; a member that ends within the prefix is checked like a
 * whole one). Without it, inflates everything into one array of the declared size and checks
 * size and CRC-32. The output never exceeds the declared size: the
 * first byte past it is an error, so a zip bomb stops at the size its header admits.
 */
async function inflateMember(
  m: DeflatedMember,
  stopAfter: number | undefined,
): Promise<{ bytes: Uint8Array; checked: boolean }> {
  const fail = (why: string): NnportError =>
    new NnportError('INVALID_STRUCTURE', `member '${m.name}': ${why}`, { at: { byte: m.dataOffset } });
  const whole = stopAfter === undefined ? new Uint8Array(m.size) : undefined;
  const pieces: Uint8Array[] = [];
  let produced = 0;
  const inflater = new Inflate((chunk: Uint8Array) => {
    if (chunk.length > m.size - produced) {
      throw fail(`inflates to more than its declared size ${m.size}`);
    }
    if (whole !== undefined) whole.set(chunk, produced);
    else pieces.push(chunk);
    produced += chunk.length;
  });
  if (m.compressedSize === 0) {
    // Some writers store an empty member as zero compressed bytes with method 8.
    if (m.size !== 0) throw fail(`no compressed data for ${m.size} declared bytes`);
    return { bytes: new Uint8Array(0), checked: true };
  }
  const step = stopAfter === undefined ? COMPRESSED_STEP_FULL : COMPRESSED_STEP_PREFIX;
  for (let done = 0; done < m.compressedSize; ) {
    const n = Math.min(step, m.compressedSize - done);
    const chunk = await m.parent.read(m.dataOffset + done, n);
    done += n;
    try {
      inflater.push(chunk, done === m.compressedSize);
    } catch (e) {
      if (isNnportError(e)) throw e;
      throw fail(`invalid deflate data (${e instanceof Error ? e.message : String(e)})`);
    }
    if (stopAfter !== undefined && produced >= stopAfter && done < m.compressedSize) {
      return { bytes: concatBytes(pieces), checked: false };
    }
  }
  if (produced !== m.size) {
    throw fail(`inflates to ${produced} bytes but declares ${m.size}`);
  }
  // The whole stream went through (also when only a prefix was asked for: small members): check it.
  const all = whole ?? concatBytes(pieces);
  const actual = crc32(all);
  if (actual !== m.crc32) {
    throw fail(`CRC-32 ${hex32(actual)} does not match the declared ${hex32(m.crc32)}`);
  }
  return { bytes: all, checked: true };
}

/** `0x` and eight hex digits, as zip tools print CRCs. */
export function hex32(v: number): string {
  return `0x${v.toString(16).padStart(8, '0')}`;
}
