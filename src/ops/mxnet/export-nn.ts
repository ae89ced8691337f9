import { mxBool, mxFloat, mxInt, mxTuple } from './export-attrs.js';
import { reshapedTensor, transposedTensor } from './export-tensors.js';
import {
  type Converter,
  type ExportContext,
  entryOf,
  floatAttr,
  intAttr,
  intsAttr,
  type MxEntry,
  rankOf,
  refuse,
  staticShape,
  stringAttr,
} from './export-types.js';

/** Begin and end pads per spatial axis, resolving `auto_pad` from the input's size when needed. */
export function resolvePads(
  ctx: ExportContext,
  kernel: readonly number[],
  strides: readonly number[],
  dilations: readonly number[],
): { begin: number[]; end: number[] } {
  const n = kernel.length;
  const autoPad = stringAttr(ctx, 'auto_pad', 'NOTSET');
  if (autoPad === 'VALID') return { begin: new Array(n).fill(0), end: new Array(n).fill(0) };
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const x = staticShape(ctx, 0);
    if (x === undefined) refuse(ctx, `auto_pad ${autoPad} needs the input's spatial size, which is unknown`);
    const begin: number[] = [];
    const end: number[] = [];
    kernel.forEach((k, i) => {
      const size = x[i + 2] as number;
      const s = strides[i] as number;
      const out = Math.ceil(size / s);
      const total = Math.max(0, (out - 1) * s + (k - 1) * (dilations[i] as number) + 1 - size);
      const small = Math.floor(total / 2);
      begin.push(autoPad === 'SAME_UPPER' ? small : total - small);
      end.push(autoPad === 'SAME_UPPER' ? total - small : small);
    });
    return { begin, end };
  }
  const pads = intsAttr(ctx, 'pads') ?? new Array(2 * n).fill(0);
  if (pads.length !== 2 * n) refuse(ctx, `pads has ${pads.length} values for ${n} spatial axes`);
  if (pads.some((p) => p < 0)) refuse(ctx, 'negative pads (cropping) have no MXNet parameter');
  return { begin: pads.slice(0, n), end: pads.slice(n) };
}

/** The kernel: `kernel_shape`, else the weight's spatial dims. */
function kernelOf(ctx: ExportContext): number[] {
  const k = intsAttr(ctx, 'kernel_shape') ?? staticShape(ctx, 1)?.slice(2);
  if (k === undefined) refuse(ctx, 'the kernel size is unknown (no kernel_shape and no known weight shape)');
  return k;
}

/**
 * An explicit zero `Pad` before a convolution or pooling whose ONNX pads differ on the two sides
 * of an axis (MXNet's `pad` is symmetric). MXNet's Pad takes 4-D and 5-D inputs only.
 */
function padBefore(
  ctx: ExportContext,
  x: MxEntry,
  begin: readonly number[],
  end: readonly number[],
): MxEntry {
  if (begin.length !== 2 && begin.length !== 3) {
    refuse(
      ctx,
      `pads that differ at the two ends of an axis need MXNet's Pad, which takes 4-D or 5-D inputs, not ${begin.length + 2}-D`,
    );
  }
  const width = [0, 0, 0, 0, ...begin.flatMap((b, i) => [b, end[i] as number])];
  const pad = ctx.op('Pad', { constant_value: '0', mode: 'constant', pad_width: mxTuple(width) }, [x], {
    suffix: 'pad',
  });
  return entryOf(pad);
}

function convolution(ctx: ExportContext): void {
  const kernel = kernelOf(ctx);
  const n = kernel.length;
  const strides = intsAttr(ctx, 'strides') ?? new Array(n).fill(1);
  const dilations = intsAttr(ctx, 'dilations') ?? new Array(n).fill(1);
  const { begin, end } = resolvePads(ctx, kernel, strides, dilations);
  const w = staticShape(ctx, 1);
  if (w === undefined) refuse(ctx, 'the weight shape is unknown, so num_filter cannot be written');
  let x = ctx.input(0);
  let pad = begin;
  if (begin.some((b, i) => b !== end[i])) {
    x = padBefore(ctx, x, begin, end);
    pad = new Array(n).fill(0);
  }
  const hasBias = ctx.has(2);
  const inputs = [x, ctx.input(1), ...(hasBias ? [ctx.input(2)] : [])];
  const attrs = {
    dilate: mxTuple(dilations),
    kernel: mxTuple(kernel),
    no_bias: mxBool(!hasBias),
    num_filter: mxInt(w[0] as number),
    num_group: mxInt(intAttr(ctx, 'group', 1)),
    pad: mxTuple(pad),
    stride: mxTuple(strides),
  };
  ctx.output(0, entryOf(ctx.op('Convolution', attrs, inputs)));
}

