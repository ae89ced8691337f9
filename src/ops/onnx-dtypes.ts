/**
 * ONNX element type codes (onnx.proto `TensorProto.DataType`) → nnport dtypes, for the attributes
 * that name a type by number (Cast's `to`, LayerNormalization's `stash_type`). Kept here rather
 * than imported from formats/onnx so that ops/ stays below the formats in the layering
 * (DESIGN §2: formats map their ops through tables in ops/). Names the core does not define
 * resolve to `undefined` through `isDType`.
 */
import { type DType, isDType } from '../core/dtype.js';

/** nnport's name for each numeric ONNX element type (8 = STRING has none). */
const NAMES: readonly (string | undefined)[] = [
  undefined, // 0 UNDEFINED
  'float32',
  'uint8',
  'int8',
  'uint16',
  'int16',
  'int32',
  'int64',
  undefined, // 8 STRING
  'bool',
  'float16',
  'float64',
  'uint32',
  'uint64',
  'complex64',
  'complex128',
  'bfloat16',
  'float8e4m3fn',
  'float8e4m3fnuz',
  'float8e5m2',
  'float8e5m2fnuz',
  'uint4',
  'int4',
  'float4e2m1',
  'float8e8m0',
  'uint2',
  'int2',
];

/** The dtype of an ONNX element type code, or `undefined` (STRING, unknown codes). */
export function onnxDType(code: number): DType | undefined {
  const name = NAMES[code];
  return name !== undefined && isDType(name) ? name : undefined;
}

/** The ONNX element type code of a dtype, or `undefined`. */
export function onnxTypeCode(dtype: DType): number | undefined {
  const i = NAMES.indexOf(dtype);
  return i < 0 ? undefined : i;
}
