/** Elu: x, or alpha·(exp(x) − 1) below zero (ONNX Operators.md Elu, alpha default 1). */
import { attrFloat } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Elu kernel. */
export const eluKernel: Kernel = unaryKernel((ctx) => {
  const alpha = Math.fround(attrFloat(ctx, 'alpha', 1));
  return (v) => (v >= 0 ? v : alpha * Math.expm1(v));
});
