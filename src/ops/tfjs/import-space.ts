/**
 * TF DepthToSpace / SpaceToDepth (NHWC) → Reshape · Transpose · Reshape (the canonical set has
 * neither op). From tf.raw_ops: DepthToSpace moves channel blocks into `block_size`² spatial
 * blocks, output[n, h·b + i, w·b + j, c] = input[n, h, w, (i·b + j)·C' + c]; SpaceToDepth is its
 * inverse. The channel count must be known; one of height and width may be unknown.
 */
import { attr, type NodeContext } from './context.js';
import type { TfImporter } from './import-math.js';

/** The block size, the known dims of NHWC `x` ([H, W] with -1 for unknown) and C. */
function blockDims(ctx: NodeContext, x: string): [number, number, number, number] {
  if (ctx.attrs.str('data_format', 'NHWC') !== 'NHWC')
    throw ctx.error('only data_format NHWC is supported', 'UNSUPPORTED_OP');
  const b = ctx.attrs.int('block_size', 2);
  const s = ctx.shape(x);
  if (s.length !== 4) throw ctx.error(`needs a 4-D input, has rank ${s.length}`);
  const [h, w] = [s[1], s[2]].map((d) => (typeof d === 'number' ? d : -1)) as [number, number];
  if (h < 0 && w < 0) throw ctx.error('height and width are both unknown', 'UNSUPPORTED_OP');
  return [b, h, w, ctx.dim(x, 3)];
}

const depthToSpace: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const [b, h, w, c] = blockDims(ctx, x);
  const c2 = c / (b * b);
  const r = ctx.emit('Reshape', [x, ctx.int64('blocks', [0, 0, 0, b, b, c2])]);
  const t = ctx.emit('Transpose', [r], { perm: attr([0, 1, 3, 2, 4, 5]) });
  const hw = [h < 0 ? -1 : h * b, w < 0 ? -1 : w * b];
  ctx.emit('Reshape', [t, ctx.int64('shape', [0, ...hw, c2])], {}, ctx.out());
};

const spaceToDepth: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const [b, h, w, c] = blockDims(ctx, x);
  const dims = [h < 0 ? -1 : h / b, b, w < 0 ? -1 : w / b, b, c];
  const r = ctx.emit('Reshape', [x, ctx.int64('blocks', [0, ...dims])]);
  const t = ctx.emit('Transpose', [r], { perm: attr([0, 1, 3, 2, 4, 5]) });
  ctx.emit(
    'Reshape',
    [t, ctx.int64('shape', [0, dims[0] as number, dims[2] as number, b * b * c])],
    {},
    ctx.out(),
  );
};

/** Depth/space rearrangements by TF op name. */
export const SPACE: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ['DepthToSpace', depthToSpace],
  ['SpaceToDepth', spaceToDepth],
]);
