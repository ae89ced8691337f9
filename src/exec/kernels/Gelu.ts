/**
 * Gelu (opset 20): x·Φ(x) = 0.5·x·(1 + erf(x/√2)); with approximate="tanh",
 * 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (ONNX Operators.md Gelu).
 */
import { attrString } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { fail } from '../tensors.js';
import { unaryKernel } from './elementwise.js';
import { erf } from './erf-math.js';

/** The Gelu kernel. */
export const geluKernel: Kernel = unaryKernel((ctx) => {
  const approx = attrString(ctx, 'approximate', 'none');
  if (approx === 'none') return (v) => 0.5 * v * (1 + erf(v / Math.SQRT2));
  if (approx === 'tanh') {
    const k = Math.sqrt(2 / Math.PI);
    return (v) => 0.5 * v * (1 + Math.tanh(k * (v + 0.044715 * v * v * v)));
  }
  return fail(ctx, `approximate '${approx}' is neither 'none' nor 'tanh'`);
});
