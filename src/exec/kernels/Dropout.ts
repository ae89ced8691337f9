/**
 * Dropout at inference: output = input, and the optional mask all true (ONNX Operators.md
 * Dropout: with training_mode false or absent, "the mask is all ones"). A training_mode input that
 * is true is refused: the executor is deterministic.
 */
import type { Kernel } from '../kernel.js';
import { alloc, fail, need } from '../tensors.js';

/** The Dropout kernel. */
export const dropoutKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const training = inputs[2];
  if (training?.data[0]) fail(ctx, 'training_mode true is not run by the executor');
  if ((ctx.node.outputs[1] ?? '') === '') return [x];
  const mask = alloc('bool', x.shape);
  mask.data.fill(1);
  return [x, mask];
};
