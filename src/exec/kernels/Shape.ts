/**
 * Shape: the input's dimensions as int64, optionally the [start, end) part of them (opset 15;
 * negative values add the rank, then both clamp to [0, rank]) (ONNX Operators.md Shape).
 */
import { attrInt } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { need } from '../tensors.js';

/** The Shape kernel. */
export const shapeKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const rank = x.shape.length;
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = clamp(attrInt(ctx, 'start', 0));
  const end = ctx.attrs.end === undefined ? rank : clamp(attrInt(ctx, 'end'));
  const dims = x.shape.slice(start, Math.max(start, end));
  return [{ dtype: 'int64', shape: [dims.length], data: BigInt64Array.from(dims.map(BigInt)) }];
};
