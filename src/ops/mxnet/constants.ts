/** Small constant tensors the MXNet importer makes (scalars of `_*_scalar` ops, `_arange` results). */
import type { DType } from '../../core/dtype.js';
import { type Tensor, tensorFromArray } from '../../core/tensor.js';

/** A tensor of `dtype` holding `values` (converted as a cast would), or undefined for dtypes without a plain numeric form. */
export function tensorFromNumbers(
  name: string,
  dtype: DType,
  shape: readonly number[],
  values: readonly number[],
): Tensor | undefined {
  switch (dtype) {
    case 'float32':
      return tensorFromArray(name, dtype, shape, Float32Array.from(values));
    case 'float64':
      return tensorFromArray(name, dtype, shape, Float64Array.from(values));
    case 'int8':
      return tensorFromArray(name, dtype, shape, Int8Array.from(values, Math.trunc));
    case 'uint8':
      return tensorFromArray(name, dtype, shape, Uint8Array.from(values, Math.trunc));
    case 'int32':
      return tensorFromArray(name, dtype, shape, Int32Array.from(values, Math.trunc));
    case 'int64':
      return tensorFromArray(
        name,
        dtype,
        shape,
        BigInt64Array.from(values, (v) => BigInt(Math.trunc(v))),
      );
    case 'bool':
      return tensorFromArray(
        name,
        dtype,
        shape,
        Uint8Array.from(values, (v) => (v !== 0 ? 1 : 0)),
      );
    default:
      return undefined;
  }
}
