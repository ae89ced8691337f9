/**
 * MXNet arithmetic → canonical ops: elementwise and broadcast binaries, `_*_scalar` ops (the
 * scalar becomes a 0-d constant of the input's dtype), unary math, comparisons (MXNet returns 0/1
 * in the input's dtype, so a Cast follows ONNX's boolean result), where, clip, cast, `*_like`
 * constants, reductions and `_arange`.
 */
import type { DType } from '../../core/dtype.js';
import { onnxTypeCode } from '../onnx-dtypes.js';
import { attr, type OpContext } from './context.js';
import type { Importer } from './import-table.js';

/** The Cast `to` attribute for `dtype`. */
function castTo(ctx: OpContext, dtype: DType): ReturnType<typeof attr> {
  const code = onnxTypeCode(dtype);
  if (code === undefined) throw ctx.error(`dtype ${dtype} has no ONNX type`, 'UNSUPPORTED_OP');
  return attr(code);
}

const COMPARISONS = new Set(['Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'NotEqual']);

/** Emits `op(a, b)`; comparisons come back as 0/1 in `dtype` as MXNet gives them. */
function binary(ctx: OpContext, op: string, a: string, b: string, dtype: DType): void {
  if (!COMPARISONS.has(op)) {
    ctx.emit(op, [a, b]);
    return;
  }
  let r: string;
  if (op === 'NotEqual') {
    const eq = ctx.emit('Equal', [a, b], {}, ctx.tmp('equal'))[0] as string;
    r = ctx.emit('Not', [eq], {}, ctx.tmp('not'))[0] as string;
  } else r = ctx.emit(op, [a, b], {}, ctx.tmp(op.toLowerCase()))[0] as string;
  ctx.emit('Cast', [r], { to: castTo(ctx, dtype) });
}

function elementwise(op: string): Importer {
  return {
    run(ctx) {
      const a = ctx.data(0);
      binary(ctx, op, a, ctx.data(1), ctx.dtype(a));
    },
  };
}

function scalarOp(op: string, reversed = false): Importer {
  return {
    run(ctx) {
      const x = ctx.data(0);
      const dt = ctx.dtype(x);
      const s = ctx.scalar('scalar', ctx.float('scalar', 0), dt);
      binary(ctx, op, reversed ? s : x, reversed ? x : s, dt);
    },
  };
}

function unary(op: string): Importer {
  return { run: (ctx) => void ctx.emit(op, [ctx.data(0)]) };
}

const rsqrt: Importer = {
  run(ctx) {
    ctx.emit('Reciprocal', [ctx.emit('Sqrt', [ctx.data(0)], {}, ctx.tmp('sqrt'))[0] as string]);
  },
};

const square: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    ctx.emit('Mul', [x, x]);
  },
};

const addN: Importer = {
  run(ctx) {
    const inputs = Array.from({ length: ctx.inputCount }, (_, i) => ctx.data(i));
    ctx.emit(inputs.length === 1 ? 'Identity' : 'Sum', inputs);
  },
};

const clip: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const dt = ctx.dtype(x);
    const lo = ctx.scalar('min', ctx.float('a_min', Number.NEGATIVE_INFINITY), dt);
    const hi = ctx.scalar('max', ctx.float('a_max', Number.POSITIVE_INFINITY), dt);
    ctx.emit('Clip', [x, lo, hi]);
  },
};

/** MXNet dtype names (`"float32"`) → nnport dtypes. */
function dtypeParam(ctx: OpContext, key: string, fallback: DType): DType {
  const s = ctx.str(key, fallback);
  const known: Record<string, DType> = {
    float16: 'float16',
    float32: 'float32',
    float64: 'float64',
    uint8: 'uint8',
    int8: 'int8',
    int32: 'int32',
    int64: 'int64',
    bool: 'bool',
    bfloat16: 'bfloat16',
  };
  const d = known[s];
  if (d === undefined) throw ctx.error(`dtype ${s} is not supported`, 'UNSUPPORTED_OP');
  return d;
}

const cast: Importer = {
  run(ctx) {
    ctx.emit('Cast', [ctx.data(0)], { to: castTo(ctx, dtypeParam(ctx, 'dtype', 'float32')) });
  },
};

const where: Importer = {
  run(ctx) {
    let cond = ctx.data(0);
    const x = ctx.data(1);
    const y = ctx.data(2);
    const cr = ctx.rank(cond);
    const xr = ctx.rank(x);
    if (cr === 1 && xr !== undefined && xr > 1) {
      // A 1-d condition picks whole rows along the first axis.
      const shape = ctx.int64('cond_shape', [-1, ...Array<number>(xr - 1).fill(1)]);
      cond = ctx.emit('Reshape', [cond, shape], {}, ctx.tmp('cond'))[0] as string;
    }
    const bool = ctx.emit('Cast', [cond], { to: attr(9) }, ctx.tmp('mask'))[0] as string;
    ctx.emit('Where', [bool, x, y]);
  },
};

