/** Floor: the largest integer not above each element (ONNX Operators.md Floor). */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** The Floor kernel. */
export const floorKernel: Kernel = unaryKernel(() => Math.floor);
