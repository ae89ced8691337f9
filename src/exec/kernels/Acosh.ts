/** Acosh: inverse hyperbolic cosine; NaN below 1 (ONNX Operators.md Acosh). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Acosh kernel. */
export const acoshKernel: Kernel = unaryKernel(() => Math.acosh);
