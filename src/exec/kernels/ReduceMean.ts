/** ReduceMean: mean over axes (attribute before opset 18, input from 18) (ONNX Operators.md ReduceMean). */
import type { Kernel } from '../kernel.js';
import { need } from '../tensors.js';
import { reduce } from './reduce-core.js';

/** The ReduceMean kernel. */
export const reduceMeanKernel: Kernel = (inputs, ctx) => [
  reduce(need(inputs, 0, ctx), inputs[1], ctx, 18, true),
];
