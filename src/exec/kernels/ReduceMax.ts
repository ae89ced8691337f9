/** ReduceMax: maximum over axes (attribute before opset 18, input from 18); NaN propagates (ONNX Operators.md ReduceMax). */
import type { Kernel } from '../kernel.js';
import { need } from '../tensors.js';
import { reduceWith } from './reduce-fold.js';

/** The ReduceMax kernel. */
export const reduceMaxKernel: Kernel = (inputs, ctx) => [
  reduceWith(need(inputs, 0, ctx), inputs[1], ctx, {
    init: Number.NEGATIVE_INFINITY,
    step: Math.max,
    big: { init: -(2n ** 64n), step: (a, v) => (v > a ? v : a) },
  }),
];
