/**
 * Inference through chains of int64 constants, the way format importers (MXNet) and exporters write
 * them — Shape → Gather → Unsqueeze → Concat → Reshape, Range from constants or from a Shape,
 * Slice/Split/Expand/ConstantOfShape fed by folded values — compared with onnx 1.12's
 * infer_shapes with data propagation: wherever onnx knows a dim, nnport must know the same.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DType } from '../../src/core/dtype.js';
import type { AttributeValue } from '../../src/core/graph.js';
import type { Dim } from '../../src/ops/index.js';
import { type Chain, type ChainConst, ourChain, peerChains } from './chains-peer.js';
import { a } from './helpers.js';

const c = (
  name: string,
  values: number[],
  dims: number[] = [values.length],
  dtype: DType = 'int64',
): ChainConst => ({
  name,
  dtype,
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

/** Chains onnx 1.12 can check (opset ≤ 17). */
const CHAINS: Chain[] = [
  {
    name: 'reshape keeping dim 0 via Shape/Gather/Unsqueeze/Concat',
    opset: 13,
    inputs: [x([2, 3, 4, 5])],
    consts: [c('i0', [0], []), c('ax0', [0]), c('minus1', [-1])],
    nodes: [
      n('Shape', 'x', 's'),
      n('Gather', 's,i0', 'd0'),
      n('Unsqueeze', 'd0,ax0', 'd0v'),
      n('Concat', 'd0v,minus1', 'target', { axis: a.int(0) }),
      n('Reshape', 'x,target', 'y'),
    ],
  },
  {
    name: 'slice_like: Slice ends gathered from a Shape',
    opset: 13,
    inputs: [x([6, 7, 8]), x([4, 5, 8], 'like')],
    consts: [c('axes', [0, 1]), c('starts', [0, 0])],
    nodes: [
      n('Shape', 'like', 's'),
      n('Gather', 's,axes', 'ends', { axis: a.int(0) }),
      n('Slice', 'x,starts,ends,axes', 'y'),
    ],
  },
  {
    name: 'Slice with negative steps and clamped ends',
    opset: 13,
    inputs: [x([5, 6, 7])],
    consts: [c('st', [-1, 1]), c('en', [-100, 1000]), c('ax', [2, 0]), c('sp', [-2, 2])],
    nodes: [n('Slice', 'x,st,en,ax,sp', 'y')],
  },
  {
    name: 'Unsqueeze and Squeeze with constant axes',
    opset: 13,
    inputs: [x([3, 4])],
    consts: [c('ua', [0, -1]), c('sa', [0])],
    nodes: [n('Unsqueeze', 'x,ua', 'u'), n('Squeeze', 'u,sa', 'y')],
  },
  {
    name: 'Split-13 equal parts and by a split input',
    opset: 13,
    inputs: [x([2, 6, 3])],
    consts: [c('sizes', [2, 4])],
    nodes: [
      n('Split', 'x', 'p0,p1,p2', { axis: a.int(1) }),
      n('Split', 'x,sizes', 'q0,q1', { axis: a.int(-2) }),
    ],
  },
  {
    name: 'Expand to a constant shape and to a folded one',
    opset: 13,
    inputs: [x([3, 1]), x([2, 1, 4], 'other')],
    consts: [c('shape', [2, 1, 4])],
    nodes: [n('Expand', 'x,shape', 'y'), n('Shape', 'other', 's'), n('Expand', 'x,s', 'z')],
  },
  {
    name: 'ConstantOfShape from a constant and from Shape',
    opset: 13,
    inputs: [x([2, 5])],
    consts: [c('dims', [4, 1, 3])],
    nodes: [n('ConstantOfShape', 'dims', 'y'), n('Shape', 'x', 's'), n('ConstantOfShape', 's', 'z')],
  },
  {
    name: 'Gather of a Shape output, Mul of dims, Concat, Reshape; Cast of a Shape',
    opset: 13,
    inputs: [x([2, 3, 4])],
    consts: [c('i0', [0]), c('i1', [1]), c('i2', [2])],
    nodes: [
      n('Shape', 'x', 's'),
      n('Gather', 's,i0', 'd0'),
      n('Gather', 's,i1', 'h'),
      n('Gather', 's,i2', 'w'),
      n('Mul', 'h,w', 'hw'),
      n('Concat', 'd0,hw', 't', { axis: a.int(0) }),
      n('Reshape', 'x,t', 'y'),
      n('Cast', 's', 'sf', { to: a.int(1) }),
    ],
  },
  {
    name: 'Range from scalar constants',
    opset: 13,
    inputs: [],
    consts: [
      c('s', [0], []),
      c('l', [10], []),
      c('d', [3], []),
      c('fs', [1], [], 'float32'),
      c('fl', [-2], [], 'float32'),
      c('fd', [-0.5], [], 'float32'),
    ],
    nodes: [n('Range', 's,l,d', 'r'), n('Range', 'fs,fl,fd', 'rf')],
  },
  {
    name: 'Range to a dim of a Shape (position ids)',
    opset: 13,
    inputs: [x([2, 7, 16])],
    consts: [c('zero', [0], []), c('one', [1], []), c('i1', [1], []), c('ax0', [0])],
    nodes: [
      n('Shape', 'x', 's'),
      n('Gather', 's,i1', 'len'),
      n('Range', 'zero,len,one', 'pos'),
      n('Unsqueeze', 'pos,ax0', 'y'),
    ],
  },
];

