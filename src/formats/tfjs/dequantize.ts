/**
 * Decoding of quantized TF.js weights into the dtype their manifest entry names, bit for bit as
 * tfjs-core's `decodeWeight` (tfjs-core/src/io/io_utils.ts) produces them:
 *
 * - uint8 / uint16 affine, decoded dtype float32: `values[i] = v * scale + min` stored into a
 *   `Float32Array`. The product and sum are JavaScript (binary64) operations, so the result is
 *   the double `v·scale + min` (two roundings, no fused multiply-add) rounded once to float32.
 * - uint8 / uint16 affine, decoded dtype int32: `Math.round(v * scale + min)` stored into an
 *   `Int32Array` (ECMAScript ToInt32 on the store: NaN → 0, values wrap modulo 2^32).
 * - float16, decoded dtype float32: `getFloat16Decoder`'s tables are the exact binary16 →
 *   binary32 widening (subnormals normalised, ±Inf kept, NaN payload shifted left by 13).
 *
 * The converter's Python reader (`quantization.py` `dequantize_weights`) rounds float32 results
 * with `np.round` too; nnport follows tfjs-core, which the browser runs.
 */
import { halfToFloatBits } from '../../core/half-bits.js';
import type { Quantization } from './manifest.js';

/** The stored values as numbers (little-endian uint8 or uint16). */
function storedValues(stored: 'uint8' | 'uint16', bytes: Uint8Array, count: number): ArrayLike<number> {
  if (stored === 'uint8') return bytes;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Uint16Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getUint16(2 * i, true);
  return out;
}

/**
 * Decodes `count` quantized values (`bytes` holds exactly their stored bytes) into the canonical
 * little-endian bytes of `dtype` (float32 or int32).
 */
export function dequantize(
  q: Quantization,
  dtype: 'float32' | 'int32',
  bytes: Uint8Array,
  count: number,
): Uint8Array {
  if (q.kind === 'float16') {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const out = new Uint32Array(count);
    for (let i = 0; i < count; i++) out[i] = halfToFloatBits(view.getUint16(2 * i, true));
    return new Uint8Array(out.buffer);
  }
  const values = storedValues(q.stored, bytes, count);
  const { scale, min } = q;
  if (dtype === 'float32') {
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = values[i] * scale + min;
    return new Uint8Array(out.buffer);
  }
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = Math.round(values[i] * scale + min);
  return new Uint8Array(out.buffer);
}
