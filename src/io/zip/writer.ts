/**
 * Streaming, deterministic zip writing through a `ByteSink` (PKWARE APPNOTE.TXT 6.3.x).
 *
 * - Deterministic: every timestamp is 1980-01-01 00:00 (DOS date 0x0021, time 0), members appear
 *   in the order they are added, attributes are fixed (Unix 0644), and deflate input is re-chunked
 *   into fixed 64 KiB pushes so the compressed bytes never depend on how callers split the data.
 * - Streaming: a member's data goes to the sink as it comes; its CRC-32 and sizes follow in a data
 *   descriptor (§4.3.9, flag bit 3), the way Python's `zipfile` writes to unseekable streams and
 *   every reader that uses the central directory (zipfile, numpy, libzip, Go) accepts. Members
 *   whose bytes are already in memory (`addBytes`) get their sizes in the local header instead.
 * - Zip64 (§4.3.14, §4.5.3) where a size or offset reaches 4 GiB − 1 or there are 65535+ members,
 *   or everywhere with `zip64: 'always'`.
 */
import { Deflate, deflateSync } from 'fflate';
import { NnportError } from '../../core/errors.js';
import { MAX_ZIP_ENTRIES } from '../../core/limits.js';
import type { ByteSink } from '../byte-sink.js';
import { encodeUtf8 } from '../cursor.js';
import { BufferedWriter } from '../writer.js';
import { crc32 } from './crc32.js';
import {
  CENTRAL_HEADER_BYTES,
  EOCD_BYTES,
  EOCD64_BYTES,
  EOCD64_LOCATOR_BYTES,
  EXTRA_ZIP64,
  FLAG_DATA_DESCRIPTOR,
  FLAG_UTF8,
  LOCAL_HEADER_BYTES,
  METHOD_DEFLATED,
  METHOD_STORED,
  needsUtf8Flag,
  SIG_CENTRAL,
  SIG_DATA_DESCRIPTOR,
  SIG_EOCD,
  SIG_EOCD64,
  SIG_EOCD64_LOCATOR,
  SIG_LOCAL,
  U16_SENTINEL,
  U32_SENTINEL,
} from './records.js';

/** How members are compressed. */
export type ZipMethod = 'stored' | 'deflated';

/** A deflate level, as fflate and zlib number them. */
export type DeflateLevel = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9;

/** Options for a whole archive. */
export interface ZipWriterOptions {
  /** `'auto'` (default): zip64 records only where needed; `'always'`: on every member and at the end. */
  readonly zip64?: 'auto' | 'always';
  /** Deflate level 1–9 (default 6, zlib's default). */
  readonly level?: DeflateLevel;
}

/** Options for one member. */
export interface ZipMemberOptions {
  /** Stored (default) or deflated. */
  readonly method?: ZipMethod;
  /**
   * The member's size, when known before streaming it. It decides up front whether the local
   * header needs a zip64 field (§4.3.9.2); the actual size must match.
   */
  readonly size?: number;
  /**
   * Pads the local header's extra field so the member's data starts at a multiple of this many
   * bytes (1..32768). The padding is an extra field with header ID 0x4246 ('FB') filled with 'Z',
   * the way PyTorch's PyTorchStreamWriter aligns records to 64 bytes so they can be mmapped
   * (caffe2/serialize/inline_container.cc, getPadding); readers skip unknown extra fields (§4.5.1).
   */
  readonly align?: number;
}

/** Version needed to extract: 2.0 for deflate and folders (§4.4.3.2). */
const VERSION_DEFAULT = 20;
/** Version needed for zip64 (§4.4.3.2). */
const VERSION_ZIP64 = 45;
/** "Version made by" host byte 3: Unix, so the external attributes below mean file mode bits (§4.4.2). */
const MADE_BY_UNIX = 3 << 8;
/** External attributes: a regular file, mode 0644, in the high 16 bits (Unix convention, §4.4.15). */
const EXTERNAL_ATTRIBUTES = (0o100644 << 16) >>> 0;
/** DOS date of 1980-01-01: (year − 1980) << 9 | month << 5 | day (§4.4.6). */
const DOS_DATE_1980 = (1 << 5) | 1;
/** DOS time 00:00:00. */
const DOS_TIME_ZERO = 0;
/** Bytes of deflate input per push: fixed, so output does not depend on how callers chunk data. */
const DEFLATE_PUSH_BYTES = 1 << 16;
/**
 * Headroom when deciding from an uncompressed size whether deflated data could pass 4 GiB − 1:
 * deflate's stored-block fallback adds 5 bytes per 64 KiB block, so 1/1000 plus a little covers it.
 */
