/**
 * TensorProto → nnport tensor. raw_data and external data become SourceData windows (zero-copy:
 * ONNX stores raw bytes little-endian, dense, row-major — the canonical layout); the typed fields
 * (float_data, int32_data, int64_data, uint64_data, double_data) are decoded on first read
 * (DerivedData). STRING tensors become StringTensors. onnx.proto TensorProto comments are the spec.
 */
import { byteLengthOf, type DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { StringTensor } from '../../core/graph.js';
import { MAX_PROTOBUF_PACKED_BYTES, MAX_RANK } from '../../core/limits.js';
import type { JsonValue } from '../../core/model.js';
import { DerivedData, elementCount, SourceData, type Tensor, type TensorData } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import { decodeLatin1, decodeUtf8 } from '../../io/cursor.js';
import { decodePackedVarints, expectWire, protoError, type Window } from '../../io/protobuf/reader.js';
import { toInt64, WireType } from '../../io/protobuf/wire.js';
import { onnxToDType, onnxTypeName } from './dtypes.js';
import { externalWindow, parseExternalRef } from './external-data.js';
import { int64Json, readEntry, readIntField, readRepeatedInt64, readStringField } from './read-common.js';
import type { ReadContext } from './read-context.js';
import { DataLocation, DataType, SegmentField, TensorProtoField } from './schema.js';

/** One piece of a repeated numeric field: a packed payload window, or one unpacked value. */
export type Part = Window | number | bigint;

/** The fields of a TensorProto, with data recorded as windows (nothing large is read). */
export interface TensorProtoParts {
  /** The name ('' when absent). */
  name: string;
  /** Dimensions. */
  dims: number[];
  /** TensorProto.DataType (0 when absent). */
  dataType: number;
  /** doc_string. */
  docString?: string;
  /** segment {begin, end}. */
  segment?: { begin: JsonValue; end: JsonValue };
  /** raw_data payload. */
  raw?: Window;
  /** Typed data fields by field number. */
  typed: Map<number, { wireType: number; parts: Part[] }>;
  /** string_data payloads. */
  strings: Window[];
  /** external_data entries. */
  external: [string, string][];
  /** data_location. */
  dataLocation?: number;
  /** metadata_props. */
  metadataProps: [string, string][];
  /** Absolute offset of the message, for errors. */
  offset: number;
}

/** Reads a TensorProto's fields (no data bytes). */
export async function parseTensorProto(
  ctx: ReadContext,
  window: Window,
  path: string,
  depth: number,
): Promise<TensorProtoParts> {
  const r = ctx.reader;
  const t: TensorProtoParts = {
    name: '',
    dims: [],
    dataType: 0,
    typed: new Map(),
    strings: [],
    external: [],
    metadataProps: [],
    offset: window.offset,
  };
  for await (const f of r.fields(window, path, depth)) {
    switch (f.number) {
      case TensorProtoField.DIMS: {
        const dims: (number | bigint)[] = [];
        await readRepeatedInt64(r, f, `${path}.dims`, dims);
        for (const d of dims) {
          if (typeof d !== 'number' || d < 0) {
            throw protoError('INVALID_STRUCTURE', `${path}.dims`, `bad dimension ${String(d)}`, f.start);
          }
          t.dims.push(d);
        }
        if (t.dims.length > MAX_RANK) {
          throw protoError('LIMIT_EXCEEDED', `${path}.dims`, `rank exceeds MAX_RANK ${MAX_RANK}`, f.start);
        }
        break;
      }
      case TensorProtoField.DATA_TYPE:
        t.dataType = readIntField(f, `${path}.data_type`);
        break;
      case TensorProtoField.SEGMENT: {
        expectWire(f, WireType.LEN, `${path}.segment`);
        let begin: JsonValue = 0;
        let end: JsonValue = 0;
        for await (const g of r.fields(f.window, `${path}.segment`, depth + 1)) {
          if (g.number === SegmentField.BEGIN) begin = int64Json(toInt64(g.value));
          else if (g.number === SegmentField.END) end = int64Json(toInt64(g.value));
        }
        t.segment = { begin, end };
        break;
      }
      case TensorProtoField.FLOAT_DATA:
      case TensorProtoField.INT32_DATA:
      case TensorProtoField.INT64_DATA:
      case TensorProtoField.DOUBLE_DATA:
      case TensorProtoField.UINT64_DATA: {
        const scalar =
          f.number === TensorProtoField.FLOAT_DATA
            ? WireType.I32
            : f.number === TensorProtoField.DOUBLE_DATA
              ? WireType.I64
              : WireType.VARINT;
        if (f.wireType !== WireType.LEN) expectWire(f, scalar, `${path}.data`);
        let entry = t.typed.get(f.number);
        if (entry === undefined) {
          entry = { wireType: scalar, parts: [] };
          t.typed.set(f.number, entry);
        }
        entry.parts.push(f.wireType === WireType.LEN ? f.window : f.value);
        break;
      }
      case TensorProtoField.STRING_DATA:
        expectWire(f, WireType.LEN, `${path}.string_data`);
        t.strings.push(f.window);
        break;
      case TensorProtoField.NAME:
        t.name = await readStringField(r, f, `${path}.name`);
        break;
      case TensorProtoField.RAW_DATA:
        expectWire(f, WireType.LEN, `${path}.raw_data`);
        t.raw = f.window;
        break;
      case TensorProtoField.DOC_STRING:
        t.docString = await readStringField(r, f, `${path}.doc_string`);
        break;
      case TensorProtoField.EXTERNAL_DATA:
        t.external.push(await readEntry(r, f, `${path}.external_data[${t.external.length}]`, depth + 1));
        break;
      case TensorProtoField.DATA_LOCATION:
        t.dataLocation = readIntField(f, `${path}.data_location`);
        break;
      case TensorProtoField.METADATA_PROPS:
        t.metadataProps.push(await readEntry(r, f, `${path}.metadata_props`, depth + 1));
        break;
      default:
        break; // unknown fields are skipped
    }
  }
  return t;
}

/** The model-level result of one TensorProto: a numeric tensor or a string tensor. */
export type BuiltTensor = { kind: 'tensor'; tensor: Tensor } | { kind: 'string'; tensor: StringTensor };

/**
 * Makes the nnport tensor for parsed parts under `name` (the caller's final, unique name).
 * Checks raw and external byte lengths against the shape now (INVALID_STRUCTURE naming the tensor);
 * typed fields are decoded and counted on first read.
 */
export async function buildTensor(ctx: ReadContext, t: TensorProtoParts, name: string): Promise<BuiltTensor> {
  const at = { tensor: name };
  const count = elementCountFor(t.dims, name);
  if (t.dataType === DataType.STRING) {
    if (t.strings.length !== count) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `${t.strings.length} strings for shape [${t.dims.join(', ')}]`,
        { at },
      );
    }
    const values: string[] = [];
    for (const w of t.strings) {
      const b = await ctx.reader.bytes(w, `tensor ${name}`);
      let s: string;
      try {
        s = decodeUtf8(b);
      } catch {
        s = decodeLatin1(b);
      }
      values.push(s);
    }
    return { kind: 'string', tensor: { name, shape: t.dims, values } };
  }
  const dtype = onnxToDType(t.dataType);
  if (dtype === undefined) {
    throw new NnportError(
      'UNSUPPORTED_DTYPE',
      `ONNX element type ${onnxTypeName(t.dataType)} is not supported`,
      {
        at,
      },
    );
  }
  const byteLength = byteLengthOf(dtype, count);
  let data: TensorData;
  const meta: Record<string, JsonValue> = {};
  const external = t.dataLocation === DataLocation.EXTERNAL || (t.external.length > 0 && t.raw === undefined);
  if (external) {
    const ref = parseExternalRef(t.external, name);
    const w = await externalWindow(ctx, ref, byteLength, name);
    data = new SourceData(w.source, w.offset, w.length);
    meta.externalData = {
      location: ref.location,
      ...(ref.offset === 0 ? {} : { offset: ref.offset }),
      ...(ref.length === undefined ? {} : { length: ref.length }),
      ...(ref.checksum === undefined ? {} : { checksum: ref.checksum }),
    };
  } else if (t.raw !== undefined) {
    if (t.raw.length !== byteLength) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `raw_data of ${t.raw.length} bytes for ${dtype}[${t.dims.join(', ')}], which needs ${byteLength}`,
        { at },
      );
    }
    data = new SourceData(ctx.reader.source, t.raw.offset, t.raw.length);
  } else if (t.typed.size > 0) {
    data = typedData(ctx.reader.source, t, dtype, count, byteLength, name);
  } else if (count === 0) {
    data = new DerivedData(0, () => Promise.resolve(new Uint8Array(0)));
  } else {
    throw new NnportError('INVALID_STRUCTURE', `tensor of ${count} elements has no data`, { at });
  }
  if (t.docString !== undefined) meta.docString = t.docString;
  if (t.segment !== undefined) meta.segment = t.segment;
  if (t.metadataProps.length > 0) meta.metadataProps = t.metadataProps;
  if (t.name !== name) meta.name = t.name;
  const tensor: Tensor =
    Object.keys(meta).length > 0
      ? { name, dtype, shape: t.dims, data, meta: { onnx: meta } }
      : { name, dtype, shape: t.dims, data };
  return { kind: 'tensor', tensor };
}

