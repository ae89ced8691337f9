/**
 * Converters for the tensor and elementwise ops: ONNX Flatten/Reshape/Transpose/Concat/Split/Pad/
 * Unsqueeze/Squeeze/Gather/Clip/Identity, binary arithmetic and unary math → MXNet 1.x Flatten,
 * Reshape, transpose, Concat, SliceChannel/slice_axis, Pad, expand_dims, squeeze, Embedding/take,
 * clip, _copy, broadcast_* / _*_scalar and the unary ops. Shape-like inputs ONNX passes as tensors
 * (Reshape's shape, Unsqueeze's axes, Clip's bounds, …) must be constants: MXNet takes them as
 * attributes.
 */
import { mxDtypeName, mxFloat, mxInt, mxTuple } from './export-attrs.js';
import {
  type Converter,
  type ExportContext,
  entryOf,
  floatAttr,
  intAttr,
  intsAttr,
  type MxEntry,
  normAxis,
  rankOf,
  refuse,
  staticShape,
  stringAttr,
} from './export-types.js';

/** A shape-like operand: the attribute before `inputSince`, else the constant input `i`. */
function listOperand(ctx: ExportContext, attr: string, i: number, inputSince: number): number[] | undefined {
  if (ctx.opset < inputSince) return intsAttr(ctx, attr);
  if (!ctx.has(i)) return undefined;
  const v = ctx.values(i);
  if (v === undefined)
    refuse(ctx, `input ${i} (${attr}) is computed; MXNet takes it as a constant attribute`);
  return [...v];
}

function flatten(ctx: ExportContext): void {
  const rank = rankOf(ctx, 0);
  const axis = normAxis(ctx, intAttr(ctx, 'axis', 1), rank);
  let y: MxEntry;
  if (axis === 1 && (rank === undefined || rank >= 2)) y = entryOf(ctx.op('Flatten', {}, [ctx.input(0)]));
  else if (axis === 0) y = entryOf(ctx.op('Reshape', { shape: mxTuple([1, -1]) }, [ctx.input(0)]));
  else {
    const out = staticShape(ctx, 0);
    if (out === undefined) refuse(ctx, `axis ${axis} needs the input's shape, which is not fully known`);
    const lead = out.slice(0, axis).reduce((a, d) => a * d, 1);
    y = entryOf(ctx.op('Reshape', { shape: mxTuple([lead, -1]) }, [ctx.input(0)]));
  }
  ctx.output(0, y);
}

function reshape(ctx: ExportContext): void {
  const shape = ctx.values(1);
  if (shape === undefined) refuse(ctx, 'the target shape is computed; MXNet Reshape takes it as a constant');
  if (intAttr(ctx, 'allowzero', 0) === 1 && shape.includes(0))
    refuse(ctx, 'allowzero with a 0 in the shape (MXNet reads 0 as "copy")');
  ctx.output(0, entryOf(ctx.op('Reshape', { shape: mxTuple(shape) }, [ctx.input(0)])));
}

function transpose(ctx: ExportContext): void {
  const perm = intsAttr(ctx, 'perm');
  const attrs: Record<string, string> = perm === undefined ? {} : { axes: mxTuple(perm) };
  ctx.output(0, entryOf(ctx.op('transpose', attrs, [ctx.input(0)])));
}

function concat(ctx: ExportContext): void {
  const inputs = ctx.node.inputs.map((_, i) => ctx.input(i));
  const attrs = { dim: mxInt(intAttr(ctx, 'axis', 1)), num_args: mxInt(inputs.length) };
  ctx.output(0, entryOf(ctx.op('Concat', attrs, inputs)));
}

/** A one-element constant operand (shape [] or [1]) as a scalar attribute value, else undefined. */
function scalarOperand(ctx: ExportContext, i: number): string | undefined {
  const s = ctx.shape(i);
  if (s === undefined || s.length > 1 || (s.length === 1 && s[0] !== 1)) return undefined;
  const d = ctx.dtype(i);
  if (d === undefined || d === 'float16' || d === 'bfloat16') return undefined;
  const v = ctx.values(i);
  if (v === undefined) return undefined;
  const x = v[0] as number;
  return d === 'float32' ? mxFloat(x) : d === 'float64' ? mxFloat(x, false) : mxInt(x);
}

/**
 * Binary arithmetic: a one-element constant on either side becomes the scalar op (`_plus_scalar`,
 * `_rminus_scalar`, …, as MXNet's own `x + 1` writes it), anything else the broadcast op.
 */
