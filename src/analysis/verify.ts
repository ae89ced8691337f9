/**
 * Output comparison for `nnport verify` (issue #5), modelled on polygraphy's comparison report:
 * for each output, the largest absolute and relative error, where the worst element is, the
 * smallest tolerance that would pass, and PASSED or FAILED under NumPy `allclose` semantics
 * (|a − b| ≤ atol + rtol·|b|, numpy.isclose docs; `b` is the second model, the reference).
 * Also the seeded inputs both models run on. Platform-neutral (no Node APIs).
 */
import type { ExecDType, ExecTensor } from '../exec/kernel.js';

/**
 * Below this |b| the relative error divides by the floor instead of |b|, so an exact zero in the
 * reference does not turn every tiny absolute error into an infinite relative one (polygraphy adds
 * a small epsilon for the same reason). 0/0 still counts as 0. The floor only affects the reported
 * max relative error, never PASSED/FAILED, which follows allclose exactly.
 */
export const REL_ERROR_FLOOR = 1e-12;

/** Tolerances of a comparison. */
export interface Tolerance {
  /** Absolute tolerance. */
  readonly atol: number;
  /** Relative tolerance (relative to the second model's value). */
  readonly rtol: number;
}

/** Running statistics of one output over all samples. */
export interface OutputStats {
  /** Elements compared (over all samples). */
  elements: number;
  /** Elements outside the tolerance. */
  failing: number;
  /** Elements where exactly one side is NaN (NaN against NaN counts as equal). */
  nanMismatches: number;
  /** Largest |a − b| (Infinity for NaN against a number or unequal infinities). */
  maxAbs: number;
  /** Largest |a − b| / max(|b|, REL_ERROR_FLOOR) (0/0 counts as 0). */
  maxRel: number;
  /** Multi-index (C order) of the element with the largest absolute error; undefined for empty outputs. */
  worstIndex: number[] | undefined;
  /** The sample the worst element is in. */
  worstSample: number;
  /** The two values at the worst element. */
  worstA: number;
  worstB: number;
  /** The smallest atol that passes with the given rtol (Infinity when no atol can: NaN or infinity mismatches). */
  minAtol: number;
  /** The smallest rtol that passes with the given atol (Infinity when none can, e.g. b = 0 and |a − b| > atol). */
  minRtol: number;
}

/** The statistics of nothing compared yet. */
export function emptyStats(): OutputStats {
  return {
    elements: 0,
    failing: 0,
    nanMismatches: 0,
    maxAbs: 0,
    maxRel: 0,
    worstIndex: undefined,
    worstSample: 0,
    worstA: 0,
    worstB: 0,
    minAtol: 0,
    minRtol: 0,
  };
}

/** C-order multi-index of flat index `flat` in `shape`. */
export function unravelIndex(flat: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length).fill(0);
  let rest = flat;
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d] as number;
    out[d] = n === 0 ? 0 : rest % n;
    rest = n === 0 ? 0 : Math.floor(rest / n);
  }
  return out;
}

/** Element `i` of an executor tensor as a number (64-bit integers rounded to the nearest double). */
function valueAt(t: ExecTensor, i: number): number {
  return Number(t.data[i] as number | bigint);
}

/**
 * Adds one sample's comparison of `a` against the reference `b` to `stats`. The two must have the
 * same shape (the caller reports a shape mismatch as a failure of its own). allclose rules:
 * NaN equals NaN, equal infinities are equal, NaN against a number and unequal infinities fail
 * with an infinite error.
 */
