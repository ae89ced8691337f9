/** LeakyRelu: x, or alpha·x below zero (ONNX Operators.md LeakyRelu, alpha default 0.01). */
import { attrFloat } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The LeakyRelu kernel. */
export const leakyReluKernel: Kernel = unaryKernel((ctx) => {
  const alpha = Math.fround(attrFloat(ctx, 'alpha', 0.01));
  return (v) => (v >= 0 ? v : alpha * v);
});
