/** Sinh: hyperbolic sine (ONNX Operators.md Sinh). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Sinh kernel. */
export const sinhKernel: Kernel = unaryKernel(() => Math.sinh);
