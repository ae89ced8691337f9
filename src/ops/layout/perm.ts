/**
 * Axis permutations as ONNX Transpose uses them: output axis k is input axis `perm[k]`. The layout
 * pass composes, inverts and recognises them; channels-last ↔ channels-first are the two it is for.
 */

/** The perm that turns channels-last data ([N, spatial…, C]) channels-first ([N, C, spatial…]). */
export function toFirstPerm(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

/** The perm that turns channels-first data ([N, C, spatial…]) channels-last ([N, spatial…, C]). */
export function toLastPerm(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/** Transpose(Transpose(x, first), second) as one perm: axis k of the result is axis first[second[k]] of x. */
export function composePerms(first: readonly number[], second: readonly number[]): number[] {
  return second.map((k) => first[k] as number);
}

/** The perm that undoes `perm`. */
export function invertPerm(perm: readonly number[]): number[] {
  const out = Array<number>(perm.length).fill(0);
  perm.forEach((p, k) => {
    out[p] = k;
  });
  return out;
}

/** Whether `perm` leaves every axis where it is. */
export function isIdentityPerm(perm: readonly number[]): boolean {
  return perm.every((p, k) => p === k);
}

/** Whether two perms are the same. */
export function samePerm(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((p, k) => p === b[k]);
}

/** A shape with its axes permuted (`out[k] = shape[perm[k]]`); symbolic and unknown dims are kept. */
export function permuteShape<T>(shape: readonly T[], perm: readonly number[]): T[] {
  return perm.map((p) => shape[p] as T);
}

/** Whether `perm` is a permutation of 0…n-1 (a Transpose attribute can be anything). */
export function isPerm(perm: readonly number[]): boolean {
  const seen = new Set(perm);
  return seen.size === perm.length && perm.every((p) => Number.isInteger(p) && p >= 0 && p < perm.length);
}
