/**
 * Tensor-by-tensor comparison of two models for `nnport diff`: bit-exact equality first, then the
 * largest absolute and relative difference, with NumPy `allclose` semantics for tolerances
 * (|a − b| ≤ atol + rtol·|b|).
 */
import { DTYPES, itemSize, unpackSubByte } from '../core/dtype.js';
import type { Model } from '../core/model.js';
import { elementCount, type Tensor } from '../core/tensor.js';
import { decodeNumbers, numericStep } from './numeric.js';

/** Tolerances; with both 0 (the default) only bit-exact tensors count as equal. */
export interface DiffOptions {
  /** Absolute tolerance. */
  readonly atol?: number;
  /** Relative tolerance (relative to the second model's value). */
  readonly rtol?: number;
}

/** How one tensor name compares. */
export interface TensorDiff {
  /** The tensor's name. */
  name: string;
  /** `equal` bit for bit; `close` within tolerance; `different`; `mismatch` when dtype or shape differ. */
  status: 'equal' | 'close' | 'different' | 'mismatch';
  /** dtype and shape on each side. */
  a: { dtype: string; shape: readonly number[] };
  b: { dtype: string; shape: readonly number[] };
  /** Largest |a − b| (NaN against a number counts as Infinity). */
  maxAbs?: number;
  /** Largest |a − b| / |b| (0/0 counts as 0, x/0 as Infinity). */
  maxRel?: number;
  /** Flat C-order index of the element with the largest absolute difference. */
  worstIndex?: number;
  /** Elements that are not bit-identical. */
  differing?: number;
}

/** The result of comparing two models. */
export interface ModelDiff {
  /** Tensors present in both, in the first model's order. */
  tensors: TensorDiff[];
  /** Names only in the first model. */
  onlyInA: string[];
  /** Names only in the second model. */
  onlyInB: string[];
  /** True when anything differs beyond the tolerances. */
  differs: boolean;
}

function bytesEqual(x: Uint8Array, y: Uint8Array): boolean {
  if (x.byteLength !== y.byteLength) return false;
  for (let i = 0; i < x.byteLength; i++) if (x[i] !== y[i]) return false;
  return true;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Compares two tensors of equal dtype and shape, chunk by chunk. */
async function compareTensor(a: Tensor, b: Tensor, atol: number, rtol: number): Promise<TensorDiff> {
  // Sub-byte elements are compared unpacked (one per byte); complex ones by their parts (|za − zb|).
  const bits = DTYPES[a.dtype].bits;
  const size = bits < 8 ? 1 : itemSize(a.dtype);
  const parts = DTYPES[a.dtype].kind === 'complex' ? 2 : 1;
  const step = numericStep(a.dtype);
  let left = elementCount(a.shape);
  let maxAbs = 0;
  let maxRel = 0;
  let worstIndex = -1;
  let differing = 0;
  let within = true;
  for (let off = 0; off < a.data.byteLength; off += step) {
    const len = Math.min(step, a.data.byteLength - off);
    const [ra, rb] = await Promise.all([a.data.read(off, len), b.data.read(off, len)]);
    const n = Math.min(left, Math.floor((len * 8) / bits));
    left -= n;
    if (bytesEqual(ra, rb)) continue;
    const xa = bits < 8 ? unpackSubByte(ra, bits, n) : ra;
    const xb = bits < 8 ? unpackSubByte(rb, bits, n) : rb;
    const va = decodeNumbers(a.dtype, ra, n);
    const vb = decodeNumbers(b.dtype, rb, n);
    const base = (off * 8) / bits;
    for (let i = 0; i < n; i++) {
      let p = va[i * parts] as number;
      let q = vb[i * parts] as number;
      if (parts === 2) {
        // Complex: the distance |za − zb| as a real difference against |zb|.
        const di = (va[2 * i + 1] as number) - (vb[2 * i + 1] as number);
        const nanA = Number.isNaN(p) || Number.isNaN(va[2 * i + 1] as number);
        const nanB = Number.isNaN(q) || Number.isNaN(vb[2 * i + 1] as number);
        const dist = Math.hypot(p - q, Number.isNaN(di) ? 0 : di);
        const magB = Math.hypot(q, vb[2 * i + 1] as number);
        p = nanA ? Number.NaN : magB + dist;
        q = nanB ? Number.NaN : magB;
      }
      // bit-level difference of this element
      let same = true;
      for (let k = 0; k < size; k++) {
        if (xa[i * size + k] !== xb[i * size + k]) {
          same = false;
          break;
        }
      }
      if (same) continue;
      differing++;
      // NaN against NaN (different payloads) is numerically equal; NaN against a number is infinitely far.
      const bothNaN = Number.isNaN(p) && Number.isNaN(q);
      const abs = bothNaN || p === q ? 0 : Math.abs(p - q) || Number.POSITIVE_INFINITY;
      const rel = abs === 0 ? 0 : q === 0 ? Number.POSITIVE_INFINITY : abs / Math.abs(q);
      if (worstIndex < 0 || abs > maxAbs) {
        maxAbs = abs;
        worstIndex = base + i;
      }
      if (rel > maxRel) maxRel = rel;
      if (!(abs <= atol + rtol * Math.abs(q))) within = false;
    }
  }
  const sides = { a: { dtype: a.dtype, shape: a.shape }, b: { dtype: b.dtype, shape: b.shape } };
  if (differing === 0) return { name: a.name, status: 'equal', ...sides };
  const tolerant = atol > 0 || rtol > 0;
  return {
    name: a.name,
    status: tolerant && within ? 'close' : 'different',
    ...sides,
    maxAbs,
    maxRel,
    worstIndex,
    differing,
  };
}

/** Compares two models tensor by tensor, matching tensors by name. */
export async function diffModels(a: Model, b: Model, options: DiffOptions = {}): Promise<ModelDiff> {
  const atol = options.atol ?? 0;
  const rtol = options.rtol ?? 0;
  const byName = new Map(b.tensors.map((t) => [t.name, t]));
  const namesA = new Set(a.tensors.map((t) => t.name));
  const tensors: TensorDiff[] = [];
  for (const ta of a.tensors) {
    const tb = byName.get(ta.name);
    if (tb === undefined) continue;
    if (ta.dtype !== tb.dtype || !sameShape(ta.shape, tb.shape)) {
      tensors.push({
        name: ta.name,
        status: 'mismatch',
        a: { dtype: ta.dtype, shape: ta.shape },
        b: { dtype: tb.dtype, shape: tb.shape },
      });
      continue;
    }
    tensors.push(await compareTensor(ta, tb, atol, rtol));
  }
  const onlyInA = a.tensors.filter((t) => !byName.has(t.name)).map((t) => t.name);
  const onlyInB = b.tensors.filter((t) => !namesA.has(t.name)).map((t) => t.name);
  const differs =
    onlyInA.length > 0 ||
    onlyInB.length > 0 ||
    tensors.some((t) => t.status === 'different' || t.status === 'mismatch');
  return { tensors, onlyInA, onlyInB, differs };
}