function filledLike(value: number): Importer {
  return {
    run(ctx) {
      const x = ctx.data(0);
      const shape = ctx.emit('Shape', [x], {}, ctx.tmp('shape'))[0] as string;
      const v = ctx.scalar('value', value, ctx.dtype(x), [1]);
      ctx.emit('ConstantOfShape', [shape], { value: { type: 'tensor', value: v } });
    },
  };
}

/** `_zeros`/`_ones`/`_full` with a fully known shape; unknown (0) dims are resolved by their consumer. */
function filled(value: number | undefined): Importer {
  return {
    run(ctx) {
      const dims = ctx.tuple('shape', []);
      const v = value ?? ctx.float('value', 0);
      const dt = dtypeParam(ctx, 'dtype', 'float32');
      if (dims.some((d) => d <= 0)) {
        ctx.defer(`its shape (${dims.join(', ')}) has dimensions MXNet infers from the consumer`);
        return;
      }
      const shape = ctx.int64('shape', dims);
      ctx.emit('ConstantOfShape', [shape], {
        value: { type: 'tensor', value: ctx.scalar('value', v, dt, [1]) },
      });
    },
  };
}

const arange: Importer = {
  run(ctx) {
    if (ctx.bool('infer_range', false)) throw ctx.error('infer_range is not supported', 'UNSUPPORTED_OP');
    let start = ctx.float('start', 0);
    let stop = ctx.float('stop', Number.NaN);
    if (Number.isNaN(stop)) {
      stop = start;
      start = 0;
    }
    const step = ctx.float('step', 1);
    const repeat = ctx.int('repeat', 1);
    const dt = dtypeParam(ctx, 'dtype', 'float32');
    if (step === 0) throw ctx.error('step must not be 0');
    // MXNet's size: ceil((stop − start) / step) values start + i·step, each repeated.
    const count = Math.max(0, Math.ceil((stop - start) / step));
    const values: number[] = [];
    for (let i = 0; i < count; i++) for (let r = 0; r < repeat; r++) values.push(start + i * step);
    const t = ctx.tensorOf('values', dt, [values.length], values);
    ctx.emit('Identity', [t]);
  },
};

function reduce(op: string): Importer {
  return {
    run(ctx) {
      const x = ctx.data(0);
      const keep = ctx.bool('keepdims', false) ? 1 : 0;
      const s = ctx.str('axis', 'None').trim();
      let axes = s === 'None' || s === '()' ? undefined : ctx.tuple('axis', []);
      if (ctx.bool('exclude', false)) {
        const rank = ctx.rank(x);
        if (rank === undefined) throw ctx.error('exclude=True needs the rank of the input', 'USAGE');
        const skip = new Set((axes ?? []).map((a) => (a < 0 ? a + rank : a)));
        axes = Array.from({ length: rank }, (_, i) => i).filter((i) => !skip.has(i));
      }
      // Opset 17: ReduceSum takes axes as an input (since 13); the others as an attribute (until 18).
      if (op === 'ReduceSum')
        ctx.emit(op, axes === undefined ? [x] : [x, ctx.int64('axes', axes)], { keepdims: attr(keep) });
      else
        ctx.emit(
          op,
          [x],
          axes === undefined ? { keepdims: attr(keep) } : { axes: attr(axes), keepdims: attr(keep) },
        );
    },
  };
}

/** x / √(last dimension): the attention scaling of GluonNLP's BERT. */
const divSqrtDim: Importer = {
  run(ctx) {
    const x = ctx.data(0);
    const s = ctx.staticShape(x);
    const dt = ctx.dtype(x);
    if (s !== undefined) {
      ctx.emit('Div', [x, ctx.scalar('sqrt_dim', Math.sqrt(s[s.length - 1] as number), dt)]);
      return;
    }
    const shape = ctx.emit('Shape', [x], {}, ctx.tmp('shape'))[0] as string;
    const last = ctx.emit(
      'Gather',
      [shape, ctx.int64('last', [-1])],
      { axis: attr(0) },
      ctx.tmp('dim'),
    )[0] as string;
    const f = ctx.emit('Cast', [last], { to: castTo(ctx, dt) }, ctx.tmp('dim_f'))[0] as string;
    const r = ctx.emit('Sqrt', [f], {}, ctx.tmp('sqrt'))[0] as string;
    ctx.emit('Div', [x, r]);
  },
};

