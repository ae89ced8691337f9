/**
 * ResizeBilinear and ResizeNearestNeighbor (NHWC, `size` a Const [newH, newW]) → Resize on NCHW
 * between Transposes, the output sizes made from the input's N and C and the Const. TF's
 * coordinate rules (tf.raw_ops.ResizeBilinear / ResizeNearestNeighbor) map onto ONNX's modes:
 * plain TF1 scaling is `asymmetric` (nearest: floor), `half_pixel_centers` is `half_pixel`
 * (nearest: `tf_half_pixel_for_nn`, floor), `align_corners` is `align_corners` (nearest: TF
 * rounds halves up for these non-negative coordinates, `round_prefer_ceil`).
 */
import { attr, type NodeContext } from './context.js';
import type { TfImporter } from './import-math.js';

function modes(ctx: NodeContext, nearest: boolean): Record<string, ReturnType<typeof attr>> {
  const align = ctx.attrs.bool('align_corners', false);
  const half = ctx.attrs.bool('half_pixel_centers', false);
  if (align && half)
    throw ctx.error('align_corners with half_pixel_centers is not supported', 'UNSUPPORTED_OP');
  if (!nearest) {
    const t = align ? 'align_corners' : half ? 'half_pixel' : 'asymmetric';
    return { mode: attr('linear'), coordinate_transformation_mode: attr(t) };
  }
  if (align)
    return {
      mode: attr('nearest'),
      coordinate_transformation_mode: attr('align_corners'),
      nearest_mode: attr('round_prefer_ceil'),
    };
  return {
    mode: attr('nearest'),
    coordinate_transformation_mode: attr(half ? 'tf_half_pixel_for_nn' : 'asymmetric'),
    nearest_mode: attr('floor'),
  };
}

function resize(nearest: boolean): TfImporter {
  return (ctx) => {
    const a = modes(ctx, nearest);
    const size = ctx.ints(1, 'size');
    if (size.length !== 2) throw ctx.error('size must hold 2 values');
    const x = ctx.emit('Transpose', [ctx.input(0)], { perm: attr([0, 3, 1, 2]) });
    const nc = ctx.emit('Slice', [ctx.emit('Shape', [x]), ctx.int64('zero', [0]), ctx.int64('two', [2])]);
    const sizes = ctx.emit('Concat', [nc, ctx.int64('size', size)], { axis: attr(0) });
    const y = ctx.emit('Resize', [x, '', '', sizes], a);
    ctx.emit('Transpose', [y], { perm: attr([0, 2, 3, 1]) }, ctx.out());
  };
}

/** Resize ops by TF op name. */
export const RESIZE: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ['ResizeBilinear', resize(false)],
  ['ResizeNearestNeighbor', resize(true)],
]);
