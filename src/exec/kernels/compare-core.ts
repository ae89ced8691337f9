/**
 * Building blocks of the bool-valued kernels (not a kernel itself): comparisons and logic with
 * multidirectional broadcasting (ONNX Broadcasting.md), and elementwise predicates. The output is
 * always bool (0/1 bytes); int64/uint64 elements are compared as BigInts so that values past 2^53
 * stay exact.
 */
import type { ExecTensor, Kernel, KernelContext } from '../kernel.js';
import { alloc, broadcastIndex, broadcastShapes, fail, need } from '../tensors.js';

/** A comparison of two elements of one dtype (numbers, or BigInts for int64/uint64). */
export type Compare = (a: number | bigint, b: number | bigint) => boolean;

/** Compares `a` and `b` elementwise with broadcasting; both must have one dtype. */
export function compareTensors(a: ExecTensor, b: ExecTensor, f: Compare, ctx: KernelContext): ExecTensor {
  if (a.dtype !== b.dtype) fail(ctx, `input dtypes ${a.dtype} and ${b.dtype} differ`);
  const shape = broadcastShapes([a.shape, b.shape], ctx);
  const out = alloc('bool', shape);
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const ad = a.data;
  const bd = b.data;
  const od = out.data;
  for (let i = 0; i < od.length; i++) {
    od[i] = f(ad[ia === undefined ? i : ia[i]] as number, bd[ib === undefined ? i : ib[i]] as number) ? 1 : 0;
  }
  return out;
}

/** A kernel for a two-input comparison (Equal, Greater ...): bool output. */
export function compareKernel(f: Compare): Kernel {
  return (inputs, ctx) => [compareTensors(need(inputs, 0, ctx), need(inputs, 1, ctx), f, ctx)];
}

/** A kernel for a two-input logical op (And, Or, Xor): both inputs bool, as ONNX requires. */
export function logicKernel(f: (a: boolean, b: boolean) => boolean): Kernel {
  return (inputs, ctx) => {
    const a = need(inputs, 0, ctx);
    const b = need(inputs, 1, ctx);
    if (a.dtype !== 'bool' || b.dtype !== 'bool') fail(ctx, `inputs must be bool, not ${a.dtype}/${b.dtype}`);
    return [compareTensors(a, b, (x, y) => f(x !== 0, y !== 0), ctx)];
  };
}

/** A kernel mapping every element through a predicate (Not, IsNaN, IsInf): bool output, same shape. */
export function predicateKernel(make: (ctx: KernelContext) => (v: number) => boolean): Kernel {
  return (inputs, ctx) => {
    const x = need(inputs, 0, ctx);
    const f = make(ctx);
    const out = alloc('bool', x.shape);
    for (let i = 0; i < x.data.length; i++) out.data[i] = f(Number(x.data[i])) ? 1 : 0;
    return [out];
  };
}
