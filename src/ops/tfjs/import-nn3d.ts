/**
 * TF 3-D convolution and pooling (Conv3D, MaxPool3D, AvgPool3D) and LRN → canonical ops. As with
 * the 2-D ops (import-nn.ts) the NDHWC data stays NDHWC in the graph, each op wrapped in
 * Transposes to NCDHW and back; the DHWIO filter reaches Conv through a Transpose to OIDHW so
 * the stored weight stays as it is. SAME padding is TensorFlow's (the odd element at the end).
 * LRN (NHWC, the window along the last axis) has no canonical op: it is spelled out as squares
 * summed over 2·depth_radius+1 shifted slices of the zero-padded squares.
 */
import { attr, type NodeContext } from './context.js';
import type { TfImporter } from './import-math.js';

function isNcdhw(ctx: NodeContext): boolean {
  return ctx.attrs.str('data_format', 'NDHWC').startsWith('NC');
}

/** The three spatial entries of a 5-long per-dimension list (strides, dilations, ksize). */
function spatial3(ctx: NodeContext, key: string): number[] {
  const v = ctx.attrs.ints(key);
  if (v.length === 0) return [1, 1, 1];
  if (v.length !== 5) throw ctx.error(`${key} must list 5 values, has ${v.length}`);
  return isNcdhw(ctx) ? v.slice(2) : v.slice(1, 4);
}

/** Padding attributes over the NCDHW value `x` (VALID or SAME; explicit pads when sizes are known). */
function padding3(
  ctx: NodeContext,
  x: string,
  k: readonly number[],
  s: readonly number[],
  d: readonly number[],
): Record<string, ReturnType<typeof attr>> {
  const p = ctx.attrs.str('padding', 'VALID');
  if (p === 'VALID') return { pads: attr([0, 0, 0, 0, 0, 0]) };
  const sizes = ctx.info(x)?.shape?.slice(2);
  if (sizes === undefined || !sizes.every((n) => typeof n === 'number'))
    return { auto_pad: attr('SAME_UPPER') };
  const before: number[] = [];
  const after: number[] = [];
  (sizes as number[]).forEach((n, i) => {
    const si = s[i] as number;
    const total = Math.max(
      (Math.ceil(n / si) - 1) * si + ((k[i] as number) - 1) * (d[i] as number) + 1 - n,
      0,
    );
    before.push(Math.floor(total / 2));
    after.push(total - Math.floor(total / 2));
  });
  return { pads: attr([...before, ...after]) };
}

function checkPadding(ctx: NodeContext): void {
  const p = ctx.attrs.str('padding', 'VALID');
  if (p !== 'VALID' && p !== 'SAME') throw ctx.error(`padding '${p}' is not supported`, 'UNSUPPORTED_OP');
}

function toNcdhw(ctx: NodeContext, x: string): string {
  return isNcdhw(ctx) ? x : ctx.emit('Transpose', [x], { perm: attr([0, 4, 1, 2, 3]) });
}

function fromNcdhw(ctx: NodeContext, y: string): void {
  if (isNcdhw(ctx)) ctx.emit('Identity', [y], {}, ctx.out());
  else ctx.emit('Transpose', [y], { perm: attr([0, 2, 3, 4, 1]) }, ctx.out());
}

/** Conv3D (input, filter [kd, kh, kw, in, out]); grouped when the input has more channels. */
const conv3d: TfImporter = (ctx) => {
  checkPadding(ctx);
  const filter = ctx.input(1);
  const fs = ctx.shape(filter);
  if (fs.length !== 5 || !fs.every((n) => typeof n === 'number'))
    throw ctx.error('the filter must have a known 5-D shape', 'UNSUPPORTED_OP');
  const [kd, kh, kw, ci] = fs as number[];
  const x = ctx.input(0);
  const cin = ctx.info(x)?.shape?.[isNcdhw(ctx) ? 1 : 4];
  const group = typeof cin === 'number' && cin !== ci ? cin / (ci as number) : 1;
  const w = ctx.emit('Transpose', [filter], { perm: attr([4, 3, 0, 1, 2]) });
  const k = [kd, kh, kw] as number[];
  const s = spatial3(ctx, 'strides');
  const d = spatial3(ctx, 'dilations');
  const xin = toNcdhw(ctx, x);
  const y = ctx.emit('Conv', [xin, w], {
    kernel_shape: attr(k),
    strides: attr(s),
    dilations: attr(d),
    group: attr(group),
    ...padding3(ctx, xin, k, s, d),
  });
  fromNcdhw(ctx, y);
};

/** MaxPool3D / AvgPool3D (AveragePool counts only real elements, as TF does). */
function pool3d(op: 'MaxPool' | 'AveragePool'): TfImporter {
  return (ctx) => {
    checkPadding(ctx);
    const k = spatial3(ctx, 'ksize');
    const s = spatial3(ctx, 'strides');
    const xin = toNcdhw(ctx, ctx.input(0));
    const y = ctx.emit(op, [xin], {
      kernel_shape: attr(k),
      strides: attr(s),
      ...padding3(ctx, xin, k, s, [1, 1, 1]),
    });
    fromNcdhw(ctx, y);
  };
}

/**
 * LRN (NHWC): x / (bias + alpha · Σ x²)^beta, the sum over channels c - r … c + r (clipped at
 * the edges: zero padding). Needs the channel count.
 */
const lrn: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const rank = ctx.rank(x);
  const c = ctx.dim(x, -1);
  const r = ctx.attrs.int('depth_radius', 5);
  const bias = ctx.attrs.float('bias', 1);
  const alpha = ctx.attrs.float('alpha', 1);
  const beta = ctx.attrs.float('beta', 0.5);
  const sq = ctx.emit('Mul', [x, x]);
  const pads = Array.from({ length: 2 * rank }, (_, i) => (i % rank === rank - 1 ? r : 0));
  const padded = r === 0 ? sq : ctx.emit('Pad', [sq, ctx.int64('pads', pads)], { mode: attr('constant') });
  const axes = ctx.int64('axes', [rank - 1]);
  const terms = Array.from({ length: 2 * r + 1 }, (_, i) =>
    r === 0
      ? sq
      : ctx.emit('Slice', [padded, ctx.int64(`start${i}`, [i]), ctx.int64(`end${i}`, [i + c]), axes]),
  );
  const sum = terms.length === 1 ? (terms[0] as string) : ctx.emit('Sum', terms);
  const scaled = ctx.emit('Add', [
    ctx.emit('Mul', [sum, ctx.float('alpha', alpha)]),
    ctx.float('bias', bias),
  ]);
  ctx.emit('Div', [x, ctx.emit('Pow', [scaled, ctx.float('beta', beta)])], {}, ctx.out());
};

/** 3-D convolution, pooling and LRN by TF op name. */
export const NN3D: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ['Conv3D', conv3d],
  ['MaxPool3D', pool3d('MaxPool')],
  ['AvgPool3D', pool3d('AveragePool')],
  ['LRN', lrn],
]);
