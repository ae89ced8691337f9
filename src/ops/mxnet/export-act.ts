/**
 * Converters for activations and normalizations: ONNX Relu/Sigmoid/Tanh/Softplus/Softsign →
 * MXNet Activation, LeakyRelu/Elu/PRelu/Selu/Gelu → LeakyReLU, Softmax/LogSoftmax → softmax/
 * log_softmax, LayerNormalization → LayerNorm, Dropout, Cast; and nodes the MXNet reader kept as
 * MXNet ops (domain `mxnet`), written back as they were.
 */
import { onnxDType } from '../onnx-dtypes.js';
import { mxDtypeName, mxFloat, mxInt, mxTuple } from './export-attrs.js';
import { reshapedTensor, tiledTensor, zerosTensor } from './export-tensors.js';
import {
  type Converter,
  type ExportContext,
  entryOf,
  floatAttr,
  intAttr,
  type MxEntry,
  normAxis,
  rankOf,
  refuse,
  staticShape,
  stringAttr,
} from './export-types.js';

function activation(actType: string): Converter {
  return (ctx) => ctx.output(0, entryOf(ctx.op('Activation', { act_type: actType }, [ctx.input(0)])));
}

function leaky(actType: string, slope?: (ctx: ExportContext) => number): Converter {
  return (ctx) => {
    const attrs: Record<string, string> = { act_type: actType };
    if (slope !== undefined) attrs.slope = mxFloat(slope(ctx));
    ctx.output(0, entryOf(ctx.op('LeakyReLU', attrs, [ctx.input(0)])));
  };
}

function prelu(ctx: ExportContext): void {
  const t = ctx.tensor(1);
  const s = staticShape(ctx, 1);
  const x = ctx.shape(0);
  const channels = typeof x?.[1] === 'number' ? x[1] : undefined;
  if (t === undefined || s === undefined)
    refuse(ctx, 'a computed slope has no MXNet form (prelu takes a parameter)');
  const count = s.reduce((a, d) => a * d, 1);
  let gamma: MxEntry;
  if (s.length === 1 && (count === channels || channels === undefined)) gamma = ctx.input(1);
  else if (count === channels && s.slice(1).every((d) => d === 1) && s.length <= (x?.length ?? 0) - 1) {
    ctx.consume(1);
    gamma = ctx.param(reshapedTensor(t, `${t.name}_flat`, [count]));
  } else if (count === 1 && channels !== undefined) {
    ctx.consume(1);
    gamma = ctx.param(tiledTensor(t, `${t.name}_tiled`, channels));
  } else {
    refuse(ctx, `slope of shape [${s}] is not per channel (MXNet prelu takes gamma of shape [C])`);
  }
  ctx.output(0, entryOf(ctx.op('LeakyReLU', { act_type: 'prelu' }, [ctx.input(0), gamma])));
}

/** ONNX Selu's defaults (float32) are MXNet's fixed selu constants; other values have no parameter. */
function selu(ctx: ExportContext): void {
  const alpha = floatAttr(ctx, 'alpha', 1.6732632);
  const gamma = floatAttr(ctx, 'gamma', 1.050701);
  if (Math.abs(alpha - 1.6732632423543772) > 1e-6 || Math.abs(gamma - 1.0507009873554805) > 1e-6) {
    refuse(ctx, `alpha ${alpha} / gamma ${gamma} differ from MXNet's fixed selu constants`);
  }
  ctx.output(0, entryOf(ctx.op('LeakyReLU', { act_type: 'selu' }, [ctx.input(0)])));
}

function gelu(ctx: ExportContext): void {
  if (stringAttr(ctx, 'approximate', 'none') !== 'none')
    refuse(ctx, "approximate 'tanh' has no MXNet form (gelu is the erf one)");
  ctx.output(0, entryOf(ctx.op('LeakyReLU', { act_type: 'gelu' }, [ctx.input(0)])));
}

function softmax(mxOp: string): Converter {
  return (ctx) => {
    const rank = rankOf(ctx, 0);
    const axis = intAttr(ctx, 'axis', ctx.opset >= 13 ? -1 : 1);
    // Before opset 13 the op flattens from `axis` on: the same only when axis is the last one.
    if (ctx.opset < 13 && normAxis(ctx, axis, rank) !== (rank ?? 0) - 1) {
      refuse(
        ctx,
        `opset ${ctx.opset} softmax over the flattened axes ${axis}… is not MXNet's one-axis softmax`,
      );
    }
    ctx.output(0, entryOf(ctx.op(mxOp, { axis: mxInt(axis) }, [ctx.input(0)])));
  };
}

