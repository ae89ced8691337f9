/** Atanh: inverse hyperbolic tangent; NaN outside [−1, 1], ±inf at ±1 (ONNX Operators.md Atanh). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Atanh kernel. */
export const atanhKernel: Kernel = unaryKernel(() => Math.atanh);
