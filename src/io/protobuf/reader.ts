/**
 * A lazy, bounds-checked protobuf reader over a ByteSource. Messages are walked field by field;
 * length-delimited fields come back as `{offset, length}` windows of the source, so a tensor's
 * raw_data (or a whole 3 GB graph) is never copied while parsing. Only the bytes of tags, varints
 * and the small fields a caller asks for are read, in chunks of CHUNK_BYTES, which lets files over
 * 2 GB and browser Blobs be parsed with memory that does not grow with their size.
 *
 * Every length is checked against its enclosing message before anything is read or allocated;
 * nesting is capped at MAX_PROTOBUF_DEPTH. Errors carry the absolute byte offset and the field path
 * (`graph.node[3].attribute[1]`) in their message. Groups (wire types 3/4, deprecated since proto2
 * and never used by ONNX) are refused.
 */
import { type ErrorCode, NnportError } from '../../core/errors.js';
import { MAX_PROTOBUF_DEPTH, MAX_PROTOBUF_STRING_BYTES } from '../../core/limits.js';
import type { ByteSource } from '../byte-source.js';
import { decodeUtf8 } from '../cursor.js';
import { decodeVarint, MAX_FIELD_NUMBER, MAX_VARINT_BYTES, WireType, wireTypeName } from './wire.js';

/** Bytes read from the source per chunk while walking tags: small enough to stay cheap, large enough to batch. */
export const CHUNK_BYTES = 65_536;

/** A range of the source: a message body or a length-delimited field's payload. */
export interface Window {
  /** Absolute offset in the source. */
  readonly offset: number;
  /** Length in bytes. */
  readonly length: number;
}

/** One field of a message as it appears on the wire. */
export interface ProtoField {
  /** Field number. */
  readonly number: number;
  /** Wire type (0 varint, 1 fixed64, 2 length-delimited, 5 fixed32). */
  readonly wireType: number;
  /** VARINT: the unsigned value; I32: the uint32 bits; I64: the uint64 bits as a bigint. */
  readonly value: number | bigint;
  /** LEN: the payload window (not read). */
  readonly window: Window;
  /** Absolute offset of the field's tag, and just past its payload: the whole field is `[start, end)`. */
  readonly start: number;
  /** See `start`. */
  readonly end: number;
}

/** Throws `code` with the field path and absolute byte offset. */
export function protoError(code: ErrorCode, path: string, detail: string, byte: number): NnportError {
  return new NnportError(code, path === '' ? detail : `${path}: ${detail}`, { at: { byte } });
}

/** Bounds-checked lazy reader over one ByteSource (see the module comment). */
export class ProtoReader {
  /** The source being parsed. */
  readonly source: ByteSource;
  #buf: Uint8Array = new Uint8Array(0);
  #bufStart = 0;

  constructor(source: ByteSource) {
    this.source = source;
  }

  /** The whole source as a window (the root message). */
  root(): Window {
    return { offset: 0, length: this.source.size };
  }

  /**
   * A chunk holding `[pos, pos + min(want, end − pos))`: the cached one when it covers the range,
   * else a fresh read. Returned (not only cached) so that interleaved async callers never see
   * each other's chunk.
   */
  async #ensure(pos: number, want: number, end: number): Promise<{ buf: Uint8Array; start: number }> {
    const need = Math.min(want, end - pos);
    if (pos >= this.#bufStart && pos + need <= this.#bufStart + this.#buf.length) {
      return { buf: this.#buf, start: this.#bufStart };
    }
    const len = Math.min(Math.max(CHUNK_BYTES, need), end - pos);
    const buf = await this.source.read(pos, len);
    this.#buf = buf;
    this.#bufStart = pos;
    return { buf, start: pos };
  }

