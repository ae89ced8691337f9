/**
 * Separable N-D resampling shared by Resize and Upsample (Operators.md Resize): per axis, every
 * output coordinate is mapped back to an input coordinate by the coordinate transformation mode
 * and turned into taps (nearest: one; linear: two; cubic: four), and the axes are resampled one
 * after another in float64. Facts from Operators.md Resize and onnx's reference
 * op_resize.py (cubic coefficients, exclude_outside renormalisation, edge clamping).
 */

/** How one axis is resampled. */
export interface AxisPlan {
  /** Input length. */
  readonly input: number;
  /** Output length. */
  readonly output: number;
  /** The scale the coordinate transform divides by (output / input when sizes were given). */
  readonly scale: number;
  /** tf_crop_and_resize region [start, end] as fractions of the input, when that mode is used. */
  readonly roi?: readonly [number, number];
}

/** Interpolation settings shared by all axes. */
export interface ResampleOptions {
  /** 'nearest' | 'linear' | 'cubic'. */
  readonly mode: string;
  /** Coordinate transformation mode (Operators.md Resize). */
  readonly transform: string;
  /** Nearest rounding: round_prefer_floor, round_prefer_ceil, floor, ceil, or 'simple' (Resize-10/Upsample). */
  readonly nearest: string;
  /** Cubic coefficient A. */
  readonly cubicA: number;
  /** Cubic: weights of taps outside the input set to 0 and the rest renormalised. */
  readonly excludeOutside: boolean;
  /** Value of outputs whose source lies outside the input under tf_crop_and_resize. */
  readonly extrapolation: number;
}

/** Taps of one axis: output j uses src[start[j] .. start[j+1]) with weights; `outside[j]` marks extrapolation. */
interface Taps {
  readonly start: Int32Array;
  readonly src: Int32Array;
  readonly weight: Float64Array;
  readonly outside: Uint8Array;
  readonly identity: boolean;
}

/**
 * The input coordinate of output coordinate `x` (Operators.md Resize, coordinate_transformation_mode),
 * computed in float32 step by step as onnxruntime does: nearest rounding at exact .5 ties
 * depends on it (3.5 / 0.7f − 0.5 is just above 4.5 in float32).
 */
export function originalCoordinate(x: number, plan: AxisPlan, transform: string): number {
  const f = Math.fround;
  const { input, output } = plan;
  const scale = f(plan.scale);
  switch (transform) {
    case 'half_pixel':
      return f(f(f(x + 0.5) / scale) - 0.5);
    case 'half_pixel_symmetric': {
      const adjustment = f(output / f(scale * input));
      const offset = f(f(input / 2) * f(1 - adjustment));
      return f(offset + f(f(f(x + 0.5) / scale) - 0.5));
    }
    case 'pytorch_half_pixel':
      return output > 1 ? f(f(f(x + 0.5) / scale) - 0.5) : 0;
    case 'align_corners':
      return output === 1 ? 0 : f(f(x * (input - 1)) / (output - 1));
    case 'asymmetric':
      return f(x / scale);
    case 'tf_half_pixel_for_nn':
      return f(f(x + 0.5) / scale);
    case 'tf_crop_and_resize': {
      const [s, e] = (plan.roi ?? [0, 1]).map(f) as [number, number];
      return output > 1
        ? f(f(s * (input - 1)) + f(f(f(x * f(e - s)) * (input - 1)) / (output - 1)))
        : f(f(0.5 * f(s + e)) * (input - 1));
    }
    default:
      throw new RangeError(`coordinate_transformation_mode '${transform}'`);
  }
}

/** The nearest input index of coordinate `x` under `mode`. */
function nearestIndex(x: number, mode: string, scale: number): number {
  switch (mode) {
    case 'round_prefer_floor':
      return x === Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x);
    case 'round_prefer_ceil':
      return Math.round(x);
    case 'floor':
      return Math.floor(x);
    case 'ceil':
      return Math.ceil(x);
    case 'simple':
      // Resize-10 / Upsample (onnxruntime): ceil when downsampling, truncation otherwise.
      return scale < 1 ? Math.ceil(x) : Math.trunc(x);
    default:
      throw new RangeError(`nearest_mode '${mode}'`);
  }
}

/** Cubic convolution weights of the four taps around fraction `s` (Keys, coefficient A). */
function cubicWeights(s: number, a: number): number[] {
  const w = (t: number): number => {
    const d = Math.abs(t);
    if (d <= 1) return ((a + 2) * d - (a + 3)) * d * d + 1;
    if (d < 2) return ((a * d - 5 * a) * d + 8 * a) * d - 4 * a;
    return 0;
  };
  return [w(s + 1), w(s), w(1 - s), w(2 - s)];
}

