/**
 * TF convolution, pooling and batch-norm ops → canonical ops. TF's default NHWC data stays NHWC
 * in the graph, as the original model takes it: each Conv, pool and batch norm is wrapped in a
 * Transpose to NCHW and back (none for `data_format` NCHW). The HWIO filter becomes OIHW through
 * a Transpose node on the stored weight, so the stored arrays stay bit for bit. SAME padding is
 * TensorFlow's (the odd pixel at the end), computed as explicit pads when the input's spatial
 * size is known and `auto_pad` SAME_UPPER otherwise; EXPLICIT takes `explicit_paddings`.
 */
import { attr, type NodeContext } from './context.js';
import { activation, channelVector, fusedOps, type TfImporter } from './import-math.js';

function isNchw(ctx: NodeContext): boolean {
  return ctx.attrs.str('data_format', 'NHWC').startsWith('NC');
}

/** The two spatial entries of a 4-long per-dimension list (strides, dilations, ksize). */
function spatial(ctx: NodeContext, key: string, fallback: number): [number, number] {
  const v = ctx.attrs.ints(key);
  if (v.length === 0) return [fallback, fallback];
  if (v.length !== 4) throw ctx.error(`${key} must list 4 values, has ${v.length}`);
  return isNchw(ctx) ? [v[2] as number, v[3] as number] : [v[1] as number, v[2] as number];
}

function toNchw(ctx: NodeContext, x: string): string {
  return isNchw(ctx) ? x : ctx.emit('Transpose', [x], { perm: attr([0, 3, 1, 2]) });
}

function fromNchw(ctx: NodeContext, y: string, out: string): string {
  if (isNchw(ctx)) return ctx.emit('Identity', [y], {}, out);
  return ctx.emit('Transpose', [y], { perm: attr([0, 2, 3, 1]) }, out);
}

/**
 * Padding attributes for a window `k` with strides `s` and dilations `d` over the NCHW value `x`:
 * VALID none, SAME TensorFlow's (total = max((ceil(n/s)-1)·s + (k-1)·d + 1 - n, 0), the smaller
 * half first), EXPLICIT from `explicit_paddings` (before/after per NHWC or NCHW dimension).
 */
function padding(
  ctx: NodeContext,
  x: string,
  k: readonly number[],
  s: readonly number[],
  d: readonly number[],
  allowExplicit: boolean,
): Record<string, ReturnType<typeof attr>> {
  const p = ctx.attrs.str('padding', 'VALID');
  if (p === 'VALID') return { pads: attr([0, 0, 0, 0]) };
  if (p === 'EXPLICIT' && allowExplicit) {
    const e = ctx.attrs.ints('explicit_paddings');
    if (e.length !== 8) throw ctx.error('explicit_paddings must list 8 values');
    const h = isNchw(ctx) ? 4 : 2;
    return { pads: attr([e[h] ?? 0, e[h + 2] ?? 0, e[h + 1] ?? 0, e[h + 3] ?? 0]) };
  }
  if (p !== 'SAME') throw ctx.error(`padding '${p}' is not supported`, 'UNSUPPORTED_OP');
  const shape = ctx.info(x)?.shape;
  const hw = [shape?.[2], shape?.[3]];
  if (!hw.every((n) => typeof n === 'number')) return { auto_pad: attr('SAME_UPPER') };
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < 2; i++) {
    const n = hw[i] as number;
    const si = s[i] as number;
    const out = Math.ceil(n / si);
    const total = Math.max((out - 1) * si + ((k[i] as number) - 1) * (d[i] as number) + 1 - n, 0);
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  }
  return { pads: attr([...before, ...after]) };
}

/** Validates a padding string before anything is emitted. */
function checkPadding(ctx: NodeContext, allowExplicit: boolean): void {
  const p = ctx.attrs.str('padding', 'VALID');
  if (p !== 'VALID' && p !== 'SAME' && !(p === 'EXPLICIT' && allowExplicit))
    throw ctx.error(`padding '${p}' is not supported`, 'UNSUPPORTED_OP');
}