export function accumulate(
  stats: OutputStats,
  a: ExecTensor,
  b: ExecTensor,
  tol: Tolerance,
  sample: number,
): void {
  const n = a.data.length;
  for (let i = 0; i < n; i++) {
    const x = valueAt(a, i);
    const y = valueAt(b, i);
    let abs: number;
    let rel: number;
    let needAtol: number;
    let needRtol: number;
    if (Number.isNaN(x) || Number.isNaN(y)) {
      const both = Number.isNaN(x) && Number.isNaN(y);
      if (!both) stats.nanMismatches++;
      abs = both ? 0 : Infinity;
      rel = abs;
      needAtol = abs;
      needRtol = abs;
    } else if (x === y) {
      abs = 0;
      rel = 0;
      needAtol = 0;
      needRtol = 0;
    } else if (!Number.isFinite(x) || !Number.isFinite(y)) {
      abs = Infinity;
      rel = Infinity;
      needAtol = Infinity;
      needRtol = Infinity;
    } else {
      const by = Math.abs(y);
      abs = Math.abs(x - y);
      rel = abs / Math.max(by, REL_ERROR_FLOOR);
      needAtol = Math.max(0, abs - tol.rtol * by);
      needRtol = abs <= tol.atol ? 0 : by === 0 ? Infinity : (abs - tol.atol) / by;
    }
    // Non-finite cases were settled above (abs is 0 or Infinity); only finite pairs use the formula,
    // so an infinite |b| cannot make atol + rtol·|b| infinite and pass anything.
    const fails = Number.isFinite(abs) ? abs > tol.atol + tol.rtol * Math.abs(y) : true;
    if (fails) stats.failing++;
    if (stats.worstIndex === undefined || abs > stats.maxAbs) {
      stats.maxAbs = abs;
      stats.worstIndex = unravelIndex(i, a.shape);
      stats.worstSample = sample;
      stats.worstA = x;
      stats.worstB = y;
    }
    if (rel > stats.maxRel) stats.maxRel = rel;
    if (needAtol > stats.minAtol) stats.minAtol = needAtol;
    if (needRtol > stats.minRtol) stats.minRtol = needRtol;
  }
  stats.elements += n;
}

/** Whether an output passed: no element outside the tolerance. */
export function passed(stats: OutputStats): boolean {
  return stats.failing === 0;
}

/**
 * A deterministic PRNG (mulberry32, a public-domain 32-bit generator by Tommy Ettinger) seeded
 * with `seed`; returns numbers uniform in [0, 1). Same seed, same sequence on every platform.
 */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random input of `dtype` and `shape`: floats uniform in [-1, 1); integers and bools all 0,
 * since the valid range of an integer input (Gather indices, token ids, lengths) is not knowable
 * from the graph, and 0 is in range for every one of them.
 */
export function randomInput(dtype: ExecDType, shape: readonly number[], random: () => number): ExecTensor {
  let n = 1;
  for (const d of shape) n *= d;
  if (dtype === 'float32' || dtype === 'float64') {
    const data = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = random() * 2 - 1;
    return { dtype, shape, data } as ExecTensor;
  }
  const zeros: Record<Exclude<ExecDType, 'float32' | 'float64'>, () => ExecTensor['data']> = {
    int8: () => new Int8Array(n),
    int16: () => new Int16Array(n),
    int32: () => new Int32Array(n),
    int64: () => new BigInt64Array(n),
    uint8: () => new Uint8Array(n),
    uint16: () => new Uint16Array(n),
    uint32: () => new Uint32Array(n),
    uint64: () => new BigUint64Array(n),
    bool: () => new Uint8Array(n),
  };
  return { dtype, shape, data: zeros[dtype]() } as ExecTensor;
}

/** How two lists of names are paired: by equal names, or by position when the names differ. */
export interface NameMatch {
  /** `name` when both lists hold the same names, `position` otherwise. */
  readonly by: 'name' | 'position';
  /** Pairs [name in A, name in B]. */
  readonly pairs: readonly (readonly [string, string])[];
}

/** Pairs names by equality when both lists hold the same set, else by position when the counts agree; undefined otherwise. */
export function matchNames(a: readonly string[], b: readonly string[]): NameMatch | undefined {
  const setB = new Set(b);
  if (a.length === b.length && a.every((n) => setB.has(n))) {
    return { by: 'name', pairs: a.map((n) => [n, n] as const) };
  }
  if (a.length === b.length) return { by: 'position', pairs: a.map((n, i) => [n, b[i] as string] as const) };
  return undefined;
}