/** Chains through the clamps and counts importers add (onnx 1.12's data propagation skips these ops). */
const CHAINS_EXTRA: Chain[] = [
  {
    name: 'torch-style Expand: Where(Equal(shape, -1), 1, shape), Max clamp, ReduceProd count',
    opset: 13,
    inputs: [x([3, 1]), x([2, 5], 'w')],
    consts: [c('target', [2, -1, 4]), c('m1', [-1], []), c('one', [1], []), c('zero', [0]), c('cap', [9, 5])],
    nodes: [
      n('Equal', 'target,m1', 'isfree'),
      n('Where', 'isfree,one,target', 'fixed'),
      n('Expand', 'x,fixed', 'y'),
      n('Neg', 'target', 'neg'),
      n('Max', 'neg,zero', 'clamped'),
      n('ConstantOfShape', 'clamped', 'z'),
      n('Shape', 'w', 's'),
      n('ReduceProd', 's', 'count', { keepdims: a.int(1) }),
      n('Reshape', 'w,count', 'flat'),
      n('Min', 's,cap', 'capped'),
      n('Reshape', 'w,capped', 'flat2'),
    ],
  },
];

/** Chains at opset 18, newer than onnx 1.12: expected shapes from onnx docs/Operators.md. */
const CHAINS_18: Chain[] = [
  {
    name: 'ReduceMax-18 and ReduceProd-18 with constant axes',
    opset: 18,
    inputs: [x([2, 3, 4])],
    consts: [c('ax', [1])],
    nodes: [n('ReduceMax', 'x,ax', 'y'), n('ReduceProd', 'x,ax', 'z', { keepdims: a.int(0) })],
  },
  {
    name: 'Split-18 num_outputs with a smaller last part',
    opset: 18,
    inputs: [x([7, 2])],
    consts: [],
    nodes: [n('Split', 'x', 'p0,p1,p2', { num_outputs: a.int(3) })],
  },
];

/**
 * Shapes nnport must give (from Operators.md by hand). onnx 1.12 agrees where it infers them; it
 * leaves Reshape and Slice fed by folded values unknown, and the Range of a Shape dim symbolic.
 */