/** Conv2D / _FusedConv2D / DepthwiseConv2dNative / FusedDepthwiseConv2dNative. */
function conv(depthwise: boolean, fused: boolean): TfImporter {
  return (ctx) => {
    const [main, actName] = fused ? fusedOps(ctx, ['BiasAdd', 'FusedBatchNorm']) : ['', undefined];
    checkPadding(ctx, true);
    const filter = ctx.input(1);
    const fs = ctx.shape(filter);
    if (fs.length !== 4 || !fs.every((n) => typeof n === 'number'))
      throw ctx.error('the filter must have a known 4-D shape', 'UNSUPPORTED_OP');
    const [kh, kw, ci, co] = fs as number[];
    const x = ctx.input(0);
    const cinAt = isNchw(ctx) ? 1 : 3;
    const cin = ctx.info(x)?.shape?.[cinAt];
    let w: string;
    let group = 1;
    if (depthwise) {
      // [kh, kw, in, mult] → [kh, kw, 1, in·mult]: output channel c·mult + m, as TF orders them
      const r = ctx.emit('Reshape', [filter, ctx.int64('dw_shape', [kh, kw, 1, ci * co])]);
      w = ctx.emit('Transpose', [r], { perm: attr([3, 2, 0, 1]) });
      group = ci;
    } else {
      w = ctx.emit('Transpose', [filter], { perm: attr([3, 2, 0, 1]) });
      if (typeof cin === 'number' && cin !== ci) group = cin / ci;
    }
    const s = spatial(ctx, 'strides', 1);
    const d = spatial(ctx, 'dilations', 1);
    const xin = toNchw(ctx, x);
    const inputs = [xin, w];
    if (main === 'BiasAdd') inputs.push(ctx.input(2));
    let y = ctx.emit('Conv', inputs, {
      kernel_shape: attr([kh, kw]),
      strides: attr(s),
      dilations: attr(d),
      group: attr(group),
      ...padding(ctx, xin, [kh, kw], s, d, true),
    });
    let extra = 3;
    if (main === 'FusedBatchNorm') {
      const eps = ctx.attrs.float('epsilon', 0.0001);
      const bn = [2, 3, 4, 5].map((i) => ctx.input(i));
      y = ctx.emit('BatchNormalization', [y, ...bn], { epsilon: attr(eps, true) });
      extra = 6;
    }
    const back = fromNchw(ctx, y, actName === undefined ? ctx.out() : ctx.tmp('conv'));
    if (actName !== undefined)
      activation(ctx, actName, back, ctx.out(), actName === 'Prelu' ? ctx.input(extra) : undefined);
  };
}

function pool(op: 'MaxPool' | 'AveragePool'): TfImporter {
  return (ctx) => {
    checkPadding(ctx, false);
    const k = spatial(ctx, 'ksize', 1);
    const s = spatial(ctx, 'strides', 1);
    const xin = toNchw(ctx, ctx.input(0));
    const y = ctx.emit(op, [xin], {
      kernel_shape: attr(k),
      strides: attr(s),
      ...padding(ctx, xin, k, s, [1, 1], false),
    });
    fromNchw(ctx, y, ctx.out());
  };
}

/** FusedBatchNorm / V2 / V3 at inference: y = (x - mean) · scale / sqrt(var + ε) + offset. */
const fusedBatchNorm: TfImporter = (ctx) => {
  // outputs 1–5 (batch mean and variance, reserve spaces) only mean something when training
  if (ctx.outputCount > 1)
    throw ctx.fatal(
      `output ${ctx.outputCount - 1} (a training-time batch statistic) is read; only y is translated`,
    );
  const x = ctx.input(0);
  const rank = ctx.rank(x);
  const eps = ctx.attrs.float('epsilon', 0.0001);
  const params = [1, 2, 3, 4].map((i) => ctx.input(i));
  if (rank === 4) {
    const y = ctx.emit('BatchNormalization', [toNchw(ctx, x), ...params], { epsilon: attr(eps, true) });
    fromNchw(ctx, y, ctx.out());
    return;
  }
  // other ranks: channels last unless NCHW; the arithmetic spelled out
  const nchw = isNchw(ctx);
  const shaped = (v: string): string => (nchw ? channelVector(ctx, v, rank) : v);
  const [scale, offset, mean, variance] = params.map(shaped) as [string, string, string, string];
  const denom = ctx.emit('Sqrt', [ctx.emit('Add', [variance, ctx.float('eps', eps)])]);
  const k = ctx.emit('Div', [scale, denom]);
  const c = ctx.emit('Sub', [x, mean]);
  ctx.emit('Add', [ctx.emit('Mul', [c, k]), offset], {}, ctx.out());
};

