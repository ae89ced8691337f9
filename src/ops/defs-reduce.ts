/**
 * More reductions and the Lp pools: ReduceMax, ReduceMin, ReduceProd, ReduceL2, ReduceLogSumExp
 * (shape rule shared with ReduceSum/ReduceMean: `axes` an attribute until 18, an input from 18,
 * with `noop_with_empty_axes`; Changelog ReduceMax-18), LpPool and GlobalLpPool (`p` a float at
 * 1, an int from 2; LpPool-18 added ceil_mode and dilations). Versions from onnx docs/Changelog.md.
 */

import { globalPoolInfer, POOL_BASE, poolInfer } from './defs-nn.js';
import { reduceInfer } from './defs-resize.js';
import { attr, versions } from './shape-math.js';
import type { OpSchema } from './types.js';

const KEEPDIMS = attr('keepdims', 'int', 1);

/** A reduction: attribute axes at `byAttr`, input axes at `byInput` (18 and any later typing). */
function reduction(op: string, byAttr: number[], byInput: number[]): OpSchema[] {
  return [
    ...versions(op, byAttr, {
      inputs: 'data',
      outputs: 'reduced',
      attributes: [attr('axes', 'ints'), KEEPDIMS],
      infer: reduceInfer,
    }),
    ...versions(op, byInput, {
      inputs: 'data axes?',
      outputs: 'reduced',
      attributes: [KEEPDIMS, attr('noop_with_empty_axes', 'int', 0)],
      infer: reduceInfer,
    }),
  ];
}

/** The schemas of this family. */
export const REDUCE_SCHEMAS: readonly OpSchema[] = [
  // ReduceMax-12 / ReduceMin-12 added int8/uint8, -20 bool (Changelog).
  ...reduction('ReduceMax', [1, 11, 12, 13], [18, 20]),
  ...reduction('ReduceMin', [1, 11, 12, 13], [18, 20]),
  ...reduction('ReduceProd', [1, 11, 13], [18]),
  ...reduction('ReduceL2', [1, 11, 13], [18]),
  ...reduction('ReduceLogSumExp', [1, 11, 13], [18]),
  // LpPool-1's kernel_shape was optional and p a float.
  ...versions('LpPool', [1], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [
      attr('auto_pad', 'string', 'NOTSET'),
      attr('kernel_shape', 'ints'),
      attr('p', 'float', 2),
      attr('pads', 'ints'),
      attr('strides', 'ints'),
    ],
    infer: poolInfer,
  }),
  ...versions('LpPool', [2, 11], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [...POOL_BASE, attr('p', 'int', 2)],
    infer: poolInfer,
  }),
  ...versions('LpPool', [18, 22], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [...POOL_BASE, attr('ceil_mode', 'int', 0), attr('dilations', 'ints'), attr('p', 'int', 2)],
    infer: poolInfer,
  }),
  ...versions('GlobalLpPool', [1], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [attr('p', 'float', 2)],
    infer: globalPoolInfer,
  }),
  ...versions('GlobalLpPool', [2, 22], {
    inputs: 'X',
    outputs: 'Y',
    attributes: [attr('p', 'int', 2)],
    infer: globalPoolInfer,
  }),
];
