/** Transpose: permutes axes by `perm` (default: reversed) (ONNX Operators.md Transpose). */
import { attrInts } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { alloc, fail, need, stridesOf } from '../tensors.js';

/** The Transpose kernel. */
export const transposeKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const rank = x.shape.length;
  const perm = attrInts(ctx, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
  const seen = new Set(perm);
  if (perm.length !== rank || seen.size !== rank || perm.some((p) => p < 0 || p >= rank)) {
    fail(ctx, `perm [${perm.join(',')}] is not a permutation of ${rank} axes`);
  }
  const shape = perm.map((p) => x.shape[p]);
  const out = alloc(x.dtype, shape);
  const inStr = stridesOf(x.shape);
  // Input stride of each output axis: walking the output in order, the input offset moves by these.
  const str = perm.map((p) => inStr[p]);
  const idx = new Array<number>(rank).fill(0);
  let off = 0;
  const n = out.data.length;
  for (let k = 0; k < n; k++) {
    out.data[k] = x.data[off];
    for (let d = rank - 1; d >= 0; d--) {
      idx[d]++;
      off += str[d];
      if (idx[d] < shape[d]) break;
      off -= str[d] * idx[d];
      idx[d] = 0;
    }
  }
  return [out];
};
