/**
 * Split (ONNX Operators.md Split-2/11/13/18): sizes from the `split` attribute (before 13) or
 * input (from 13); else from `num_outputs` (18: chunks of ceil(dim/n), the last smaller); else
 * equal parts, one per node output.
 */
import { attrInt, attrInts } from '../attrs.js';
import type { ExecTensor, Kernel } from '../kernel.js';
import { alloc, fail, need, normAxis, sizeOf, toNumbers } from '../tensors.js';

/** The Split kernel. */
export const splitKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const axis = normAxis(attrInt(ctx, 'axis', 0), x.shape.length, ctx);
  const dim = x.shape[axis];
  const count = ctx.node.outputs.length;
  let sizes: readonly number[] | undefined =
    ctx.since < 13 ? attrInts(ctx, 'split') : inputs[1] === undefined ? undefined : toNumbers(inputs[1]);
  if (sizes === undefined) {
    const n = ctx.since >= 18 ? attrInt(ctx, 'num_outputs', count) : count;
    if (n < 1) return fail(ctx, `cannot split into ${n} parts`);
    const chunk = Math.ceil(dim / n);
    if (ctx.since < 18 && dim % n !== 0) fail(ctx, `dimension ${dim} does not split into ${n} equal parts`);
    sizes = Array.from({ length: n }, (_, i) => Math.max(0, Math.min(chunk, dim - i * chunk)));
  }
  if (sizes.reduce((a, b) => a + b, 0) !== dim || sizes.some((s) => s < 0)) {
    fail(ctx, `split sizes [${sizes.join(',')}] do not sum to ${dim}`);
  }
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const outs: ExecTensor[] = [];
  let start = 0;
  for (const s of sizes) {
    const out = alloc(
      x.dtype,
      x.shape.map((d, i) => (i === axis ? s : d)),
    );
    const w = s * inner;
    for (let o = 0; o < outer; o++) {
      const from = o * dim * inner + start * inner;
      (out.data as Uint8Array).set(x.data.subarray(from, from + w) as Uint8Array, o * w);
    }
    outs.push(out);
    start += s;
  }
  return outs;
};
