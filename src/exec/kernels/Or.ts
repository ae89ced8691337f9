/** Or: elementwise logical disjunction of two bool tensors with broadcasting (ONNX Operators.md Or). */
import type { Kernel } from '../kernel.js';
import { logicKernel } from './compare-core.js';

/** The Or kernel. */
export const orKernel: Kernel = logicKernel((a, b) => a || b);
