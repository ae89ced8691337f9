/** Sin: sine of each element, in radians (ONNX Operators.md Sin). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Sin kernel. */
export const sinKernel: Kernel = unaryKernel(() => Math.sin);