/**
 * Conv2DBackpropInput (a transposed convolution): `input_sizes` (a Const) fixes the output size O;
 * the forward convolution from O to the input size I pads `total` = max((I-1)·s + (k-1)·d + 1 - O, 0)
 * (SAME, the smaller half first) or 0 (VALID), and rows the forward conv never read come out as
 * ConvTranspose's `output_padding` at the end. The filter [kh, kw, out, in] → [in, out, kh, kw].
 */
const conv2dBackpropInput: TfImporter = (ctx) => {
  checkPadding(ctx, true);
  const sizes = ctx.ints(0, 'input_sizes');
  const filter = ctx.input(1);
  const fs = ctx.shape(filter);
  if (fs.length !== 4 || !fs.every((n) => typeof n === 'number'))
    throw ctx.error('the filter must have a known 4-D shape', 'UNSUPPORTED_OP');
  const [kh, kw] = fs as number[];
  const x = ctx.input(2);
  const nchw = isNchw(ctx);
  const inHw = [ctx.dim(x, nchw ? 2 : 1), ctx.dim(x, nchw ? 3 : 2)];
  const outHw = nchw ? [sizes[2] ?? 0, sizes[3] ?? 0] : [sizes[1] ?? 0, sizes[2] ?? 0];
  const s = spatial(ctx, 'strides', 1);
  const d = spatial(ctx, 'dilations', 1);
  const mode = ctx.attrs.str('padding', 'VALID');
  const e = ctx.attrs.ints('explicit_paddings');
  const h = nchw ? 4 : 2;
  const pads = [0, 0, 0, 0];
  const outPad = [0, 0];
  for (let i = 0; i < 2; i++) {
    const span = ((inHw[i] as number) - 1) * s[i] + ((i === 0 ? kh : kw) - 1) * d[i] + 1;
    let before = 0;
    let after = 0;
    if (mode === 'SAME') {
      const total = Math.max(span - (outHw[i] as number), 0);
      before = Math.floor(total / 2);
      after = total - before;
    } else if (mode === 'EXPLICIT') {
      before = e[h + 2 * i] ?? 0;
      after = e[h + 2 * i + 1] ?? 0;
    }
    const extra = (outHw[i] as number) - (span - before - after);
    if (extra < 0) throw ctx.error('input_sizes is smaller than the convolution allows');
    if (extra > 0) {
      // the forward conv ignored trailing rows: as output_padding, taken from `after`
      const take = Math.min(after, extra);
      after -= take;
      outPad[i] = extra - take;
    }
    pads[i] = before;
    pads[i + 2] = after;
  }
  const w = ctx.emit('Transpose', [filter], { perm: attr([3, 2, 0, 1]) });
  const y = ctx.emit('ConvTranspose', [toNchw(ctx, x), w], {
    kernel_shape: attr([kh, kw]),
    strides: attr(s),
    dilations: attr(d),
    pads: attr(pads),
    output_padding: attr(outPad),
  });
  fromNchw(ctx, y, ctx.out());
};

/** Convolution-family ops by TF op name. */
export const NN: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ['Conv2D', conv(false, false)],
  ['_FusedConv2D', conv(false, true)],
  ['DepthwiseConv2dNative', conv(true, false)],
  ['FusedDepthwiseConv2dNative', conv(true, true)],
  ['Conv2DBackpropInput', conv2dBackpropInput],
  ['MaxPool', pool('MaxPool')],
  ['AvgPool', pool('AveragePool')],
  ['FusedBatchNorm', fusedBatchNorm],
  ['FusedBatchNormV2', fusedBatchNorm],
  ['FusedBatchNormV3', fusedBatchNorm],
]);
