/** Acos: arccosine; NaN outside [−1, 1] (ONNX Operators.md Acos). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Acos kernel. */
export const acosKernel: Kernel = unaryKernel(() => Math.acos);
