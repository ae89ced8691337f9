/** Min: elementwise minimum of any number of inputs with broadcasting; NaN propagates (ONNX Operators.md Min). */
import type { Kernel } from '../kernel.js';
import { variadicKernel } from './variadic-core.js';

/** The Min kernel. */
export const minKernel: Kernel = variadicKernel({
  num: (a, b) => Math.min(a, b),
  big: (a, b) => (a < b ? a : b),
});
