/**
 * The blocked matrix multiply under Conv / ConvTranspose (issue #5: "im2col plus a blocked matrix
 * multiply"). Row-major float32 operands, float64 accumulation (a JS number is a double, so the
 * wider sum costs nothing and keeps long dot products within 1e-5 of onnxruntime).
 */

/**
 * Columns per block: one accumulator row of this many doubles (2 KiB) stays in L1 while the
 * matching K × block panel of B (K ≤ a few thousand) stays in L2.
 */
const COLUMN_BLOCK = 256;

/**
 * C[m, n] = Σₖ A[m, k] · B[k, n] for an M × K matrix A at `aOff`, a K × N matrix B at `bOff`,
 * written (not added) into the M × N matrix C at `cOff`. Rows are taken four at a time so each
 * element of B loaded serves four accumulators (register blocking); the remainder one by one.
 */
export function gemm(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  b: Float32Array,
  bOff: number,
  c: Float32Array,
  cOff: number,
): void {
  const w = Math.min(COLUMN_BLOCK, n);
  // Four rows of C at once: each loaded element of B feeds four accumulators.
  const acc0 = new Float64Array(w);
  const acc1 = new Float64Array(w);
  const acc2 = new Float64Array(w);
  const acc3 = new Float64Array(w);
  for (let j0 = 0; j0 < n; j0 += COLUMN_BLOCK) {
    const width = Math.min(COLUMN_BLOCK, n - j0);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      acc0.fill(0, 0, width);
      acc1.fill(0, 0, width);
      acc2.fill(0, 0, width);
      acc3.fill(0, 0, width);
      const r0 = aOff + i * k;
      for (let p = 0; p < k; p++) {
        const a0 = a[r0 + p] as number;
        const a1 = a[r0 + k + p] as number;
        const a2 = a[r0 + 2 * k + p] as number;
        const a3 = a[r0 + 3 * k + p] as number;
        const bRow = bOff + p * n + j0;
        for (let j = 0; j < width; j++) {
          const bv = b[bRow + j] as number;
          acc0[j] = (acc0[j] as number) + a0 * bv;
          acc1[j] = (acc1[j] as number) + a1 * bv;
          acc2[j] = (acc2[j] as number) + a2 * bv;
          acc3[j] = (acc3[j] as number) + a3 * bv;
        }
      }
      const c0 = cOff + i * n + j0;
      for (let j = 0; j < width; j++) {
        c[c0 + j] = acc0[j] as number;
        c[c0 + n + j] = acc1[j] as number;
        c[c0 + 2 * n + j] = acc2[j] as number;
        c[c0 + 3 * n + j] = acc3[j] as number;
      }
    }
    for (; i < m; i++) {
      acc0.fill(0, 0, width);
      const aRow = aOff + i * k;
      for (let p = 0; p < k; p++) {
        const av = a[aRow + p] as number;
        if (av === 0) continue;
        const bRow = bOff + p * n + j0;
        for (let j = 0; j < width; j++) acc0[j] = (acc0[j] as number) + av * (b[bRow + j] as number);
      }
      const cRow = cOff + i * n + j0;
      for (let j = 0; j < width; j++) c[cRow + j] = acc0[j] as number;
    }
  }
}
