/**
 * Shape-inference cases for the comparison, logic, math and extra reduction/pool ops (defs-logic,
 * defs-math, defs-reduce), checked against the live onnx 1.12 peer in peer-shapes-more.test.ts.
 * Data only (STYLE habit 13).
 */
import { a, type Case, t } from './helpers.js';

const i64 = 'int64' as const;
const b = 'bool' as const;

const COMPARE: [string, number][] = [
  ['Equal', 13],
  ['Greater', 13],
  ['Less', 9],
  ['GreaterOrEqual', 16],
  ['LessOrEqual', 12],
];

const UNARY: [string, number][] = [
  ['Abs', 13],
  ['Neg', 6],
  ['Exp', 13],
  ['Log', 6],
  ['Reciprocal', 13],
  ['Floor', 13],
  ['Ceil', 6],
  ['Sign', 13],
  ['Round', 11],
  ['Softplus', 1],
  ['Softsign', 1],
  ['Sin', 7],
  ['Cos', 7],
  ['Tan', 7],
  ['Asin', 7],
  ['Acos', 7],
  ['Atan', 7],
  ['Sinh', 9],
  ['Cosh', 9],
  ['Asinh', 9],
  ['Acosh', 9],
  ['Atanh', 9],
];

const REDUCE = ['ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ReduceLogSumExp'];

