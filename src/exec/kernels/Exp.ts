/** Exp: e to the power of each element (ONNX Operators.md Exp). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Exp kernel. */
export const expKernel: Kernel = unaryKernel(() => Math.exp);
