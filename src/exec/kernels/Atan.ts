/** Atan: arctangent (ONNX Operators.md Atan). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Atan kernel. */
export const atanKernel: Kernel = unaryKernel(() => Math.atan);
