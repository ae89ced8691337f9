/**
 * Softplus: ln(exp(x) + 1) (ONNX Operators.md Softplus), computed as max(x, 0) + ln(1 + e^−|x|) so
 * that large |x| neither overflows nor loses the small term.
 */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Softplus kernel. */
export const softplusKernel: Kernel = unaryKernel(
  () => (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v))),
);
