/**
 * TF comparison, logical, selection and cheap unary-math ops → canonical ops, plus ArgMax/ArgMin
 * and ClipByValue, which the canonical set has no single op for. Semantics from tf.raw_ops:
 * comparisons and Select V2 broadcast as NumPy does; Select (v1) picks whole rows when its
 * condition is a vector; ArgMax/ArgMin return the first index of the extreme value (TF's CPU
 * kernels scan in order) in `output_type` (int64 unless int32); FloorMod takes the divisor's sign;
 * Atan2 is atan(y/x) moved into the right quadrant.
 */
import type { DType } from '../../core/dtype.js';
import { attr, type NodeContext, onnxType } from './context.js';
import { binary, type TfImporter, unary } from './import-math.js';

const notEqual: TfImporter = (ctx) => {
  ctx.emit('Not', [ctx.emit('Equal', [ctx.input(0), ctx.input(1)])], {}, ctx.out());
};

/** Select (v1): a vector condition picks rows of the first axis; otherwise as SelectV2. */
const select: TfImporter = (ctx) => {
  let c = ctx.input(0);
  const t = ctx.input(1);
  const cr = ctx.rank(c);
  const tr = ctx.rank(t);
  if (cr === 1 && tr > 1) {
    const axes = Array.from({ length: tr - 1 }, (_, i) => i + 1);
    c = ctx.emit('Unsqueeze', [c, ctx.int64('axes', axes)]);
  }
  ctx.emit('Where', [c, t, ctx.input(2)], {}, ctx.out());
};

const selectV2: TfImporter = (ctx) => {
  ctx.emit('Where', [ctx.input(0), ctx.input(1), ctx.input(2)], {}, ctx.out());
};

/** ClipByValue (t, min, max): min(max(t, lo), hi), broadcasting as TF does. */
const clipByValue: TfImporter = (ctx) => {
  const lo = ctx.emit('Max', [ctx.input(0), ctx.input(1)]);
  ctx.emit('Min', [lo, ctx.input(2)], {}, ctx.out());
};

/** A scalar of `dtype` as a Constant (cast from float32 when needed). */
function scalar(ctx: NodeContext, suffix: string, v: number, dtype: DType): string {
  return ctx.cast(ctx.float(suffix, v), dtype);
}

const expm1: TfImporter = (ctx) => {
  const x = ctx.input(0);
  ctx.emit('Sub', [ctx.emit('Exp', [x]), scalar(ctx, 'one', 1, ctx.dtype(x))], {}, ctx.out());
};

const log1p: TfImporter = (ctx) => {
  const x = ctx.input(0);
  ctx.emit('Log', [ctx.emit('Add', [x, scalar(ctx, 'one', 1, ctx.dtype(x))])], {}, ctx.out());
};

function isFloat(dtype: DType): boolean {
  return dtype.startsWith('float') || dtype === 'bfloat16';
}

/** FloorDiv: floor(x / y) (floats only: ONNX integer Div truncates). */
const floorDiv: TfImporter = (ctx) => {
  const x = ctx.input(0);
  if (!isFloat(ctx.dtype(x))) throw ctx.error('integer FloorDiv is not supported', 'UNSUPPORTED_OP');
  ctx.emit('Floor', [ctx.emit('Div', [x, ctx.input(1)])], {}, ctx.out());
};

/** FloorMod: integer Mod (fmod 0 takes the divisor's sign); floats x - floor(x / y) · y. */
const floorMod: TfImporter = (ctx) => {
  const x = ctx.input(0);
  const y = ctx.input(1);
  if (!isFloat(ctx.dtype(x))) {
    ctx.emit('Mod', [x, y], { fmod: attr(0) }, ctx.out());
    return;
  }
  const q = ctx.emit('Floor', [ctx.emit('Div', [x, y])]);
  ctx.emit('Sub', [x, ctx.emit('Mul', [q, y])], {}, ctx.out());
};

