/**
 * Per-tensor statistics for `inspect --stats`, computed in one streaming pass (Welford's
 * algorithm for mean and variance, so large tensors neither lose precision nor need two reads).
 */
import type { Tensor } from '../core/tensor.js';
import { numberChunks } from './numeric.js';

/** Statistics of one tensor over its finite values (NaN and ±Inf are counted apart). */
export interface TensorStats {
  /** Smallest finite value, or null when there is none. */
  min: number | null;
  /** Largest finite value, or null when there is none. */
  max: number | null;
  /** Mean of finite values, or null. */
  mean: number | null;
  /** Population standard deviation of finite values, or null. */
  std: number | null;
  /** Elements equal to zero (either sign). */
  zeros: number;
  /** NaN elements. */
  nan: number;
  /** +Infinity and -Infinity elements. */
  inf: number;
}

/** Computes statistics of a tensor, reading it in chunks. */
export async function tensorStats(t: Tensor): Promise<TensorStats> {
  let count = 0;
  let mean = 0;
  let m2 = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let zeros = 0;
  let nan = 0;
  let inf = 0;
  for await (const chunk of numberChunks(t)) {
    for (let i = 0; i < chunk.length; i++) {
      const x = chunk[i] as number;
      if (Number.isNaN(x)) {
        nan++;
        continue;
      }
      if (x === Number.POSITIVE_INFINITY || x === Number.NEGATIVE_INFINITY) {
        inf++;
        continue;
      }
      if (x === 0) zeros++;
      if (x < min) min = x;
      if (x > max) max = x;
      count++;
      const d = x - mean;
      mean += d / count;
      m2 += d * (x - mean);
    }
  }
  if (count === 0) return { min: null, max: null, mean: null, std: null, zeros, nan, inf };
  return { min, max, mean, std: Math.sqrt(m2 / count), zeros, nan, inf };
}
