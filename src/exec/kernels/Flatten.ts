/** Flatten: to 2-D, [prod(dims before axis), prod(dims from axis)] (ONNX Operators.md Flatten; axis in [-r, r]). */
import { attrInt } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { fail, need, sizeOf, withShape } from '../tensors.js';

/** The Flatten kernel (shares the input's data). */
export const flattenKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const rank = x.shape.length;
  const a = attrInt(ctx, 'axis', 1);
  const axis = a < 0 ? a + rank : a;
  if (axis < 0 || axis > rank) fail(ctx, `axis ${a} out of range for rank ${rank}`);
  return [withShape(x, [sizeOf(x.shape.slice(0, axis)), sizeOf(x.shape.slice(axis))])];
};