  /** Decodes a varint at absolute `pos` that must end before `end`. */
  async #varint(pos: number, end: number): Promise<{ value: number | bigint; next: number }> {
    const { buf, start } = await this.#ensure(pos, MAX_VARINT_BYTES, end);
    const r = decodeVarint(buf, pos - start, Math.min(buf.length, end - start), start);
    return { value: r.value, next: r.next + start };
  }

  /**
   * Walks the fields of the message in `window`. `depth` is the nesting level of this message
   * (root = 0); deeper than MAX_PROTOBUF_DEPTH throws LIMIT_EXCEEDED before anything is read.
   */
  async *fields(window: Window, path: string, depth: number): AsyncGenerator<ProtoField> {
    if (depth > MAX_PROTOBUF_DEPTH) {
      throw protoError(
        'LIMIT_EXCEEDED',
        path,
        `messages nested deeper than MAX_PROTOBUF_DEPTH ${MAX_PROTOBUF_DEPTH}`,
        window.offset,
      );
    }
    const end = window.offset + window.length;
    if (end > this.source.size) {
      throw protoError(
        'TRUNCATED',
        path,
        `message of ${window.length} bytes passes the end of the file`,
        window.offset,
      );
    }
    let pos = window.offset;
    while (pos < end) {
      const start = pos;
      const tag = await this.#varint(pos, end).catch((e: unknown) => {
        throw withPath(e, path);
      });
      pos = tag.next;
      if (typeof tag.value !== 'number' || tag.value > MAX_FIELD_NUMBER * 8 + 7) {
        throw protoError('INVALID_STRUCTURE', path, 'field tag out of range', start);
      }
      const number = Math.floor(tag.value / 8);
      const wireType = tag.value % 8;
      if (number === 0) throw protoError('INVALID_STRUCTURE', path, 'field number 0', start);
      let value: number | bigint = 0;
      let window: Window = { offset: pos, length: 0 };
      switch (wireType) {
        case WireType.VARINT: {
          const v = await this.#varint(pos, end).catch((e: unknown) => {
            throw withPath(e, `${path}#${number}`);
          });
          value = v.value;
          pos = v.next;
          break;
        }
        case WireType.I64:
        case WireType.I32: {
          const size = wireType === WireType.I64 ? 8 : 4;
          if (end - pos < size) {
            throw protoError(
              'TRUNCATED',
              path,
              `field ${number}: fixed${size * 8} passes the end of its message`,
              pos,
            );
          }
          const chunk = await this.#ensure(pos, size, end);
          const dv = new DataView(chunk.buf.buffer, chunk.buf.byteOffset + (pos - chunk.start), size);
          value = size === 8 ? dv.getBigUint64(0, true) : dv.getUint32(0, true);
          pos += size;
          break;
        }
        case WireType.LEN: {
          const len = await this.#varint(pos, end).catch((e: unknown) => {
            throw withPath(e, `${path}#${number}`);
          });
          pos = len.next;
          if (typeof len.value !== 'number' || len.value > end - pos) {
            throw protoError(
              'TRUNCATED',
              path,
              `field ${number}: length ${String(len.value)} passes the end of its message (${end - pos} bytes left)`,
              start,
            );
          }
          window = { offset: pos, length: len.value };
          pos += len.value;
          break;
        }
        case WireType.SGROUP:
        case WireType.EGROUP:
          throw protoError(
            'INVALID_STRUCTURE',
            path,
            `field ${number}: protobuf groups are not supported`,
            start,
          );
        default:
          throw protoError(
            'INVALID_STRUCTURE',
            path,
            `field ${number}: invalid wire type ${wireType}`,
            start,
          );
      }
      yield { number, wireType, value, window, start, end: pos };
    }
  }

  /** Reads a window into memory, refusing more than `max` bytes (default MAX_PROTOBUF_STRING_BYTES). */
  async bytes(window: Window, path: string, max = MAX_PROTOBUF_STRING_BYTES): Promise<Uint8Array> {
    if (window.length > max) {
      throw protoError(
        'LIMIT_EXCEEDED',
        path,
        `field of ${window.length} bytes exceeds the limit of ${max}`,
        window.offset,
      );
    }
    if (window.length <= CHUNK_BYTES) {
      const { buf, start } = await this.#ensure(window.offset, window.length, window.offset + window.length);
      const i = window.offset - start;
      return buf.subarray(i, i + window.length);
    }
    return this.source.read(window.offset, window.length);
  }

  /** Reads a UTF-8 string field (INVALID_STRUCTURE on invalid UTF-8). */
  async string(window: Window, path: string): Promise<string> {
    const b = await this.bytes(window, path);
    try {
      return decodeUtf8(b, window.offset);
    } catch (e) {
      throw withPath(e, path);
    }
  }

  /** The bytes of a whole field, tag included (kept verbatim for fields nnport does not model). */
  rawField(field: ProtoField, path: string): Promise<Uint8Array> {
    return this.bytes({ offset: field.start, length: field.end - field.start }, path);
  }
}

/** Prefixes an NnportError's detail with a field path (other errors pass through). */
function withPath(e: unknown, path: string): unknown {
  if (e instanceof NnportError && path !== '') {
    return new NnportError(e.code, `${path}: ${e.detail}`, e.at === undefined ? {} : { at: e.at });
  }
  return e;
}

/**
 * Checks that a known field has the wire type its proto declaration implies; INVALID_STRUCTURE
 * otherwise (a string where an int64 belongs means the bytes are not this message).
 */
export function expectWire(field: ProtoField, wireType: number, path: string): void {
  if (field.wireType !== wireType) {
    throw protoError(
      'INVALID_STRUCTURE',
      path,
      `field ${field.number} has wire type ${wireTypeName(field.wireType)}, expected ${wireTypeName(wireType)}`,
      field.start,
    );
  }
}

/**
 * Decodes a repeated varint field's entries: packed (one LEN payload, `bytes` given) or unpacked (the
 * field's own value). Appends to `out`; `base` is the payload's absolute offset for errors.
 */
export function decodePackedVarints(bytes: Uint8Array, base: number, out: (number | bigint)[]): void {
  let i = 0;
  while (i < bytes.length) {
    const r = decodeVarint(bytes, i, bytes.length, base);
    out.push(r.value);
    i = r.next;
  }
}
