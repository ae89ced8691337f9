/**
 * Comparisons and logic: Equal, Greater, Less, GreaterOrEqual, LessOrEqual, Not, And, Or, Xor,
 * IsNaN, IsInf. Their outputs are bool whatever the inputs are (Operators.md: "T1: tensor(bool)"),
 * so the shape rules of the arithmetic ops apply with the type replaced. Versions from
 * onnx docs/Changelog.md; before opset 7 the binary ones had the limited `broadcast` attribute
 * (Changelog Equal-1, And-1), like Add-1.
 */

import { broadcastAll, LEGACY_BINARY_6, legacyBinary } from './defs-elementwise.js';
import { attr, info, versions } from './shape-math.js';
import type { InferFn, OpSchema } from './types.js';

/** The shapes an InferFn gives, each typed bool. */
function asBool(f: InferFn): InferFn {
  return (ctx) => f(ctx).map((t) => info('bool', t?.shape));
}

const boolBroadcast = asBool(broadcastAll);
const boolLegacy = asBool(legacyBinary);
const boolSame: InferFn = (ctx) => [info('bool', ctx.inputs[0]?.shape)];

/** A bool-valued binary op: the legacy form at 1 (when it existed), numpy broadcasting from `later`. */
function compare(op: string, legacy: boolean, later: number[]): OpSchema[] {
  return [
    ...(legacy
      ? versions(op, [1], { inputs: 'A B', outputs: 'C', attributes: LEGACY_BINARY_6, infer: boolLegacy })
      : []),
    ...versions(op, later, { inputs: 'A B', outputs: 'C', infer: boolBroadcast }),
  ];
}

/** The schemas of this family. */
export const LOGIC_SCHEMAS: readonly OpSchema[] = [
  // Equal-11 added floats, Equal-13 bfloat16, Equal-19 strings (Changelog).
  ...compare('Equal', true, [7, 11, 13, 19]),
  ...compare('Greater', true, [7, 9, 13]),
  ...compare('Less', true, [7, 9, 13]),
  ...compare('GreaterOrEqual', false, [12, 16]),
  ...compare('LessOrEqual', false, [12, 16]),
  ...compare('And', true, [7]),
  ...compare('Or', true, [7]),
  ...compare('Xor', true, [7]),
  ...versions('Not', [1], { inputs: 'X', outputs: 'Y', infer: boolSame }),
  ...versions('IsNaN', [9, 13, 20], { inputs: 'X', outputs: 'Y', infer: boolSame }),
  ...versions('IsInf', [10, 20], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [attr('detect_negative', 'int', 1), attr('detect_positive', 'int', 1)],
    infer: boolSame,
  }),
];
