/** Identity: the input unchanged (ONNX Operators.md Identity; tensors only — no sequences here). */
import type { Kernel } from '../kernel.js';
import { need } from '../tensors.js';

/** The Identity kernel (shares the input's data; kernels never write their inputs). */
export const identityKernel: Kernel = (inputs, ctx) => [need(inputs, 0, ctx)];
