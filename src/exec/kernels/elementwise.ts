/**
 * Building blocks of the elementwise kernels (not a kernel itself): a broadcasting binary map and
 * a unary map, each over every numeric dtype. Integer results wrap as the typed arrays store them
 * (ONNX leaves overflow to the runtime; onnxruntime wraps the same way).
 */
import type { ExecDType, ExecTensor, Kernel, KernelContext } from '../kernel.js';
import { alloc, broadcastIndex, broadcastShapes, fail, isBig, need } from '../tensors.js';

/** A binary operation in two forms: on numbers (float and 32-bit int dtypes) and on BigInts. */
export interface BinaryOp {
  /** On numbers; the result is stored into the output's typed array. */
  readonly num: (a: number, b: number, dtype: ExecDType) => number;
  /** On BigInts (int64/uint64). */
  readonly big: (a: bigint, b: bigint) => bigint;
}

/**
 * Applies `op` with multidirectional broadcasting (ONNX Broadcasting.md). The output has the
 * first input's dtype; `mixed` allows a second input of another dtype (Pow's exponent).
 */
export function broadcastBinary(
  a: ExecTensor,
  b: ExecTensor,
  op: BinaryOp,
  ctx: KernelContext,
  mixed = false,
): ExecTensor {
  if (!mixed && a.dtype !== b.dtype) fail(ctx, `input dtypes ${a.dtype} and ${b.dtype} differ`);
  const shape = broadcastShapes([a.shape, b.shape], ctx);
  const out = alloc(a.dtype, shape);
  const n = out.data.length;
  const ia = broadcastIndex(a.shape, shape);
  const ib = broadcastIndex(b.shape, shape);
  const ad = a.data;
  const bd = b.data;
  const od = out.data;
  if (isBig(a.dtype)) {
    const toBig = isBig(b.dtype)
      ? (i: number) => bd[i] as bigint
      : (i: number) => BigInt(Math.trunc(bd[i] as number));
    for (let i = 0; i < n; i++) {
      od[i] = op.big(ad[ia === undefined ? i : ia[i]] as bigint, toBig(ib === undefined ? i : ib[i]));
    }
  } else {
    const dt = a.dtype;
    for (let i = 0; i < n; i++) {
      od[i] = op.num(Number(ad[ia === undefined ? i : ia[i]]), Number(bd[ib === undefined ? i : ib[i]]), dt);
    }
  }
  return out;
}

/** A kernel for a two-input broadcasting op. */
export function binaryKernel(op: BinaryOp, mixed = false): Kernel {
  return (inputs, ctx) => [broadcastBinary(need(inputs, 0, ctx), need(inputs, 1, ctx), op, ctx, mixed)];
}

/**
 * Maps `fn` over every element, keeping the dtype (BigInt elements go through numbers, exact
 * below 2^53, which the ops using this — activations — never exceed meaningfully).
 */
export function mapUnary(x: ExecTensor, fn: (v: number) => number): ExecTensor {
  const out = alloc(x.dtype, x.shape);
  const xd = x.data;
  const od = out.data;
  const n = xd.length;
  if (isBig(x.dtype)) {
    for (let i = 0; i < n; i++) od[i] = BigInt(Math.trunc(fn(Number(xd[i]))));
  } else {
    for (let i = 0; i < n; i++) od[i] = fn(xd[i] as number);
  }
  return out;
}

/** A kernel for a one-input elementwise op whose parameters come from the context. */
export function unaryKernel(make: (ctx: KernelContext) => (v: number) => number): Kernel {
  return (inputs, ctx) => [mapUnary(need(inputs, 0, ctx), make(ctx))];
}
