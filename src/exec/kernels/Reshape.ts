/**
 * Reshape (ONNX Operators.md Reshape-5/13/14/19/21): the new shape is an int64 input; 0 copies the
 * input's dimension at that position (unless allowzero=1, from 14, where it means 0) and one −1 is
 * inferred from the element count.
 */
import { attrInt } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { fail, need, sizeOf, toNumbers, withShape } from '../tensors.js';

/** The Reshape kernel (shares the input's data). */
export const reshapeKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const spec = toNumbers(need(inputs, 1, ctx));
  const allowZero = attrInt(ctx, 'allowzero', 0) !== 0;
  const shape = spec.map((d, i) =>
    d === 0 && !allowZero ? (x.shape[i] ?? fail(ctx, `0 at ${i} has no input dimension`)) : d,
  );
  const minus = shape.indexOf(-1);
  if (minus >= 0) {
    if (shape.indexOf(-1, minus + 1) >= 0) fail(ctx, 'more than one -1 in the shape');
    const known = sizeOf(shape.filter((_, i) => i !== minus));
    const total = sizeOf(x.shape);
    if (known === 0 || total % known !== 0)
      fail(ctx, `cannot infer -1 for [${spec.join(',')}] from ${total} elements`);
    shape[minus] = total / known;
  }
  if (shape.some((d) => d < 0) || sizeOf(shape) !== x.data.length) {
    fail(ctx, `shape [${spec.join(',')}] does not fit input [${x.shape.join(',')}]`);
  }
  return [withShape(x, shape)];
};