function elementCountFor(dims: readonly number[], name: string): number {
  try {
    return elementCount(dims);
  } catch (e) {
    if (e instanceof NnportError) throw new NnportError(e.code, e.detail, { at: { tensor: name } });
    throw e;
  }
}

/**
 * Which typed field holds each dtype and how each value becomes bytes (onnx.proto: int32_data holds
 * every type of 16 bits or fewer as its bit pattern; sub-byte types one packed byte per value).
 */
function typedLayout(dtype: DType, count: number): { field: number; values: number; width: number } {
  switch (dtype as string) {
    case 'float32':
      return { field: TensorProtoField.FLOAT_DATA, values: count, width: 4 };
    case 'complex64':
      return { field: TensorProtoField.FLOAT_DATA, values: 2 * count, width: 4 };
    case 'float64':
      return { field: TensorProtoField.DOUBLE_DATA, values: count, width: 8 };
    case 'complex128':
      return { field: TensorProtoField.DOUBLE_DATA, values: 2 * count, width: 8 };
    case 'int64':
      return { field: TensorProtoField.INT64_DATA, values: count, width: 8 };
    case 'uint64':
      return { field: TensorProtoField.UINT64_DATA, values: count, width: 8 };
    case 'uint32':
      return { field: TensorProtoField.UINT64_DATA, values: count, width: 4 };
    case 'int32':
      return { field: TensorProtoField.INT32_DATA, values: count, width: 4 };
    case 'int16':
    case 'uint16':
    case 'float16':
    case 'bfloat16':
      return { field: TensorProtoField.INT32_DATA, values: count, width: 2 };
    default: {
      // 8-bit types one per value; sub-byte types one packed byte per value
      const bytes = byteLengthOf(dtype, count);
      return { field: TensorProtoField.INT32_DATA, values: bytes, width: 1 };
    }
  }
}

