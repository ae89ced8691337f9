/**
 * Zip reading over a `ByteSource` (PKWARE APPNOTE.TXT 6.3.x), for npz, PyTorch and Keras files.
 * Only the end of the file and the central directory are read up front; members open lazily as
 * byte sources of their own: stored members as zero-copy windows, deflated ones inflated on
 * demand. Zip64 (§4.3.14, §4.3.15, §4.5.3) is supported; multi-disk archives and encryption are not.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_ZIP_ENTRIES } from '../../core/limits.js';
import { type ByteSource, SubSource } from '../byte-source.js';
import { Cursor } from '../cursor.js';
import { readAhead } from '../reader.js';
import { crc32 } from './crc32.js';
import { hex32, InflatedSource } from './inflate-source.js';
import {
  CENTRAL_HEADER_BYTES,
  checkEntryPath,
  decodeEntryName,
  EOCD_BYTES,
  EOCD64_BYTES,
  EOCD64_LOCATOR_BYTES,
  EXTRA_ZIP64,
  FLAG_ENCRYPTED,
  FLAG_UTF8,
  LOCAL_HEADER_BYTES,
  MAX_COMMENT_BYTES,
  METHOD_DEFLATED,
  METHOD_NAMES,
  METHOD_STORED,
  SIG_CENTRAL,
  SIG_EOCD,
  SIG_EOCD64,
  SIG_EOCD64_LOCATOR,
  SIG_LOCAL,
  U16_SENTINEL,
  U32_SENTINEL,
} from './records.js';

/** One member as the central directory describes it (APPNOTE §4.3.12). */
export interface ZipEntry {
  /** The member path, decoded (UTF-8 with flag bit 11, code page 437 otherwise). */
  readonly name: string;
  /** Compression method (0 stored, 8 deflated; others are listed but cannot be opened). */
  readonly method: number;
  /** General purpose bit flags (§4.4.4). */
  readonly flags: number;
  /** Bytes of (compressed) data in the file. */
  readonly compressedSize: number;
  /** Bytes once inflated. */
  readonly size: number;
  /** CRC-32 of the inflated bytes. */
  readonly crc32: number;
  /** Offset of the member's local file header. */
  readonly localHeaderOffset: number;
  /** Offset of the member's central directory record, for messages. */
  readonly centralOffset: number;
  /** True for folder entries (names ending in `/`). */
  readonly isDirectory: boolean;
}

/** How to open a member. */
export interface OpenEntryOptions {
  /**
   * The member is about to become a file on disk: refuse absolute paths and `..` segments with
   * UNSAFE_PATH (DESIGN §5). Reading a member's bytes without extracting it needs no such check.
   */
  readonly extract?: boolean;
}

/** Where the central directory is, from the end records. */
interface Directory {
  readonly entries: number;
  readonly offset: number;
  readonly size: number;
  /** The first byte after the directory's allowed span (the zip64 record or the EOCD). */
  readonly limit: number;
  readonly zip64: boolean;
}

/** An open zip archive: its entries, and members opened on demand. */
export class ZipArchive {
  /** The zip file. */
  readonly source: ByteSource;
  /** Every member, in central directory order. */
  readonly entries: readonly ZipEntry[];
  /** True when the archive has a zip64 end record. */
  readonly zip64: boolean;

  private constructor(source: ByteSource, entries: readonly ZipEntry[], zip64: boolean) {
    this.source = source;
    this.entries = entries;
    this.zip64 = zip64;
  }

  /**
   * Reads the end records and the central directory. Throws BAD_MAGIC when there is no end of
   * central directory record, INVALID_OFFSET when the directory lies outside the file,
   * LIMIT_EXCEEDED past MAX_ZIP_ENTRIES, UNSUPPORTED_VERSION for multi-disk archives.
   */
  static async open(source: ByteSource): Promise<ZipArchive> {
    const dir = await findDirectory(source);
    const entries = await readCentralDirectory(source, dir);
    return new ZipArchive(source, entries, dir.zip64);
  }

  /** The last entry with this exact name (the one Python's `zipfile` would open), if any. */
  find(name: string): ZipEntry | undefined {
    for (let i = this.entries.length - 1; i >= 0; i--)
      if (this.entries[i].name === name) return this.entries[i];
    return undefined;
  }

