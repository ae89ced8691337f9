/**
 * MaxPool (Operators.md MaxPool, versions 1/8/10/11/12/22): the maximum over each (dilated) window,
 * padding never selected; the optional Indices output (since 8) holds the flat index of the
 * chosen element in X — spatially C-order, or column-major with `storage_order` 1 — ties going
 * to the first element in scan order.
 */
import { attrInt } from '../attrs.js';
import {
  floatInput,
  kernelFail,
  kernelShape,
  prod,
  resolveWindow,
  stridesOf,
  windowTable,
} from '../conv-window.js';
import type { ExecTensor, Kernel } from '../kernel.js';

/** MaxPool: X [N, C, D...] → Y [N, C, out...] and optional Indices (int64, same shape). */
export const maxPoolKernel: Kernel = (inputs, ctx) => {
  const x = floatInput(ctx, inputs, 0);
  if (x.shape.length < 3) kernelFail(ctx, `X must be [N, C, D...], got rank ${x.shape.length}`);
  const [n, c] = x.shape as [number, number];
  const spatial = x.shape.slice(2);
  const win = resolveWindow(ctx, spatial, kernelShape(ctx), attrInt(ctx, 'ceil_mode', 0) === 1);
  const table = windowTable(win);
  const inSize = prod(spatial);
  const outSize = prod(win.output);
  const y = new Float32Array(n * c * outSize);
  const wantIndices = ctx.node.outputs.length > 1 && ctx.node.outputs[1] !== '';
  const indices = wantIndices ? new BigInt64Array(y.length) : undefined;
  const columnMajor = attrInt(ctx, 'storage_order', 0) === 1;
  // Column-major spatial index of a C-order spatial offset: re-weigh each coordinate.
  const cStrides = stridesOf(spatial);
  const fStrides = spatial.map((_, a) => prod(spatial.slice(0, a)));
  const toColumnMajor = (off: number): number => {
    let r = 0;
    let rest = off;
    for (let a = 0; a < spatial.length; a++) {
      const coord = Math.floor(rest / (cStrides[a] as number));
      rest -= coord * (cStrides[a] as number);
      r += coord * (fStrides[a] as number);
    }
    return r;
  };
  for (let plane = 0; plane < n * c; plane++) {
    const base = plane * inSize;
    for (let p = 0; p < outSize; p++) {
      let best = Number.NEGATIVE_INFINITY;
      let arg = -1;
      for (let t = table.start[p] as number; t < (table.start[p + 1] as number); t++) {
        const off = table.taps[t] as number;
        const v = x.data[base + off] as number;
        if (v > best || arg < 0) {
          best = v;
          arg = off;
        }
      }
      const o = plane * outSize + p;
      y[o] = best;
      if (indices !== undefined)
        indices[o] = BigInt(base + (arg < 0 ? 0 : columnMajor ? toColumnMajor(arg) : arg));
    }
  }
  const shape = [n, c, ...win.output];
  const out: (ExecTensor | undefined)[] = [{ dtype: 'float32', shape, data: y }];
  if (indices !== undefined) out.push({ dtype: 'int64', shape, data: indices });
  return out;
};
