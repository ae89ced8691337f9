/** Relu: max(0, x) (ONNX Operators.md Relu). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Relu kernel (NaN stays NaN, as in onnxruntime). */
export const reluKernel: Kernel = unaryKernel(() => (v) => (v < 0 ? 0 : v));
