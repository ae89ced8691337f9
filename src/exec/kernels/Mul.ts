/** Mul: elementwise product with multidirectional broadcasting (ONNX Operators.md Mul). */
import type { Kernel } from '../kernel.js';
import { binaryKernel } from './elementwise.js';

/** The Mul kernel; 32-bit integers multiply with Math.imul so the low bits stay exact (wrapping). */
export const mulKernel: Kernel = binaryKernel({
  num: (a, b, dt) => (dt === 'int32' || dt === 'uint32' ? Math.imul(a, b) : a * b),
  big: (a, b) => a * b,
});
