/**
 * Smaller TF ops the converter emits → canonical ops: AddN, BroadcastTo, ReverseV2, Size, Rank,
 * IsFinite, Mod, Div (floats), DivNoNan, All/Any and LinSpace. Semantics from tf.raw_ops: Mod is
 * C's fmod (the dividend's sign: a truncating divide); DivNoNan is 0 where the divisor is 0;
 * All/Any reduce booleans over Const axes (none: nothing reduced); LinSpace has `num` evenly
 * spaced values from start to stop inclusive (num 1: just start).
 */
import type { DType } from '../../core/dtype.js';
import { attr, type NodeContext, onnxType } from './context.js';
import type { TfImporter } from './import-math.js';

/** An end index before any dimension, for a reversed Slice (ONNX clamps it). */
const BEFORE = -2147483648;

const addN: TfImporter = (ctx) => {
  const xs = Array.from({ length: ctx.arity }, (_, i) => ctx.input(i));
  ctx.emit(xs.length === 1 ? 'Identity' : 'Sum', xs, {}, ctx.out());
};

const broadcastTo: TfImporter = (ctx) => {
  const v = ctx.constant(1);
  const shape = v === undefined ? ctx.cast(ctx.input(1), 'int64') : ctx.int64('shape', v);
  ctx.emit('Expand', [ctx.input(0), shape], {}, ctx.out());
};

/** ReverseV2 (tensor, axis): a Slice stepping -1 over the axes. */
const reverseV2: TfImporter = (ctx) => {
  const axes = ctx.ints(1, 'the axes');
  const x = ctx.input(0);
  if (axes.length === 0) {
    ctx.emit('Identity', [x], {}, ctx.out());
    return;
  }
  const n = axes.length;
  ctx.emit(
    'Slice',
    [
      x,
      ctx.int64(
        'starts',
        axes.map(() => -1),
      ),
      ctx.int64(
        'ends',
        axes.map(() => BEFORE),
      ),
      ctx.int64('axes', axes),
      ctx.int64(
        'steps',
        Array.from({ length: n }, () => -1),
      ),
    ],
    {},
    ctx.out(),
  );
};

const size: TfImporter = (ctx) => {
  const to = ctx.attrs.dtype('out_type') ?? 'int32';
  const s = ctx.emit('Shape', [ctx.input(0)]);
  const n = ctx.emit('ReduceProd', [s], { keepdims: attr(0) });
  ctx.emit('Cast', [n], { to: attr(onnxType(to)) }, ctx.out());
};

const rank: TfImporter = (ctx) => {
  const r = ctx.emit('Constant', [], { value_int: attr(ctx.rank(ctx.input(0))) }, ctx.tmp('rank'));
  ctx.emit('Cast', [r], { to: attr(onnxType('int32')) }, ctx.out());
};

const finite: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const bad = ctx.emit('Or', [ctx.emit('IsNaN', [x]), ctx.emit('IsInf', [x])]);
  ctx.emit('Not', [bad], {}, ctx.out());
};

const mod: TfImporter = (ctx) => {
  ctx.emit('Mod', [ctx.input(0), ctx.input(1)], { fmod: attr(1) }, ctx.out());
};

function isFloat(dtype: DType): boolean {
  return dtype.startsWith('float') || dtype === 'bfloat16';
}

const div: TfImporter = (ctx) => {
  const x = ctx.input(0);
  if (!isFloat(ctx.dtype(x))) throw ctx.error('integer Div is not supported', 'UNSUPPORTED_OP');
  ctx.emit('Div', [x, ctx.input(1)], {}, ctx.out());
};

const divNoNan: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const y = ctx.input(1);
  const zero = ctx.cast(ctx.float('zero', 0), ctx.dtype(y));
  const q = ctx.emit('Div', [x, y]);
  ctx.emit('Where', [ctx.emit('Equal', [y, zero]), zero, q], {}, ctx.out());
};

/** All / Any: the booleans as int32, ReduceMin / ReduceMax, back to bool. */
function boolReduce(op: 'ReduceMin' | 'ReduceMax'): TfImporter {
  return (ctx: NodeContext) => {
    const axes = ctx.ints(1, 'the reduction axes');
    const x = ctx.input(0);
    if (axes.length === 0) {
      ctx.emit('Identity', [x], {}, ctx.out());
      return;
    }
    const keep = ctx.attrs.bool('keep_dims', false) ? 1 : 0;
    const ints = ctx.emit('Cast', [x], { to: attr(onnxType('int32')) });
    const r = ctx.emit(op, [ints], { axes: attr(axes), keepdims: attr(keep) });
    ctx.emit('Cast', [r], { to: attr(onnxType('bool')) }, ctx.out());
  };
}

/** LinSpace (start, stop, num): start + i · (stop - start) / (num - 1), num a Const. */
const linSpace: TfImporter = (ctx) => {
  const num = ctx.ints(2, 'num')[0] ?? 0;
  if (num < 1) throw ctx.error(`num ${num} must be at least 1`, 'UNSUPPORTED_OP');
  const start = ctx.input(0);
  const steps = ctx.emit(
    'Constant',
    [],
    { value_floats: attr([...Array(num).keys()], true) },
    ctx.tmp('steps'),
  );
  const span = ctx.emit('Sub', [ctx.input(1), start]);
  const step = ctx.emit('Div', [span, ctx.float('intervals', Math.max(num - 1, 1))]);
  ctx.emit('Add', [start, ctx.emit('Mul', [ctx.cast(steps, ctx.dtype(start)), step])], {}, ctx.out());
};

/** The smaller ops by TF op name. */
export const MISC: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ['AddN', addN],
  ['BroadcastTo', broadcastTo],
  ['ReverseV2', reverseV2],
  ['Size', size],
  ['Rank', rank],
  ['IsFinite', finite],
  ['Mod', mod],
  ['Div', div],
  ['DivNoNan', divNoNan],
  ['All', boolReduce('ReduceMin')],
  ['Any', boolReduce('ReduceMax')],
  ['LinSpace', linSpace],
]);