function layerNorm(ctx: ExportContext): void {
  if (ctx.outputUsed(1) || ctx.outputUsed(2))
    refuse(ctx, 'the Mean/InvStdDev outputs have no MXNet counterpart');
  const rank = rankOf(ctx, 0);
  const axis = intAttr(ctx, 'axis', -1);
  if (axis !== -1 && (rank === undefined || normAxis(ctx, axis, rank) !== rank - 1)) {
    refuse(ctx, `normalizing over axes ${axis}… (MXNet LayerNorm normalizes over one axis: the last)`);
  }
  if (intAttr(ctx, 'stash_type', 1) !== 1) refuse(ctx, 'stash_type other than float has no MXNet parameter');
  const s = staticShape(ctx, 1);
  if (s === undefined || s.length !== 1) refuse(ctx, 'Scale must have a known 1-D shape');
  let beta: MxEntry;
  if (ctx.has(2)) beta = ctx.input(2);
  else {
    const dtype = ctx.dtype(1) ?? 'float32';
    beta = ctx.param(zerosTensor(`${ctx.node.inputs[1]}_beta`, dtype, s));
  }
  const attrs = { axis: '-1', eps: mxFloat(floatAttr(ctx, 'epsilon', 1e-5)) };
  ctx.output(0, entryOf(ctx.op('LayerNorm', attrs, [ctx.input(0), ctx.input(1), beta], { outputs: 3 })));
}

function dropout(ctx: ExportContext): void {
  if (ctx.outputUsed(1)) refuse(ctx, 'the mask output has no MXNet counterpart');
  let ratio = floatAttr(ctx, 'ratio', 0.5);
  if (ctx.opset >= 12 && ctx.has(1))
    ratio = ctx.values(1)?.[0] ?? refuse(ctx, 'a computed ratio has no MXNet form');
  if (ctx.has(2) && (ctx.values(2)?.[0] ?? 1) !== 0)
    refuse(ctx, 'training_mode true has no MXNet inference form');
  ctx.output(0, entryOf(ctx.op('Dropout', { p: mxFloat(ratio) }, [ctx.input(0)], { outputs: 2 })));
}

/** Cast to a dtype MXNet has a name for. */
function cast(ctx: ExportContext): void {
  const code = intAttr(ctx, 'to');
  const dtype = code === undefined ? undefined : onnxDType(code);
  const name = dtype === undefined ? undefined : mxDtypeName(dtype);
  if (name === undefined) refuse(ctx, `to ${dtype ?? code} has no MXNet dtype name`);
  ctx.output(0, entryOf(ctx.op('Cast', { dtype: name }, [ctx.input(0)])));
}

/** Nodes the MXNet reader kept as MXNet ops: written back as they were, attributes as strings. */
export const MXNET_DOMAIN_CONVERTER: Converter = (ctx) => {
  const attrs: Record<string, string> = {};
  for (const [k, a] of Object.entries(ctx.node.attributes)) {
    if (a.type === 'string') attrs[k] = a.value;
    else if (a.type === 'int') attrs[k] = mxInt(a.value);
    else if (a.type === 'float') attrs[k] = mxFloat(a.value, false);
    else if (a.type === 'ints') attrs[k] = mxTuple(a.value);
    else if (a.type === 'floats') attrs[k] = `(${a.value.map((v) => mxFloat(v, false)).join(', ')})`;
    else refuse(ctx, `attribute ${k} of type ${a.type} cannot be written as an MXNet string`);
  }
  const inputs = ctx.node.inputs.map((_, i) => ctx.input(i));
  const node = ctx.op(ctx.node.op, attrs, inputs, { outputs: Math.max(1, ctx.node.outputs.length) });
  ctx.node.outputs.forEach((_, j) => {
    ctx.output(j, entryOf(node, j));
  });
};

/** The activation and normalization ops, by ONNX op name. */
export const ACT_CONVERTERS: Readonly<Record<string, Converter>> = {
  Relu: activation('relu'),
  Sigmoid: activation('sigmoid'),
  Tanh: activation('tanh'),
  Softplus: activation('softrelu'),
  Softsign: activation('softsign'),
  LeakyRelu: leaky('leaky', (ctx) => floatAttr(ctx, 'alpha', 0.01)),
  Elu: leaky('elu', (ctx) => floatAttr(ctx, 'alpha', 1)),
  PRelu: prelu,
  Selu: selu,
  Gelu: gelu,
  Softmax: softmax('softmax'),
  LogSoftmax: softmax('log_softmax'),
  LayerNormalization: layerNorm,
  Dropout: dropout,
  Cast: cast,
};