function deconvolution(ctx: ExportContext): void {
  const kernel = kernelOf(ctx);
  const n = kernel.length;
  const strides = intsAttr(ctx, 'strides') ?? new Array(n).fill(1);
  const dilations = intsAttr(ctx, 'dilations') ?? new Array(n).fill(1);
  const outPad = intsAttr(ctx, 'output_padding') ?? new Array(n).fill(0);
  const group = intAttr(ctx, 'group', 1);
  const w = staticShape(ctx, 1);
  if (w === undefined) refuse(ctx, 'the weight shape is unknown, so num_filter cannot be written');
  const attrs: Record<string, string> = {
    dilate: mxTuple(dilations),
    kernel: mxTuple(kernel),
    num_filter: mxInt((w[1] as number) * group),
    num_group: mxInt(group),
    stride: mxTuple(strides),
  };
  const outputShape = intsAttr(ctx, 'output_shape');
  const autoPad = stringAttr(ctx, 'auto_pad', 'NOTSET');
  if (outputShape !== undefined) {
    // MXNet's target_shape splits the total padding as ONNX does without auto_pad (begin gets the odd one).
    if (autoPad !== 'NOTSET') refuse(ctx, `output_shape with auto_pad ${autoPad} has no MXNet parameter`);
    attrs.target_shape = mxTuple(outputShape.slice(-n));
  } else {
    if (autoPad !== 'NOTSET' && autoPad !== 'VALID')
      refuse(ctx, `auto_pad ${autoPad} has no MXNet Deconvolution parameter`);
    const { begin, end } = resolvePads(ctx, kernel, strides, dilations);
    // MXNet crops `pad` at both ends and then adds `adj` at the end: begin pads go to pad, the rest to adj.
    const adj = begin.map((b, i) => b - (end[i] as number) + (outPad[i] as number));
    adj.forEach((a, i) => {
      if (a < 0 || (a >= (strides[i] as number) && a >= (dilations[i] as number))) {
        refuse(
          ctx,
          `pads [${begin}] / [${end}] with output_padding [${outPad}] need an adj MXNet does not allow`,
        );
      }
    });
    attrs.pad = mxTuple(begin);
    attrs.adj = mxTuple(adj);
  }
  const hasBias = ctx.has(2);
  attrs.no_bias = mxBool(!hasBias);
  const inputs = [ctx.input(0), ctx.input(1), ...(hasBias ? [ctx.input(2)] : [])];
  ctx.output(0, entryOf(ctx.op('Deconvolution', attrs, inputs)));
}

function pooling(type: 'max' | 'avg'): Converter {
  return (ctx) => {
    if (ctx.outputUsed(1)) refuse(ctx, 'the Indices output has no MXNet counterpart');
    const kernel = intsAttr(ctx, 'kernel_shape') ?? refuse(ctx, 'kernel_shape is missing');
    const n = kernel.length;
    const strides = intsAttr(ctx, 'strides') ?? new Array(n).fill(1);
    const dilations = intsAttr(ctx, 'dilations') ?? new Array(n).fill(1);
    if (dilations.some((d) => d !== 1)) refuse(ctx, 'MXNet Pooling has no dilation');
    const { begin, end } = resolvePads(ctx, kernel, strides, dilations);
    const includePad = intAttr(ctx, 'count_include_pad', 0) === 1;
    let x = ctx.input(0);
    let pad = begin;
    if (begin.some((b, i) => b !== end[i])) {
      // Zero padding is only neutral for an average that counts the pad anyway.
      if (type === 'max' || !includePad)
        refuse(ctx, 'pads that differ at the two ends of an axis have no MXNet Pooling parameter');
      x = padBefore(ctx, x, begin, end);
      pad = new Array(n).fill(0);
    }
    const attrs: Record<string, string> = {
      global_pool: 'False',
      kernel: mxTuple(kernel),
      pad: mxTuple(pad),
      pool_type: type,
      pooling_convention: intAttr(ctx, 'ceil_mode', 0) === 1 ? 'full' : 'valid',
      stride: mxTuple(strides),
    };
    if (type === 'avg') attrs.count_include_pad = mxBool(includePad);
    ctx.output(0, entryOf(ctx.op('Pooling', attrs, [x])));
  };
}

function globalPooling(type: 'max' | 'avg'): Converter {
  return (ctx) => {
    const rank = rankOf(ctx, 0);
    const attrs: Record<string, string> = {
      global_pool: 'True',
      pool_type: type,
      pooling_convention: 'valid',
    };
    if (rank !== undefined && rank >= 3) attrs.kernel = mxTuple(new Array(rank - 2).fill(1));
    ctx.output(0, entryOf(ctx.op('Pooling', attrs, [ctx.input(0)])));
  };
}

