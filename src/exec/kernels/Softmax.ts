/** Softmax: exp(x) / Σ exp(x) over the version's axis rule (ONNX Operators.md Softmax-1/11/13). */
import type { Kernel } from '../kernel.js';
import { need } from '../tensors.js';
import { softmaxLike } from './softmax-core.js';

/** The Softmax kernel. */
export const softmaxKernel: Kernel = (inputs, ctx) => [softmaxLike(need(inputs, 0, ctx), ctx, false)];
