/**
 * safetensors element types and their order.
 *
 * Source of the facts: `huggingface/safetensors`, `safetensors/src/tensor.rs`, `enum Dtype` and
 * `Dtype::bitsize` (safetensors 0.6-0.8). The enum is declared "in increasing alignment order"
 * and derives `Ord`; the reference writer sorts tensors by that order, descending, then by name,
 * so the table below keeps the enum's order exactly and `rank` is the variant's position.
 */
import type { DType } from '../../core/dtype.js';

/** One safetensors dtype: its header name, bits per element and nnport's equivalent. */
export interface SafetensorsDtype {
  /** The name in the header's `dtype` field (`"F32"`). */
  readonly name: string;
  /** Bits per element (`Dtype::bitsize`): 4 and 6 for the MX sub-byte floats. */
  readonly bits: number;
  /** Position in the reference enum; the writer lays data out by descending rank. */
  readonly rank: number;
  /** nnport's dtype, or undefined when nnport cannot represent it yet (F6_*). */
  readonly dtype: DType | undefined;
}

/**
 * The reference enum, in declaration order (safetensors 0.8 added the FNUZ fp8 variants after
 * F8_E8M0; F4/F6/F8_E8M0/C64 came in 0.6). Do not reorder: `rank` is derived from it.
 */
const ENUM_ORDER: readonly (readonly [string, number, DType | undefined])[] = [
  ['BOOL', 8, 'bool'],
  // OCP MX FP4 (E2M1), two per byte. The safetensors spec does not fix the nibble order; nnport
  // takes the first element in the low nibble, as ONNX FLOAT4E2M1 and PyTorch float4_e2m1fn_x2 do.
  ['F4', 4, 'float4e2m1'],
  ['F6_E2M3', 6, undefined], // OCP MX FP6
  ['F6_E3M2', 6, undefined], // OCP MX FP6
  ['U8', 8, 'uint8'],
  ['I8', 8, 'int8'],
  ['F8_E5M2', 8, 'float8e5m2'], // arXiv 2209.05433
  ['F8_E4M3', 8, 'float8e4m3fn'], // arXiv 2209.05433 (torch float8_e4m3fn)
  ['F8_E8M0', 8, 'float8e8m0'], // OCP MX scale type (torch float8_e8m0fnu)
  ['F8_E4M3FNUZ', 8, 'float8e4m3fnuz'],
  ['F8_E5M2FNUZ', 8, 'float8e5m2fnuz'],
  ['I16', 16, 'int16'],
  ['U16', 16, 'uint16'],
  ['F16', 16, 'float16'],
  ['BF16', 16, 'bfloat16'],
  ['I32', 32, 'int32'],
  ['U32', 32, 'uint32'],
  ['F32', 32, 'float32'],
  ['C64', 64, 'complex64'], // complex, two f32 parts
  ['F64', 64, 'float64'],
  ['I64', 64, 'int64'],
  ['U64', 64, 'uint64'],
];

/** Every safetensors dtype by header name. */
export const SAFETENSORS_DTYPES: ReadonlyMap<string, SafetensorsDtype> = new Map(
  ENUM_ORDER.map(([name, bits, dtype], rank) => [name, { name, bits, rank, dtype }]),
);

/**
 * nnport dtype → safetensors dtype. int4, uint4, int2, uint2 and complex128 have none (the
 * reference enum has no such variant): the writer refuses them with UNREPRESENTABLE.
 */
export const TO_SAFETENSORS: Readonly<Partial<Record<DType, SafetensorsDtype>>> = (() => {
  const out: Partial<Record<DType, SafetensorsDtype>> = {};
  for (const info of SAFETENSORS_DTYPES.values()) {
    if (info.dtype !== undefined) out[info.dtype] = info;
  }
  return out;
})();

/**
 * Bytes `elements` values of `bits` bits take, or undefined when they do not end on a byte
 * boundary (the reference's `MisalignedSlice`) or the count passes 2^53. Overflow-safe: the
 * product is never formed for counts near 2^53.
 */
export function packedByteLength(elements: number, bits: number): number | 'misaligned' | 'overflow' {
  if (bits % 8 === 0) {
    const size = bits / 8;
    return elements > Number.MAX_SAFE_INTEGER / size ? 'overflow' : elements * size;
  }
  // Sub-byte types: split the count so that no intermediate passes 2^53.
  const whole = Math.floor(elements / 8);
  const rest = elements % 8;
  if ((rest * bits) % 8 !== 0) return 'misaligned';
  if (whole > (Number.MAX_SAFE_INTEGER - 8) / bits) return 'overflow';
  return whole * bits + (rest * bits) / 8;
}
