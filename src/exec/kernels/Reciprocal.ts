/** Reciprocal: 1 / x elementwise; ±inf at ±0 (ONNX Operators.md Reciprocal). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Reciprocal kernel. */
export const reciprocalKernel: Kernel = unaryKernel(() => (v) => 1 / v);
