/**
 * IsInf: which elements are infinite, as a bool tensor; `detect_negative` / `detect_positive`
 * (default 1) choose the signs that count (ONNX Operators.md IsInf).
 */
import { attrInt } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { predicateKernel } from './compare-core.js';

/** The IsInf kernel. */
export const isInfKernel: Kernel = predicateKernel((ctx) => {
  const neg = attrInt(ctx, 'detect_negative', 1) !== 0;
  const pos = attrInt(ctx, 'detect_positive', 1) !== 0;
  return (v) => (pos && v === Number.POSITIVE_INFINITY) || (neg && v === Number.NEGATIVE_INFINITY);
});
