/**
 * Building block of the variadic elementwise kernels (Max, Min, Sum, Mean; not a kernel itself):
 * the inputs are combined left to right, each step broadcasting numpy-style (Operators.md Max-8:
 * "All inputs and outputs must have the same data type", multidirectional broadcasting), so
 * float32 results round after every step as onnxruntime's do.
 */
import type { ExecTensor, Kernel, KernelContext } from '../kernel.js';
import { alloc, fail } from '../tensors.js';
import { type BinaryOp, broadcastBinary } from './elementwise.js';

/** Folds the inputs with `op`; a single input is copied. */
export function foldInputs(
  inputs: readonly (ExecTensor | undefined)[],
  op: BinaryOp,
  ctx: KernelContext,
): ExecTensor {
  const list = inputs.filter((t): t is ExecTensor => t !== undefined);
  const first = list[0];
  if (first === undefined) return fail(ctx, 'needs at least one input');
  if (list.length === 1) {
    const out = alloc(first.dtype, first.shape);
    (out.data as Uint8Array).set(first.data as Uint8Array);
    return out;
  }
  let acc = first;
  for (const t of list.slice(1)) acc = broadcastBinary(acc, t, op, ctx);
  return acc;
}

/** A kernel folding every input with `op`. */
export function variadicKernel(op: BinaryOp): Kernel {
  return (inputs, ctx) => [foldInputs(inputs, op, ctx)];
}
