/**
 * Sign: −1, 0 or 1 by the sign of each element, over every numeric dtype (ONNX Operators.md
 * Sign); NaN stays NaN, as in onnxruntime.
 */
import type { Kernel } from '../kernel.js';
import { exactUnaryKernel } from './unary-core.js';

/** The Sign kernel. */
export const signKernel: Kernel = exactUnaryKernel(Math.sign, (v) => (v > 0n ? 1n : v < 0n ? -1n : 0n));
