/**
 * Elementwise ops: arithmetic with broadcasting, activations, Where, Clip, Identity, Dropout,
 * Cast. Versions and attributes from onnx docs/Changelog.md (`Add-1`, `Add-6`, `Add-7` ... ).
 * Before opset 7 the binary ops broadcast only B onto A under `broadcast=1` (Changelog Add-1,
 * Add-6: "limited broadcast"); from 7 on they broadcast numpy-style (docs/Broadcasting.md).
 */

import { onnxDType } from './onnx-dtypes.js';
import {
  attr,
  broadcast,
  broadcastsTo,
  fail,
  info,
  intAttr,
  req,
  sameAsInput0,
  shapeOf,
  stringAttr,
  versions,
} from './shape-math.js';
import type { AttrSpec, InferFn, OpSchema } from './types.js';

/** Numpy broadcasting of all inputs, dtype of input 0 (opset ≥ 7 binary ops; Pow keeps X's type). */
export const broadcastAll: InferFn = (ctx) => [
  info(
    ctx.inputs[0]?.dtype,
    broadcast(
      ctx,
      ctx.inputs.map((t) => t?.shape),
    ),
  ),
];

/**
 * Limited broadcast of opsets 1 and 6: with `broadcast=1` B is broadcast onto A (the result has
 * A's shape); without it both shapes must be equal.
 */
export const legacyBinary: InferFn = (ctx) => {
  const a = shapeOf(ctx, 0);
  const b = shapeOf(ctx, 1);
  if (intAttr(ctx, 'broadcast') !== 1 && a !== undefined && b !== undefined) {
    const same =
      a.length === b.length &&
      a.every((d, i) => typeof d !== 'number' || typeof b[i] !== 'number' || d === b[i]);
    if (!same) fail(ctx, `shapes [${a.join(', ')}] and [${b.join(', ')}] differ and broadcast is 0`);
  }
  return [info(ctx.inputs[0]?.dtype, a)];
};

const LEGACY_BINARY_1: AttrSpec[] = [
  attr('axis', 'int'),
  attr('broadcast', 'int', 0),
  attr('consumed_inputs', 'ints'),
];
/** The attributes of the opset-6 binary ops (Add-6 …; also Pow-1 and the comparisons' version 1). */
export const LEGACY_BINARY_6: AttrSpec[] = [attr('axis', 'int'), attr('broadcast', 'int', 0)];
const CONSUMED: AttrSpec[] = [attr('consumed_inputs', 'ints')];

function binary(op: string): OpSchema[] {
  return [
    ...versions(op, [1], { inputs: 'A B', outputs: 'C', attributes: LEGACY_BINARY_1, infer: legacyBinary }),
    ...versions(op, [6], { inputs: 'A B', outputs: 'C', attributes: LEGACY_BINARY_6, infer: legacyBinary }),
    ...versions(op, [7, 13, 14], { inputs: 'A B', outputs: 'C', infer: broadcastAll }),
  ];
}

/** A unary op whose version 1 had `consumed_inputs` (Changelog Relu-1 etc.). */
export function unary(
  op: string,
  later: number[],
  slot = 'X',
  out = 'Y',
  extra: AttrSpec[] = [],
): OpSchema[] {
  return [
    ...versions(op, [1], {
      inputs: slot,
      outputs: out,
      attributes: [...extra, ...CONSUMED],
      infer: sameAsInput0,
    }),
    ...versions(op, later, { inputs: slot, outputs: out, attributes: extra, infer: sameAsInput0 }),
  ];
}

/** PRelu from 7: the slope broadcasts unidirectionally onto X (Changelog PRelu-7). */
const preluInfer: InferFn = (ctx) => {
  const x = shapeOf(ctx, 0);
  const s = shapeOf(ctx, 1);
  if (x !== undefined && s !== undefined && !broadcastsTo(s, x)) {
    fail(ctx, `slope [${s.join(', ')}] does not broadcast to X [${x.join(', ')}]`);
  }
  return [ctx.inputs[0]];
};

/** Where: condition, X and Y broadcast together; the result has X's type (Operators.md Where). */
const whereInfer: InferFn = (ctx) => [
  info(
    ctx.inputs[1]?.dtype,
    broadcast(
      ctx,
      ctx.inputs.map((t) => t?.shape),
    ),
  ),
];

/** Dropout: output like the input, the optional mask the same shape in bool (Changelog Dropout-7). */
const dropoutInfer: InferFn = (ctx) => {
  const x = ctx.inputs[0];
  return ctx.node.outputs.map((_, i) => (i === 0 ? x : info('bool', x?.shape)));
};

/** Cast-1 names the target type by string (TensorProto.DataType names: "FLOAT", "INT64", ...). */
const CAST_NAMES: Readonly<Record<string, number>> = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  UINT16: 4,
  INT16: 5,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  FLOAT16: 10,
  DOUBLE: 11,
  UINT32: 12,
  UINT64: 13,
  BFLOAT16: 16,
};

const castInfer: InferFn = (ctx) => {
  const to = ctx.attrs.to;
  let code: number | undefined;
  if (to?.type === 'int') code = Number(to.value);
  else if (to?.type === 'string') code = CAST_NAMES[to.value.toUpperCase()];
  return [info(code === undefined ? undefined : onnxDType(code), shapeOf(ctx, 0))];
};