  /**
   * Opens a member's (inflated) bytes. Stored: a zero-copy window of the zip. Deflated: inflated
   * lazily, checked against the declared size and CRC-32 (INVALID_STRUCTURE on a mismatch).
   * Other methods: UNSUPPORTED_VERSION naming the method. Stored members' CRCs are not checked
   * here (that would read them whole); `verify` does.
   */
  async open(entry: ZipEntry, options: OpenEntryOptions = {}): Promise<ByteSource> {
    if (options.extract === true) checkEntryPath(entry.name);
    const at = { byte: entry.centralOffset };
    if (entry.flags & FLAG_ENCRYPTED) {
      throw new NnportError('UNSUPPORTED_VERSION', `member '${entry.name}' is encrypted`, { at });
    }
    if (entry.method !== METHOD_STORED && entry.method !== METHOD_DEFLATED) {
      const known = METHOD_NAMES[entry.method];
      throw new NnportError(
        'UNSUPPORTED_VERSION',
        `member '${entry.name}' uses compression method ${entry.method}${known === undefined ? '' : ` (${known})`}; only stored (0) and deflate (8) are read`,
        { at },
      );
    }
    const dataOffset = await this.#dataOffset(entry);
    const name = `${this.source.name}/${entry.name}`;
    if (entry.method === METHOD_STORED) {
      if (entry.compressedSize !== entry.size) {
        throw new NnportError(
          'INVALID_STRUCTURE',
          `stored member '${entry.name}' has compressed size ${entry.compressedSize} but size ${entry.size}`,
          { at },
        );
      }
      return new SubSource(this.source, dataOffset, entry.size, name);
    }
    return new InflatedSource({
      parent: this.source,
      dataOffset,
      compressedSize: entry.compressedSize,
      size: entry.size,
      crc32: entry.crc32,
      name,
    });
  }

  /** Reads a member through and checks its size and CRC-32 (INVALID_STRUCTURE on a mismatch). */
  async verify(entry: ZipEntry): Promise<void> {
    const member = await this.open(entry);
    let crc = 0;
    for await (const chunk of readAhead(member, 0, member.size, 1 << 20)) crc = crc32(chunk, crc);
    if (crc !== entry.crc32) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `member '${entry.name}': CRC-32 ${hex32(crc)} does not match the declared ${hex32(entry.crc32)}`,
        { at: { byte: entry.localHeaderOffset } },
      );
    }
  }

  /**
   * Parses the local header (§4.3.7) for its own name and extra lengths, which may differ from
   * the central directory's, and returns where the member's data starts.
   */
  async #dataOffset(entry: ZipEntry): Promise<number> {
    const size = this.source.size;
    const local = entry.localHeaderOffset;
    if (local > size - LOCAL_HEADER_BYTES) {
      throw new NnportError(
        'INVALID_OFFSET',
        `member '${entry.name}' has its local header at ${local}, beyond the file's ${size} bytes`,
        { at: { byte: entry.centralOffset } },
      );
    }
    const c = new Cursor(await this.source.read(local, LOCAL_HEADER_BYTES), local);
    if (c.u32() !== SIG_LOCAL) {
      throw new NnportError('INVALID_STRUCTURE', `no local file header for member '${entry.name}'`, {
        at: { byte: local },
      });
    }
    c.pos = 26;
    const nameLength = c.u16();
    const extraLength = c.u16();
    const dataOffset = local + LOCAL_HEADER_BYTES + nameLength + extraLength;
    if (dataOffset > size || entry.compressedSize > size - dataOffset) {
      throw new NnportError(
        'INVALID_OFFSET',
        `member '${entry.name}' has ${entry.compressedSize} bytes of data at ${dataOffset}, beyond the file's ${size} bytes`,
        { at: { byte: local } },
      );
    }
    return dataOffset;
  }
}

/** Opens a zip archive (see `ZipArchive.open`). */
export function openZip(source: ByteSource): Promise<ZipArchive> {
  return ZipArchive.open(source);
}

/**
 * Finds the end of central directory record by searching backwards over the last
 * 22 + 65535 bytes (the record plus the longest comment, §4.3.16), then the zip64 locator and
 * record before it when present.
 */