/** Builds the taps of one axis. */
function axisTaps(plan: AxisPlan, o: ResampleOptions): Taps {
  const { input, output } = plan;
  const start = new Int32Array(output + 1);
  const src: number[] = [];
  const weight: number[] = [];
  const outside = new Uint8Array(output);
  const crop = o.transform === 'tf_crop_and_resize';
  let identity = input === output;
  const last = input - 1;
  const clamp = (i: number): number => (i < 0 ? 0 : i > last ? last : i);
  // An axis kept at scale 1 is copied whatever the transform (onnxruntime; tf_half_pixel_for_nn would shift it).
  const copy = input === output && plan.scale === 1 && !crop;
  for (let j = 0; j < output; j++) {
    if (copy) {
      src.push(j);
      weight.push(1);
      start[j + 1] = src.length;
      continue;
    }
    const x = originalCoordinate(j, plan, o.transform);
    if (crop && (x < 0 || x > last)) outside[j] = 1;
    if (o.mode === 'nearest') {
      src.push(clamp(nearestIndex(x, o.nearest, plan.scale)));
      weight.push(1);
    } else if (o.mode === 'linear') {
      const c = x < 0 ? 0 : x > last ? last : x;
      const x0 = Math.floor(c);
      const x1 = Math.min(x0 + 1, last);
      const f = c - x0;
      src.push(x0, x1);
      weight.push(1 - f, f);
    } else {
      const x0 = Math.floor(x);
      const ws = cubicWeights(x - x0, o.cubicA);
      let total = 0;
      for (let k = 0; k < 4; k++) {
        const i = x0 - 1 + k;
        if (o.excludeOutside && (i < 0 || i > last)) ws[k] = 0;
        total += ws[k] as number;
      }
      for (let k = 0; k < 4; k++) {
        src.push(clamp(x0 - 1 + k));
        weight.push(o.excludeOutside && total !== 0 ? (ws[k] as number) / total : (ws[k] as number));
      }
    }
    start[j + 1] = src.length;
    for (let t = start[j] as number; t < src.length; t++) {
      const w = weight[t] as number;
      if (w !== 0 && (src[t] !== j || w !== 1)) identity = false;
    }
  }
  return {
    start,
    src: Int32Array.from(src),
    weight: Float64Array.from(weight),
    outside,
    identity: identity && !outside.includes(1),
  };
}

/**
 * Resamples `data` (C-order, shape = every plan's input) to every plan's output; the result is
 * float32. Axes whose taps are the identity are skipped.
 */
export function resample(data: Float32Array, plans: readonly AxisPlan[], o: ResampleOptions): Float32Array {
  const taps = plans.map((p) => axisTaps(p, o));
  let cur: Float64Array = Float64Array.from(data);
  const shape = plans.map((p) => p.input);
  for (let a = 0; a < plans.length; a++) {
    const t = taps[a] as Taps;
    if (t.identity) continue;
    const plan = plans[a] as AxisPlan;
    let outer = 1;
    for (let i = 0; i < a; i++) outer *= shape[i] as number;
    let inner = 1;
    for (let i = a + 1; i < shape.length; i++) inner *= shape[i] as number;
    const next = new Float64Array(outer * plan.output * inner);
    for (let q = 0; q < outer; q++) {
      const inBase = q * plan.input * inner;
      const outBase = q * plan.output * inner;
      for (let j = 0; j < plan.output; j++) {
        const dst = outBase + j * inner;
        for (let k = t.start[j] as number; k < (t.start[j + 1] as number); k++) {
          const w = t.weight[k] as number;
          if (w === 0) continue;
          const from = inBase + (t.src[k] as number) * inner;
          for (let r = 0; r < inner; r++)
            next[dst + r] = (next[dst + r] as number) + w * (cur[from + r] as number);
        }
      }
    }
    cur = next;
    shape[a] = plan.output;
  }
  const out = Float32Array.from(cur);
  if (o.transform === 'tf_crop_and_resize') {
    // Any axis mapped outside the input makes the element the extrapolation value.
    const rank = plans.length;
    const idx = new Array<number>(rank).fill(0);
    for (let p = 0; p < out.length; p++) {
      for (let a = 0; a < rank; a++) {
        if ((taps[a] as Taps).outside[idx[a] as number] === 1) {
          out[p] = o.extrapolation;
          break;
        }
      }
      for (let a = rank - 1; a >= 0; a--) {
        idx[a] = (idx[a] as number) + 1;
        if ((idx[a] as number) < (shape[a] as number)) break;
        idx[a] = 0;
      }
    }
  }
  return out;
}
