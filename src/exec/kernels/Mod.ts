/**
 * Mod: elementwise remainder with broadcasting (ONNX Operators.md Mod). With fmod=0 (integers
 * only) the result takes the divisor's sign, as Python's %; with fmod=1 the dividend's, as C's
 * fmod (required for floats). A remainder by integer zero, undefined in ONNX, gives 0 here.
 */
import { attrInt } from '../attrs.js';
import type { Kernel } from '../kernel.js';
import { fail, isFloat, need } from '../tensors.js';
import { broadcastBinary } from './elementwise.js';

function floorMod(a: number, b: number): number {
  if (b === 0) return 0;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
}

function floorModBig(a: bigint, b: bigint): bigint {
  if (b === 0n) return 0n;
  const r = a % b;
  return r !== 0n && r < 0n !== b < 0n ? r + b : r;
}

/** The Mod kernel. */
export const modKernel: Kernel = (inputs, ctx) => {
  const a = need(inputs, 0, ctx);
  const b = need(inputs, 1, ctx);
  const fmod = attrInt(ctx, 'fmod', 0) !== 0;
  if (!fmod && isFloat(a.dtype)) fail(ctx, `fmod must be 1 for ${a.dtype} inputs`);
  const op = fmod
    ? {
        num: (x: number, y: number) => (!isFloat(a.dtype) && y === 0 ? 0 : x % y),
        big: (x: bigint, y: bigint) => (y === 0n ? 0n : x % y),
      }
    : { num: floorMod, big: floorModBig };
  return [broadcastBinary(a, b, op, ctx)];
};
