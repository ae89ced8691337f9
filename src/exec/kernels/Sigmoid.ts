/** Sigmoid: 1 / (1 + exp(−x)) (ONNX Operators.md Sigmoid). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Sigmoid kernel; the two branches avoid exp overflow for large |x|. */
export const sigmoidKernel: Kernel = unaryKernel(() => (v) => {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
});
