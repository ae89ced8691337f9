/**
 * TensorProto and SparseTensorProto plans (onnx.proto). Numeric data always goes to `raw_data`
 * (or to external data): nnport's canonical layout — dense, C order, little-endian, sub-byte types
 * packed low bits first — is exactly what onnx.proto prescribes for raw_data, so bytes are copied
 * from the source unchanged, chunk by chunk, and the typed fields (float_data, int32_data, ...)
 * are never written. STRING tensors use string_data, the only place ONNX allows them.
 */
import { byteLengthOf } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { SparseTensorRef, StringTensor } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import { elementCount, readChunks, type Tensor } from '../../core/tensor.js';
import { encodeUtf8 } from '../../io/cursor.js';
import { PbMessage } from '../../io/protobuf/writer.js';
import { dtypeToOnnx } from './dtypes.js';
import {
  DataLocation,
  DataType,
  ExternalDataKey,
  SegmentField,
  SparseTensorProtoField,
  TensorProtoField,
} from './schema.js';
import { addMetadataProps, asObject, asString, entry, jsonInt } from './write-json.js';

/** Bytes of tensor data read per step while copying: large enough for throughput, small for memory. */
export const COPY_CHUNK_BYTES = 1 << 22;

/** Where a tensor's bytes go in the external data file. */
export interface ExternalPlacement {
  /** The file, relative to the model (`model.onnx.data`). */
  readonly location: string;
  /** Byte offset in the file. */
  readonly offset: number;
  /** Byte count. */
  readonly length: number;
}

/** The `meta.onnx` of a tensor, when it has one. */
function onnxMeta(
  meta: Readonly<Record<string, JsonValue>> | undefined,
): Readonly<Record<string, JsonValue>> | undefined {
  return asObject(meta?.onnx);
}

/**
 * The name a tensor has in the file: `meta.onnx.name` when the reader recorded one (`''` for an
 * unnamed attribute tensor, whose model name was generated), else the model name.
 */
export function protoName(name: string, meta: Readonly<Record<string, JsonValue>> | undefined): string {
  return asString(onnxMeta(meta)?.name) ?? name;
}

/** The ONNX element type of a tensor, or UNREPRESENTABLE. */
export function elemTypeOf(t: Tensor): number {
  const code = dtypeToOnnx(t.dtype);
  if (code === undefined) {
    throw new NnportError('UNREPRESENTABLE', `ONNX has no element type for ${t.dtype}`, {
      at: { tensor: t.name },
    });
  }
  return code;
}

/** Checks that a tensor's data length agrees with its dtype and shape (a writer must not trust it blindly). */
export function checkTensorBytes(t: Tensor): void {
  const expected = byteLengthOf(t.dtype, elementCount(t.shape));
  if (t.data.byteLength !== expected) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `${t.data.byteLength} bytes of data for ${t.dtype}[${t.shape.join(', ')}], which needs ${expected}`,
      { at: { tensor: t.name } },
    );
  }
}

/** Adds the fields every TensorProto kind shares after name: doc_string (12). */
function addDoc(m: PbMessage, meta: Readonly<Record<string, JsonValue>> | undefined): void {
  const doc = asString(onnxMeta(meta)?.docString);
  if (doc !== undefined) m.string(TensorProtoField.DOC_STRING, doc);
}

function addSegment(m: PbMessage, meta: Readonly<Record<string, JsonValue>> | undefined, path: string): void {
  const seg = asObject(onnxMeta(meta)?.segment);
  if (seg === undefined) return;
  const s = new PbMessage();
  if (seg.begin !== undefined) s.varint(SegmentField.BEGIN, jsonInt(seg.begin, `${path}.segment.begin`));
  if (seg.end !== undefined) s.varint(SegmentField.END, jsonInt(seg.end, `${path}.segment.end`));
  m.message(TensorProtoField.SEGMENT, s);
}

