/** ReduceL2: the Euclidean norm over axes, sqrt(Σ x²) (attribute before opset 18, input from 18) (ONNX Operators.md ReduceL2). */
import type { Kernel } from '../kernel.js';
import { need } from '../tensors.js';
import { reduceWith } from './reduce-fold.js';

/** The ReduceL2 kernel (integer inputs: the norm truncated). */
export const reduceL2Kernel: Kernel = (inputs, ctx) => [
  reduceWith(need(inputs, 0, ctx), inputs[1], ctx, { init: 0, step: (a, v) => a + v * v, finish: Math.sqrt }),
];
