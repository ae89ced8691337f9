/** LessOrEqual: elementwise a ≤ b with broadcasting, bool output (ONNX Operators.md LessOrEqual). */
import type { Kernel } from '../kernel.js';
import { compareKernel } from './compare-core.js';

/** The LessOrEqual kernel. */
export const lessOrEqualKernel: Kernel = compareKernel((a, b) => a <= b);
