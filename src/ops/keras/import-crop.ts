/**
 * Keras Cropping1D/2D/3D → Slice. `cropping` is an int (every side), one int per axis (both
 * sides of it), or a (before, after) pair per axis; Cropping1D's pair is (start, end) of the one
 * axis. `channels_last` data (the default) has the spatial axes at 1…n, `channels_first` at 2…n+1.
 */
import { channelsLast } from './import-conv.js';
import type { LayerImporter } from './import-table.js';

/** ONNX Slice's "to the end" for an end index. */
const TO_END = Number.MAX_SAFE_INTEGER;

/** `cropping`/`padding` as (before, after) per axis; see the module comment. */
export function sidePairs(v: unknown, n: number, fallback: number): [number, number][] | undefined {
  if (v === undefined || v === null) return Array.from({ length: n }, () => [fallback, fallback]);
  if (typeof v === 'number') return Array.from({ length: n }, () => [v, v]);
  if (!Array.isArray(v)) return undefined;
  if (n === 1 && v.length === 2 && v.every((x) => typeof x === 'number')) return [[v[0], v[1]]];
  if (v.length !== n) return undefined;
  const out: [number, number][] = [];
  for (const x of v) {
    if (typeof x === 'number') out.push([x, x]);
    else if (Array.isArray(x) && x.length === 2 && x.every((y) => typeof y === 'number'))
      out.push([x[0] as number, x[1] as number]);
    else return undefined;
  }
  return out;
}

function cropping(n: number): LayerImporter {
  return (ctx) => {
    const x = ctx.input();
    const pairs = sidePairs(ctx.config.cropping, n, 0);
    if (pairs === undefined || pairs.some(([a, b]) => a < 0 || b < 0))
      throw ctx.error('cropping is not understood');
    const first = n === 1 || channelsLast(ctx) ? 1 : 2;
    const axes = pairs.map((_, i) => first + i);
    ctx.emit(
      'Slice',
      [
        x,
        ctx.int64(
          'starts',
          pairs.map((p) => p[0]),
        ),
        ctx.int64(
          'ends',
          pairs.map((p) => (p[1] === 0 ? TO_END : -p[1])),
        ),
        ctx.int64('axes', axes),
      ],
      {},
      ctx.out(),
    );
  };
}

/** Cropping layers by class name. */
export const CROP: ReadonlyMap<string, LayerImporter> = new Map([
  ['Cropping1D', cropping(1)],
  ['Cropping2D', cropping(2)],
  ['Cropping3D', cropping(3)],
]);
