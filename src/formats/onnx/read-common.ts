/**
 * Small readers every ONNX message uses: strings, int64 values as JSON, StringStringEntryProto lists
 * and repeated scalar fields that may come packed or unpacked (protobuf parsers must accept both).
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import {
  decodePackedVarints,
  expectWire,
  type ProtoField,
  type ProtoReader,
} from '../../io/protobuf/reader.js';
import { float32FromBits, toInt64, WireType } from '../../io/protobuf/wire.js';
import { StringStringEntryProtoField } from './schema.js';

/** An int64 as JSON: a number when safe, else `{"$int": "…"}` (the contract for values beyond 2^53). */
export function int64Json(v: number | bigint): JsonValue {
  return typeof v === 'number' ? v : { $int: v.toString() };
}

/** Reads a string field, checking its wire type. */
export function readStringField(reader: ProtoReader, f: ProtoField, path: string): Promise<string> {
  expectWire(f, WireType.LEN, path);
  return reader.string(f.window, path);
}

/** Reads a signed int64 varint field. */
export function readInt64Field(f: ProtoField, path: string): number | bigint {
  expectWire(f, WireType.VARINT, path);
  return toInt64(f.value);
}

/** Reads a varint field that must hold a small non-negative count or enum (int32 semantics). */
export function readIntField(f: ProtoField, path: string): number {
  expectWire(f, WireType.VARINT, path);
  const v = toInt64(f.value);
  if (typeof v !== 'number' || v < -(2 ** 31) || v >= 2 ** 31) {
    throw new NnportError('INVALID_STRUCTURE', `${path}: int32 value out of range`, {
      at: { byte: f.start },
    });
  }
  return v;
}

/** Reads a StringStringEntryProto as a `[key, value]` pair (absent fields are ''). */
export async function readEntry(
  reader: ProtoReader,
  f: ProtoField,
  path: string,
  depth: number,
): Promise<[string, string]> {
  expectWire(f, WireType.LEN, path);
  let key = '';
  let value = '';
  for await (const g of reader.fields(f.window, path, depth)) {
    if (g.number === StringStringEntryProtoField.KEY) key = await readStringField(reader, g, `${path}.key`);
    else if (g.number === StringStringEntryProtoField.VALUE)
      value = await readStringField(reader, g, `${path}.value`);
  }
  return [key, value];
}

/** Appends a repeated int64 field's values (packed LEN or one unpacked VARINT) to `out`. */
export async function readRepeatedInt64(
  reader: ProtoReader,
  f: ProtoField,
  path: string,
  out: (number | bigint)[],
): Promise<void> {
  if (f.wireType === WireType.VARINT) {
    out.push(toInt64(f.value));
    return;
  }
  expectWire(f, WireType.LEN, path);
  const raw: (number | bigint)[] = [];
  const bytes = await reader.bytes(f.window, path);
  try {
    decodePackedVarints(bytes, f.window.offset, raw);
  } catch (e) {
    if (e instanceof NnportError)
      throw new NnportError(e.code, `${path}: ${e.detail}`, e.at ? { at: e.at } : {});
    throw e;
  }
  for (const v of raw) out.push(toInt64(v));
}

/** Appends a repeated float field's values (packed LEN of fixed32 or one unpacked I32) to `out`. */
export async function readRepeatedFloat(
  reader: ProtoReader,
  f: ProtoField,
  path: string,
  out: number[],
): Promise<void> {
  if (f.wireType === WireType.I32) {
    out.push(float32FromBits(f.value as number));
    return;
  }
  expectWire(f, WireType.LEN, path);
  if (f.window.length % 4 !== 0) {
    throw new NnportError('INVALID_STRUCTURE', `${path}: packed floats of ${f.window.length} bytes`, {
      at: { byte: f.window.offset },
    });
  }
  const bytes = await reader.bytes(f.window, path);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < bytes.length; i += 4) out.push(dv.getFloat32(i, true));
}

/** Base64 of bytes (platform-neutral: no Buffer), for fields kept verbatim as `{"$protobuf": …}`. */
export function toBase64(bytes: Uint8Array): string {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let out = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += abc[n >> 18] + abc[(n >> 12) & 63] + abc[(n >> 6) & 63] + abc[n & 63];
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += `${abc[n >> 18]}${abc[(n >> 12) & 63]}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += `${abc[n >> 18]}${abc[(n >> 12) & 63]}${abc[(n >> 6) & 63]}=`;
  }
  return out;
}

/** A field kept verbatim: `{"$protobuf": base64 of tag + payload, "field": N}`. */
export async function rawFieldJson(reader: ProtoReader, f: ProtoField, path: string): Promise<JsonValue> {
  return { $protobuf: toBase64(await reader.rawField(f, path)), field: f.number };
}
