/**
 * Keras Conv1DTranspose / Conv2DTranspose / Conv3DTranspose → ONNX ConvTranspose. The output size
 * is Keras's (`deconv_output_length` in keras/utils/conv_utils.py): with `output_padding` unset,
 * `same` gives input·stride and `valid` input·stride + max(k′ − stride, 0), k′ the dilated kernel;
 * with `output_padding` p, (input − 1)·stride + k′ − 2·pad + p with pad k′ // 2 (`same`) or 0.
 * TensorFlow computes it as the gradient of a convolution producing that size: the full
 * transposed result ((input − 1)·stride + k′) cropped by the padding a forward `same` convolution
 * would use, the smaller half first, or extended with zeros (plus bias) where the size is larger.
 * That is ConvTranspose with explicit `pads` and `output_padding` — neither depends on the input
 * size, so unknown lengths (a free time axis) translate too.
 */
import { attr, type LayerContext } from './context.js';
import { autoPad, channelsLast, fromNchw, oihw, toNchw } from './import-conv.js';
import { finish } from './import-core.js';
import type { LayerImporter } from './import-table.js';

/** Per spatial axis: cropped before, cropped after, zeros added after (ONNX output_padding). */
export function transposePadding(
  k: number,
  stride: number,
  dilation: number,
  same: boolean,
  outputPadding: number | undefined,
): [number, number, number] {
  const eff = (k - 1) * dilation + 1;
  // full length − Keras's length: positive is cropped, negative is added after
  let total: number;
  if (outputPadding === undefined) total = same ? eff - stride : Math.min(eff - stride, 0);
  else total = (same ? 2 * Math.floor(eff / 2) : 0) - outputPadding;
  const crop = Math.max(total, 0);
  const before = same ? Math.floor(crop / 2) : 0;
  return [before, crop - before, Math.max(-total, 0)];
}

function convTranspose(n: number): LayerImporter {
  return (ctx: LayerContext) => {
    const x = ctx.input();
    const last = channelsLast(ctx);
    const cin = ctx.dim(x, last ? -1 : 1);
    const filters = ctx.num('filters', 0);
    const k = ctx.ints('kernel_size', n, 1);
    const s = ctx.ints('strides', n, 1);
    const d = ctx.ints('dilation_rate', n, 1);
    const op = ctx.config.output_padding;
    const outPad = op === undefined || op === null ? undefined : ctx.ints('output_padding', n, 0);
    // Keras refuses these when building the layer: a file holding one is inconsistent
    if (outPad?.some((p, i) => p < 0 || p >= (s[i] as number)))
      throw ctx.error(`output_padding [${outPad.join(', ')}] must be less than the strides`);
    // Keras kernel [k…, out, in]; ConvTranspose wants [in, out, k…].
    const w = oihw(ctx, ctx.weight(0, [...k, filters, cin]), n);
    const inputs = [toNchw(ctx, x, n + 2), w];
    if (ctx.bool('use_bias', true)) inputs.push(ctx.weight(1, [filters]));
    const same = autoPad(ctx) === 'SAME_UPPER';
    const per = k.map((ki, i) => transposePadding(ki, s[i] as number, d[i] as number, same, outPad?.[i]));
    const attrs: Record<string, ReturnType<typeof attr>> = {
      kernel_shape: attr(k),
      strides: attr(s),
      dilations: attr(d),
      pads: attr([...per.map((p) => p[0]), ...per.map((p) => p[1])]),
    };
    if (per.some((p) => p[2] > 0)) attrs.output_padding = attr(per.map((p) => p[2]));
    const y = ctx.emit('ConvTranspose', inputs, attrs);
    finish(ctx, fromNchw(ctx, y, n + 2, ctx.tmp('conv')));
  };
}

/** Transposed convolutions by class name. */
export const DECONV: ReadonlyMap<string, LayerImporter> = new Map([
  ['Conv1DTranspose', convTranspose(1)],
  ['Conv2DTranspose', convTranspose(2)],
  ['Conv3DTranspose', convTranspose(3)],
  ['Convolution2DTranspose', convTranspose(2)],
]);
