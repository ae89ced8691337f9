/** Abs: absolute value, over every numeric dtype (ONNX Operators.md Abs); unsigned inputs pass through. */
import type { Kernel } from '../kernel.js';
import { exactUnaryKernel } from './unary-core.js';

/** The Abs kernel. */
export const absKernel: Kernel = exactUnaryKernel(Math.abs, (v) => (v < 0n ? -v : v));
