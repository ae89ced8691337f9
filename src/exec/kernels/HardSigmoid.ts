/** HardSigmoid: max(0, min(1, alpha·x + beta)) (ONNX Operators.md HardSigmoid, alpha 0.2, beta 0.5). */
import { attrFloat } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The HardSigmoid kernel. */
export const hardSigmoidKernel: Kernel = unaryKernel((ctx) => {
  const alpha = Math.fround(attrFloat(ctx, 'alpha', 0.2));
  const beta = Math.fround(attrFloat(ctx, 'beta', 0.5));
  return (v) => Math.max(0, Math.min(1, alpha * v + beta));
});
