/** Not: elementwise logical negation of a bool tensor (ONNX Operators.md Not). */
import type { Kernel } from '../kernel.js';
import { fail } from '../tensors.js';
import { predicateKernel } from './compare-core.js';

const negate = predicateKernel(() => (v) => v === 0);

/** The Not kernel. */
export const notKernel: Kernel = (inputs, ctx) => {
  if (inputs[0] !== undefined && inputs[0].dtype !== 'bool')
    fail(ctx, `X must be bool, not ${inputs[0].dtype}`);
  return negate(inputs, ctx);
};
