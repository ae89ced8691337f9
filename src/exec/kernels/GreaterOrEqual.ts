/** GreaterOrEqual: elementwise a ≥ b with broadcasting, bool output (ONNX Operators.md GreaterOrEqual). */
import type { Kernel } from '../kernel.js';
import { compareKernel } from './compare-core.js';

/** The GreaterOrEqual kernel. */
export const greaterOrEqualKernel: Kernel = compareKernel((a, b) => a >= b);
