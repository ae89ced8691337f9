/**
 * TypeProto and ValueInfoProto → JSON and ValueInfo (the contract in docs/formats/onnx.md):
 * `{"tensor": {"elemType": N, "shape": [...]}}`, `{"sequence": T}`, `{"map": {"keyType": N,
 * "value": T}}`, `{"optional": T}`, `{"sparseTensor": {...}}`, `{"opaque": {"domain", "name"}}`,
 * plus `"denotation"`. A dimension is its dim_value (number), dim_param (string) or null; a
 * dimension with a denotation is `{"value"|"param": …, "denotation": "…"}`.
 */
import type { ValueInfo } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import { expectWire, type ProtoReader, type Window } from '../../io/protobuf/reader.js';
import { WireType } from '../../io/protobuf/wire.js';
import { onnxToDType } from './dtypes.js';
import { int64Json, readEntry, readInt64Field, readIntField, readStringField } from './read-common.js';
import {
  DimensionField,
  TensorShapeProtoField,
  TypeProtoField,
  TypeProtoMapField,
  TypeProtoOpaqueField,
  TypeProtoTensorField,
  ValueInfoProtoField,
} from './schema.js';

type JsonObject = Record<string, JsonValue>;

/** Reads a TypeProto into its JSON form. */
export async function readTypeJson(
  reader: ProtoReader,
  w: Window,
  path: string,
  depth: number,
): Promise<JsonValue> {
  const out: JsonObject = {};
  for await (const f of reader.fields(w, path, depth)) {
    switch (f.number) {
      case TypeProtoField.TENSOR_TYPE:
      case TypeProtoField.SPARSE_TENSOR_TYPE: {
        expectWire(f, WireType.LEN, path);
        const key = f.number === TypeProtoField.TENSOR_TYPE ? 'tensor' : 'sparseTensor';
        out[key] = await readTensorType(reader, f.window, `${path}.${key}`, depth + 1);
        break;
      }
      case TypeProtoField.SEQUENCE_TYPE:
      case TypeProtoField.OPTIONAL_TYPE: {
        expectWire(f, WireType.LEN, path);
        const key = f.number === TypeProtoField.SEQUENCE_TYPE ? 'sequence' : 'optional';
        let elem: JsonValue = null;
        for await (const g of reader.fields(f.window, `${path}.${key}`, depth + 1)) {
          if (g.number === 1) {
            expectWire(g, WireType.LEN, `${path}.${key}`);
            elem = await readTypeJson(reader, g.window, `${path}.${key}.elem_type`, depth + 2);
          }
        }
        out[key] = elem;
        break;
      }
      case TypeProtoField.MAP_TYPE: {
        expectWire(f, WireType.LEN, path);
        const m: JsonObject = {};
        for await (const g of reader.fields(f.window, `${path}.map`, depth + 1)) {
          if (g.number === TypeProtoMapField.KEY_TYPE) m.keyType = readIntField(g, `${path}.map.key_type`);
          else if (g.number === TypeProtoMapField.VALUE_TYPE) {
            expectWire(g, WireType.LEN, `${path}.map`);
            m.value = await readTypeJson(reader, g.window, `${path}.map.value_type`, depth + 2);
          }
        }
        out.map = m;
        break;
      }
      case TypeProtoField.OPAQUE_TYPE: {
        expectWire(f, WireType.LEN, path);
        const m: JsonObject = {};
        for await (const g of reader.fields(f.window, `${path}.opaque`, depth + 1)) {
          if (g.number === TypeProtoOpaqueField.DOMAIN)
            m.domain = await readStringField(reader, g, `${path}.opaque`);
          else if (g.number === TypeProtoOpaqueField.NAME)
            m.name = await readStringField(reader, g, `${path}.opaque`);
        }
        out.opaque = m;
        break;
      }
      case TypeProtoField.DENOTATION:
        out.denotation = await readStringField(reader, f, `${path}.denotation`);
        break;
      default:
        break;
    }
  }
  return out;
}

