/**
 * One bounds-checked little-endian cursor over bytes in memory (STYLE habit 3): every read checks
 * the remaining length first and raises TRUNCATED with the absolute byte offset.
 */
import { NnportError } from '../core/errors.js';

/** A read position over a byte array. */
export class Cursor {
  /** Position relative to the start of `bytes`. */
  pos = 0;
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  readonly #base: number;

  /**
   * @param bytes the bytes to read
   * @param base the absolute file offset of `bytes[0]`, so errors name the file's offset
   */
  constructor(bytes: Uint8Array, base = 0) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.#base = base;
  }

  /** Bytes left. */
  get remaining(): number {
    return this.#bytes.byteLength - this.pos;
  }

  /** Absolute offset of the current position. */
  get offset(): number {
    return this.#base + this.pos;
  }

  /** Throws TRUNCATED unless `n` more bytes are available. */
  need(n: number, what = 'data'): void {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.remaining) {
      throw new NnportError(
        'TRUNCATED',
        `file ends inside ${what} (needs ${n} bytes, ${this.remaining} left)`,
        {
          at: { byte: this.offset },
        },
      );
    }
  }

  u8(): number {
    this.need(1);
    return this.#view.getUint8(this.pos++);
  }

  u16(): number {
    this.need(2);
    const v = this.#view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }

  u32(): number {
    this.need(4);
    const v = this.#view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }

  i32(): number {
    this.need(4);
    const v = this.#view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A u64 as bigint (STYLE habit 4: check with `safeU64` before using as a number). */
  u64(): bigint {
    this.need(8);
    const v = this.#view.getBigUint64(this.pos, true);
    this.pos += 8;
    return v;
  }

  /** A u64 that must fit a safe integer (offsets, sizes); TRUNCATED-free but LIMIT_EXCEEDED otherwise. */
  safeU64(what: string): number {
    const at = this.offset;
    const v = this.u64();
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new NnportError('LIMIT_EXCEEDED', `${what} ${v} is beyond 2^53`, { at: { byte: at } });
    }
    return Number(v);
  }

  /** `n` bytes, zero-copy. */
  bytes(n: number, what = 'data'): Uint8Array {
    this.need(n, what);
    const b = this.#bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  /** Skips `n` bytes. */
  skip(n: number, what = 'data'): void {
    this.need(n, what);
    this.pos += n;
  }
}

/** A reusable decoder: fatal, so invalid UTF-8 in names is an error and not a silent U+FFFD. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes UTF-8, throwing INVALID_STRUCTURE (with the offset) on invalid bytes. */
export function decodeUtf8(bytes: Uint8Array, at?: number): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new NnportError(
      'INVALID_STRUCTURE',
      'invalid UTF-8 text',
      at === undefined ? {} : { at: { byte: at } },
    );
  }
}

/** Decodes Latin-1 / ASCII bytes (npy headers are Latin-1). */
export function decodeLatin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 8192) {
    s += String.fromCharCode(...bytes.subarray(i, i + 8192));
  }
  return s;
}

const ENCODER = new TextEncoder();

/** Encodes a string as UTF-8. */
export function encodeUtf8(s: string): Uint8Array {
  return ENCODER.encode(s);
}
