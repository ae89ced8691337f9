/**
 * The JSON conventions of the ONNX mapping (docs/formats/onnx.md), turned back into protobuf plans
 * by the writer: int64 values beyond 2^53 as `{"$int": "…"}`, messages nnport does not model kept as
 * `{"$protobuf": "<base64>", "field": N}`, `metadata_props` as `[[key, value], ...]`, and TypeProto
 * as `{"tensor": {"elemType", "shape"}}`, `{"sequence": T}`, `{"map": {"keyType", "value"}}`,
 * `{"optional": T}`, `{"sparseTensor": {...}}`, `{"opaque": {"domain", "name"}}` plus `"denotation"`.
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import { PbMessage } from '../../io/protobuf/writer.js';
import {
  DimensionField,
  StringStringEntryProtoField,
  TensorShapeProtoField,
  TypeProtoField,
  TypeProtoMapField,
  TypeProtoOpaqueField,
  TypeProtoSequenceField,
  TypeProtoTensorField,
} from './schema.js';

/** A JSON object (not an array), or undefined. */
export function asObject(v: JsonValue | undefined): Readonly<Record<string, JsonValue>> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Readonly<Record<string, JsonValue>>)
    : undefined;
}

/** A string value, or undefined. */
export function asString(v: JsonValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** The error for a metadata value the writer cannot turn into protobuf. */
function badValue(path: string, what: string): NnportError {
  return new NnportError('UNREPRESENTABLE', `${path} is not ${what}`, { at: { path } });
}

/** An integer: a safe-integer number or `{"$int": "decimal"}` (int64/uint64 beyond 2^53). */
export function jsonInt(v: JsonValue | undefined, path: string): number | bigint {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  const o = asObject(v);
  const text = o === undefined ? undefined : asString(o.$int);
  if (text !== undefined && /^-?\d+$/.test(text)) return BigInt(text);
  throw badValue(path, 'an integer');
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_INDEX = new Map([...B64].map((c, i) => [c, i]));

/** Decodes standard base64 (RFC 4648 §4, padding optional); platform-neutral, no `atob`. */
export function decodeBase64(text: string, path: string): Uint8Array {
  const s = text.replace(/=+$/, '');
  if (s.length % 4 === 1) throw badValue(path, 'base64');
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let bits = 0;
  let acc = 0;
  let pos = 0;
  for (const c of s) {
    const v = B64_INDEX.get(c);
    if (v === undefined) throw badValue(path, 'base64');
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[pos++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/**
 * Adds a field kept verbatim by the reader (`{"$protobuf": base64, "field": N}`, read-common.ts
 * `rawFieldJson`): the base64 holds the whole encoded field, tag and payload, so it is written back
 * byte for byte (FunctionProto, TrainingInfoProto, DeviceConfigurationProto, unknown fields).
 */
export function addRawField(msg: PbMessage, v: JsonValue, path: string): void {
  const o = asObject(v);
  const b64 = o === undefined ? undefined : asString(o.$protobuf);
  if (b64 === undefined) throw badValue(path, 'a {"$protobuf", "field"} value');
  msg.raw(decodeBase64(b64, path));
}

/** Adds repeated StringStringEntryProto fields from `[[key, value], ...]`. */
export function addMetadataProps(
  msg: PbMessage,
  field: number,
  v: JsonValue | undefined,
  path: string,
): void {
  if (v === undefined) return;
  if (!Array.isArray(v)) throw badValue(path, 'a list of [key, value] pairs');
  v.forEach((pair, i) => {
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      typeof pair[0] !== 'string' ||
      typeof pair[1] !== 'string'
    ) {
      throw badValue(`${path}[${i}]`, 'a [key, value] pair of strings');
    }
    msg.message(field, entry(pair[0], pair[1]));
  });
}

/** A StringStringEntryProto. */
export function entry(key: string, value: string): PbMessage {
  return new PbMessage()
    .string(StringStringEntryProtoField.KEY, key)
    .string(StringStringEntryProtoField.VALUE, value);
}

/** A TensorShapeProto from `[dim, ...]` (number: dim_value, string: dim_param, null: neither). */
export function shapeProto(dims: readonly JsonValue[], path: string): PbMessage {
  const shape = new PbMessage();
  dims.forEach((d, i) => {
    const dim = new PbMessage();
    const o = asObject(d);
    // A dimension with a denotation is an object {value?|param?, denotation}.
    const value = o === undefined ? d : (o.value ?? o.param ?? null);
    if (typeof value === 'string') dim.string(DimensionField.DIM_PARAM, value);
    else if (value !== null) dim.varint(DimensionField.DIM_VALUE, jsonInt(value, `${path}[${i}]`));
    const denotation = o === undefined ? undefined : asString(o.denotation);
    if (denotation !== undefined) dim.string(DimensionField.DENOTATION, denotation);
    shape.message(TensorShapeProtoField.DIM, dim);
  });
  return shape;
}

/** A TypeProto.Tensor / SparseTensor body from `{elemType?, shape?}`. */
export function tensorTypeProto(
  elemType: number | undefined,
  shape: JsonValue | undefined,
  path: string,
): PbMessage {
  const m = new PbMessage();
  if (elemType !== undefined) m.varint(TypeProtoTensorField.ELEM_TYPE, elemType);
  if (shape !== undefined && shape !== null) {
    if (!Array.isArray(shape)) throw badValue(`${path}.shape`, 'a list of dimensions');
    m.message(TypeProtoTensorField.SHAPE, shapeProto(shape, `${path}.shape`));
  }
  return m;
}

function elemTypeOf(o: Readonly<Record<string, JsonValue>>, key: string, path: string): number | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  const n = jsonInt(v, `${path}.${key}`);
  return Number(n);
}

/** A TypeProto from its JSON (see the module comment). Fields in onnx.proto number order. */
export function typeProto(v: JsonValue, path: string): PbMessage {
  const o = asObject(v);
  if (o === undefined) throw badValue(path, 'an ONNX type object');
  const m = new PbMessage();
  const tensor = asObject(o.tensor);
  if (tensor !== undefined) {
    m.message(
      TypeProtoField.TENSOR_TYPE,
      tensorTypeProto(elemTypeOf(tensor, 'elemType', `${path}.tensor`), tensor.shape, `${path}.tensor`),
    );
  }
  if (o.sequence !== undefined) {
    const inner = new PbMessage();
    if (o.sequence !== null)
      inner.message(TypeProtoSequenceField.ELEM_TYPE, typeProto(o.sequence, `${path}.sequence`));
    m.message(TypeProtoField.SEQUENCE_TYPE, inner);
  }
  const map = asObject(o.map);
  if (map !== undefined) {
    const inner = new PbMessage();
    const key = elemTypeOf(map, 'keyType', `${path}.map`);
    if (key !== undefined) inner.varint(TypeProtoMapField.KEY_TYPE, key);
    if (map.value !== undefined && map.value !== null) {
      inner.message(TypeProtoMapField.VALUE_TYPE, typeProto(map.value, `${path}.map.value`));
    }
    m.message(TypeProtoField.MAP_TYPE, inner);
  }
  const denotation = asString(o.denotation);
  if (denotation !== undefined) m.string(TypeProtoField.DENOTATION, denotation);
  const opaque = asObject(o.opaque);
  if (opaque !== undefined) {
    const inner = new PbMessage();
    const domain = asString(opaque.domain);
    const name = asString(opaque.name);
    if (domain !== undefined) inner.string(TypeProtoOpaqueField.DOMAIN, domain);
    if (name !== undefined) inner.string(TypeProtoOpaqueField.NAME, name);
    m.message(TypeProtoField.OPAQUE_TYPE, inner);
  }
  const sparse = asObject(o.sparseTensor);
  if (sparse !== undefined) {
    m.message(
      TypeProtoField.SPARSE_TENSOR_TYPE,
      tensorTypeProto(
        elemTypeOf(sparse, 'elemType', `${path}.sparseTensor`),
        sparse.shape,
        `${path}.sparseTensor`,
      ),
    );
  }
  if (o.optional !== undefined) {
    const inner = new PbMessage();
    if (o.optional !== null)
      inner.message(TypeProtoSequenceField.ELEM_TYPE, typeProto(o.optional, `${path}.optional`));
    m.message(TypeProtoField.OPTIONAL_TYPE, inner);
  }
  return m;
}
