/** Asin: arcsine; NaN outside [−1, 1] (ONNX Operators.md Asin). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Asin kernel. */
export const asinKernel: Kernel = unaryKernel(() => Math.asin);