/** Gelu-20: `approximate` is 'none' (erf form) or 'tanh' (Operators.md Gelu). */
const geluInfer: InferFn = (ctx) => {
  const mode = stringAttr(ctx, 'approximate');
  if (mode !== 'none' && mode !== 'tanh') fail(ctx, `approximate must be 'none' or 'tanh', not '${mode}'`);
  return [ctx.inputs[0]];
};

/** The elementwise schemas. */
export const ELEMENTWISE_SCHEMAS: readonly OpSchema[] = [
  ...binary('Add'),
  ...binary('Sub'),
  ...binary('Mul'),
  ...binary('Div'),
  ...versions('Pow', [1], {
    inputs: 'X Y',
    outputs: 'Z',
    attributes: LEGACY_BINARY_6,
    infer: legacyBinary,
  }),
  ...versions('Pow', [7, 12, 13, 15], { inputs: 'X Y', outputs: 'Z', infer: broadcastAll }),
  ...unary('Sqrt', [6, 13]),
  ...unary('Relu', [6, 13, 14]),
  ...unary('Sigmoid', [6, 13]),
  ...unary('Tanh', [6, 13], 'input', 'output'),
  ...unary('LeakyRelu', [6, 16], 'X', 'Y', [attr('alpha', 'float', Math.fround(0.01))]),
  ...unary('Elu', [6, 22], 'X', 'Y', [attr('alpha', 'float', 1)]),
  ...unary('HardSigmoid', [6, 22], 'X', 'Y', [
    attr('alpha', 'float', Math.fround(0.2)),
    attr('beta', 'float', 0.5),
  ]),
  // Selu-1's defaults were rounded (1.6732, 1.0507); Selu-6 gives them to float precision.
  ...versions('Selu', [1], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [
      attr('alpha', 'float', Math.fround(1.6732)),
      attr('consumed_inputs', 'ints'),
      attr('gamma', 'float', Math.fround(1.0507)),
    ],
    infer: sameAsInput0,
  }),
  ...versions('Selu', [6, 22], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [attr('alpha', 'float', 1.6732631921768188), attr('gamma', 'float', 1.0507010221481323)],
    infer: sameAsInput0,
  }),
  ...versions('PRelu', [1], {
    inputs: 'X slope',
    outputs: 'Y',
    attributes: CONSUMED,
    infer: sameAsInput0,
  }),
  ...versions('PRelu', [6], { inputs: 'X slope', outputs: 'Y', infer: sameAsInput0 }),
  ...versions('PRelu', [7, 9, 16], { inputs: 'X slope', outputs: 'Y', infer: preluInfer }),
  ...versions('Erf', [9, 13], { inputs: 'input', outputs: 'output', infer: sameAsInput0 }),
  ...versions('Gelu', [20], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [attr('approximate', 'string', 'none')],
    infer: geluInfer,
  }),
  ...versions('Where', [9, 16], { inputs: 'condition X Y', outputs: 'output', infer: whereInfer }),
  ...versions('Clip', [1], {
    inputs: 'input',
    outputs: 'output',
    attributes: [attr('consumed_inputs', 'ints'), attr('max', 'float'), attr('min', 'float')],
    infer: sameAsInput0,
  }),
  // Clip-6 defaults are ±FLT_MAX (Changelog Clip-6: "default is numeric_limits::lowest()/max()").
  ...versions('Clip', [6], {
    inputs: 'input',
    outputs: 'output',
    attributes: [attr('max', 'float', 3.4028234663852886e38), attr('min', 'float', -3.4028234663852886e38)],
    infer: sameAsInput0,
  }),
  ...versions('Clip', [11, 12, 13], { inputs: 'input min? max?', outputs: 'output', infer: sameAsInput0 }),
  ...versions('Identity', [1, 13, 14, 16, 19, 21, 23], {
    inputs: 'input',
    outputs: 'output',
    infer: sameAsInput0,
  }),
  ...versions('Dropout', [1], {
    inputs: 'data',
    outputs: 'output mask?',
    attributes: [attr('consumed_inputs', 'ints'), attr('is_test', 'int', 0), attr('ratio', 'float', 0.5)],
    infer: dropoutInfer,
  }),
  ...versions('Dropout', [6], {
    inputs: 'data',
    outputs: 'output mask?',
    attributes: [attr('is_test', 'int', 0), attr('ratio', 'float', 0.5)],
    infer: dropoutInfer,
  }),
  ...versions('Dropout', [7, 10], {
    inputs: 'data',
    outputs: 'output mask?',
    attributes: [attr('ratio', 'float', 0.5)],
    infer: dropoutInfer,
  }),
  // Dropout-12 moved ratio and training_mode to inputs (Changelog Dropout-12).
  ...versions('Dropout', [12, 13, 22], {
    inputs: 'data ratio? training_mode?',
    outputs: 'output mask?',
    attributes: [attr('seed', 'int')],
    infer: dropoutInfer,
  }),
  ...versions('Cast', [1], {
    inputs: 'input',
    outputs: 'output',
    attributes: [req('to', 'string')],
    infer: castInfer,
  }),
  ...versions('Cast', [6, 9, 13], {
    inputs: 'input',
    outputs: 'output',
    attributes: [req('to', 'int')],
    infer: castInfer,
  }),
  // Cast-19 added `saturate` for the float8 targets (Changelog Cast-19).
  ...versions('Cast', [19, 21, 23], {
    inputs: 'input',
    outputs: 'output',
    attributes: [attr('saturate', 'int', 1), req('to', 'int')],
    infer: castInfer,
  }),
];
