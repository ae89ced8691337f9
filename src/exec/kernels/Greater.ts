/** Greater: elementwise a > b with broadcasting, bool output (ONNX Operators.md Greater). */
import type { Kernel } from '../kernel.js';
import { compareKernel } from './compare-core.js';

/** The Greater kernel. */
export const greaterKernel: Kernel = compareKernel((a, b) => a > b);
