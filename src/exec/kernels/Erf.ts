/** Erf: the Gauss error function (ONNX Operators.md Erf). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';
import { erf } from './erf-math.js';

/** The Erf kernel. */
export const erfKernel: Kernel = unaryKernel(() => erf);
