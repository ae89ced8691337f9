/**
 * Folding of shape vectors whose entries are not all numbers: `Shape` of a value with a symbolic
 * batch dim gives [N, 3, 4], and `Gather`, `Concat`, `Slice`, `Unsqueeze`… of it keep the symbols,
 * so that `ConstantOfShape`, `Expand` and `Reshape` fed by such a chain still know their output
 * rank and every dim that is known — what onnx's data propagation does (infer_shapes data_prop).
 * Numeric vectors go through fold.ts; this handles the rest, and Reshape to such a vector.
 */
import { fail, product } from './shape-math.js';
import type { Dim, InferContext } from './types.js';

/** The largest vector followed (shape vectors have a handful of entries). */
const MAX_DIMS = 64;

function intAttrOf(ctx: InferContext, name: string): number | undefined {
  const a = ctx.node.attributes[name];
  return a?.type === 'int' ? Number(a.value) : undefined;
}

/** Output 0's value as dims, when it is a 1-D vector derived from shape vectors; `undefined` otherwise. */
export function foldDims(ctx: InferContext): readonly Dim[] | undefined {
  const { node } = ctx;
  const d = (i: number): readonly Dim[] | undefined =>
    node.inputs[i] ? (ctx.value(i) ?? ctx.dims?.(i)) : undefined;
  const out = ((): readonly Dim[] | undefined => {
    switch (node.op) {
      case 'Shape': {
        const s = ctx.inputs[0]?.shape;
        if (s === undefined) return undefined;
        const rank = s.length;
        const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
        const [start, end] = [clamp(intAttrOf(ctx, 'start') ?? 0), clamp(intAttrOf(ctx, 'end') ?? rank)];
        return s.slice(start, end);
      }
      case 'Identity':
      case 'Squeeze':
      case 'Unsqueeze':
      case 'Reshape':
      case 'Flatten':
        // Only while the value stays a vector (Unsqueeze of a scalar index to [1]).
        return (ctx.inputs[0]?.shape?.length ?? 2) <= 1 ? d(0) : undefined;
      case 'Cast': {
        const to = node.attributes.to;
        // TensorProto INT64 (7) and INT32 (6): shape vectors cast between integer types.
        return to?.type === 'int' && (to.value === 7 || to.value === 6) ? d(0) : undefined;
      }
      case 'Gather': {
        const data = d(0);
        const idx = ctx.value(1);
        if (data === undefined || idx === undefined || ctx.inputs[0]?.shape?.length !== 1) return undefined;
        const picked: Dim[] = [];
        for (const i of idx) {
          const k = i < 0 ? i + data.length : i;
          if (k < 0 || k >= data.length) return undefined;
          picked.push(data[k] ?? null);
        }
        return picked;
      }
      case 'Concat': {
        const parts = node.inputs.map((_, i) => d(i));
        if (parts.some((p) => p === undefined)) return undefined;
        return (parts as (readonly Dim[])[]).flat();
      }
      case 'Slice': {
        const data = d(0);
        if (data === undefined || ctx.inputs[0]?.shape?.length !== 1) return undefined;
        const starts = ctx.value(1);
        const ends = ctx.value(2);
        const given = (i: number): boolean => node.inputs.length > i && node.inputs[i] !== '';
        const step = given(4) ? ctx.value(4)?.[0] : 1;
        if (starts?.length !== 1 || ends?.length !== 1 || step !== 1) return undefined;
        const n = data.length;
        const clamp = (x: number): number => Math.min(Math.max(x < 0 ? x + n : x, 0), n);
        return data.slice(clamp(starts[0] as number), clamp(ends[0] as number));
      }
      default:
        return undefined;
    }
  })();
  return out !== undefined && out.length <= MAX_DIMS ? out : undefined;
}

/**
 * Reshape to a target with symbolic or unknown entries (a shape vector folded from `Shape`): the
 * symbols are output dims as they stand; a −1 is computed when the symbols of the input left over
 * (not copied by 0) are exactly those of the target, so [N, 3, 4] to [N, −1] gives [N, 12].
 */
export function reshapeToDims(
  ctx: InferContext,
  x: readonly Dim[] | undefined,
  target: readonly Dim[],
  zero: boolean,
): Dim[] {
  if (target.filter((t) => t === -1).length > 1) fail(ctx, 'shape has more than one -1');
  const free = target.indexOf(-1);
  const copied = new Set<number>();
  const out = target.map((t, i): Dim => {
    if (t === 0 && !zero) {
      copied.add(i);
      return x?.[i] ?? null;
    }
    if (typeof t === 'number' && t < -1) fail(ctx, `shape[${i}] = ${t} is not a dimension`);
    return t === -1 ? null : t;
  });
  if (free < 0 || x === undefined) return out;
  // The −1 is known when the symbols left on both sides cancel and the numbers divide.
  const left = x.filter((_, i) => !copied.has(i));
  const right = out.filter((_, i) => i !== free && !copied.has(i));
  const syms = (dims: readonly Dim[]): string | undefined =>
    dims.includes(null) ? undefined : JSON.stringify(dims.filter((d) => typeof d === 'string').sort());
  const inProd = product(left.filter((d) => typeof d === 'number'));
  const outProd = product(right.filter((d) => typeof d === 'number'));
  const cancel = syms(left) !== undefined && syms(left) === syms(right);
  if (cancel && inProd !== null && outProd !== null && outProd > 0 && inProd % outProd === 0) {
    out[free] = inProd / outProd;
  }
  return out;
}
