/** Cos: cosine of each element, in radians (ONNX Operators.md Cos). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Cos kernel. */
export const cosKernel: Kernel = unaryKernel(() => Math.cos);
