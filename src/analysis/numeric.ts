/**
 * Decoding tensor bytes of any dtype to float64 numbers, chunk by chunk, for statistics and
 * numeric comparison. int64/uint64 beyond 2^53 lose precision here by design (statistics only);
 * bit-exact comparison works on the bytes themselves.
 */
import { type DType, itemSize, viewAs } from '../core/dtype.js';
import type { Tensor } from '../core/tensor.js';
import { bf16BitsToNumber, f16BitsToNumber } from '../io/text/float-bits.js';

/** Bytes decoded per step: bounded memory for tensors of any size. */
export const NUMERIC_CHUNK_BYTES = 1 << 22;

/** Decodes canonical bytes of `dtype` to float64 values. */
export function decodeNumbers(dtype: DType, bytes: Uint8Array): Float64Array {
  const n = bytes.byteLength / itemSize(dtype);
  const out = new Float64Array(n);
  switch (dtype) {
    case 'float16': {
      const v = viewAs('float16', bytes);
      for (let i = 0; i < n; i++) out[i] = f16BitsToNumber(v[i] as number);
      return out;
    }
    case 'bfloat16': {
      const v = viewAs('bfloat16', bytes);
      for (let i = 0; i < n; i++) out[i] = bf16BitsToNumber(v[i] as number);
      return out;
    }
    case 'int64':
    case 'uint64': {
      const v = viewAs(dtype, bytes);
      for (let i = 0; i < n; i++) out[i] = Number(v[i]);
      return out;
    }
    default: {
      const v = viewAs(dtype, bytes) as Exclude<ReturnType<typeof viewAs>, BigInt64Array | BigUint64Array>;
      for (let i = 0; i < n; i++) out[i] = v[i] as number;
      return out;
    }
  }
}

/** Yields a tensor's values as float64 chunks, in C order. */
export async function* numberChunks(t: Tensor): AsyncGenerator<Float64Array> {
  const size = itemSize(t.dtype);
  const step = Math.max(size, NUMERIC_CHUNK_BYTES - (NUMERIC_CHUNK_BYTES % size));
  for (let off = 0; off < t.data.byteLength; off += step) {
    const bytes = await t.data.read(off, Math.min(step, t.data.byteLength - off));
    yield decodeNumbers(t.dtype, bytes);
  }
}
