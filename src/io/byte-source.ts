/**
 * Random-access byte sources. A tensor's data is a range of a source, read only when asked, so a
 * file larger than memory (or than 2 GB) opens without being loaded. Node's file source lives in
 * `node.ts`; this module stays platform-neutral.
 */
import { NnportError } from '../core/errors.js';

/** Bytes readable by position. */
export interface ByteSource {
  /** A name for messages: the file path, or a member path inside a container. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Reads `length` bytes at `offset`. Throws TRUNCATED when the range passes the end. The result
   * may share memory with the source (never write into it).
   */
  read(offset: number, length: number): Promise<Uint8Array>;
}

/** Checks a range against a source's size with overflow-safe arithmetic. */
export function checkRange(source: ByteSource, offset: number, length: number): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset > source.size - length
  ) {
    throw new NnportError(
      'TRUNCATED',
      `needs bytes ${offset}..${offset + length} but the file has ${source.size}`,
      {
        file: source.name,
        at: { byte: Math.min(Math.max(offset, 0), source.size) },
      },
    );
  }
}

/** A source over bytes already in memory; reads are zero-copy `subarray`s. */
export class BytesSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly #bytes: Uint8Array;

  constructor(bytes: Uint8Array, name = '<bytes>') {
    this.#bytes = bytes;
    this.name = name;
    this.size = bytes.byteLength;
  }

  /** The whole content, zero-copy. */
  get bytes(): Uint8Array {
    return this.#bytes;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    return Promise.resolve(this.#bytes.subarray(offset, offset + length));
  }
}

/** The minimal `Blob` surface nnport needs (present in browsers and Node ≥ 18). */
export interface BlobLike {
  readonly size: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}

/** A source over a browser `Blob`/`File`: each read slices and loads only that range. */
export class BlobSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly #blob: BlobLike;

  constructor(blob: BlobLike, name = '<blob>') {
    this.#blob = blob;
    this.name = name;
    this.size = blob.size;
  }

  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    return new Uint8Array(await this.#blob.slice(offset, offset + length).arrayBuffer());
  }
}

/** A window `[offset, offset + size)` of another source, e.g. a stored zip member. */
export class SubSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  readonly #parent: ByteSource;
  readonly #offset: number;

  constructor(parent: ByteSource, offset: number, size: number, name = parent.name) {
    checkRange(parent, offset, size);
    this.#parent = parent;
    this.#offset = offset;
    this.size = size;
    this.name = name;
  }

  read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    return this.#parent.read(this.#offset + offset, length);
  }
}

/** Reads a whole source into memory (only for sources known to be small, or by explicit request). */
export function readAll(source: ByteSource): Promise<Uint8Array> {
  return source.read(0, source.size);
}
