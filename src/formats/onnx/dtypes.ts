/**
 * ONNX element types (TensorProto.DataType, schema.ts) ↔ nnport dtype names. The table covers every
 * value of the current onnx.proto; names nnport's core does not define yet resolve through `isDType`
 * so this file compiles before and after src/core/dtype.ts gains them (docs/formats/onnx.md).
 */
import { type DType, isDType } from '../../core/dtype.js';
import { DataType } from './schema.js';

/**
 * nnport's name for each ONNX element type, STRING excluded (string tensors are kept with the graph,
 * not as numeric tensor data). Sub-byte types are packed little-endian, first element in the low bits,
 * exactly as ONNX raw_data stores them (onnx.proto, TensorProto.raw_data comment).
 */
export const ONNX_DTYPE_NAMES: Readonly<Record<number, string>> = {
  [DataType.FLOAT]: 'float32',
  [DataType.UINT8]: 'uint8',
  [DataType.INT8]: 'int8',
  [DataType.UINT16]: 'uint16',
  [DataType.INT16]: 'int16',
  [DataType.INT32]: 'int32',
  [DataType.INT64]: 'int64',
  [DataType.BOOL]: 'bool',
  [DataType.FLOAT16]: 'float16',
  [DataType.DOUBLE]: 'float64',
  [DataType.UINT32]: 'uint32',
  [DataType.UINT64]: 'uint64',
  [DataType.COMPLEX64]: 'complex64',
  [DataType.COMPLEX128]: 'complex128',
  [DataType.BFLOAT16]: 'bfloat16',
  [DataType.FLOAT8E4M3FN]: 'float8e4m3fn',
  [DataType.FLOAT8E4M3FNUZ]: 'float8e4m3fnuz',
  [DataType.FLOAT8E5M2]: 'float8e5m2',
  [DataType.FLOAT8E5M2FNUZ]: 'float8e5m2fnuz',
  [DataType.UINT4]: 'uint4',
  [DataType.INT4]: 'int4',
  [DataType.FLOAT4E2M1]: 'float4e2m1',
  [DataType.FLOAT8E8M0]: 'float8e8m0',
  [DataType.UINT2]: 'uint2',
  [DataType.INT2]: 'int2',
};

/** The nnport dtype of an ONNX element type, or undefined (STRING, UNDEFINED, unknown, or not in the core yet). */
export function onnxToDType(elemType: number): DType | undefined {
  const name = ONNX_DTYPE_NAMES[elemType];
  return name !== undefined && isDType(name) ? name : undefined;
}

/** The ONNX element type of an nnport dtype, or undefined when ONNX has none. */
export function dtypeToOnnx(dtype: DType): number | undefined {
  for (const [code, name] of Object.entries(ONNX_DTYPE_NAMES)) {
    if (name === dtype) return Number(code);
  }
  return undefined;
}

/** The ONNX enum name of an element type for messages (`FLOAT16`), or `data_type N`. */
export function onnxTypeName(elemType: number): string {
  for (const [name, code] of Object.entries(DataType)) {
    if (code === elemType) return name;
  }
  return `data_type ${elemType}`;
}