async function readTensorType(
  reader: ProtoReader,
  w: Window,
  path: string,
  depth: number,
): Promise<JsonObject> {
  const out: JsonObject = {};
  for await (const f of reader.fields(w, path, depth)) {
    if (f.number === TypeProtoTensorField.ELEM_TYPE) out.elemType = readIntField(f, `${path}.elem_type`);
    else if (f.number === TypeProtoTensorField.SHAPE) {
      expectWire(f, WireType.LEN, `${path}.shape`);
      const dims: JsonValue[] = [];
      for await (const g of reader.fields(f.window, `${path}.shape`, depth + 1)) {
        if (g.number !== TensorShapeProtoField.DIM) continue;
        expectWire(g, WireType.LEN, `${path}.shape.dim[${dims.length}]`);
        dims.push(await readDim(reader, g.window, `${path}.shape.dim[${dims.length}]`, depth + 2));
      }
      out.shape = dims;
    }
  }
  return out;
}

async function readDim(reader: ProtoReader, w: Window, path: string, depth: number): Promise<JsonValue> {
  let value: JsonValue = null;
  let param: string | undefined;
  let denotation: string | undefined;
  for await (const f of reader.fields(w, path, depth)) {
    if (f.number === DimensionField.DIM_VALUE) value = int64Json(readInt64Field(f, path));
    else if (f.number === DimensionField.DIM_PARAM) param = await readStringField(reader, f, path);
    else if (f.number === DimensionField.DENOTATION) denotation = await readStringField(reader, f, path);
  }
  if (denotation === undefined) return param ?? value;
  return param !== undefined
    ? { param, denotation }
    : value === null
      ? { denotation }
      : { value, denotation };
}

/**
 * Turns a type JSON into ValueInfo fields: a tensor of a dtype nnport has, whose dims are all plain
 * (no denotations, no values beyond 2^53), becomes `dtype` + `shape`; anything else keeps `type`.
 */
export function valueInfoFromType(name: string, type: JsonValue | undefined): ValueInfo {
  if (type === undefined) return { name };
  const t = type as JsonObject;
  const tensor = t.tensor as JsonObject | undefined;
  if (tensor !== undefined && Object.keys(t).length === 1 && typeof tensor.elemType === 'number') {
    const dtype = onnxToDType(tensor.elemType);
    const shape = tensor.shape as JsonValue[] | undefined;
    const plain =
      shape === undefined || shape.every((d) => d === null || typeof d === 'number' || typeof d === 'string');
    if (dtype !== undefined && plain) {
      return shape === undefined
        ? { name, dtype }
        : { name, dtype, shape: shape as (number | string | null)[] };
    }
  }
  return { name, type };
}

/** Reads a ValueInfoProto. */
export async function readValueInfo(
  reader: ProtoReader,
  w: Window,
  path: string,
  depth: number,
): Promise<ValueInfo> {
  let name = '';
  let type: JsonValue | undefined;
  const meta: JsonObject = {};
  const props: [string, string][] = [];
  for await (const f of reader.fields(w, path, depth)) {
    if (f.number === ValueInfoProtoField.NAME) name = await readStringField(reader, f, `${path}.name`);
    else if (f.number === ValueInfoProtoField.TYPE) {
      expectWire(f, WireType.LEN, `${path}.type`);
      type = await readTypeJson(reader, f.window, `${path}.type`, depth + 1);
    } else if (f.number === ValueInfoProtoField.DOC_STRING)
      meta.doc = await readStringField(reader, f, `${path}.doc_string`);
    else if (f.number === ValueInfoProtoField.METADATA_PROPS)
      props.push(await readEntry(reader, f, `${path}.metadata_props`, depth + 1));
  }
  if (props.length > 0) meta.metadataProps = props;
  const vi = valueInfoFromType(name, type);
  return Object.keys(meta).length > 0 ? { ...vi, meta } : vi;
}