function binary(broadcastOp: string, scalarOp: string, reversedScalarOp: string): Converter {
  return (ctx) => {
    const right = scalarOperand(ctx, 1);
    if (right !== undefined && ctx.tensor(0) === undefined) {
      ctx.output(0, entryOf(ctx.op(scalarOp, { scalar: right }, [ctx.input(0)])));
      return;
    }
    const left = scalarOperand(ctx, 0);
    if (left !== undefined && ctx.tensor(1) === undefined) {
      ctx.output(0, entryOf(ctx.op(reversedScalarOp, { scalar: left }, [ctx.input(1)])));
      return;
    }
    ctx.output(0, entryOf(ctx.op(broadcastOp, {}, [ctx.input(0), ctx.input(1)])));
  };
}

function unary(mxOp: string): Converter {
  return (ctx) => ctx.output(0, entryOf(ctx.op(mxOp, {}, [ctx.input(0)])));
}

function unsqueeze(ctx: ExportContext): void {
  const axes = listOperand(ctx, 'axes', 1, 13) ?? refuse(ctx, 'axes are missing');
  const rank = rankOf(ctx, 0);
  const outRank = rank === undefined ? undefined : rank + axes.length;
  const sorted = axes.map((a) => normAxis(ctx, a, outRank, 'axis')).sort((a, b) => a - b);
  let y = ctx.input(0);
  // Inserting at the final positions in ascending order gives every axis its place.
  sorted.forEach((a, k) => {
    y = entryOf(ctx.op('expand_dims', { axis: mxInt(a) }, [y], { suffix: `axis${k}` }));
  });
  ctx.output(0, y);
}

function squeeze(ctx: ExportContext): void {
  const axes = listOperand(ctx, 'axes', 1, 13);
  const attrs: Record<string, string> = axes === undefined ? {} : { axis: mxTuple(axes) };
  ctx.output(0, entryOf(ctx.op('squeeze', attrs, [ctx.input(0)])));
}

/** float32's largest finite value: Clip's open bounds (MXNet's clip needs both). */
const FLOAT32_MAX = 3.4028234663852886e38;

function clip(ctx: ExportContext): void {
  let lo: number;
  let hi: number;
  if (ctx.opset < 11) {
    lo = floatAttr(ctx, 'min', -FLOAT32_MAX);
    hi = floatAttr(ctx, 'max', FLOAT32_MAX);
  } else {
    const bound = (i: number, fallback: number): number => {
      if (!ctx.has(i)) return fallback;
      return (
        ctx.values(i)?.[0] ??
        refuse(ctx, `a computed ${i === 1 ? 'min' : 'max'} has no MXNet form (clip takes constants)`)
      );
    };
    lo = bound(1, -FLOAT32_MAX);
    hi = bound(2, FLOAT32_MAX);
  }
  ctx.output(0, entryOf(ctx.op('clip', { a_max: mxFloat(hi), a_min: mxFloat(lo) }, [ctx.input(0)])));
}

/** Gather: a constant 2-D table on axis 0 is an Embedding; anything else `take` (mode wrap: negative indices count from the end). */
function gather(ctx: ExportContext): void {
  const axis = intAttr(ctx, 'axis', 0);
  const table = ctx.tensor(0);
  const dtypeName = table === undefined ? undefined : mxDtypeName(table.dtype);
  if (axis === 0 && table !== undefined && table.shape.length === 2 && dtypeName?.startsWith('float')) {
    const attrs = {
      dtype: dtypeName,
      input_dim: mxInt(table.shape[0] as number),
      output_dim: mxInt(table.shape[1] as number),
      sparse_grad: 'False',
    };
    ctx.output(0, entryOf(ctx.op('Embedding', attrs, [ctx.input(1), ctx.input(0)])));
    return;
  }
  const attrs = { axis: mxInt(axis), mode: 'wrap' };
  ctx.output(0, entryOf(ctx.op('take', attrs, [ctx.input(0), ctx.input(1)])));
}

function split(ctx: ExportContext): void {
  const n = ctx.node.outputs.length;
  const rank = rankOf(ctx, 0);
  const axis = intAttr(ctx, 'axis', 0);
  const sizes = listOperand(ctx, 'split', 1, 13);
  if (sizes === undefined || sizes.every((s) => s === sizes[0])) {
    const attrs = { axis: mxInt(axis), num_outputs: mxInt(n), squeeze_axis: 'False' };
    const node = ctx.op('SliceChannel', attrs, [ctx.input(0)], { outputs: n });
    for (let j = 0; j < n; j++) ctx.output(j, entryOf(node, j));
    return;
  }
  const a = normAxis(ctx, axis, rank);
  let begin = 0;
  sizes.forEach((size, j) => {
    const attrs = { axis: mxInt(a), begin: mxInt(begin), end: mxInt(begin + size) };
    ctx.output(j, entryOf(ctx.op('slice_axis', attrs, [ctx.input(0)], { suffix: `part${j}` })));
    begin += size;
  });
}

