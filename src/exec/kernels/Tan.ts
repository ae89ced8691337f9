/** Tan: tangent of each element, in radians (ONNX Operators.md Tan). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Tan kernel. */
export const tanKernel: Kernel = unaryKernel(() => Math.tan);
