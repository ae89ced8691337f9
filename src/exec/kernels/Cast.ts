/**
 * Cast: converts to the dtype `to` names (ONNX TensorProto code; Operators.md Cast). Float to
 * integer truncates toward zero (C++ static_cast, as onnxruntime); to bool is "not zero". Casts to
 * float16/bfloat16/float8 round to that type and keep the result in float32, the executor's
 * compute type for them. Strings are not executor values.
 */

import { decodeMiniFloat, encodeMiniFloat, isMiniFloat } from '../../core/minifloat.js';
import {
  bf16BitsToNumber,
  f16BitsToNumber,
  numberToBf16Bits,
  numberToF16Bits,
} from '../../io/text/float-bits.js';
import { onnxDType } from '../../ops/index.js';
import { attrInt } from '../attrs.js';
import type { ExecTensor, Kernel } from '../kernel.js';
import { alloc, execDTypeOf, fail, isBig, isFloat, need } from '../tensors.js';

/** The Cast kernel. */
export const castKernel: Kernel = (inputs, ctx) => {
  const x = need(inputs, 0, ctx);
  const code = attrInt(ctx, 'to');
  const to = onnxDType(code);
  const dt = to === undefined ? undefined : execDTypeOf(to);
  if (to === undefined || dt === undefined) return fail(ctx, `cannot cast to ONNX type ${code}`);
  const out: ExecTensor = alloc(dt, x.shape);
  const n = x.data.length;
  const od = out.data;
  const xd = x.data;
  if (dt === 'bool') {
    // Number(NaN) !== 0: NaN casts to true, as C++ `x != 0`.
    for (let i = 0; i < n; i++) od[i] = Number(xd[i]) !== 0 ? 1 : 0;
  } else if (isBig(dt)) {
    if (isBig(x.dtype)) for (let i = 0; i < n; i++) od[i] = xd[i] as bigint;
    else {
      for (let i = 0; i < n; i++) {
        const v = Math.trunc(xd[i] as number);
        od[i] = Number.isFinite(v) ? BigInt(v) : 0n;
      }
    }
  } else if (isFloat(dt)) {
    for (let i = 0; i < n; i++) od[i] = Number(xd[i]);
    if (to === 'float16' || to === 'bfloat16' || isMiniFloat(to)) roundTo(out.data as Float32Array, to);
  } else if (isBig(x.dtype)) {
    // Integer narrowing keeps the low bits (two's complement wrap).
    for (let i = 0; i < n; i++) od[i] = Number(BigInt.asIntN(32, xd[i] as bigint));
  } else {
    for (let i = 0; i < n; i++) {
      const v = Math.trunc(xd[i] as number);
      od[i] = Number.isFinite(v) ? v : 0;
    }
  }
  return [out];
};

function roundTo(a: Float32Array, to: string): void {
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (to === 'float16') a[i] = f16BitsToNumber(numberToF16Bits(v));
    else if (to === 'bfloat16') a[i] = bf16BitsToNumber(numberToBf16Bits(v));
    else if (isMiniFloat(to as never)) {
      const code = encodeMiniFloat(to as never, v);
      a[i] = code === undefined ? Number.NaN : decodeMiniFloat(to as never, code);
    }
  }
}
