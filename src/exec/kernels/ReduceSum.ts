/** ReduceSum: sum over axes (attribute before opset 13, input from 13) (ONNX Operators.md ReduceSum). */
import type { Kernel } from '../kernel.js';
import { need } from '../tensors.js';
import { reduce } from './reduce-core.js';

/** The ReduceSum kernel. */
export const reduceSumKernel: Kernel = (inputs, ctx) => [
  reduce(need(inputs, 0, ctx), inputs[1], ctx, 13, false),
];
