/**
 * Building block of the unary kernels that take integer inputs too (Abs, Neg, Sign): like
 * `unaryKernel` but with a BigInt form, so int64/uint64 elements past 2^53 stay exact. Results
 * wrap as the typed arrays store them (Neg of INT_MIN is INT_MIN, as in C).
 */
import type { Kernel } from '../kernel.js';
import { alloc, isBig, need } from '../tensors.js';

/** A kernel mapping numbers with `num` and BigInts with `big`, keeping the dtype. */
export function exactUnaryKernel(num: (v: number) => number, big: (v: bigint) => bigint): Kernel {
  return (inputs, ctx) => {
    const x = need(inputs, 0, ctx);
    const out = alloc(x.dtype, x.shape);
    const xd = x.data;
    const od = out.data;
    if (isBig(x.dtype)) for (let i = 0; i < xd.length; i++) od[i] = big(xd[i] as bigint);
    else for (let i = 0; i < xd.length; i++) od[i] = num(xd[i] as number);
    return [out];
  };
}
