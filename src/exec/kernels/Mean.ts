/**
 * Mean: elementwise mean of any number of inputs with broadcasting (ONNX Operators.md Mean): the
 * inputs are summed in order, then the sum is divided by their count.
 */
import type { Kernel } from '../kernel.js';
import { mapUnary } from './elementwise.js';
import { foldInputs } from './variadic-core.js';

/** The Mean kernel. */
export const meanKernel: Kernel = (inputs, ctx) => {
  const sum = foldInputs(inputs, { num: (a, b) => a + b, big: (a, b) => a + b }, ctx);
  const n = inputs.filter((t) => t !== undefined).length;
  return [mapUnary(sum, (v) => v / n)];
};