/** The cases. */
export const MORE_CASES: Case[] = [
  ...COMPARE.flatMap(([op, opset]): Case[] => [
    { name: `${op}: same`, op, opset, inputs: [t([2, 3]), t([2, 3])] },
    { name: `${op}: bcast`, op, opset, inputs: [t([3, 1, 5]), t([4, 1])] },
    { name: `${op}: symbolic`, op, opset, inputs: [t(['N', 1]), t([1, 7])] },
    { name: `${op}: int64 scalar`, op, opset, inputs: [t([4], i64), t([], i64)] },
    {
      name: `${op}: mismatch`,
      op,
      opset,
      inputs: [t([2, 3]), t([3, 3])],
      ...(op.endsWith('OrEqual')
        ? {
            stricter:
              'onnx 1.12 infers the *OrEqual ops through their function body, without the broadcast check',
          }
        : {}),
    },
  ]),
  {
    name: 'Equal: legacy broadcast',
    op: 'Equal',
    opset: 1,
    inputs: [t([2, 3], i64), t([3], i64)],
    attrs: { broadcast: a.int(1) },
  },
  { name: 'Greater: opset 7', op: 'Greater', opset: 7, inputs: [t([2, 3]), t([3])] },
  ...['And', 'Or', 'Xor'].flatMap((op): Case[] => [
    { name: `${op}: bcast`, op, opset: 7, inputs: [t([2, 1, 4], b), t([3, 1], b)] },
    { name: `${op}: mismatch`, op, opset: 7, inputs: [t([2], b), t([3], b)] },
    {
      name: `${op}: legacy`,
      op,
      opset: 1,
      inputs: [t([2, 3], b), t([3], b)],
      attrs: { broadcast: a.int(1) },
    },
  ]),
  { name: 'Not: bool', op: 'Not', opset: 1, inputs: [t(['N', 3], b)] },
  { name: 'IsNaN: float', op: 'IsNaN', opset: 13, inputs: [t([2, 'W'])] },
  { name: 'IsNaN: 9', op: 'IsNaN', opset: 9, inputs: [t([4], 'float64')] },
  { name: 'IsInf: attrs', op: 'IsInf', opset: 10, inputs: [t([3, 3])], attrs: { detect_negative: a.int(0) } },
  ...['Max', 'Min', 'Sum', 'Mean'].flatMap((op): Case[] => [
    { name: `${op}: one input`, op, opset: 13, inputs: [t([2, 3])] },
    { name: `${op}: three bcast`, op, opset: 13, inputs: [t([2, 1, 4]), t([3, 1]), t([])] },
    { name: `${op}: opset 8 bcast`, op, opset: 8, inputs: [t([5, 1]), t([1, 6])] },
    { name: `${op}: symbolic`, op, opset: 13, inputs: [t(['N', 4]), t([4])] },
    { name: `${op}: mismatch`, op, opset: 13, inputs: [t([2, 3]), t([4, 3])] },
    { name: `${op}: opset 6 same`, op, opset: 6, inputs: [t([2, 3]), t([2, 3])] },
  ]),
  { name: 'Max: int64', op: 'Max', opset: 13, inputs: [t([3], i64), t([1], i64)] },
  { name: 'Mod: bcast', op: 'Mod', opset: 13, inputs: [t([2, 3], i64), t([3], i64)] },
  { name: 'Mod: fmod', op: 'Mod', opset: 10, inputs: [t([2, 3]), t([1])], attrs: { fmod: a.int(1) } },
  { name: 'Mod: mismatch', op: 'Mod', opset: 13, inputs: [t([2], i64), t([3], i64)] },
  ...UNARY.flatMap(([op, opset]): Case[] => [
    { name: `${op}: 4d`, op, opset, inputs: [t([1, 3, 'H', 'W'])] },
    { name: `${op}: scalar double`, op, opset, inputs: [t([], 'float64')] },
  ]),
  { name: 'Abs: opset 1', op: 'Abs', opset: 1, inputs: [t([4])] },
  { name: 'Neg: int32', op: 'Neg', opset: 13, inputs: [t([4], 'int32')] },
  ...REDUCE.flatMap((op): Case[] => [
    { name: `${op}: all`, op, opset: 13, inputs: [t([2, 3, 4])] },
    { name: `${op}: axes`, op, opset: 13, inputs: [t([2, 3, 4])], attrs: { axes: a.ints([1, -1]) } },
    {
      name: `${op}: axes no keepdims`,
      op,
      opset: 11,
      inputs: [t(['N', 3, 4])],
      attrs: { axes: a.ints([1]), keepdims: a.int(0) },
    },
    { name: `${op}: opset 1`, op, opset: 1, inputs: [t([2, 3])], attrs: { keepdims: a.int(0) } },
    { name: `${op}: bad axis`, op, opset: 13, inputs: [t([2, 3])], attrs: { axes: a.ints([2]) } },
  ]),
  {
    name: 'ReduceMax: int64',
    op: 'ReduceMax',
    opset: 13,
    inputs: [t([2, 3], i64)],
    attrs: { axes: a.ints([0]) },
  },
  // LpPool / GlobalLpPool.
  {
    name: 'LpPool: 2d',
    op: 'LpPool',
    opset: 11,
    inputs: [t([1, 3, 8, 8])],
    attrs: { kernel_shape: a.ints([3, 3]) },
  },
  {
    name: 'LpPool: strides pads p',
    op: 'LpPool',
    opset: 11,
    inputs: [t([2, 3, 9, 7])],
    attrs: { kernel_shape: a.ints([3, 2]), strides: a.ints([2, 2]), pads: a.ints([1, 0, 1, 1]), p: a.int(3) },
  },
  {
    name: 'LpPool: same upper',
    op: 'LpPool',
    opset: 2,
    inputs: [t(['N', 3, 10])],
    attrs: { kernel_shape: a.ints([3]), strides: a.ints([3]), auto_pad: a.string('SAME_UPPER') },
  },
  {
    name: 'LpPool: 1 float p',
    op: 'LpPool',
    opset: 1,
    inputs: [t([1, 2, 6, 6])],
    attrs: { kernel_shape: a.ints([2, 2]), p: a.float(3) },
  },
  { name: 'GlobalLpPool: 4d', op: 'GlobalLpPool', opset: 2, inputs: [t(['N', 3, 7, 'W'])] },
  { name: 'GlobalLpPool: 1', op: 'GlobalLpPool', opset: 1, inputs: [t([1, 2, 5])], attrs: { p: a.float(1) } },
  // Expand with a shape known only by its length: the rank is known, and X's dims above 1 stay.
  { name: 'Expand: unknown target', op: 'Expand', opset: 13, inputs: [t([3, 1]), t([3], i64)] },
  { name: 'Expand: unknown shorter target', op: 'Expand', opset: 13, inputs: [t([2, 5, 1]), t([2], i64)] },
  // Range: known length only from constants.
  { name: 'Range: unknown', op: 'Range', opset: 11, inputs: [t([], i64), t([], i64), t([], i64)] },
  { name: 'Range: float unknown', op: 'Range', opset: 11, inputs: [t([]), t([]), t([])] },
];
