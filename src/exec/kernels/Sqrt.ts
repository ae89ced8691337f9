/** Sqrt: square root, NaN below zero (ONNX Operators.md Sqrt). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Sqrt kernel. */
export const sqrtKernel: Kernel = unaryKernel(() => Math.sqrt);
