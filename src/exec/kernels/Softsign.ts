/** Softsign: x / (1 + |x|) (ONNX Operators.md Softsign). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Softsign kernel. */
export const softsignKernel: Kernel = unaryKernel(() => (v) => v / (1 + Math.abs(v)));
