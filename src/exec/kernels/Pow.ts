/**
 * Pow: X raised to Y with multidirectional broadcasting; Y may have another numeric dtype than X
 * and the output has X's (ONNX Operators.md Pow, since 12).
 */
import type { Kernel } from '../kernel.js';
import { binaryKernel } from './elementwise.js';

function bigPow(a: bigint, b: bigint): bigint {
  if (b >= 0n) {
    // Square-and-multiply modulo 2^64: a ** b itself could have billions of digits.
    let r = 1n;
    let base = BigInt.asIntN(64, a);
    for (let e = b; e > 0n; e >>= 1n) {
      if (e & 1n) r = BigInt.asIntN(64, r * base);
      base = BigInt.asIntN(64, base * base);
    }
    return r;
  }
  // Negative integer exponents: only |a| = 1 gives a non-zero integer result.
  if (a === 1n) return 1n;
  if (a === -1n) return b % 2n === 0n ? 1n : -1n;
  return 0n;
}

/** The Pow kernel. */
export const powKernel: Kernel = binaryKernel(
  {
    num: (a, b, dt) => (dt === 'float32' || dt === 'float64' ? a ** b : Math.trunc(a ** b)),
    big: bigPow,
  },
  true,
);
