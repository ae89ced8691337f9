/** ReduceMin: minimum over axes (attribute before opset 18, input from 18); NaN propagates (ONNX Operators.md ReduceMin). */
import type { Kernel } from '../kernel.js';
import { need } from '../tensors.js';
import { reduceWith } from './reduce-fold.js';

/** The ReduceMin kernel. */
export const reduceMinKernel: Kernel = (inputs, ctx) => [
  reduceWith(need(inputs, 0, ctx), inputs[1], ctx, {
    init: Number.POSITIVE_INFINITY,
    step: Math.min,
    big: { init: 2n ** 64n, step: (a, v) => (v < a ? v : a) },
  }),
];
