/**
 * Selu: gamma·x above zero, gamma·(alpha·exp(x) − alpha) otherwise (ONNX Operators.md Selu;
 * defaults alpha 1.6732631921768188, gamma 1.0507010221481323, float32 values).
 */
import { attrFloat } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Selu kernel. */
export const seluKernel: Kernel = unaryKernel((ctx) => {
  const alpha = Math.fround(attrFloat(ctx, 'alpha', 1.6732631921768188));
  const gamma = Math.fround(attrFloat(ctx, 'gamma', 1.0507010221481323));
  return (v) => (v > 0 ? gamma * v : gamma * alpha * Math.expm1(v));
});