async function findDirectory(source: ByteSource): Promise<Directory> {
  const size = source.size;
  if (size < EOCD_BYTES) {
    throw new NnportError('BAD_MAGIC', `${size} bytes is too short for a zip file`, { at: { byte: 0 } });
  }
  const tailLength = Math.min(size, EOCD_BYTES + MAX_COMMENT_BYTES);
  const tailStart = size - tailLength;
  const tail = await source.read(tailStart, tailLength);
  const eocd = locateEocd(tail);
  if (eocd < 0) {
    // A file that starts like a zip but has no end record was cut short.
    const head = await source.read(0, 4);
    const isZip = new DataView(head.buffer, head.byteOffset, 4).getUint32(0, true) === SIG_LOCAL;
    throw new NnportError(
      isZip ? 'TRUNCATED' : 'BAD_MAGIC',
      isZip
        ? 'zip file has no end of central directory record (cut short?)'
        : 'not a zip file (no end of central directory record)',
      { at: { byte: size } },
    );
  }
  const eocdOffset = tailStart + eocd;
  const c = new Cursor(tail.subarray(eocd), eocdOffset);
  c.skip(4);
  const disk = c.u16();
  const cdDisk = c.u16();
  const entriesOnDisk = c.u16();
  let entries = c.u16();
  let cdSize = c.u32();
  let cdOffset = c.u32();
  let zip64 = false;
  let limit = eocdOffset;

  if (eocdOffset >= EOCD64_LOCATOR_BYTES) {
    const locatorOffset = eocdOffset - EOCD64_LOCATOR_BYTES;
    const l = new Cursor(await source.read(locatorOffset, EOCD64_LOCATOR_BYTES), locatorOffset);
    if (l.u32() === SIG_EOCD64_LOCATOR) {
      l.skip(4); // disk holding the zip64 record: checked through the record's own disk fields
      const recordOffset = l.safeU64('zip64 end record offset');
      if (recordOffset > locatorOffset - EOCD64_BYTES) {
        throw new NnportError(
          'INVALID_OFFSET',
          `zip64 end record offset ${recordOffset} is outside the file`,
          {
            at: { byte: locatorOffset + 8 },
          },
        );
      }
      const r = new Cursor(await source.read(recordOffset, EOCD64_BYTES), recordOffset);
      if (r.u32() !== SIG_EOCD64) {
        throw new NnportError(
          'INVALID_STRUCTURE',
          'no zip64 end of central directory record where the locator points',
          {
            at: { byte: recordOffset },
          },
        );
      }
      r.skip(12); // record size, version made by, version needed
      const disk64 = r.u32();
      const cdDisk64 = r.u32();
      const onDisk64 = r.safeU64('zip64 entry count');
      const entries64 = r.safeU64('zip64 entry count');
      if (disk64 !== 0 || cdDisk64 !== 0 || onDisk64 !== entries64) multiDisk(recordOffset);
      entries = entries64;
      cdSize = r.safeU64('central directory size');
      cdOffset = r.safeU64('central directory offset');
      zip64 = true;
      limit = recordOffset;
    }
  }
  if (!zip64 && (disk !== 0 || cdDisk !== 0 || entriesOnDisk !== entries)) multiDisk(eocdOffset);
  if (entries > MAX_ZIP_ENTRIES) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `${entries} zip entries exceed MAX_ZIP_ENTRIES ${MAX_ZIP_ENTRIES}`,
      {
        at: { byte: eocdOffset },
      },
    );
  }
  if (cdOffset > limit || cdSize > limit - cdOffset) {
    throw new NnportError(
      'INVALID_OFFSET',
      `central directory (${cdSize} bytes at ${cdOffset}) is not inside the file before its end record at ${limit}`,
      { at: { byte: eocdOffset } },
    );
  }
  // Each record is 46 bytes plus three u16-sized fields (§4.3.12): a directory larger than its
  // entries can fill is refused before it is read into memory.
  if (cdSize > entries * (CENTRAL_HEADER_BYTES + 3 * 0xffff)) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `central directory of ${cdSize} bytes is larger than ${entries} entries can fill`,
      { at: { byte: eocdOffset } },
    );
  }
  if (entries * CENTRAL_HEADER_BYTES > cdSize) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `central directory of ${cdSize} bytes cannot hold ${entries} entries of at least ${CENTRAL_HEADER_BYTES} bytes`,
      { at: { byte: eocdOffset } },
    );
  }
  return { entries, offset: cdOffset, size: cdSize, limit, zip64 };
}

