/** Where: elements of X where the condition holds, else of Y, all three broadcast (ONNX Operators.md Where). */
import type { Kernel } from '../kernel.js';
import { alloc, broadcastIndex, broadcastShapes, fail, need } from '../tensors.js';

/** The Where kernel. */
export const whereKernel: Kernel = (inputs, ctx) => {
  const c = need(inputs, 0, ctx);
  const x = need(inputs, 1, ctx);
  const y = need(inputs, 2, ctx);
  if (x.dtype !== y.dtype) fail(ctx, `X is ${x.dtype} but Y is ${y.dtype}`);
  const shape = broadcastShapes([c.shape, x.shape, y.shape], ctx);
  const out = alloc(x.dtype, shape);
  const ic = broadcastIndex(c.shape, shape);
  const ix = broadcastIndex(x.shape, shape);
  const iy = broadcastIndex(y.shape, shape);
  const od = out.data;
  for (let i = 0; i < od.length; i++) {
    const cond = c.data[ic === undefined ? i : ic[i]];
    od[i] = cond ? x.data[ix === undefined ? i : ix[i]] : y.data[iy === undefined ? i : iy[i]];
  }
  return [out];
};
