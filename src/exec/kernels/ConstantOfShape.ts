/**
 * ConstantOfShape: a tensor of the int64 input's shape filled with the one-element `value`
 * attribute (default float32 0) (ONNX Operators.md ConstantOfShape).
 */
import type { Kernel } from '../kernel.js';
import { alloc, fail, need, tensorAttr, toNumbers } from '../tensors.js';

/** The ConstantOfShape kernel. */
export const constantOfShapeKernel: Kernel = (inputs, ctx) => {
  const shape = toNumbers(need(inputs, 0, ctx));
  if (shape.some((d) => d < 0)) fail(ctx, `negative dimension in [${shape.join(',')}]`);
  const v = tensorAttr(ctx, 'value');
  if (v === undefined) return [alloc('float32', shape)];
  if (v.data.length !== 1) fail(ctx, 'value must have one element');
  const out = alloc(v.dtype, shape);
  (out.data as Float32Array).fill(v.data[0] as number);
  return [out];
};