/**
 * Index of the end record in `tail`, or -1. Searching backwards, the first signature whose
 * comment exactly reaches the end of the file wins; failing that, the last one whose comment fits
 * (some writers pad after the comment, and Python's `zipfile` accepts those too).
 */
function locateEocd(tail: Uint8Array): number {
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let fallback = -1;
  for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
    if (tail[i] !== 0x50 || view.getUint32(i, true) !== SIG_EOCD) continue;
    const commentEnd = i + EOCD_BYTES + view.getUint16(i + 20, true);
    if (commentEnd === tail.length) return i;
    if (commentEnd <= tail.length && fallback < 0) fallback = i;
  }
  return fallback;
}

function multiDisk(at: number): never {
  throw new NnportError(
    'UNSUPPORTED_VERSION',
    'multi-disk (spanned or split) zip archives are not supported',
    {
      at: { byte: at },
    },
  );
}

/** Reads every central directory record (§4.3.12), resolving zip64 extra fields (§4.5.3). */
async function readCentralDirectory(source: ByteSource, dir: Directory): Promise<ZipEntry[]> {
  const c = new Cursor(await source.read(dir.offset, dir.size), dir.offset);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < dir.entries; i++) {
    const centralOffset = c.offset;
    c.need(CENTRAL_HEADER_BYTES, `central directory entry ${i}`);
    if (c.u32() !== SIG_CENTRAL) {
      throw new NnportError('INVALID_STRUCTURE', `central directory entry ${i} has no signature`, {
        at: { byte: centralOffset },
      });
    }
    c.skip(4); // version made by, version needed
    const flags = c.u16();
    const method = c.u16();
    c.skip(4); // DOS time and date
    const crc = c.u32();
    let compressedSize = c.u32();
    let size = c.u32();
    const nameLength = c.u16();
    const extraLength = c.u16();
    const commentLength = c.u16();
    const diskStart = c.u16();
    c.skip(6); // internal and external attributes
    let localHeaderOffset = c.u32();
    const nameOffset = c.offset;
    const name = decodeEntryName(c.bytes(nameLength, 'entry name'), (flags & FLAG_UTF8) !== 0, nameOffset);
    const extraOffset = c.offset;
    const extra = c.bytes(extraLength, 'extra field');
    c.skip(commentLength, 'entry comment');

    if (size === U32_SENTINEL || compressedSize === U32_SENTINEL || localHeaderOffset === U32_SENTINEL) {
      const z = findZip64Extra(extra, extraOffset);
      const need = (what: string): number => {
        if (z === undefined || z.remaining < 8) {
          throw new NnportError(
            'INVALID_STRUCTURE',
            `entry '${name}' needs a zip64 ${what} but its extra field lacks it`,
            {
              at: { byte: extraOffset },
            },
          );
        }
        return z.safeU64(what);
      };
      // §4.5.3: the fields appear in this order, each only when its header field is the sentinel.
      if (size === U32_SENTINEL) size = need('size');
      if (compressedSize === U32_SENTINEL) compressedSize = need('compressed size');
      if (localHeaderOffset === U32_SENTINEL) localHeaderOffset = need('local header offset');
    }
    if (diskStart !== 0 && diskStart !== U16_SENTINEL) multiDisk(centralOffset);
    entries.push({
      name,
      method,
      flags,
      compressedSize,
      size,
      crc32: crc,
      localHeaderOffset,
      centralOffset,
      isDirectory: name.endsWith('/'),
    });
  }
  return entries;
}

/** A cursor over the data of the zip64 extra field (header ID 0x0001), if the extra has one. */
function findZip64Extra(extra: Uint8Array, base: number): Cursor | undefined {
  const c = new Cursor(extra, base);
  while (c.remaining >= 4) {
    const id = c.u16();
    const length = c.u16();
    if (length > c.remaining) return undefined; // a malformed tail; the caller reports what it lacks
    const data = c.bytes(length);
    if (id === EXTRA_ZIP64) return new Cursor(data, c.offset - length);
  }
  return undefined;
}
