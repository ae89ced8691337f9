/** Sub: elementwise difference with multidirectional broadcasting (ONNX Operators.md Sub). */
import type { Kernel } from '../kernel.js';
import { binaryKernel } from './elementwise.js';

/** The Sub kernel. */
export const subKernel: Kernel = binaryKernel({
  num: (a, b, dt) => (dt === 'int32' ? (a - b) | 0 : a - b),
  big: (a, b) => a - b,
});
