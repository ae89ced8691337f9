/**
 * Range (Operators.md Range-11): start, start + delta, … while below limit (above it for a negative
 * delta); max(ceil((limit − start) / delta), 0) elements of start's type. Values accumulate by
 * repeated addition in the element type, as the spec's function body (a Loop adding delta) and
 * onnxruntime do, so float32 results round at every step.
 */

import { rangeLength } from '../../ops/defs-math.js';
import type { Kernel } from '../kernel.js';
import { alloc, fail, isBig, need } from '../tensors.js';

/** The Range kernel. */
export const rangeKernel: Kernel = (inputs, ctx) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => need(inputs, i, ctx));
  if (start === undefined || limit === undefined || delta === undefined)
    return fail(ctx, 'needs three inputs');
  for (const t of [start, limit, delta]) {
    if (t.data.length !== 1) fail(ctx, `inputs must be scalars, got shape [${t.shape.join(', ')}]`);
    if (t.dtype !== start.dtype) fail(ctx, `inputs mix ${start.dtype} and ${t.dtype}`);
  }
  const d = Number(delta.data[0]);
  if (d === 0) fail(ctx, 'delta is 0');
  const n = rangeLength(Number(start.data[0]), Number(limit.data[0]), d, start.dtype);
  const out = alloc(start.dtype, [n]);
  if (isBig(start.dtype)) {
    const step = delta.data[0] as bigint;
    let v = start.data[0] as bigint;
    for (let i = 0; i < n; i++, v += step) out.data[i] = v;
  } else {
    // Stored into the typed array each step, the running value rounds like the element type.
    let v = Number(start.data[0]);
    for (let i = 0; i < n; i++) {
      out.data[i] = v;
      v = (out.data[i] as number) + d;
    }
  }
  return [out];
};
