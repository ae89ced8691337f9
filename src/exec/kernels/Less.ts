/** Less: elementwise a < b with broadcasting, bool output (ONNX Operators.md Less). */
import type { Kernel } from '../kernel.js';
import { compareKernel } from './compare-core.js';

/** The Less kernel. */
export const lessKernel: Kernel = compareKernel((a, b) => a < b);
