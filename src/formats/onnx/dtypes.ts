/**
 * ONNX element types (TensorProto.DataType, schema.ts) ↔ nnport dtype names, for the ONNX reader
 * and writer (docs/formats/onnx.md).
 */
import type { DType } from '../../core/dtype.js';
import { onnxDType, onnxTypeCode } from '../../ops/onnx-dtypes.js';
import { DataType } from './schema.js';

/**
 * The nnport dtype of an ONNX element type, or undefined (STRING, UNDEFINED, unknown). The table
 * itself lives in src/ops/onnx-dtypes.ts, which the op set needs too (Cast's `to`); STRING is
 * excluded there because string tensors are kept with the graph, not as numeric data. Sub-byte
 * types are packed little-endian, first element in the low bits, exactly as ONNX raw_data stores
 * them (onnx.proto, TensorProto.raw_data comment).
 */
export function onnxToDType(elemType: number): DType | undefined {
  return onnxDType(elemType);
}

/** The ONNX element type of an nnport dtype, or undefined when ONNX has none. */
export function dtypeToOnnx(dtype: DType): number | undefined {
  return onnxTypeCode(dtype);
}

/** The ONNX enum name of an element type for messages (`FLOAT16`), or `data_type N`. */
export function onnxTypeName(elemType: number): string {
  for (const [name, code] of Object.entries(DataType)) {
    if (code === elemType) return name;
  }
  return `data_type ${elemType}`;
}
