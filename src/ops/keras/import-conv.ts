/**
 * Keras convolution, pooling, padding and upsampling layers → canonical ops. Keras's default
 * `channels_last` data stays NHWC in the graph, as the original model takes it: each Conv and pool
 * is wrapped in a Transpose to NCHW and back. Kernels are HWIO ([k…, in, out]); the canonical
 * OIHW kernel is a Transpose node on the stored weight, so the stored arrays stay bit for bit.
 * `same` padding is TF's: the extra pixel at the end (auto_pad SAME_UPPER).
 */
import { attr, type LayerContext } from './context.js';
import { finish } from './import-core.js';
import type { LayerImporter } from './import-table.js';

/** True unless the layer says `channels_first`. */
export function channelsLast(ctx: LayerContext): boolean {
  const f = ctx.str('data_format', 'channels_last');
  return f !== 'channels_first';
}

/** x moved to channels-first (a Transpose when channels_last). */
export function toNchw(ctx: LayerContext, x: string, rank: number): string {
  if (!channelsLast(ctx)) return x;
  const perm = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
  return ctx.emit('Transpose', [x], { perm: attr(perm) });
}

/** y (channels-first) back to the layer's layout, as output `out`. */
export function fromNchw(ctx: LayerContext, y: string, rank: number, out: string): string {
  if (!channelsLast(ctx)) return ctx.emit('Identity', [y], {}, out);
  const perm = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
  return ctx.emit('Transpose', [y], { perm: attr(perm) }, out);
}

/** Keras `padding` as ONNX auto_pad (TF's `same` puts the extra pixel after). */
export function autoPad(ctx: LayerContext): string {
  const p = ctx.str('padding', 'valid').toLowerCase();
  if (p === 'same') return 'SAME_UPPER';
  if (p === 'valid') return 'VALID';
  throw ctx.error(`padding '${p}' is not supported`, 'UNSUPPORTED_OP');
}

/** A kernel [k…, a, b] as a Transpose to [b, a, k…]. */
export function oihw(ctx: LayerContext, kernel: string, n: number): string {
  const perm = [n + 1, n, ...Array.from({ length: n }, (_, i) => i)];
  return ctx.emit('Transpose', [kernel], { perm: attr(perm) });
}

/** A rank-3 input padded with `(k − 1)·dilation` zeros before its first step (time axis). */
function causalPad(ctx: LayerContext, x: string, k1: number, dilation: number): string {
  const p = k1 * dilation;
  const pads = channelsLast(ctx) ? [0, p, 0, 0, 0, 0] : [0, 0, p, 0, 0, 0];
  return ctx.emit('Pad', [x, ctx.int64('causal_pads', pads)], { mode: attr('constant') });
}

function conv(n: number): LayerImporter {
  return (ctx) => {
    const x = ctx.input();
    const rank = n + 2;
    const cin = ctx.dim(x, channelsLast(ctx) ? -1 : 1);
    const filters = ctx.num('filters', 0);
    const k = ctx.ints('kernel_size', n, 1);
    const groups = ctx.num('groups', 1);
    const kernel = ctx.weight(0, [...k, cin / groups, filters]);
    const dilations = ctx.ints('dilation_rate', n, 1);
    // Conv1D `causal`: (k − 1)·dilation zeros before the first step, then a VALID convolution
    const causal = n === 1 && ctx.str('padding', 'valid').toLowerCase() === 'causal';
    const nchw = toNchw(
      ctx,
      causal ? causalPad(ctx, x, (k[0] as number) - 1, dilations[0] as number) : x,
      rank,
    );
    const inputs = [nchw, oihw(ctx, kernel, n)];
    if (ctx.bool('use_bias', true)) inputs.push(ctx.weight(1, [filters]));
    const y = ctx.emit('Conv', inputs, {
      auto_pad: attr(causal ? 'VALID' : autoPad(ctx)),
      kernel_shape: attr(k),
      strides: attr(ctx.ints('strides', n, 1)),
      dilations: attr(dilations),
      group: attr(groups),
    });
    finish(ctx, fromNchw(ctx, y, rank, ctx.tmp('conv')));
  };
}

