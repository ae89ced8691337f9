/**
 * Exact conversions between IEEE binary16 and binary32 bit patterns. Widening is always exact;
 * narrowing is only offered for values that came from binary16 (a format that cannot store
 * float16 holds them widened, and nnport narrows them back bit for bit), so it refuses anything
 * that would round.
 */

/** binary16 bits → binary32 bits, the exact widening (subnormals normalised, NaN payload kept). */
export function halfToFloatBits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  let man = h & 0x3ff;
  if (exp === 0x1f) return (sign | 0x7f800000 | (man << 13)) >>> 0;
  if (exp !== 0) return (sign | ((exp + 112) << 23) | (man << 13)) >>> 0;
  if (man === 0) return sign >>> 0;
  // Subnormal: shift the mantissa up until its leading 1 reaches the hidden-bit position.
  let e = 113;
  while ((man & 0x400) === 0) {
    man <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((man & 0x3ff) << 13)) >>> 0;
}

/**
 * binary32 bits → the binary16 bits that widen to exactly them (the inverse of
 * `halfToFloatBits`), or undefined when no binary16 does (the value would have to round).
 */
export function floatToHalfBitsExact(f: number): number | undefined {
  const sign = (f >>> 16) & 0x8000;
  const exp = (f >>> 23) & 0xff;
  const man = f & 0x7fffff;
  const low = man & 0x1fff; // the mantissa bits binary16 does not have
  if (exp === 0xff) return low === 0 ? sign | 0x7c00 | (man >>> 13) : undefined;
  if (exp === 0) return man === 0 ? sign : undefined; // binary32 subnormals are below binary16's
  if (exp >= 113 && exp <= 142) return low === 0 ? sign | ((exp - 112) << 10) | (man >>> 13) : undefined;
  if (exp < 103 || exp > 142) return undefined;
  // A binary16 subnormal m·2^-24 (m < 1024) is the binary32 significand s·2^(exp-150): m = s·2^(exp-126).
  const s = man | 0x800000;
  const shift = 126 - exp; // 14..23
  return (s & ((1 << shift) - 1)) === 0 ? sign | (s >>> shift) : undefined;
}
