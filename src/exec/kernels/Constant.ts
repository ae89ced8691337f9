/**
 * Constant: its one value attribute as a tensor (ONNX Operators.md Constant): `value` (a tensor
 * the executor loads), or value_float/value_floats (float32), value_int/value_ints (int64).
 * String and sparse values are not executor values.
 */
import type { Kernel } from '../kernel.js';
import { fail, tensorAttr } from '../tensors.js';

/** The Constant kernel. */
export const constantKernel: Kernel = (_inputs, ctx) => {
  const t = tensorAttr(ctx, 'value');
  if (t !== undefined) return [t];
  const a = ctx.attrs;
  const f = a.value_float;
  if (f?.type === 'float') return [{ dtype: 'float32', shape: [], data: Float32Array.of(f.value) }];
  const fs = a.value_floats;
  if (fs?.type === 'floats')
    return [{ dtype: 'float32', shape: [fs.value.length], data: Float32Array.from(fs.value) }];
  const i = a.value_int;
  if (i?.type === 'int') return [{ dtype: 'int64', shape: [], data: BigInt64Array.of(BigInt(i.value)) }];
  const is = a.value_ints;
  if (is?.type === 'ints') {
    return [
      { dtype: 'int64', shape: [is.value.length], data: BigInt64Array.from(is.value.map((v) => BigInt(v))) },
    ];
  }
  return fail(ctx, 'no numeric value attribute (string and sparse constants are not executed)');
};
