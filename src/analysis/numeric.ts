/**
 * Decoding tensor bytes of any dtype to float64 numbers, chunk by chunk, for statistics and
 * numeric comparison. int64/uint64 beyond 2^53 lose precision here by design (statistics only);
 * bit-exact comparison works on the bytes themselves. float8/float4 decode exactly
 * (core/minifloat.ts); sub-byte integers are unpacked and sign-extended; complex tensors decode to
 * their parts (re, im interleaved), and statistics use their magnitudes |z|.
 */
import { DTYPES, type DType, itemSize, unpackSubByte, viewAs } from '../core/dtype.js';
import { decodeMiniFloat, isMiniFloat } from '../core/minifloat.js';
import { elementCount, type Tensor } from '../core/tensor.js';
import { bf16BitsToNumber, f16BitsToNumber } from '../io/text/float-bits.js';

/** Bytes decoded per step: bounded memory for tensors of any size. */
export const NUMERIC_CHUNK_BYTES = 1 << 22;

/**
 * Decodes canonical bytes of `dtype` to float64 values: one per element, two (re, im) per complex
 * element. `count` bounds the elements of a sub-byte dtype (the last byte may hold padding).
 */
export function decodeNumbers(dtype: DType, bytes: Uint8Array, count?: number): Float64Array {
  const bits = DTYPES[dtype].bits;
  if (bits < 8) {
    const n = count ?? Math.floor((bytes.byteLength * 8) / bits);
    const codes = unpackSubByte(bytes, bits, n);
    const out = new Float64Array(n);
    const shift = 32 - bits;
    for (let i = 0; i < n; i++) {
      const c = codes[i];
      out[i] = isMiniFloat(dtype)
        ? decodeMiniFloat(dtype, c)
        : dtype === 'int4' || dtype === 'int2'
          ? (c << shift) >> shift
          : c;
    }
    return out;
  }
  if (isMiniFloat(dtype)) return Float64Array.from(bytes, (c) => decodeMiniFloat(dtype, c));
  if (dtype === 'complex64') return Float64Array.from(viewAs('float32', bytes));
  if (dtype === 'complex128') return Float64Array.from(viewAs('float64', bytes));
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

/**
 * Bytes per decoding step for a dtype: whole elements (a multiple of 16 bytes, so sub-byte
 * elements never straddle steps), about NUMERIC_CHUNK_BYTES.
 */
export function numericStep(dtype: DType): number {
  const size = Math.max(1, itemSize(dtype));
  return Math.max(size, NUMERIC_CHUNK_BYTES - (NUMERIC_CHUNK_BYTES % size));
}

/** Yields a tensor's values as float64 chunks, in C order (complex: the magnitude of each element). */
export async function* numberChunks(t: Tensor): AsyncGenerator<Float64Array> {
  const step = numericStep(t.dtype);
  const bits = DTYPES[t.dtype].bits;
  const complex = DTYPES[t.dtype].kind === 'complex';
  let left = elementCount(t.shape);
  for (let off = 0; off < t.data.byteLength; off += step) {
    const bytes = await t.data.read(off, Math.min(step, t.data.byteLength - off));
    const n = Math.min(left, Math.floor((bytes.byteLength * 8) / bits));
    left -= n;
    const v = decodeNumbers(t.dtype, bytes, n);
    if (!complex) {
      yield v;
      continue;
    }
    const mag = new Float64Array(v.length / 2);
    for (let i = 0; i < mag.length; i++) mag[i] = Math.hypot(v[2 * i], v[2 * i + 1]);
    yield mag;
  }
}
