/**
 * A streaming protobuf writer (protobuf encoding guide: varints, fixed32/64, length-delimited
 * fields). Protobuf prefixes every nested message with its length, so writing is two passes over
 * a *plan*: `PbMessage` records the fields in the order they are to be written (small values
 * held in memory, large byte fields as a length plus a function that streams the bytes), its
 * `size` is computed (and cached) bottom-up, and `writeMessage` then emits the bytes in one pass
 * through a `BufferedWriter`. Large payloads (tensor raw_data) are never held whole: they are
 * copied chunk by chunk from their source while being written.
 *
 * Determinism: bytes depend only on the plan; callers add fields in ascending field-number order,
 * as protobuf's own serializers do, and repeated fields in their model order.
 */
import { NnportError } from '../../core/errors.js';
import { type ByteSink, concatBytes } from '../byte-sink.js';
import { encodeUtf8 } from '../cursor.js';
import { BufferedWriter, WRITE_CHUNK_BYTES } from '../writer.js';
import {
  intVarintSize,
  lenFieldSize,
  MAX_FIELD_NUMBER,
  tagSize,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LEN,
  WIRE_VARINT,
} from './size.js';

/** Bytes streamed into a length-delimited field: the declared length and a chunk source. */
export interface PbStream {
  /** Exactly how many bytes `chunks` yields (checked while writing). */
  readonly length: number;
  /** Yields the bytes in order; called once, when the field is written. */
  chunks(): AsyncIterable<Uint8Array>;
}

/** One planned field. */
type PlannedField =
  | { readonly kind: 'varint'; readonly field: number; readonly value: number | bigint }
  | { readonly kind: 'fixed32'; readonly field: number; readonly value: number }
  | { readonly kind: 'fixed64'; readonly field: number; readonly value: number }
  | { readonly kind: 'bytes'; readonly field: number; readonly value: Uint8Array }
  | { readonly kind: 'message'; readonly field: number; readonly value: PbMessage }
  | { readonly kind: 'packed'; readonly field: number; readonly value: readonly (number | bigint)[] }
  | { readonly kind: 'stream'; readonly field: number; readonly value: PbStream }
  | { readonly kind: 'raw'; readonly value: Uint8Array };

/** Checks a field number (1 .. 2^29 - 1); a bad one is a programming error, not bad input. */
function checkField(field: number): void {
  if (!Number.isInteger(field) || field < 1 || field > MAX_FIELD_NUMBER) {
    throw new RangeError(`protobuf field number ${field} out of range`);
  }
}

/**
 * The plan of one message: fields appended in writing order. Methods return `this` so a small
 * message reads as one expression. The plan must not change after `size` was first read.
 */
export class PbMessage {
  readonly #fields: PlannedField[] = [];
  #size = -1;

  /** True when no field was added (an empty message still encodes, as zero bytes). */
  get empty(): boolean {
    return this.#fields.length === 0;
  }

  /** An int32/int64/uint64/enum/bool field (wire type 0). Negative values take 10 bytes. */
  varint(field: number, value: number | bigint | boolean): this {
    checkField(field);
    const v = typeof value === 'boolean' ? (value ? 1 : 0) : value;
    if (typeof v === 'number' && !Number.isSafeInteger(v)) {
      throw new RangeError(`protobuf varint ${v} is not a safe integer (use a bigint)`);
    }
    if (typeof v === 'bigint' && (v < -(1n << 63n) || v >= 1n << 64n)) {
      throw new RangeError(`protobuf varint ${v} does not fit 64 bits`);
    }
    this.#fields.push({ kind: 'varint', field, value: v });
    return this;
  }

  /** A float field (wire type 5, IEEE 754 binary32 little-endian). */
  float(field: number, value: number): this {
    checkField(field);
    this.#fields.push({ kind: 'fixed32', field, value });
    return this;
  }

  /** A double field (wire type 1, IEEE 754 binary64 little-endian). */
  double(field: number, value: number): this {
    checkField(field);
    this.#fields.push({ kind: 'fixed64', field, value });
    return this;
  }

  /** A string field, UTF-8 encoded. */
  string(field: number, value: string): this {
    return this.bytes(field, encodeUtf8(value));
  }

  /** A bytes field held in memory (small values only; large ones go through `stream`). */
  bytes(field: number, value: Uint8Array): this {
    checkField(field);
    this.#fields.push({ kind: 'bytes', field, value });
    return this;
  }

  /** A nested message. */
  message(field: number, value: PbMessage): this {
    checkField(field);
    this.#fields.push({ kind: 'message', field, value });
    return this;
  }

  /** A packed repeated varint field (proto3 default; proto2 `[packed = true]`); nothing when empty. */
  packedVarints(field: number, values: readonly (number | bigint)[]): this {
    checkField(field);
    if (values.length > 0) this.#fields.push({ kind: 'packed', field, value: values });
    return this;
  }

  /** A bytes field streamed from a source when written (tensor data). */
  stream(field: number, value: PbStream): this {
    checkField(field);
    if (!Number.isSafeInteger(value.length) || value.length < 0) {
      throw new RangeError(`stream length ${value.length} is not a byte count`);
    }
    this.#fields.push({ kind: 'stream', field, value });
    return this;
  }

