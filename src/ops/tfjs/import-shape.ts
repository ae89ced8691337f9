/**
 * TF shape and layout ops → canonical ops: Reshape, Squeeze, ExpandDims, ConcatV2, Pack,
 * Transpose, Pad/PadV2/MirrorPad, Shape, Slice and the common StridedSlice (no ellipsis or new
 * axes). Their axes, perms, shapes and paddings are Const inputs in TF; they become attributes
 * or int64 Constant nodes here. Semantics from tf.raw_ops documentation.
 */
import { attr, onnxType } from './context.js';
import type { TfImporter } from './import-math.js';

/** An end index past any dimension (ONNX Slice clamps it). */
const BIG = 2147483647;

const reshape: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const v = ctx.constant(1);
  if (v?.includes(0))
    throw ctx.error('a 0 in the target shape (an empty dimension) is not supported', 'UNSUPPORTED_OP');
  const shape = v !== undefined ? ctx.int64('shape', v) : ctx.cast(ctx.input(1), 'int64');
  ctx.emit('Reshape', [x, shape], {}, ctx.out());
};

const squeeze: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const axes = ctx.attrs.has('squeeze_dims') ? ctx.attrs.ints('squeeze_dims') : ctx.attrs.ints('axis');
  const inputs = axes.length === 0 ? [x] : [x, ctx.int64('axes', axes)];
  ctx.emit('Squeeze', inputs, {}, ctx.out());
};

const expandDims: TfImporter = (ctx) => {
  const axis = ctx.ints(1, 'the axis');
  ctx.emit('Unsqueeze', [ctx.input(0), ctx.int64('axes', axis.slice(0, 1))], {}, ctx.out());
};

/** ConcatV2 (axis last) and Concat (axis first). */
function concat(axisFirst: boolean): TfImporter {
  return (ctx) => {
    const n = ctx.arity;
    const axisAt = axisFirst ? 0 : n - 1;
    const [axis] = ctx.ints(axisAt, 'the axis');
    const data = Array.from({ length: n - 1 }, (_, i) => ctx.input(axisFirst ? i + 1 : i));
    ctx.emit('Concat', data, { axis: attr(axis ?? 0) }, ctx.out());
  };
}

const pack: TfImporter = (ctx) => {
  const axis = ctx.attrs.int('axis', 0);
  const xs = Array.from({ length: ctx.arity }, (_, i) => ctx.input(i));
  const rank = ctx.rank(xs[0] as string);
  const at = axis < 0 ? axis + rank + 1 : axis;
  const axes = ctx.int64('axes', [at]);
  const ups = xs.map((x) => ctx.emit('Unsqueeze', [x, axes]));
  ctx.emit('Concat', ups, { axis: attr(at) }, ctx.out());
};

const transpose: TfImporter = (ctx) => {
  const perm = ctx.ints(1, 'perm');
  ctx.emit('Transpose', [ctx.input(0)], { perm: attr(perm) }, ctx.out());
};

/** Pad, PadV2 (constant_values input) and MirrorPad (REFLECT only: ONNX has no SYMMETRIC). */
function pad(kind: 'constant' | 'v2' | 'mirror'): TfImporter {
  return (ctx) => {
    let mode = 'constant';
    if (kind === 'mirror') {
      const m = ctx.attrs.str('mode', 'REFLECT');
      if (m !== 'REFLECT') throw ctx.error(`mode ${m} has no ONNX equivalent`, 'UNSUPPORTED_OP');
      mode = 'reflect';
    }
    const p = ctx.ints(1, 'the paddings');
    const before = p.filter((_, i) => i % 2 === 0);
    const after = p.filter((_, i) => i % 2 === 1);
    const inputs = [ctx.input(0), ctx.int64('pads', [...before, ...after])];
    if (kind === 'v2') inputs.push(ctx.input(2));
    ctx.emit('Pad', inputs, { mode: attr(mode) }, ctx.out());
  };
}

const shape: TfImporter = (ctx) => {
  const to = ctx.attrs.dtype('out_type') ?? 'int32';
  const s = ctx.emit('Shape', [ctx.input(0)]);
  ctx.emit('Cast', [s], { to: attr(onnxType(to)) }, ctx.out());
};

const slice: TfImporter = (ctx) => {
  const begin = ctx.ints(1, 'begin');
  const size = ctx.ints(2, 'size');
  const ends = begin.map((b, i) => ((size[i] ?? -1) < 0 ? BIG : b + (size[i] as number)));
  const axes = begin.map((_, i) => i);
  ctx.emit(
    'Slice',
    [ctx.input(0), ctx.int64('starts', begin), ctx.int64('ends', ends), ctx.int64('axes', axes)],
    {},
    ctx.out(),
  );
};

/** StridedSlice without ellipsis or new axes: Slice, then Squeeze of the shrunk axes. */
const stridedSlice: TfImporter = (ctx) => {
  const a = ctx.attrs;
  if (a.int('ellipsis_mask', 0) !== 0 || a.int('new_axis_mask', 0) !== 0)
    throw ctx.error('ellipsis_mask and new_axis_mask are not supported', 'UNSUPPORTED_OP');
  const begin = ctx.ints(1, 'begin');
  const end = ctx.ints(2, 'end');
  const strides = ctx.ints(3, 'strides');
  const bm = a.int('begin_mask', 0);
  const em = a.int('end_mask', 0);
  const sm = a.int('shrink_axis_mask', 0);
  const starts: number[] = [];
  const ends: number[] = [];
  const steps: number[] = [];
  const shrink: number[] = [];
  begin.forEach((b, i) => {
    const bit = 1 << i;
    const st = strides[i] ?? 1;
    if ((sm & bit) !== 0) {
      starts.push(b);
      ends.push(b === -1 ? BIG : b + 1);
      steps.push(1);
      shrink.push(i);
      return;
    }
    starts.push((bm & bit) !== 0 ? (st > 0 ? 0 : BIG) : b);
    ends.push((em & bit) !== 0 ? (st > 0 ? BIG : -BIG - 1) : (end[i] ?? BIG));
    steps.push(st);
  });
  const axes = begin.map((_, i) => i);
  const out = shrink.length === 0 ? ctx.out() : ctx.tmp('slice');
  ctx.emit(
    'Slice',
    [
      ctx.input(0),
      ctx.int64('starts', starts),
      ctx.int64('ends', ends),
      ctx.int64('axes', axes),
      ctx.int64('steps', steps),
    ],
    {},
    out,
  );
  if (shrink.length > 0) ctx.emit('Squeeze', [out, ctx.int64('shrink', shrink)], {}, ctx.out());
};

/** Shape and layout ops by TF op name. */
export const SHAPE: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ['Reshape', reshape],
  ['Squeeze', squeeze],
  ['ExpandDims', expandDims],
  ['ConcatV2', concat(false)],
  ['Concat', concat(true)],
  ['Pack', pack],
  ['Transpose', transpose],
  ['Pad', pad('constant')],
  ['PadV2', pad('v2')],
  ['MirrorPad', pad('mirror')],
  ['Shape', shape],
  ['Slice', slice],
  ['StridedSlice', stridedSlice],
]);
