/** Equal: elementwise a = b with broadcasting, bool output (ONNX Operators.md Equal); NaN equals nothing. */
import type { Kernel } from '../kernel.js';
import { compareKernel } from './compare-core.js';

/** The Equal kernel. */
export const equalKernel: Kernel = compareKernel((a, b) => a === b);
