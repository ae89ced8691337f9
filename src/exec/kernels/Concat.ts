/** Concat: joins tensors along `axis` (negative from opset 11) (ONNX Operators.md Concat). */
import { attrInt } from '../attrs.js';
import type { ExecTensor, Kernel } from '../kernel.js';
import { alloc, fail, normAxis, sizeOf } from '../tensors.js';

/** The Concat kernel. */
export const concatKernel: Kernel = (inputs, ctx) => {
  const xs = inputs.filter((t): t is ExecTensor => t !== undefined);
  const first = xs[0];
  if (first === undefined) return fail(ctx, 'no inputs');
  const rank = first.shape.length;
  const axis = normAxis(attrInt(ctx, 'axis'), rank, ctx);
  let total = 0;
  for (const t of xs) {
    if (t.dtype !== first.dtype || t.shape.length !== rank) fail(ctx, 'inputs differ in dtype or rank');
    for (let d = 0; d < rank; d++) {
      if (d !== axis && t.shape[d] !== first.shape[d]) fail(ctx, `inputs differ in dimension ${d}`);
    }
    total += t.shape[axis];
  }
  const shape = first.shape.map((d, i) => (i === axis ? total : d));
  const out = alloc(first.dtype, shape);
  const outer = sizeOf(shape.slice(0, axis));
  const inner = sizeOf(shape.slice(axis + 1));
  const rowOut = total * inner;
  let colOff = 0;
  for (const t of xs) {
    const w = t.shape[axis] * inner;
    for (let o = 0; o < outer; o++) {
      const src = t.data.subarray(o * w, (o + 1) * w);
      (out.data as Uint8Array).set(src as Uint8Array, o * rowOut + colOff);
    }
    colOff += w;
  }
  return [out];
};