/** Atan2 (y, x): atan(y / x) plus π (y ≥ 0) or -π (y < 0) where x < 0. */
const atan2: TfImporter = (ctx) => {
  const y = ctx.input(0);
  const x = ctx.input(1);
  const dt = ctx.dtype(y);
  const base = ctx.emit('Atan', [ctx.emit('Div', [y, x])]);
  const zero = scalar(ctx, 'zero', 0, dt);
  const turn = ctx.emit('Where', [
    ctx.emit('Less', [y, zero]),
    scalar(ctx, 'minus_pi', -Math.PI, dt),
    scalar(ctx, 'pi', Math.PI, dt),
  ]);
  const shift = ctx.emit('Where', [ctx.emit('Less', [x, zero]), turn, zero]);
  ctx.emit('Add', [base, shift], {}, ctx.out());
};

/**
 * ArgMax / ArgMin (input, dimension): the first index where the value equals the reduction's
 * extreme — a counter along the axis where it does, the axis length elsewhere, then ReduceMin.
 */
function argExtreme(reduce: 'ReduceMax' | 'ReduceMin'): TfImporter {
  return (ctx) => {
    const x = ctx.input(0);
    const rank = ctx.rank(x);
    const a = ctx.ints(1, 'the dimension')[0] ?? 0;
    const axis = a < 0 ? a + rank : a;
    const n = ctx.dim(x, axis);
    const to = ctx.attrs.dtype('output_type') ?? 'int64';
    const m = ctx.emit(reduce, [x], { axes: attr([axis]), keepdims: attr(1) });
    const hit = ctx.emit('Equal', [x, m]);
    let counter = ctx.int64(
      'counter',
      Array.from({ length: n }, (_, i) => i),
    );
    const trailing = rank - 1 - axis;
    if (trailing > 0)
      counter = ctx.emit('Unsqueeze', [
        counter,
        ctx.int64(
          'counter_axes',
          Array.from({ length: trailing }, (_, i) => i + 1),
        ),
      ]);
    const none = ctx.emit('Constant', [], { value_int: attr(n) }, ctx.tmp('length'));
    const at = ctx.emit('Where', [hit, counter, none]);
    const first = ctx.emit('ReduceMin', [at], { axes: attr([axis]), keepdims: attr(0) });
    ctx.emit('Cast', [first], { to: attr(onnxType(to)) }, ctx.out());
  };
}

/** Comparison, logical, selection and unary-math ops by TF op name. */
export const LOGIC: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([
  ['Greater', binary('Greater')],
  ['GreaterEqual', binary('GreaterOrEqual')],
  ['Less', binary('Less')],
  ['LessEqual', binary('LessOrEqual')],
  ['Equal', binary('Equal')],
  ['NotEqual', notEqual],
  ['LogicalAnd', binary('And')],
  ['LogicalOr', binary('Or')],
  ['LogicalNot', unary('Not')],
  ['Select', select],
  ['SelectV2', selectV2],
  ['ClipByValue', clipByValue],
  ['ArgMax', argExtreme('ReduceMax')],
  ['ArgMin', argExtreme('ReduceMin')],
  ['Erf', unary('Erf')],
  ['Round', unary('Round')],
  ['Sign', unary('Sign')],
  ['Sin', unary('Sin')],
  ['Cos', unary('Cos')],
  ['Tan', unary('Tan')],
  ['Asin', unary('Asin')],
  ['Acos', unary('Acos')],
  ['Atan', unary('Atan')],
  ['Sinh', unary('Sinh')],
  ['Cosh', unary('Cosh')],
  ['Asinh', unary('Asinh')],
  ['Acosh', unary('Acosh')],
  ['Atanh', unary('Atanh')],
  ['IsNan', unary('IsNaN')],
  ['IsInf', unary('IsInf')],
  ['Expm1', expm1],
  ['Log1p', log1p],
  ['FloorDiv', floorDiv],
  ['FloorMod', floorMod],
  ['Atan2', atan2],
]);
