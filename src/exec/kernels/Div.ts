/**
 * Div: elementwise quotient with multidirectional broadcasting (ONNX Operators.md Div). Integer
 * division truncates toward zero, as C++ `/` in onnxruntime; an integer division by zero (undefined
 * in ONNX) gives 0 here rather than an exception.
 */
import type { Kernel } from '../kernel.js';
import { binaryKernel } from './elementwise.js';

/** The Div kernel. */
export const divKernel: Kernel = binaryKernel({
  num: (a, b, dt) => (dt === 'float32' || dt === 'float64' ? a / b : b === 0 ? 0 : Math.trunc(a / b)),
  big: (a, b) => (b === 0n ? 0n : a / b),
});
