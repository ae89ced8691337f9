/**
 * Squeeze: removes size-1 axes — the listed ones (attribute before opset 13, optional int64 input
 * from 13), or every size-1 axis when none are given (ONNX Operators.md Squeeze).
 */
import { attrInts } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { fail, need, normAxis, toNumbers, withShape } from '../tensors.js';

/** The Squeeze kernel (shares the input's data). */
export const squeezeKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const rank = x.shape.length;
  const given =
    ctx.since < 13 ? attrInts(ctx, 'axes') : inputs[1] === undefined ? undefined : toNumbers(inputs[1]);
  let drop: Set<number>;
  if (given === undefined) {
    drop = new Set(x.shape.flatMap((d, i) => (d === 1 ? [i] : [])));
  } else {
    drop = new Set(given.map((a) => normAxis(a, rank, ctx)));
    for (const a of drop) if (x.shape[a] !== 1) fail(ctx, `axis ${a} has size ${x.shape[a]}, not 1`);
  }
  return [
    withShape(
      x,
      x.shape.filter((_, i) => !drop.has(i)),
    ),
  ];
};
