/**
 * Math ops: the variadic Max, Min, Sum, Mean; Mod; the unary functions (Abs … Atanh, Round,
 * Softplus, Softsign); Range. Versions from onnx docs/Changelog.md: the variadic ops took
 * `consumed_inputs` at 1, equal shapes at 6 and broadcast numpy-style from 8 (Changelog Max-8);
 * the later versions only widened the types.
 */

import type { DType } from '../core/dtype.js';
import { broadcastAll, unary } from './defs-elementwise.js';
import { attr, fail, info, sameAsInput0, shapeOf, versions } from './shape-math.js';
import type { InferFn, OpSchema } from './types.js';

const CONSUMED = [attr('consumed_inputs', 'ints')];

/** A variadic elementwise op: equal shapes before 8, broadcasting from 8. */
function variadic(op: string, out: string, later: number[]): OpSchema[] {
  return [
    ...versions(op, [1], { inputs: 'data_0*', outputs: out, attributes: CONSUMED, infer: sameAsInput0 }),
    ...versions(op, [6], { inputs: 'data_0*', outputs: out, infer: sameAsInput0 }),
    ...versions(op, later, { inputs: 'data_0*', outputs: out, infer: broadcastAll }),
  ];
}

/**
 * Range's length (Operators.md Range): max(ceil((limit − start) / delta), 0). The difference is
 * taken in the element type first (float32 rounds it), as the spec's function body does.
 */
export function rangeLength(start: number, limit: number, delta: number, dtype: DType | undefined): number {
  const diff = dtype === 'float32' ? Math.fround(limit - start) : limit - start;
  return Math.max(Math.ceil(diff / delta), 0);
}

/** Range: a 1-D tensor of start's type; its length is known when the three scalars are constants. */
const rangeInfer: InferFn = (ctx) => {
  const dtype = ctx.inputs[0]?.dtype;
  for (let i = 0; i < 3; i++) {
    const s = shapeOf(ctx, i);
    if (s !== undefined && s.length !== 0 && !(s.length === 1 && s[0] === 1))
      fail(ctx, `input ${i} must be a scalar, has shape [${s.join(', ')}]`);
  }
  const [start, limit, delta] = [ctx.value(0)?.[0], ctx.value(1)?.[0], ctx.value(2)?.[0]];
  if (start === undefined || limit === undefined || delta === undefined) return [info(dtype, [null])];
  if (delta === 0) fail(ctx, 'delta is 0');
  return [info(dtype, [rangeLength(start, limit, delta, dtype)])];
};

/** One of the functions added at 7 (trigonometric) or 9 (hyperbolic), typed again at 22 for bfloat16. */
function fn(op: string, since: number): OpSchema[] {
  return versions(op, [since, 22], { inputs: 'input', outputs: 'output', infer: sameAsInput0 });
}

/** The schemas of this family. */
export const MATH_SCHEMAS: readonly OpSchema[] = [
  ...variadic('Max', 'max', [8, 12, 13]),
  ...variadic('Min', 'min', [8, 12, 13]),
  ...variadic('Sum', 'sum', [8, 13]),
  ...variadic('Mean', 'mean', [8, 13]),
  ...versions('Mod', [10, 13], {
    inputs: 'A B',
    outputs: 'C',
    attributes: [attr('fmod', 'int', 0)],
    infer: broadcastAll,
  }),
  ...unary('Abs', [6, 13]),
  ...unary('Neg', [6, 13]),
  ...unary('Exp', [6, 13], 'input', 'output'),
  ...unary('Log', [6, 13], 'input', 'output'),
  ...unary('Reciprocal', [6, 13]),
  ...unary('Floor', [6, 13]),
  ...unary('Ceil', [6, 13]),
  ...versions('Sign', [9, 13], { inputs: 'input', outputs: 'output', infer: sameAsInput0 }),
  ...versions('Round', [11, 22], { inputs: 'X', outputs: 'Y', infer: sameAsInput0 }),
  ...versions('Softplus', [1, 22], { inputs: 'X', outputs: 'Y', infer: sameAsInput0 }),
  ...versions('Softsign', [1, 22], { inputs: 'input', outputs: 'output', infer: sameAsInput0 }),
  ...['Sin', 'Cos', 'Tan', 'Asin', 'Acos', 'Atan'].flatMap((op) => fn(op, 7)),
  ...['Sinh', 'Cosh', 'Asinh', 'Acosh', 'Atanh'].flatMap((op) => fn(op, 9)),
  ...versions('Range', [11], { inputs: 'start limit delta', outputs: 'output', infer: rangeInfer }),
];
