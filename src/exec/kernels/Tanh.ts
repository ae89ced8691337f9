/** Tanh: hyperbolic tangent (ONNX Operators.md Tanh). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Tanh kernel. */
export const tanhKernel: Kernel = unaryKernel(() => Math.tanh);
