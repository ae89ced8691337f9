/** ReduceProd: product over axes (attribute before opset 18, input from 18) (ONNX Operators.md ReduceProd). */
import type { Kernel } from '../kernel.js';
import { need } from '../tensors.js';
import { reduceWith } from './reduce-fold.js';

/** The ReduceProd kernel (int64 products wrap modulo 2^64 as in C). */
export const reduceProdKernel: Kernel = (inputs, ctx) => [
  reduceWith(need(inputs, 0, ctx), inputs[1], ctx, {
    init: 1,
    step: (a, v) => a * v,
    big: { init: 1n, step: (a, v) => BigInt.asIntN(64, a * v) },
  }),
];