/** Depthwise kernel [k…, in, mult] → grouped Conv weight [in·mult, 1, k…]. */
function depthwiseWeight(
  ctx: LayerContext,
  kernel: string,
  k: readonly number[],
  cin: number,
  mult: number,
): string {
  const r = ctx.emit('Reshape', [kernel, ctx.int64('dw_shape', [...k, 1, cin * mult])]);
  return oihw(ctx, r, k.length);
}

const depthwise2d: LayerImporter = (ctx) => {
  const x = ctx.input();
  const cin = ctx.dim(x, channelsLast(ctx) ? -1 : 1);
  const k = ctx.ints('kernel_size', 2, 1);
  const mult = ctx.num('depth_multiplier', 1);
  const w = depthwiseWeight(ctx, ctx.weight(0, [...k, cin, mult]), k, cin, mult);
  const inputs = [toNchw(ctx, x, 4), w];
  if (ctx.bool('use_bias', true)) inputs.push(ctx.weight(1, [cin * mult]));
  const y = ctx.emit('Conv', inputs, {
    auto_pad: attr(autoPad(ctx)),
    kernel_shape: attr(k),
    strides: attr(ctx.ints('strides', 2, 1)),
    dilations: attr(ctx.ints('dilation_rate', 2, 1)),
    group: attr(cin),
  });
  finish(ctx, fromNchw(ctx, y, 4, ctx.tmp('conv')));
};

const separable2d: LayerImporter = (ctx) => {
  const x = ctx.input();
  const cin = ctx.dim(x, channelsLast(ctx) ? -1 : 1);
  const k = ctx.ints('kernel_size', 2, 1);
  const mult = ctx.num('depth_multiplier', 1);
  const filters = ctx.num('filters', 0);
  const w = depthwiseWeight(ctx, ctx.weight(0, [...k, cin, mult]), k, cin, mult);
  const d = ctx.emit('Conv', [toNchw(ctx, x, 4), w], {
    auto_pad: attr(autoPad(ctx)),
    kernel_shape: attr(k),
    strides: attr(ctx.ints('strides', 2, 1)),
    dilations: attr(ctx.ints('dilation_rate', 2, 1)),
    group: attr(cin),
  });
  const pw = [d, oihw(ctx, ctx.weight(1, [1, 1, cin * mult, filters]), 2)];
  if (ctx.bool('use_bias', true)) pw.push(ctx.weight(2, [filters]));
  const y = ctx.emit('Conv', pw, { kernel_shape: attr([1, 1]) });
  finish(ctx, fromNchw(ctx, y, 4, ctx.tmp('conv')));
};

function pool(op: 'MaxPool' | 'AveragePool', n: number): LayerImporter {
  return (ctx) => {
    const x = ctx.input();
    const size = ctx.ints('pool_size', n, 2);
    const strides =
      ctx.config.strides === null || ctx.config.strides === undefined ? size : ctx.ints('strides', n, 1);
    const y = ctx.emit(op, [toNchw(ctx, x, n + 2)], {
      auto_pad: attr(autoPad(ctx)),
      kernel_shape: attr(size),
      strides: attr(strides),
    });
    fromNchw(ctx, y, n + 2, ctx.out());
  };
}

function globalPool(op: 'ReduceMean' | 'ReduceMax', n: number): LayerImporter {
  return (ctx) => {
    const last = channelsLast(ctx);
    const axes = Array.from({ length: n }, (_, i) => (last ? i + 1 : i + 2));
    const keep = ctx.bool('keepdims', false) ? 1 : 0;
    ctx.emit(op, [ctx.input()], { axes: attr(axes), keepdims: attr(keep) }, ctx.out());
  };
}

