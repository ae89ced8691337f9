/** Cosh: hyperbolic cosine (ONNX Operators.md Cosh). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Cosh kernel. */
export const coshKernel: Kernel = unaryKernel(() => Math.cosh);