const BINARY: Record<string, string> = {
  Add: 'elemwise_add _plus _Plus broadcast_add broadcast_plus _grad_add',
  Sub: 'elemwise_sub _minus _Minus broadcast_sub broadcast_minus',
  Mul: 'elemwise_mul _mul _Mul broadcast_mul',
  Div: 'elemwise_div _div _Div broadcast_div',
  Max: '_maximum _Maximum broadcast_maximum',
  Min: '_minimum _Minimum broadcast_minimum',
  Pow: '_power _Power broadcast_power',
  Equal: '_equal broadcast_equal',
  NotEqual: '_not_equal broadcast_not_equal',
  Greater: '_greater broadcast_greater',
  GreaterOrEqual: '_greater_equal broadcast_greater_equal',
  Less: '_lesser broadcast_lesser',
  LessOrEqual: '_lesser_equal broadcast_lesser_equal',
};

const SCALAR: readonly [string, string, boolean][] = [
  ['_plus_scalar', 'Add', false],
  ['_PlusScalar', 'Add', false],
  ['_minus_scalar', 'Sub', false],
  ['_MinusScalar', 'Sub', false],
  ['_rminus_scalar', 'Sub', true],
  ['_RMinusScalar', 'Sub', true],
  ['_mul_scalar', 'Mul', false],
  ['_MulScalar', 'Mul', false],
  ['_div_scalar', 'Div', false],
  ['_DivScalar', 'Div', false],
  ['_rdiv_scalar', 'Div', true],
  ['_RDivScalar', 'Div', true],
  ['_power_scalar', 'Pow', false],
  ['_PowerScalar', 'Pow', false],
  ['_rpower_scalar', 'Pow', true],
  ['_RPowerScalar', 'Pow', true],
  ['_maximum_scalar', 'Max', false],
  ['_MaximumScalar', 'Max', false],
  ['_minimum_scalar', 'Min', false],
  ['_MinimumScalar', 'Min', false],
  ['_equal_scalar', 'Equal', false],
  ['_not_equal_scalar', 'NotEqual', false],
  ['_greater_scalar', 'Greater', false],
  ['_greater_equal_scalar', 'GreaterOrEqual', false],
  ['_lesser_scalar', 'Less', false],
  ['_lesser_equal_scalar', 'LessOrEqual', false],
];

const UNARY: Record<string, string> = {
  sqrt: 'Sqrt',
  exp: 'Exp',
  log: 'Log',
  abs: 'Abs',
  negative: 'Neg',
  reciprocal: 'Reciprocal',
  sin: 'Sin',
  cos: 'Cos',
  tan: 'Tan',
  floor: 'Floor',
  ceil: 'Ceil',
  sign: 'Sign',
  erf: 'Erf',
  identity: 'Identity',
  _copy: 'Identity',
  BlockGrad: 'Identity',
  stop_gradient: 'Identity',
  MakeLoss: 'Identity',
  make_loss: 'Identity',
  arcsin: 'Asin',
  arccos: 'Acos',
  arctan: 'Atan',
  sinh: 'Sinh',
  cosh: 'Cosh',
  arcsinh: 'Asinh',
  arccosh: 'Acosh',
  arctanh: 'Atanh',
  logical_not: 'Not',
};

/** Arithmetic importers by MXNet op name. */
export const MATH_IMPORTERS: readonly (readonly [string, Importer])[] = [
  ...Object.entries(BINARY).flatMap(([op, names]) =>
    names.split(' ').map((n) => [n, elementwise(op)] as const),
  ),
  ...SCALAR.map(([name, op, rev]) => [name, scalarOp(op, rev)] as const),
  ...Object.entries(UNARY).map(([name, op]) => [name, unary(op)] as const),
  ['rsqrt', rsqrt],
  ['square', square],
  ['ElementWiseSum', addN],
  ['add_n', addN],
  ['clip', clip],
  ['Cast', cast],
  ['cast', cast],
  ['where', where],
  ['zeros_like', filledLike(0)],
  ['ones_like', filledLike(1)],
  ['_zeros', filled(0)],
  ['_ones', filled(1)],
  ['_full', filled(undefined)],
  ['_arange', arange],
  ['sum', reduce('ReduceSum')],
  ['sum_axis', reduce('ReduceSum')],
  ['mean', reduce('ReduceMean')],
  ['max', reduce('ReduceMax')],
  ['max_axis', reduce('ReduceMax')],
  ['min', reduce('ReduceMin')],
  ['min_axis', reduce('ReduceMin')],
  ['prod', reduce('ReduceProd')],
  ['_contrib_div_sqrt_dim', divSqrtDim],
];
