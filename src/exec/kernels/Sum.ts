/** Sum: elementwise sum of any number of inputs with broadcasting (ONNX Operators.md Sum). */
import type { Kernel } from '../kernel.js';
import { variadicKernel } from './variadic-core.js';

/** The Sum kernel (int32 wraps as in C). */
export const sumKernel: Kernel = variadicKernel({
  num: (a, b, dt) => (dt === 'int32' ? (a + b) | 0 : a + b),
  big: (a, b) => a + b,
});
