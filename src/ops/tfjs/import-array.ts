/**
 * TF indexing and array-building ops → canonical ops: GatherV2/Gather/ResourceGather, the
 * multi-output Split/SplitV/Unpack, Tile, Fill/ZerosLike/OnesLike, OneHot and Range. Semantics
 * from tf.raw_ops documentation. Split-like ops give one canonical value per TF output (`node:k`);
 * Tile becomes a Concat per tiled axis so it needs no known shape; OneHot compares the indices with
 * a depth-long counter (negative or too-large indices match nothing, as in TF).
 */
import { attr, type NodeContext } from './context.js';
import type { TfImporter } from './import-math.js';

/** GatherV2 (params, indices, axis) and the axis-0 Gather / ResourceGather; batch_dims 0 only. */
const gather: TfImporter = (ctx) => {
  if (ctx.attrs.int('batch_dims', 0) !== 0)
    throw ctx.error('batch_dims other than 0 is not supported', 'UNSUPPORTED_OP');
  const axis = ctx.node.op === 'GatherV2' ? (ctx.ints(2, 'the axis')[0] ?? 0) : 0;
  ctx.emit('Gather', [ctx.input(0), ctx.input(1)], { axis: attr(axis) }, ctx.out());
};

/** One Split node with explicit sizes when they are known (else equal parts), into `outs`. */
function splitInto(
  ctx: NodeContext,
  x: string,
  axis: number,
  sizes: readonly number[] | undefined,
  outs: string[],
) {
  const inputs = sizes === undefined ? [x] : [x, ctx.int64('split', sizes)];
  ctx.emit('Split', inputs, { axis: attr(axis) }, outs);
}

/** Equal sizes along `axis` when the dimension is known. */
function equalSizes(ctx: NodeContext, x: string, axis: number, n: number): number[] | undefined {
  const d = ctx.info(x)?.shape?.at(axis);
  if (typeof d !== 'number') return undefined;
  if (d % n !== 0) throw ctx.error(`dimension ${d} does not split into ${n} equal parts`);
  return Array.from({ length: n }, () => d / n);
}

/** Split (axis, value) into `num_split` equal parts. */
const split: TfImporter = (ctx) => {
  const axis = ctx.ints(0, 'the axis')[0] ?? 0;
  const n = ctx.attrs.int('num_split', 1);
  const x = ctx.input(1);
  splitInto(ctx, x, axis, equalSizes(ctx, x, axis, n), ctx.outputs(n));
};

/** SplitV (value, size_splits, axis): one size may be -1 (the rest of the dimension). */
const splitV: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const sizes = ctx.ints(1, 'size_splits');
  const axis = ctx.ints(2, 'the axis')[0] ?? 0;
  const free = sizes.indexOf(-1);
  if (free >= 0) {
    const d = ctx.dim(x, axis);
    sizes[free] = d - sizes.reduce((a, s, i) => (i === free ? a : a + s), 0);
  }
  splitInto(ctx, x, axis, sizes, ctx.outputs(sizes.length));
};

/** Unpack (Unstack): `num` slices along `axis`, the axis removed. */
const unpack: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const n = ctx.attrs.int('num', 1);
  const rank = ctx.rank(x);
  const a = ctx.attrs.int('axis', 0);
  const axis = a < 0 ? a + rank : a;
  const outs = ctx.outputs(n);
  const axes = ctx.int64('axes', [axis]);
  const parts = n === 1 ? [x] : Array.from({ length: n }, (_, k) => ctx.tmp(`part${k}`));
  if (n > 1)
    splitInto(
      ctx,
      x,
      axis,
      Array.from({ length: n }, () => 1),
      parts,
    );
  parts.forEach((p, k) => {
    ctx.emit('Squeeze', [p, axes], {}, outs[k]);
  });
};

/** The most copies Tile writes as Concat inputs along one axis. */
const MAX_TILE = 256;

/** Tile (input, multiples): a Concat of `m` copies along each axis with multiple m > 1. */
const tile: TfImporter = (ctx) => {
  const m = ctx.ints(1, 'multiples');
  if (m.some((k) => k < 1 || k > MAX_TILE))
    throw ctx.error(`multiples [${m.join(', ')}] outside 1..${MAX_TILE}`, 'UNSUPPORTED_OP');
  const tiled = m.map((k, i) => [k, i] as const).filter(([k]) => k > 1);
  let y = ctx.input(0);
  if (tiled.length === 0) {
    ctx.emit('Identity', [y], {}, ctx.out());
    return;
  }
  tiled.forEach(([k, axis], j) => {
    const out = j === tiled.length - 1 ? ctx.out() : ctx.tmp(`tile${axis}`);
    y = ctx.emit(
      'Concat',
      Array.from({ length: k }, () => y),
      { axis: attr(axis) },
      out,
    );
  });
};

/** A target shape input as int64 (an int64 Constant when it is a Const). */
function shapeInput(ctx: NodeContext, i: number): string {
  const v = ctx.constant(i);
  return v === undefined ? ctx.cast(ctx.input(i), 'int64') : ctx.int64('dims', v);
}

/** Fill (dims, value): the scalar broadcast to `dims`. */
const fill: TfImporter = (ctx) => {
  const dims = shapeInput(ctx, 0);
  ctx.emit('Expand', [ctx.input(1), dims], {}, ctx.out());
};

/** ZerosLike / OnesLike: a scalar of x's dtype broadcast to x's shape. */
function like(value: number): TfImporter {
  return (ctx) => {
    const x = ctx.input(0);
    const s = ctx.emit('Shape', [x]);
    const v = ctx.cast(ctx.float('value', value), ctx.dtype(x));
    ctx.emit('Expand', [v, s], {}, ctx.out());
  };
}

/** OneHot (indices, depth, on_value, off_value), the new axis at `axis` (-1: last). */
const oneHot: TfImporter = (ctx) => {
  const depth = ctx.ints(1, 'depth')[0] ?? 0;
  const idx = ctx.cast(ctx.input(0), 'int64');
  const rank = ctx.rank(idx);
  const a = ctx.attrs.int('axis', -1);
  const at = a < 0 ? rank + 1 + a : a;
  const ex = ctx.emit('Unsqueeze', [idx, ctx.int64('axes', [at])]);
  let counter = ctx.int64(
    'counter',
    Array.from({ length: depth }, (_, i) => i),
  );
  const trailing = rank - at;
  if (trailing > 0)
    counter = ctx.emit('Unsqueeze', [
      counter,
      ctx.int64(
        'counter_axes',
        Array.from({ length: trailing }, (_, i) => i + 1),
      ),
    ]);
  const hit = ctx.emit('Equal', [ex, counter]);
  ctx.emit('Where', [hit, ctx.input(2), ctx.input(3)], {}, ctx.out());
};

/** Range (start, limit, delta): the same op. */
const range: TfImporter = (ctx) => {
  ctx.emit('Range', [ctx.input(0), ctx.input(1), ctx.input(2)], {}, ctx.out());
};

/** Indexing and array-building ops by TF op name. */
export const ARRAY: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ['GatherV2', gather],
  ['Gather', gather],
  ['ResourceGather', gather],
  ['Split', split],
  ['SplitV', splitV],
  ['Unpack', unpack],
  ['Tile', tile],
  ['Fill', fill],
  ['ZerosLike', like(0)],
  ['OnesLike', like(1)],
  ['OneHot', oneHot],
  ['Range', range],
]);
