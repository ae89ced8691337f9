/**
 * Round: to the nearest integer, halves to the even one (ONNX Operators.md Round: "round half to
 * even", like numpy.round and C's nearbyint); the sign of zero and non-finite values are kept.
 */
import type { Kernel } from '../kernel.js';
import { unaryKernel } from './elementwise.js';

/** Rounds half to even (JS Math.round rounds halves up, so it cannot be used). */
export function roundHalfEven(v: number): number {
  if (!Number.isFinite(v)) return v;
  const f = Math.floor(v);
  const d = v - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && (v < 0 || Object.is(v, -0)) ? -0 : r;
}

/** The Round kernel. */
export const roundKernel: Kernel = unaryKernel(() => roundHalfEven);