/** ONNX's "to the end" for Slice ends: anything this large is MXNet's `None`. */
const OPEN_END = 2 ** 31 - 1;

/** A tuple with `None` entries, as Python prints it. */
function optionalTuple(values: readonly (number | null)[]): string {
  const parts = values.map((v) => (v === null ? 'None' : String(v)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** Slice → MXNet `slice` (begin/end/step per leading axis, `None` where ONNX leaves an axis alone). */
function slice(ctx: ExportContext): void {
  const operand = (attr: string, i: number): number[] | undefined =>
    ctx.opset < 10
      ? intsAttr(ctx, attr)
      : ctx.has(i)
        ? ((ctx.values(i) ??
            refuse(ctx, `input ${i} (${attr}) is computed; MXNet slice takes constants`)) as number[])
        : undefined;
  const starts = operand('starts', 1) ?? refuse(ctx, 'starts are missing');
  const ends = operand('ends', 2) ?? refuse(ctx, 'ends are missing');
  const rank = rankOf(ctx, 0);
  const axes = (operand('axes', 3) ?? starts.map((_, i) => i)).map((a) => normAxis(ctx, a, rank));
  const steps = ctx.opset < 10 ? starts.map(() => 1) : (operand('steps', 4) ?? starts.map(() => 1));
  const n = Math.max(...axes) + 1;
  const begin: (number | null)[] = new Array(n).fill(null);
  const end: (number | null)[] = new Array(n).fill(null);
  const step: (number | null)[] = new Array(n).fill(null);
  axes.forEach((a, i) => {
    const s = steps[i] as number;
    if (s === 0) refuse(ctx, 'a step of 0');
    const open = (v: number): number | null => (v >= OPEN_END || v <= -OPEN_END ? null : v);
    begin[a] = open(starts[i] as number);
    end[a] = open(ends[i] as number);
    step[a] = s;
  });
  const attrs = { begin: optionalTuple(begin), end: optionalTuple(end), step: optionalTuple(step) };
  ctx.output(0, entryOf(ctx.op('slice', attrs, [ctx.input(0)])));
}

function pad(ctx: ExportContext): void {
  const mode = stringAttr(ctx, 'mode', 'constant');
  if (mode !== 'constant' && mode !== 'reflect' && mode !== 'edge')
    refuse(ctx, `mode ${mode} has no MXNet Pad mode`);
  if (ctx.opset >= 18 && ctx.has(3)) refuse(ctx, 'the axes input has no MXNet Pad parameter');
  const pads = listOperand(ctx, 'pads', 1, 11) ?? refuse(ctx, 'pads are missing');
  let value = floatAttr(ctx, 'value', 0);
  if (ctx.opset >= 11 && ctx.has(2))
    value = ctx.values(2)?.[0] ?? refuse(ctx, 'a computed constant_value has no MXNet form');
  const r = pads.length / 2;
  if (r !== 4 && r !== 5) refuse(ctx, `MXNet Pad takes 4-D or 5-D inputs, not ${r}-D`);
  if (pads.some((p) => p < 0)) refuse(ctx, 'negative pads (cropping) have no MXNet Pad form');
  if (pads[0] !== 0 || pads[1] !== 0 || pads[r] !== 0 || pads[r + 1] !== 0) {
    refuse(ctx, 'MXNet Pad cannot pad the first two axes');
  }
  const width = Array.from({ length: r }, (_, i) => [pads[i] as number, pads[i + r] as number]).flat();
  const attrs = { constant_value: mxFloat(value, false), mode, pad_width: mxTuple(width) };
  ctx.output(0, entryOf(ctx.op('Pad', attrs, [ctx.input(0)])));
}

/** The tensor and elementwise ops, by ONNX op name. */
export const TENSOR_CONVERTERS: Readonly<Record<string, Converter>> = {
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Concat: concat,
  Add: binary('broadcast_add', '_plus_scalar', '_plus_scalar'),
  Sub: binary('broadcast_sub', '_minus_scalar', '_rminus_scalar'),
  Mul: binary('broadcast_mul', '_mul_scalar', '_mul_scalar'),
  Div: binary('broadcast_div', '_div_scalar', '_rdiv_scalar'),
  Pow: binary('broadcast_power', '_power_scalar', '_rpower_scalar'),
  Sqrt: unary('sqrt'),
  Exp: unary('exp'),
  Log: unary('log'),
  Abs: unary('abs'),
  Neg: unary('negative'),
  Reciprocal: unary('reciprocal'),
  Floor: unary('floor'),
  Ceil: unary('ceil'),
  Erf: unary('erf'),
  Sin: unary('sin'),
  Cos: unary('cos'),
  Identity: unary('_copy'),
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Clip: clip,
  Gather: gather,
  Split: split,
  Pad: pad,
  Slice: slice,
};