const EXPECTED: Record<string, Record<string, Dim[]>> = {
  'reshape keeping dim 0 via Shape/Gather/Unsqueeze/Concat': { y: [2, 60] },
  'slice_like: Slice ends gathered from a Shape': { y: [4, 5, 8] },
  'Slice with negative steps and clamped ends': { y: [2, 6, 4] },
  'Split-13 equal parts and by a split input': { p2: [2, 2, 3], q1: [2, 4, 3] },
  'Expand to a constant shape and to a folded one': { y: [2, 3, 4], z: [2, 3, 4] },
  'ConstantOfShape from a constant and from Shape': { y: [4, 1, 3], z: [2, 5] },
  'Gather of a Shape output, Mul of dims, Concat, Reshape; Cast of a Shape': { y: [2, 12], sf: [3] },
  'Range from scalar constants': { r: [4], rf: [6] },
  'Range to a dim of a Shape (position ids)': { pos: [7], y: [1, 7] },
};

test('chains of int64 constants infer what onnx 1.12 (data_prop) infers', () => {
  const theirs = peerChains(CHAINS);
  const failures: string[] = [];
  CHAINS.forEach((ch, i) => {
    const want = theirs[i];
    const got = ourChain(ch);
    if (want === undefined || 'error' in want) {
      failures.push(`${ch.name}: onnx fails: ${want === undefined ? '?' : want.error}`);
      return;
    }
    if ('error' in got) {
      failures.push(`${ch.name}: nnport fails: ${got.error}`);
      return;
    }
    for (const [name, w] of Object.entries(want)) {
      const g = got[name];
      if (w.dtype !== undefined && g?.dtype !== w.dtype)
        failures.push(`${ch.name} ${name}: dtype ${g?.dtype} vs ${w.dtype}`);
      if (w.shape === undefined) continue;
      const s = g?.shape;
      const ok =
        s !== undefined &&
        s.length === w.shape.length &&
        w.shape.every((d, k) => d === null || (typeof d === 'string' && d.startsWith('unk__')) || s[k] === d);
      if (!ok)
        failures.push(`${ch.name} ${name}: nnport ${JSON.stringify(s)} vs onnx ${JSON.stringify(w.shape)}`);
    }
  });
  for (const ch of CHAINS) {
    const got = ourChain(ch);
    for (const [name, shape] of Object.entries(EXPECTED[ch.name] ?? {})) {
      assert.ok(!('error' in got), `${ch.name}: nnport fails`);
      assert.deepEqual(got[name]?.shape, shape, `nnport ${ch.name} ${name}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('Where, Equal, Neg, Max, Min and ReduceProd of int64 vectors fold', () => {
  const got = ourChain(CHAINS_EXTRA[0] as Chain);
  assert.ok(!('error' in got));
  assert.deepEqual(got.y?.shape, [2, 3, 4]);
  assert.deepEqual(got.z?.shape, [0, 1, 0]);
  assert.deepEqual(got.flat?.shape, [10]);
  assert.deepEqual(got.flat2?.shape, [2, 5]);
  // onnx knows no more than nnport on any of these values.
  const [theirs] = peerChains(CHAINS_EXTRA);
  assert.ok(theirs !== undefined && !('error' in theirs));
  for (const [name, w] of Object.entries(theirs)) {
    const s = got[name]?.shape;
    if (w.shape === undefined) continue;
    assert.ok(s !== undefined && s.length === w.shape.length, name);
    w.shape.forEach((d, k) => {
      if (typeof d === 'number') assert.equal(s[k], d, `${name}[${k}]`);
    });
  }
});

test('opset 18 chains: ReduceMax/ReduceProd axes input, Split num_outputs (Operators.md)', () => {
  const [reduce, split] = CHAINS_18.map(ourChain);
  assert.ok(reduce !== undefined && !('error' in reduce));
  assert.deepEqual(reduce.y?.shape, [2, 1, 4]);
  assert.deepEqual(reduce.z?.shape, [2, 4]);
  assert.ok(split !== undefined && !('error' in split));
  assert.deepEqual(
    ['p0', 'p1', 'p2'].map((p) => split[p]?.shape),
    [
      [3, 2],
      [3, 2],
      [1, 2],
    ],
  );
});