function mayReach4GiB(size: number): boolean {
  return size + Math.ceil(size / 1000) + 1024 >= U32_SENTINEL;
}

/** What the central directory needs to know about a finished member. */
interface Finished {
  readonly nameBytes: Uint8Array;
  readonly flags: number;
  readonly method: number;
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly offset: number;
}

/** A zip archive being written. Add members one at a time, then `close`. */
export class ZipWriter {
  readonly #out: BufferedWriter;
  readonly #always: boolean;
  readonly #level: DeflateLevel;
  readonly #entries: Finished[] = [];
  #open = false;
  #closed = false;

  constructor(sink: ByteSink, options: ZipWriterOptions = {}) {
    this.#out = new BufferedWriter(sink);
    this.#always = options.zip64 === 'always';
    this.#level = options.level ?? 6;
  }

  /** Bytes written so far (the offset of the next record). */
  get offset(): number {
    return this.#out.written + this.#out.pos;
  }

  /** Starts a streamed member; write its data with the returned writer, then `end` it. */
  async begin(name: string, options: ZipMemberOptions = {}): Promise<ZipMemberWriter> {
    const nameBytes = this.#startMember(name);
    const method = options.method === 'deflated' ? METHOD_DEFLATED : METHOD_STORED;
    const zip64 = this.#always || (options.size !== undefined && mayReach4GiB(options.size));
    const flags = FLAG_DATA_DESCRIPTOR | (needsUtf8Flag(name) ? FLAG_UTF8 : 0);
    const offset = this.offset;
    const pad = alignPadding(offset, nameBytes.length, zip64, options.align);
    // §4.3.9.1: with a data descriptor, CRC and sizes in the local header are zero; a zip64 local
    // header still carries the zip64 field (with zeros) so readers expect 8-byte descriptor sizes.
    await this.#out.bytes(localHeader(nameBytes, flags, method, 0, 0, 0, zip64, pad));
    this.#open = true;
    const member = new ZipMemberWriter(this.#out, method, this.#level, name, options.size, async (m) => {
      const big = zip64 || m.size >= U32_SENTINEL || m.compressedSize >= U32_SENTINEL;
      await this.#out.bytes(dataDescriptor(m.crc, m.compressedSize, m.size, big));
      this.#entries.push({ nameBytes, flags, method, offset, ...m });
      this.#open = false;
    });
    return member;
  }

  /** Adds a member whose bytes are all in memory: sizes and CRC go in the local header, no descriptor. */
  async addBytes(
    name: string,
    bytes: Uint8Array,
    options: { readonly method?: ZipMethod; readonly align?: number } = {},
  ): Promise<void> {
    const nameBytes = this.#startMember(name);
    const method = options.method === 'deflated' ? METHOD_DEFLATED : METHOD_STORED;
    const data = method === METHOD_DEFLATED ? deflateSync(bytes, { level: this.#level }) : bytes;
    const crc = crc32(bytes);
    const flags = needsUtf8Flag(name) ? FLAG_UTF8 : 0;
    const offset = this.offset;
    const zip64 = this.#always || bytes.length >= U32_SENTINEL || data.length >= U32_SENTINEL;
    const pad = alignPadding(offset, nameBytes.length, zip64, options.align);
    await this.#out.bytes(localHeader(nameBytes, flags, method, crc, data.length, bytes.length, zip64, pad));
    await this.#out.bytes(data);
    this.#entries.push({
      nameBytes,
      flags,
      method,
      crc,
      compressedSize: data.length,
      size: bytes.length,
      offset,
    });
  }

  /** Writes the central directory and end records, and closes the sink. */
  async close(): Promise<void> {
    if (this.#open) throw new Error('ZipWriter.close: a member is still open');
    if (this.#closed) return;
    this.#closed = true;
    const cdOffset = this.offset;
    for (const e of this.#entries) await this.#out.bytes(centralHeader(e, this.#always));
    const cdSize = this.offset - cdOffset;
    const count = this.#entries.length;
    const zip64 = this.#always || count >= U16_SENTINEL || cdSize >= U32_SENTINEL || cdOffset >= U32_SENTINEL;
    if (zip64) {
      const recordOffset = this.offset;
      await this.#out.bytes(eocd64(count, cdSize, cdOffset));
      await this.#out.bytes(eocd64Locator(recordOffset));
    }
    await this.#out.bytes(eocd(count, cdSize, cdOffset));
    await this.#out.close();
  }

  /** Checks the writer state and the name; returns the name's UTF-8 bytes. */
  #startMember(name: string): Uint8Array {
    if (this.#open) throw new Error('ZipWriter: the previous member was not ended');
    if (this.#closed) throw new Error('ZipWriter: already closed');
    if (this.#entries.length >= MAX_ZIP_ENTRIES) {
      throw new NnportError('LIMIT_EXCEEDED', `more than MAX_ZIP_ENTRIES ${MAX_ZIP_ENTRIES} members`);
    }
    const nameBytes = encodeUtf8(name);
    if (nameBytes.length > U16_SENTINEL) {
      throw new NnportError('UNREPRESENTABLE', `zip member name of ${nameBytes.length} bytes exceeds 65535`, {
        at: { path: name.slice(0, 64) },
      });
    }
    return nameBytes;
  }
}

/** Sizes and CRC of a finished member. */
interface MemberTotals {
  readonly crc: number;
  readonly compressedSize: number;
  readonly size: number;
}

/** Streams one member's data. */
export class ZipMemberWriter {
  readonly #out: BufferedWriter;
  readonly #name: string;
  readonly #declared: number | undefined;
  readonly #finish: (m: MemberTotals) => Promise<void>;
  readonly #deflate: Deflate | undefined;
  /** Deflate output waiting to go to the sink (fflate hands it over synchronously). */
  #pending: Uint8Array[] = [];
  /** Deflate input staged into fixed-size pushes. */
  #stage: Uint8Array;
  #staged = 0;
  #crc = 0;
  #size = 0;
  #compressedSize = 0;
  #ended = false;

  /** Made by `ZipWriter.begin`. */
  constructor(
    out: BufferedWriter,
    method: number,
    level: DeflateLevel,
    name: string,
    declared: number | undefined,
    finish: (m: MemberTotals) => Promise<void>,
  ) {
    this.#out = out;
    this.#name = name;
    this.#declared = declared;
    this.#finish = finish;
    this.#stage = method === METHOD_DEFLATED ? new Uint8Array(DEFLATE_PUSH_BYTES) : new Uint8Array(0);
    this.#deflate =
      method === METHOD_DEFLATED
        ? new Deflate({ level }, (chunk: Uint8Array) => {
            this.#pending.push(chunk);
          })
        : undefined;
  }

  /** Appends data. The chunk is not kept after the returned promise settles. */
  async write(chunk: Uint8Array): Promise<void> {
    if (this.#ended) throw new Error('ZipMemberWriter.write after end');
    this.#crc = crc32(chunk, this.#crc);
    this.#size += chunk.length;
    if (this.#deflate === undefined) {
      this.#compressedSize += chunk.length;
      await this.#out.bytes(chunk);
      return;
    }
    let pos = 0;
    while (pos < chunk.length) {
      const n = Math.min(chunk.length - pos, DEFLATE_PUSH_BYTES - this.#staged);
      this.#stage.set(chunk.subarray(pos, pos + n), this.#staged);
      this.#staged += n;
      pos += n;
      if (this.#staged === DEFLATE_PUSH_BYTES) {
        this.#deflate.push(this.#stage, false);
        this.#staged = 0;
        await this.#drain();
      }
    }
  }

  /** Finishes the member: flushes deflate, writes the data descriptor. */
  async end(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#deflate !== undefined) {
      this.#deflate.push(this.#stage.subarray(0, this.#staged), true);
      this.#stage = new Uint8Array(0);
      await this.#drain();
    }
    if (this.#declared !== undefined && this.#declared !== this.#size) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `zip member '${this.#name}' was declared as ${this.#declared} bytes but ${this.#size} were written`,
      );
    }
    await this.#finish({ crc: this.#crc, compressedSize: this.#compressedSize, size: this.#size });
  }

  async #drain(): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    for (const c of pending) {
      this.#compressedSize += c.length;
      await this.#out.bytes(c);
    }
  }
}

/** Header ID of PyTorch's alignment padding extra field: the bytes 'F', 'B' read as a little-endian u16. */
const EXTRA_PADDING = 0x4246;
/** Bytes of an extra field's own header (ID and length, §4.5.1). */
const EXTRA_HEADER_BYTES = 4;
/** Largest alignment `align` accepts: the padding must fit the u16 extra field length. */
const MAX_ALIGN = 32768;

/**
 * Padding bytes (after the 4-byte 'FB' field header) that make a member's data start at a
 * multiple of `align`, or -1 for no padding field. The data starts after the 30-byte local
 * header, the name, the zip64 field when present and the padding field.
 */
function alignPadding(offset: number, nameLength: number, zip64: boolean, align: number | undefined): number {
  if (align === undefined) return -1;
  if (!Number.isInteger(align) || align < 1 || align > MAX_ALIGN) {
    throw new Error(`ZipWriter: align must be an integer from 1 to ${MAX_ALIGN}`);
  }
  const start = offset + LOCAL_HEADER_BYTES + nameLength + (zip64 ? 20 : 0) + EXTRA_HEADER_BYTES;
  return (align - (start % align)) % align;
}

/**
 * A local file header (§4.3.7), with a zip64 extra field (§4.5.3) when `zip64` and an 'FB'
 * padding field of `pad` bytes when `pad >= 0`.
 */
function localHeader(
  name: Uint8Array,
  flags: number,
  method: number,
  crc: number,
  compressedSize: number,
  size: number,
  zip64: boolean,
  pad = -1,
): Uint8Array {
  const zip64Length = zip64 ? 20 : 0;
  const extraLength = zip64Length + (pad >= 0 ? EXTRA_HEADER_BYTES + pad : 0);
  const b = new Uint8Array(LOCAL_HEADER_BYTES + name.length + extraLength);
  const v = new DataView(b.buffer);
  v.setUint32(0, SIG_LOCAL, true);
  v.setUint16(4, zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, true);
  v.setUint16(6, flags, true);
  v.setUint16(8, method, true);
  v.setUint16(10, DOS_TIME_ZERO, true);
  v.setUint16(12, DOS_DATE_1980, true);
  v.setUint32(14, crc, true);
  v.setUint32(18, zip64 ? U32_SENTINEL : compressedSize, true);
  v.setUint32(22, zip64 ? U32_SENTINEL : size, true);
  v.setUint16(26, name.length, true);
  v.setUint16(28, extraLength, true);
  b.set(name, LOCAL_HEADER_BYTES);
  if (zip64) {
    // §4.5.3: in a local header the zip64 field holds both sizes, uncompressed first.
    const x = LOCAL_HEADER_BYTES + name.length;
    v.setUint16(x, EXTRA_ZIP64, true);
    v.setUint16(x + 2, 16, true);
    v.setBigUint64(x + 4, BigInt(size), true);
    v.setBigUint64(x + 12, BigInt(compressedSize), true);
  }
  if (pad >= 0) {
    const x = LOCAL_HEADER_BYTES + name.length + zip64Length;
    v.setUint16(x, EXTRA_PADDING, true);
    v.setUint16(x + 2, pad, true);
    b.fill(0x5a, x + EXTRA_HEADER_BYTES); // 'Z', as PyTorch fills it
  }
  return b;
}

/** A data descriptor with its signature (§4.3.9); sizes are 8 bytes each for zip64 members. */
function dataDescriptor(crc: number, compressedSize: number, size: number, zip64: boolean): Uint8Array {
  const b = new Uint8Array(zip64 ? 24 : 16);
  const v = new DataView(b.buffer);
  v.setUint32(0, SIG_DATA_DESCRIPTOR, true);
  v.setUint32(4, crc, true);
  if (zip64) {
    v.setBigUint64(8, BigInt(compressedSize), true);
    v.setBigUint64(16, BigInt(size), true);
  } else {
    v.setUint32(8, compressedSize, true);
    v.setUint32(12, size, true);
  }
  return b;
}

/**
 * A central directory header (§4.3.12). Sizes and offset that reach 0xFFFFFFFF (or all of them
 * with `always`) are written as the sentinel, with their values in a zip64 extra field in the
 * order §4.5.3 fixes: size, compressed size, local header offset.
 */
function centralHeader(e: Finished, always: boolean): Uint8Array {
  const bigSize = always || e.size >= U32_SENTINEL;
  const bigCompressed = always || e.compressedSize >= U32_SENTINEL;
  const bigOffset = always || e.offset >= U32_SENTINEL;
  const zip64Values = (bigSize ? 1 : 0) + (bigCompressed ? 1 : 0) + (bigOffset ? 1 : 0);
  const extraLength = zip64Values === 0 ? 0 : 4 + 8 * zip64Values;
  const b = new Uint8Array(CENTRAL_HEADER_BYTES + e.nameBytes.length + extraLength);
  const v = new DataView(b.buffer);
  const version = zip64Values > 0 ? VERSION_ZIP64 : VERSION_DEFAULT;
  v.setUint32(0, SIG_CENTRAL, true);
  v.setUint16(4, MADE_BY_UNIX | version, true);
  v.setUint16(6, version, true);
  v.setUint16(8, e.flags, true);
  v.setUint16(10, e.method, true);
  v.setUint16(12, DOS_TIME_ZERO, true);
  v.setUint16(14, DOS_DATE_1980, true);
  v.setUint32(16, e.crc, true);
  v.setUint32(20, bigCompressed ? U32_SENTINEL : e.compressedSize, true);
  v.setUint32(24, bigSize ? U32_SENTINEL : e.size, true);
  v.setUint16(28, e.nameBytes.length, true);
  v.setUint16(30, extraLength, true);
  // comment length, disk number start and internal attributes (32..37) stay zero
  v.setUint32(38, EXTERNAL_ATTRIBUTES, true);
  v.setUint32(42, bigOffset ? U32_SENTINEL : e.offset, true);
  b.set(e.nameBytes, CENTRAL_HEADER_BYTES);
  if (extraLength > 0) {
    let x = CENTRAL_HEADER_BYTES + e.nameBytes.length;
    v.setUint16(x, EXTRA_ZIP64, true);
    v.setUint16(x + 2, extraLength - 4, true);
    x += 4;
    for (const [big, value] of [
      [bigSize, e.size],
      [bigCompressed, e.compressedSize],
      [bigOffset, e.offset],
    ] as const) {
      if (!big) continue;
      v.setBigUint64(x, BigInt(value), true);
      x += 8;
    }
  }
  return b;
}

/** The zip64 end of central directory record (§4.3.14), version 1 (no extensible data). */
function eocd64(count: number, cdSize: number, cdOffset: number): Uint8Array {
  const b = new Uint8Array(EOCD64_BYTES);
  const v = new DataView(b.buffer);
  v.setUint32(0, SIG_EOCD64, true);
  v.setBigUint64(4, BigInt(EOCD64_BYTES - 12), true); // size of the rest of the record
  v.setUint16(12, MADE_BY_UNIX | VERSION_ZIP64, true);
  v.setUint16(14, VERSION_ZIP64, true);
  // disk numbers (16..23) stay zero
  v.setBigUint64(24, BigInt(count), true);
  v.setBigUint64(32, BigInt(count), true);
  v.setBigUint64(40, BigInt(cdSize), true);
  v.setBigUint64(48, BigInt(cdOffset), true);
  return b;
}

/** The zip64 end of central directory locator (§4.3.15). */
function eocd64Locator(recordOffset: number): Uint8Array {
  const b = new Uint8Array(EOCD64_LOCATOR_BYTES);
  const v = new DataView(b.buffer);
  v.setUint32(0, SIG_EOCD64_LOCATOR, true);
  v.setBigUint64(8, BigInt(recordOffset), true);
  v.setUint32(16, 1, true); // total number of disks
  return b;
}

/** The end of central directory record (§4.3.16); fields too small hold the sentinel. */
function eocd(count: number, cdSize: number, cdOffset: number): Uint8Array {
  const b = new Uint8Array(EOCD_BYTES);
  const v = new DataView(b.buffer);
  v.setUint32(0, SIG_EOCD, true);
  const n = Math.min(count, U16_SENTINEL);
  v.setUint16(8, n, true);
  v.setUint16(10, n, true);
  v.setUint32(12, Math.min(cdSize, U32_SENTINEL), true);
  v.setUint32(16, Math.min(cdOffset, U32_SENTINEL), true);
  return b;
}