/** ZeroPadding: `padding` as int, [a, b] (symmetric per axis) or [[before, after], …]. */
function zeroPadding(n: number): LayerImporter {
  return (ctx) => {
    const x = ctx.input();
    const p = ctx.config.padding;
    const pairs: [number, number][] = [];
    for (let i = 0; i < n; i++) {
      const v =
        typeof p === 'number'
          ? p
          : Array.isArray(p)
            ? n === 1 && p.length === 2 && typeof p[0] === 'number'
              ? p
              : p[i]
            : 1;
      if (n === 1 && Array.isArray(p) && typeof p[0] === 'number') pairs.push([Number(p[0]), Number(p[1])]);
      else if (typeof v === 'number') pairs.push([v, v]);
      else if (Array.isArray(v)) pairs.push([Number(v[0]), Number(v[1])]);
      else throw ctx.error('padding is not understood');
    }
    const last = channelsLast(ctx);
    const before = last ? [0, ...pairs.map((q) => q[0]), 0] : [0, 0, ...pairs.map((q) => q[0])];
    const after = last ? [0, ...pairs.map((q) => q[1]), 0] : [0, 0, ...pairs.map((q) => q[1])];
    ctx.emit('Pad', [x, ctx.int64('pads', [...before, ...after])], { mode: attr('constant') }, ctx.out());
  };
}

function upSampling(n: number): LayerImporter {
  return (ctx) => {
    const x = ctx.input();
    const size = n === 1 ? [ctx.num('size', 2)] : ctx.ints('size', n, 2);
    const interpolation = ctx.str('interpolation', 'nearest');
    const last = n === 1 || channelsLast(ctx);
    const scales = last ? [1, ...size, 1] : [1, 1, ...size];
    const nearest = interpolation === 'nearest';
    if (!nearest && interpolation !== 'bilinear')
      throw ctx.error(`interpolation '${interpolation}' is not supported`, 'UNSUPPORTED_OP');
    const attrs = nearest
      ? {
          mode: attr('nearest'),
          coordinate_transformation_mode: attr('asymmetric'),
          nearest_mode: attr('floor'),
        }
      : { mode: attr('linear'), coordinate_transformation_mode: attr('half_pixel') };
    const sc = ctx.floats('scales', [scales.length], scales);
    ctx.emit('Resize', [x, '', sc], attrs, ctx.out());
  };
}

/** Convolution-family layers by class name. */
export const CONV: ReadonlyMap<string, LayerImporter> = new Map([
  ['Conv1D', conv(1)],
  ['Conv2D', conv(2)],
  ['Conv3D', conv(3)],
  ['DepthwiseConv2D', depthwise2d],
  ['SeparableConv2D', separable2d],
  ['MaxPooling1D', pool('MaxPool', 1)],
  ['MaxPooling2D', pool('MaxPool', 2)],
  ['MaxPooling3D', pool('MaxPool', 3)],
  ['MaxPool1D', pool('MaxPool', 1)],
  ['MaxPool2D', pool('MaxPool', 2)],
  ['AveragePooling1D', pool('AveragePool', 1)],
  ['AveragePooling2D', pool('AveragePool', 2)],
  ['AveragePooling3D', pool('AveragePool', 3)],
  ['AvgPool1D', pool('AveragePool', 1)],
  ['AvgPool2D', pool('AveragePool', 2)],
  ['GlobalAveragePooling1D', globalPool('ReduceMean', 1)],
  ['GlobalAveragePooling2D', globalPool('ReduceMean', 2)],
  ['GlobalAveragePooling3D', globalPool('ReduceMean', 3)],
  ['GlobalMaxPooling1D', globalPool('ReduceMax', 1)],
  ['GlobalMaxPooling2D', globalPool('ReduceMax', 2)],
  ['GlobalMaxPooling3D', globalPool('ReduceMax', 3)],
  ['ZeroPadding1D', zeroPadding(1)],
  ['ZeroPadding2D', zeroPadding(2)],
  ['ZeroPadding3D', zeroPadding(3)],
  ['UpSampling1D', upSampling(1)],
  ['UpSampling2D', upSampling(2)],
  ['UpSampling3D', upSampling(3)],
]);