function typedData(
  source: ByteSource,
  t: TensorProtoParts,
  dtype: DType,
  count: number,
  byteLength: number,
  name: string,
): TensorData {
  const layout = typedLayout(dtype, count);
  const entry = t.typed.get(layout.field);
  const at = { tensor: name };
  if (entry === undefined || t.typed.size !== 1) {
    throw new NnportError('INVALID_STRUCTURE', `typed data field does not match data_type ${dtype}`, { at });
  }
  let packedBytes = 0;
  for (const p of entry.parts) if (typeof p === 'object') packedBytes += p.length;
  if (packedBytes > MAX_PROTOBUF_PACKED_BYTES) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `typed data of ${packedBytes} bytes exceeds MAX_PROTOBUF_PACKED_BYTES`,
      {
        at,
      },
    );
  }
  const fixed = entry.wireType === WireType.I32 ? 4 : entry.wireType === WireType.I64 ? 8 : 0;
  if (fixed > 0) {
    let n = 0;
    for (const p of entry.parts) n += typeof p === 'object' ? p.length / fixed : 1;
    if (n !== layout.values) throw countMismatch(n, layout.values, dtype, t.dims, name);
  }
  return new DerivedData(byteLength, async () => {
    const out = new Uint8Array(byteLength);
    const dv = new DataView(out.buffer);
    let i = 0;
    const put = (v: number | bigint): void => {
      if (i >= layout.values) throw countMismatch(i + 1, layout.values, dtype, t.dims, name);
      const o = i * layout.width;
      if (layout.width === 8) dv.setBigUint64(o, BigInt.asUintN(64, BigInt(v)), true);
      else if (layout.width === 4) dv.setUint32(o, Number(BigInt.asUintN(32, BigInt(v))), true);
      else if (layout.width === 2) dv.setUint16(o, Number(BigInt.asUintN(16, BigInt(v))), true);
      else dv.setUint8(o, Number(BigInt.asUintN(8, BigInt(v))));
      i++;
    };
    for (const p of entry.parts) {
      if (typeof p !== 'object') {
        put(fixed === 0 ? toInt64(p) : p);
        continue;
      }
      const bytes = await source.read(p.offset, p.length);
      if (fixed > 0) {
        out.set(bytes, i * layout.width);
        i += p.length / fixed;
        continue;
      }
      const vals: (number | bigint)[] = [];
      decodePackedVarints(bytes, p.offset, vals);
      for (const v of vals) put(toInt64(v));
    }
    if (i !== layout.values) throw countMismatch(i, layout.values, dtype, t.dims, name);
    return out;
  });
}

function countMismatch(
  got: number,
  want: number,
  dtype: DType,
  dims: readonly number[],
  name: string,
): NnportError {
  return new NnportError(
    'INVALID_STRUCTURE',
    `${got} typed values for ${dtype}[${dims.join(', ')}], which needs ${want}`,
    { at: { tensor: name } },
  );
}