function batchNorm(ctx: ExportContext): void {
  if (intAttr(ctx, 'training_mode', 0) === 1) refuse(ctx, 'training_mode 1 has no MXNet inference form');
  for (let j = 1; j < ctx.node.outputs.length; j++) {
    if (ctx.outputUsed(j)) refuse(ctx, 'the running mean/variance outputs have no MXNet counterpart');
  }
  const attrs = {
    axis: '1',
    eps: mxFloat(floatAttr(ctx, 'epsilon', 1e-5)),
    fix_gamma: 'False',
    momentum: mxFloat(floatAttr(ctx, 'momentum', 0.9)),
    use_global_stats: 'False',
  };
  const inputs = [ctx.input(0), ctx.input(1), ctx.input(2), ctx.input(3, true), ctx.input(4, true)];
  ctx.output(0, entryOf(ctx.op('BatchNorm', attrs, inputs, { outputs: 3 })));
}

/** FullyConnected over `x` with weight `[num_hidden, in]` and an optional bias. */
function fullyConnected(
  ctx: ExportContext,
  x: MxEntry,
  weight: MxEntry,
  numHidden: number,
  bias: MxEntry | undefined,
  flatten: boolean,
): MxEntry {
  const attrs = {
    flatten: mxBool(flatten),
    no_bias: mxBool(bias === undefined),
    num_hidden: mxInt(numHidden),
  };
  const inputs = bias === undefined ? [x, weight] : [x, weight, bias];
  return entryOf(ctx.op('FullyConnected', attrs, inputs));
}

function gemm(ctx: ExportContext): void {
  const alpha = floatAttr(ctx, 'alpha', 1);
  const beta = floatAttr(ctx, 'beta', 1);
  if (alpha !== 1 || (ctx.has(2) && beta !== 1))
    refuse(ctx, `alpha ${alpha} / beta ${beta} other than 1 have no FullyConnected parameter`);
  let x = ctx.input(0);
  if (intAttr(ctx, 'transA', 0) === 1) x = entryOf(ctx.op('transpose', {}, [x], { suffix: 'transpose_a' }));
  const bShape = staticShape(ctx, 1);
  if (bShape?.length !== 2) refuse(ctx, 'the weight B must have a known 2-D shape');
  let weight: MxEntry;
  let numHidden: number;
  if (intAttr(ctx, 'transB', 0) === 1) {
    weight = ctx.input(1);
    numHidden = bShape[0] as number;
  } else {
    numHidden = bShape[1] as number;
    const t = ctx.tensor(1);
    if (t !== undefined) {
      ctx.consume(1);
      weight = ctx.param(transposedTensor(t, `${t.name}_transposed`));
    } else {
      weight = entryOf(ctx.op('transpose', {}, [ctx.input(1)], { suffix: 'transpose_b' }));
    }
  }
  let bias: MxEntry | undefined;
  let addAfter: MxEntry | undefined;
  if (ctx.has(2)) {
    const c = staticShape(ctx, 2);
    const t = ctx.tensor(2);
    if (c !== undefined && c.length === 1 && c[0] === numHidden) bias = ctx.input(2);
    else if (c !== undefined && c.length === 2 && c[0] === 1 && c[1] === numHidden && t !== undefined) {
      ctx.consume(2);
      bias = ctx.param(reshapedTensor(t, `${t.name}_flat`, [numHidden]));
    } else addAfter = ctx.input(2);
  }
  let y = fullyConnected(ctx, x, weight, numHidden, bias, true);
  if (addAfter !== undefined) y = entryOf(ctx.op('broadcast_add', {}, [y, addAfter], { suffix: 'bias' }));
  ctx.output(0, y);
}

function matmul(ctx: ExportContext): void {
  const b = staticShape(ctx, 1);
  const t = ctx.tensor(1);
  if (t !== undefined && b?.length === 2) {
    // x @ B == FullyConnected(x, B^T) on the last axis.
    ctx.consume(1);
    const w = ctx.param(transposedTensor(t, `${t.name}_transposed`));
    ctx.output(0, fullyConnected(ctx, ctx.input(0), w, b[1] as number, undefined, false));
    return;
  }
  const ra = rankOf(ctx, 0);
  const rb = rankOf(ctx, 1);
  if (ra === 2 && rb === 2) {
    ctx.output(0, entryOf(ctx.op('dot', {}, [ctx.input(0), ctx.input(1)])));
    return;
  }
  if (ra !== undefined && ra >= 3 && ra === rb) {
    ctx.output(0, entryOf(ctx.op('batch_dot', {}, [ctx.input(0), ctx.input(1)])));
    return;
  }
  refuse(
    ctx,
    `inputs of rank ${ra ?? '?'} and ${rb ?? '?'} (MXNet has dot for 2-D, batch_dot for equal ranks of 3 or more, FullyConnected for a constant 2-D B)`,
  );
}

/** The network ops, by ONNX op name. */
export const NN_CONVERTERS: Readonly<Record<string, Converter>> = {
  Conv: convolution,
  ConvTranspose: deconvolution,
  MaxPool: pooling('max'),
  AveragePool: pooling('avg'),
  GlobalMaxPool: globalPooling('max'),
  GlobalAveragePool: globalPooling('avg'),
  BatchNormalization: batchNorm,
  Gemm: gemm,
  MatMul: matmul,
};
