/** LogSoftmax: x − log Σ exp(x) over the version's axis rule (ONNX Operators.md LogSoftmax-1/11/13). */
import type { Kernel } from '../kernel.js';
import { need } from '../tensors.js';
import { softmaxLike } from './softmax-core.js';

/** The LogSoftmax kernel. */
export const logSoftmaxKernel: Kernel = (inputs, ctx) => [softmaxLike(need(inputs, 0, ctx), ctx, true)];
