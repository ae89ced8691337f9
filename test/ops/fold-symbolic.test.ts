/**
 * Shape vectors with symbolic entries (src/ops/shape-vectors.ts): Shape of a value with a symbolic
 * batch dim, through Gather/Concat/Unsqueeze, into ConstantOfShape, Expand and Reshape — compared
 * with onnx 1.12's infer_shapes with data propagation, which keeps the symbols too.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DType } from '../../src/core/dtype.js';
import type { AttributeValue } from '../../src/core/graph.js';
import type { Dim } from '../../src/ops/index.js';
import { type Chain, type ChainConst, ourChain, peerChains } from './chains-peer.js';
import { a } from './helpers.js';

const c = (name: string, values: number[], dims: number[] = [values.length]): ChainConst => ({
  name,
  dtype: 'int64',
  dims,
  values,
});
const x = (shape: Dim[], name = 'x', dtype: DType = 'float32') => ({ name, dtype, shape });
const n = (op: string, inputs: string, outputs: string, attrs?: Record<string, AttributeValue>) => ({
  op,
  inputs: inputs.split(','),
  outputs: outputs.split(','),
  ...(attrs === undefined ? {} : { attrs }),
});

/** Each chain with the shapes nnport must give; onnx must agree wherever it knows a dim. */
const CHAINS: [Chain, Record<string, Dim[]>][] = [
  [
    {
      name: 'zeros_like: ConstantOfShape of a symbolic Shape',
      opset: 13,
      inputs: [x(['N', 3, 4])],
      consts: [],
      nodes: [n('Shape', 'x', 's'), n('ConstantOfShape', 's', 'z')],
    },
    { z: ['N', 3, 4] },
  ],
  [
    {
      name: 'Expand to the Shape of a symbolic tensor',
      opset: 13,
      inputs: [x([3, 1]), x(['N', 1, 4], 'o')],
      consts: [],
      nodes: [n('Shape', 'o', 's'), n('Expand', 'x,s', 'z')],
    },
    { z: ['N', 3, 4] },
  ],
  [
    {
      name: 'Gather of the known part of a symbolic Shape',
      opset: 13,
      inputs: [x(['N', 7, 8])],
      consts: [c('idx', [1, 2]), c('i0', [0], []), c('ax', [0]), c('m1', [-1])],
      nodes: [
        n('Shape', 'x', 's'),
        n('Gather', 's,idx', 'g'),
        n('ConstantOfShape', 'g', 'z'),
        n('Expand', 'x,g', 'e'),
        n('Gather', 's,i0', 'd0'),
        n('Unsqueeze', 'd0,ax', 'd0v'),
        n('Concat', 'd0v,m1', 't', { axis: a.int(0) }),
        n('Reshape', 'x,t', 'y'),
        n('Concat', 'd0v,g', 't2', { axis: a.int(0) }),
        n('ConstantOfShape', 't2', 'z2'),
      ],
    },
    { z: [7, 8], e: ['N', 7, 8], y: ['N', 56], z2: ['N', 7, 8] },
  ],
  [
    {
      name: 'Reshape keeping two symbols, a 0 and a -1',
      opset: 14,
      inputs: [x(['B', 'T', 4, 2])],
      consts: [c('idx', [1]), c('zero', [0]), c('m1', [-1])],
      nodes: [
        n('Shape', 'x', 's'),
        n('Gather', 's,idx', 't'),
        n('Concat', 'zero,t,m1', 'target', { axis: a.int(0) }),
        n('Reshape', 'x,target', 'y'),
      ],
    },
    { y: ['B', 'T', 8] },
  ],
];

test('symbolic shape vectors reach ConstantOfShape, Expand and Reshape as onnx (data_prop) has them', () => {
  const theirs = peerChains(CHAINS.map(([ch]) => ch));
  CHAINS.forEach(([ch, expected], i) => {
    const got = ourChain(ch);
    assert.ok(!('error' in got), `${ch.name}: ${JSON.stringify(got)}`);
    for (const [name, shape] of Object.entries(expected))
      assert.deepEqual(got[name]?.shape, shape, `${ch.name} ${name}`);
    const want = theirs[i];
    assert.ok(want !== undefined && !('error' in want), `${ch.name}: onnx fails`);
    for (const [name, w] of Object.entries(want)) {
      const s = got[name]?.shape;
      if (w.shape === undefined) continue;
      assert.ok(
        s !== undefined &&
          s.length === w.shape.length &&
          w.shape.every((d, k) => d === null || String(d).startsWith('unk__') || s[k] === d),
        `${ch.name} ${name}: nnport ${JSON.stringify(s)} vs onnx ${JSON.stringify(w.shape)}`,
      );
    }
  });
});

test('a Reshape whose symbols do not cancel leaves the -1 unknown', () => {
  const got = ourChain({
    name: 'no cancel',
    opset: 13,
    inputs: [x(['N', 6]), x(['M', 2], 'o')],
    consts: [c('i0', [0]), c('m1', [-1])],
    nodes: [
      n('Shape', 'o', 's'),
      n('Gather', 's,i0', 'm'),
      n('Concat', 'm,m1', 't', { axis: a.int(0) }),
      n('Reshape', 'x,t', 'y'),
    ],
  });
  assert.ok(!('error' in got));
  assert.deepEqual(got.y?.shape, ['M', null]);
});
