/** IsNaN: which elements are NaN, as a bool tensor (ONNX Operators.md IsNaN). */
import type { Kernel } from '../kernel.js';
import { predicateKernel } from './compare-core.js';

/** The IsNaN kernel. */
export const isNaNKernel: Kernel = predicateKernel(() => Number.isNaN);
