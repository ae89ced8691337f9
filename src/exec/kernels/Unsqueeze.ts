/**
 * Unsqueeze: inserts size-1 axes at the listed positions of the output (attribute before opset
 * 13, int64 input from 13; negative axes count from the output's rank) (ONNX Operators.md Unsqueeze).
 */
import { attrInts } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { fail, need, normAxis, toNumbers, withShape } from '../tensors.js';

/** The Unsqueeze kernel (shares the input's data). */
export const unsqueezeKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const given =
    ctx.since < 13 ? attrInts(ctx, 'axes') : inputs[1] === undefined ? undefined : toNumbers(inputs[1]);
  if (given === undefined) return fail(ctx, 'axes are required');
  const rank = x.shape.length + given.length;
  const axes = new Set(given.map((a) => normAxis(a, rank, ctx)));
  if (axes.size !== given.length) fail(ctx, `repeated axes [${given.join(',')}]`);
  const shape: number[] = [];
  let j = 0;
  for (let i = 0; i < rank; i++) shape.push(axes.has(i) ? 1 : x.shape[j++]);
  return [withShape(x, shape)];
};
