/** Ceil: the smallest integer not below each element (ONNX Operators.md Ceil). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Ceil kernel. */
export const ceilKernel: Kernel = unaryKernel(() => Math.ceil);
