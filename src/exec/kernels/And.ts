/** And: elementwise logical conjunction of two bool tensors with broadcasting (ONNX Operators.md And). */
import type { Kernel } from '../kernel.js';
import { logicKernel } from './compare-core.js';

/** The And kernel. */
export const andKernel: Kernel = logicKernel((a, b) => a && b);
