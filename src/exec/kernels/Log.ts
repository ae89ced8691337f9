/** Log: natural logarithm; NaN below zero, −inf at zero (ONNX Operators.md Log). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Log kernel. */
export const logKernel: Kernel = unaryKernel(() => Math.log);
