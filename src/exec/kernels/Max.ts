/** Max: elementwise maximum of any number of inputs with broadcasting; NaN propagates (ONNX Operators.md Max). */
import type { Kernel } from '../kernel.js';
import { variadicKernel } from './variadic-core.js';

/** The Max kernel. */
export const maxKernel: Kernel = variadicKernel({
  num: (a, b) => Math.max(a, b),
  big: (a, b) => (a > b ? a : b),
});
