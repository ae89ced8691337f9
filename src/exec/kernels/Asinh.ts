/** Asinh: inverse hyperbolic sine (ONNX Operators.md Asinh). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Asinh kernel. */
export const asinhKernel: Kernel = unaryKernel(() => Math.asinh);
