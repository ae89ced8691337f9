/**
 * Gather: picks slices of `data` along `axis` by `indices` (negative indices count from the end);
 * output shape data[:axis] + indices.shape + data[axis+1:] (ONNX Operators.md Gather).
 */
import { attrInt } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { alloc, fail, need, normAxis, sizeOf, toNumbers } from '../tensors.js';

/** The Gather kernel. */
export const gatherKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const ind = need(inputs, 1, ctx);
  const axis = normAxis(attrInt(ctx, 'axis', 0), x.shape.length, ctx);
  const dim = x.shape[axis];
  const idx = toNumbers(ind).map((i) => {
    const j = i < 0 ? i + dim : i;
    if (j < 0 || j >= dim) fail(ctx, `index ${i} out of range [${-dim}, ${dim})`);
    return j;
  });
  const shape = [...x.shape.slice(0, axis), ...ind.shape, ...x.shape.slice(axis + 1)];
  const out = alloc(x.dtype, shape);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  let w = 0;
  for (let o = 0; o < outer; o++) {
    for (const j of idx) {
      const from = (o * dim + j) * inner;
      (out.data as Uint8Array).set(x.data.subarray(from, from + inner) as Uint8Array, w);
      w += inner;
    }
  }
  return [out];
};
