/** Add: elementwise sum with multidirectional broadcasting (ONNX Operators.md Add). */
import type { Kernel } from '../kernel.js';
import { binaryKernel } from './elementwise.js';

/** The Add kernel. */
export const addKernel: Kernel = binaryKernel({
  num: (a, b, dt) => (dt === 'int32' ? (a + b) | 0 : a + b),
  big: (a, b) => a + b,
});
