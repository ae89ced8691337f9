/** Xor: elementwise logical exclusive or of two bool tensors with broadcasting (ONNX Operators.md Xor). */
import type { Kernel } from '../kernel.js';
import { logicKernel } from './compare-core.js';

/** The Xor kernel. */
export const xorKernel: Kernel = logicKernel((a, b) => a !== b);
