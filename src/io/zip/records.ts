/**
 * Zip record layouts shared by the reader and the writer: signatures, fixed sizes, flag bits and
 * sentinels, all from PKWARE's APPNOTE.TXT 6.3.x, plus entry-name decoding and the path-safety
 * check for extraction.
 */
import { NnportError } from '../../core/errors.js';
import { decodeUtf8 } from '../cursor.js';

/** Local file header signature `PK\x03\x04` (APPNOTE §4.3.7). */
export const SIG_LOCAL = 0x04034b50;
/** Central directory file header signature `PK\x01\x02` (§4.3.12). */
export const SIG_CENTRAL = 0x02014b50;
/** End of central directory record signature `PK\x05\x06` (§4.3.16). */
export const SIG_EOCD = 0x06054b50;
/** Zip64 end of central directory record signature `PK\x06\x06` (§4.3.14). */
export const SIG_EOCD64 = 0x06064b50;
/** Zip64 end of central directory locator signature `PK\x06\x07` (§4.3.15). */
export const SIG_EOCD64_LOCATOR = 0x07064b50;
/** Data descriptor signature `PK\x07\x08` (§4.3.9.3: optional, but every current writer emits it). */
export const SIG_DATA_DESCRIPTOR = 0x08074b50;

/** Fixed part of a local file header (§4.3.7). */
export const LOCAL_HEADER_BYTES = 30;
/** Fixed part of a central directory header (§4.3.12). */
export const CENTRAL_HEADER_BYTES = 46;
/** Fixed part of the end of central directory record (§4.3.16). */
export const EOCD_BYTES = 22;
/** Fixed part of the zip64 end of central directory record (§4.3.14). */
export const EOCD64_BYTES = 56;
/** The zip64 end of central directory locator (§4.3.15). */
export const EOCD64_LOCATOR_BYTES = 20;
/** The EOCD comment length is a u16, so the record sits within this many bytes of the end. */
export const MAX_COMMENT_BYTES = 0xffff;

/** Header ID of the zip64 extended information extra field (§4.5.3). */
export const EXTRA_ZIP64 = 0x0001;

/** General purpose flag bit 0: the member is encrypted (§4.4.4). */
export const FLAG_ENCRYPTED = 0x0001;
/** Flag bit 3: CRC and sizes follow the data in a data descriptor (§4.4.4). */
export const FLAG_DATA_DESCRIPTOR = 0x0008;
/** Flag bit 11: name and comment are UTF-8 (§4.4.4, Appendix D). */
export const FLAG_UTF8 = 0x0800;

/** Compression method 0: stored (§4.4.5). */
export const METHOD_STORED = 0;
/** Compression method 8: deflated (§4.4.5). */
export const METHOD_DEFLATED = 8;

/** Names of the other compression methods of §4.4.5, for messages that say which one was found. */
export const METHOD_NAMES: Readonly<Record<number, string>> = {
  1: 'shrunk',
  2: 'reduced-1',
  3: 'reduced-2',
  4: 'reduced-3',
  5: 'reduced-4',
  6: 'imploded',
  9: 'deflate64',
  10: 'PKWARE implode',
  12: 'bzip2',
  14: 'LZMA',
  16: 'IBM z/OS CMPSC',
  18: 'IBM TERSE',
  19: 'IBM LZ77',
  93: 'zstd',
  94: 'MP3',
  95: 'xz',
  96: 'JPEG',
  97: 'WavPack',
  98: 'PPMd',
  99: 'AE-x encryption',
};

/** A 16-bit field holding this means "see the zip64 record" (§4.4.1.4). */
export const U16_SENTINEL = 0xffff;
/** A 32-bit field holding this means "see the zip64 extra field or record" (§4.4.1.4). */
export const U32_SENTINEL = 0xffffffff;

/**
 * The upper half of IBM code page 437, the encoding of names without flag bit 11 (APPNOTE
 * Appendix D.1). Python's `zipfile` decodes such names the same way.
 */
const CP437_HIGH =
  '\u00c7\u00fc\u00e9\u00e2\u00e4\u00e0\u00e5\u00e7\u00ea\u00eb\u00e8\u00ef\u00ee\u00ec\u00c4\u00c5' +
  '\u00c9\u00e6\u00c6\u00f4\u00f6\u00f2\u00fb\u00f9\u00ff\u00d6\u00dc\u00a2\u00a3\u00a5\u20a7\u0192' +
  '\u00e1\u00ed\u00f3\u00fa\u00f1\u00d1\u00aa\u00ba\u00bf\u2310\u00ac\u00bd\u00bc\u00a1\u00ab\u00bb' +
  '\u2591\u2592\u2593\u2502\u2524\u2561\u2562\u2556\u2555\u2563\u2551\u2557\u255d\u255c\u255b\u2510' +
  '\u2514\u2534\u252c\u251c\u2500\u253c\u255e\u255f\u255a\u2554\u2569\u2566\u2560\u2550\u256c\u2567' +
  '\u2568\u2564\u2565\u2559\u2558\u2552\u2553\u256b\u256a\u2518\u250c\u2588\u2584\u258c\u2590\u2580' +
  '\u03b1\u00df\u0393\u03c0\u03a3\u03c3\u00b5\u03c4\u03a6\u0398\u03a9\u03b4\u221e\u03c6\u03b5\u2229' +
  '\u2261\u00b1\u2265\u2264\u2320\u2321\u00f7\u2248\u00b0\u2219\u00b7\u221a\u207f\u00b2\u25a0\u00a0';

/**
 * Decodes an entry name: UTF-8 (strict) when flag bit 11 is set, code page 437 otherwise
 * (APPNOTE Appendix D). `at` is the name's byte offset, for the error on invalid UTF-8.
 */
export function decodeEntryName(bytes: Uint8Array, utf8: boolean, at: number): string {
  if (utf8) return decodeUtf8(bytes, at);
  let s = '';
  for (const b of bytes) s += b < 0x80 ? String.fromCharCode(b) : CP437_HIGH[b - 0x80];
  return s;
}

/** True when `name` has characters outside ASCII, so a writer must set flag bit 11. */
export function needsUtf8Flag(name: string): boolean {
  for (let i = 0; i < name.length; i++) if (name.charCodeAt(i) > 0x7f) return true;
  return false;
}

/**
 * Throws UNSAFE_PATH when an entry name would leave the folder it is extracted into: an absolute
 * path (`/x`, `\x`, `C:x`), a `..` segment, or a NUL (which truncates names in C APIs). APPNOTE
 * §4.4.17.1 forbids drive letters and leading slashes; `..` is the classic "zip slip". Listing
 * entries never calls this; only extraction to a folder does (DESIGN §5).
 */
export function checkEntryPath(name: string): void {
  const bad = (why: string): never => {
    throw new NnportError('UNSAFE_PATH', `zip entry '${name}' ${why}`, { at: { path: name } });
  };
  if (name.includes('\0')) bad('contains a NUL character');
  if (name.startsWith('/') || name.startsWith('\\')) bad('is an absolute path');
  if (/^[A-Za-z]:/.test(name)) bad('starts with a drive letter');
  for (const segment of name.split(/[/\\]/)) {
    if (segment === '..') bad("has a '..' segment");
  }
}
