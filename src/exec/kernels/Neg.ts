/** Neg: negation, over float and signed integer dtypes (ONNX Operators.md Neg); ints wrap as in C. */
import type { Kernel } from '../kernel.js';
import { exactUnaryKernel } from './unary-core.js';

/** The Neg kernel. */
export const negKernel: Kernel = exactUnaryKernel(
  (v) => -v,
  (v) => -v,
);
