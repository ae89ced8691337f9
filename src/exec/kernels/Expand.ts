/** Expand: broadcasts the input against a shape (bidirectionally, as numpy) (ONNX Operators.md Expand). */
import type { Kernel } from '../kernel.js';
import { alloc, broadcastIndex, broadcastShapes, need, toNumbers } from '../tensors.js';

/** The Expand kernel. */
export const expandKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const shape = broadcastShapes([x.shape, toNumbers(need(inputs, 1, ctx))], ctx);
  const out = alloc(x.dtype, shape);
  const ix = broadcastIndex(x.shape, shape);
  for (let i = 0; i < out.data.length; i++) out.data[i] = x.data[ix === undefined ? i : ix[i]];
  return [out];
};