/**
 * The TensorProto of a numeric tensor: dims, data_type, name, then raw_data streamed from the
 * tensor's data, or — when `external` is given — external_data entries (location, offset, length,
 * as onnx's `set_external_data` writes them) and data_location = EXTERNAL. Fields in onnx.proto
 * number order.
 */
export function tensorProto(
  t: Tensor,
  external: ExternalPlacement | undefined,
  nameOverride?: string,
): PbMessage {
  const elemType = elemTypeOf(t);
  checkTensorBytes(t);
  const m = new PbMessage();
  for (const d of t.shape) m.varint(TensorProtoField.DIMS, d);
  m.varint(TensorProtoField.DATA_TYPE, elemType);
  addSegment(m, t.meta, `$.tensors[${JSON.stringify(t.name)}].meta.onnx`);
  const name = nameOverride ?? protoName(t.name, t.meta);
  if (name !== '') m.string(TensorProtoField.NAME, name);
  if (external === undefined) {
    const length = t.data.byteLength;
    m.stream(TensorProtoField.RAW_DATA, {
      length,
      chunks: () => tensorChunks(t),
    });
  }
  addDoc(m, t.meta);
  if (external !== undefined) {
    m.message(TensorProtoField.EXTERNAL_DATA, entry(ExternalDataKey.LOCATION, external.location));
    m.message(TensorProtoField.EXTERNAL_DATA, entry(ExternalDataKey.OFFSET, String(external.offset)));
    m.message(TensorProtoField.EXTERNAL_DATA, entry(ExternalDataKey.LENGTH, String(external.length)));
    m.varint(TensorProtoField.DATA_LOCATION, DataLocation.EXTERNAL);
  }
  addMetadataProps(
    m,
    TensorProtoField.METADATA_PROPS,
    onnxMeta(t.meta)?.metadataProps,
    `$.tensors[${JSON.stringify(t.name)}].meta.onnx.metadataProps`,
  );
  return m;
}

/** A tensor's bytes in chunks (one read for small tensors). */
export async function* tensorChunks(t: Tensor): AsyncGenerator<Uint8Array> {
  if (t.data.byteLength <= COPY_CHUNK_BYTES) {
    yield await t.data.read(0, t.data.byteLength);
    return;
  }
  yield* readChunks(t, COPY_CHUNK_BYTES, 1);
}

/** The TensorProto of a STRING tensor: its elements in string_data, UTF-8 encoded. */
export function stringTensorProto(s: StringTensor, nameOverride?: string): PbMessage {
  const count = elementCount(s.shape);
  if (count !== s.values.length) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `${s.values.length} strings for shape [${s.shape.join(', ')}], which holds ${count}`,
      { at: { tensor: s.name } },
    );
  }
  const m = new PbMessage();
  for (const d of s.shape) m.varint(TensorProtoField.DIMS, d);
  m.varint(TensorProtoField.DATA_TYPE, DataType.STRING);
  for (const v of s.values) m.bytes(TensorProtoField.STRING_DATA, encodeUtf8(v));
  const name = nameOverride ?? s.name;
  if (name !== '') m.string(TensorProtoField.NAME, name);
  return m;
}

/**
 * A SparseTensorProto: values (a TensorProto named as the sparse tensor, onnx.proto: "The values
 * tensor's name is the sparse tensor's name"), indices (int64) and the dense dims.
 */
export function sparseTensorProto(
  ref: SparseTensorRef,
  values: Tensor,
  indices: Tensor,
  external: (t: Tensor) => ExternalPlacement | undefined,
): PbMessage {
  const m = new PbMessage();
  m.message(SparseTensorProtoField.VALUES, tensorProto(values, external(values), ref.name));
  m.message(SparseTensorProtoField.INDICES, tensorProto(indices, external(indices)));
  for (const d of ref.dims) m.varint(SparseTensorProtoField.DIMS, d);
  return m;
}