  /** Already-encoded fields (tag included), copied verbatim: unknown fields kept for round trips. */
  raw(encoded: Uint8Array): this {
    this.#fields.push({ kind: 'raw', value: encoded });
    return this;
  }

  /** Bytes of the encoded message content (without its own tag and length); computed once. */
  get size(): number {
    if (this.#size >= 0) return this.#size;
    let size = 0;
    for (const f of this.#fields) size += fieldSize(f);
    this.#size = size;
    return size;
  }

  /** The planned fields, for `writeMessage`. */
  get fields(): readonly PlannedField[] {
    return this.#fields;
  }
}

function fieldSize(f: PlannedField): number {
  switch (f.kind) {
    case 'varint':
      return tagSize(f.field) + intVarintSize(f.value);
    case 'fixed32':
      return tagSize(f.field) + 4;
    case 'fixed64':
      return tagSize(f.field) + 8;
    case 'bytes':
      return lenFieldSize(f.field, f.value.byteLength);
    case 'message':
      return lenFieldSize(f.field, f.value.size);
    case 'packed':
      return lenFieldSize(f.field, packedSize(f.value));
    case 'stream':
      return lenFieldSize(f.field, f.value.length);
    case 'raw':
      return f.value.byteLength;
  }
}

function packedSize(values: readonly (number | bigint)[]): number {
  let n = 0;
  for (const v of values) n += intVarintSize(v);
  return n;
}

/** Writes an unsigned varint of a non-negative safe integer at `w.buf[w.pos..]` (space reserved). */
function putVarint(w: BufferedWriter, n: number): void {
  while (n >= 128) {
    w.buf[w.pos++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  w.buf[w.pos++] = n;
}

/** Writes an integer field value: two's complement over 64 bits for negatives (10 bytes). */
function putIntVarint(w: BufferedWriter, v: number | bigint): void {
  if (typeof v === 'number' && v >= 0) {
    putVarint(w, v);
    return;
  }
  let b = BigInt.asUintN(64, BigInt(v));
  while (b >= 128n) {
    w.buf[w.pos++] = Number(b & 127n) | 0x80;
    b >>= 7n;
  }
  w.buf[w.pos++] = Number(b);
}

const scratch = new DataView(new ArrayBuffer(8));

/** Writes a tag; the caller reserved at least 5 bytes. */
function putTag(w: BufferedWriter, field: number, wire: number): void {
  putVarint(w, field * 8 + wire);
}

/**
 * Writes the content of `message` (its fields, without a tag or length of its own: the caller
 * wrote those, or this is the top-level message). Stream fields are copied chunk by chunk;
 * a stream that yields more or fewer bytes than it declared throws INVALID_STRUCTURE, since
 * every length already written before it would then be wrong.
 */
export async function writeMessage(w: BufferedWriter, message: PbMessage): Promise<void> {
  for (const f of message.fields) {
    switch (f.kind) {
      case 'varint':
        await w.reserve(15);
        putTag(w, f.field, WIRE_VARINT);
        putIntVarint(w, f.value);
        break;
      case 'fixed32':
        await w.reserve(9);
        putTag(w, f.field, WIRE_FIXED32);
        scratch.setFloat32(0, f.value, true);
        for (let i = 0; i < 4; i++) w.buf[w.pos++] = scratch.getUint8(i);
        break;
      case 'fixed64':
        await w.reserve(13);
        putTag(w, f.field, WIRE_FIXED64);
        scratch.setFloat64(0, f.value, true);
        for (let i = 0; i < 8; i++) w.buf[w.pos++] = scratch.getUint8(i);
        break;
      case 'bytes':
        await lenHeader(w, f.field, f.value.byteLength);
        await w.bytes(f.value);
        break;
      case 'message':
        await lenHeader(w, f.field, f.value.size);
        await writeMessage(w, f.value);
        break;
      case 'packed':
        await lenHeader(w, f.field, packedSize(f.value));
        for (const v of f.value) {
          await w.reserve(10);
          putIntVarint(w, v);
        }
        break;
      case 'stream':
        await lenHeader(w, f.field, f.value.length);
        await copyStream(w, f.value);
        break;
      case 'raw':
        await w.bytes(f.value);
        break;
    }
  }
}

async function lenHeader(w: BufferedWriter, field: number, length: number): Promise<void> {
  await w.reserve(15);
  putTag(w, field, WIRE_LEN);
  putVarint(w, length);
}

async function copyStream(w: BufferedWriter, s: PbStream): Promise<void> {
  let copied = 0;
  for await (const chunk of s.chunks()) {
    copied += chunk.byteLength;
    if (copied > s.length) break;
    await w.bytes(chunk);
  }
  if (copied !== s.length) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `a streamed field declared ${s.length} bytes but its source gave ${copied > s.length ? 'more' : copied}`,
    );
  }
}

/**
 * Encodes a whole message into one array: for small messages and tests (a plan with large stream
 * fields should go to a file through `writeMessage`).
 */
export async function encodeMessage(message: PbMessage): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const sink: ByteSink = {
    write: (chunk) => {
      chunks.push(chunk);
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  const w = new BufferedWriter(sink, Math.max(64, Math.min(message.size, WRITE_CHUNK_BYTES)));
  await writeMessage(w, message);
  await w.close();
  return concatBytes(chunks);
}

/** Re-exported so callers building plans need one import. */
export { varintSize } from './size.js';
