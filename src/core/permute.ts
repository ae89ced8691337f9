/**
 * Axis permutation of tensor bytes, used where a format stores a tensor in another layout
 * (Keras kernels [in, out] vs PyTorch [out, in]) and nnport moves the data, not just a graph node.
 */

/** The permutation that undoes `perm`. */
export function inversePerm(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => {
    inv[p] = i;
  });
  return inv;
}

/**
 * `bytes` (C order, `shape`, `itemSize` bytes per element) with its axes permuted: output axis i
 * is input axis `perm[i]`.
 */
export function permuteBytes(
  bytes: Uint8Array,
  shape: readonly number[],
  perm: readonly number[],
  itemSize: number,
): Uint8Array {
  const rank = shape.length;
  const out = new Uint8Array(bytes.length);
  const inStrides = new Array<number>(rank).fill(1);
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = (inStrides[i + 1] as number) * (shape[i + 1] as number);
  const outShape = perm.map((p) => shape[p] as number);
  const strides = perm.map((p) => inStrides[p] as number);
  const count = bytes.length / itemSize;
  const index = new Array<number>(rank).fill(0);
  let src = 0;
  for (let o = 0; o < count; o++) {
    out.set(bytes.subarray(src * itemSize, (src + 1) * itemSize), o * itemSize);
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      src += strides[d] as number;
      if ((index[d] as number) < (outShape[d] as number)) break;
      src -= (strides[d] as number) * (outShape[d] as number);
      index[d] = 0;
    }
  }
  return out;
}
