/**
 * The transpose optimizer on hand-made graphs: Transpose chains fold (to one perm, or away), a
 * Transpose moves past unary and broadcasting elementwise ops (a per-channel [C] constant gets a
 * Reshape node, the stored tensor untouched; two inputs with the same Transpose become one), and
 * what cannot be moved exactly (Flatten, a constant whose elements would move) stays. Every
 * rewritten graph gives bit-for-bit the outputs of the original under nnport's executor.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AttributeValue, Graph, GraphNode } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { toModelTensor } from '../../src/exec/tensors.js';
import {
  channelsLastInputs,
  optimizeTransposes,
  recordChannelsLast,
  toChannelsFirst,
} from '../../src/ops/layout/index.js';
import { rand } from '../exec/core-harness.js';

const perm = (p: number[]): Record<string, AttributeValue> => ({ perm: { type: 'ints', value: p } });
const node = (
  op: string,
  inputs: string[],
  output: string,
  attributes: Record<string, AttributeValue> = {},
): GraphNode => ({
  name: output,
  op,
  inputs,
  outputs: [output],
  attributes,
});
const T = (x: string, out: string, p: number[]): GraphNode => node('Transpose', [x], out, perm(p));

function model(
  nodes: GraphNode[],
  inShape: number[],
  outputs: string[],
  consts: Record<string, ExecTensor> = {},
): Model {
  const graph: Graph = {
    nodes,
    inputs: [{ name: 'x', dtype: 'float32', shape: inShape }],
    outputs: outputs.map((name) => ({ name, dtype: 'float32' })),
    opsets: { '': 17 },
  };
  return {
    format: 'memory',
    metadata: {},
    graph,
    tensors: Object.entries(consts).map(([n, t]) => toModelTensor(n, t)),
  };
}

const ops = (g: Graph): string[] => g.nodes.map((n) => n.op);

/** A float tensor with its axes permuted (`shape[k]` of the result is `shape[perm[k]]`). */
function transposed(t: ExecTensor, perm: number[]): ExecTensor {
  const s = [...t.shape];
  const shape = perm.map((p) => s[p] as number);
  const strides = s.map((_, i) => s.slice(i + 1).reduce((x, y) => x * y, 1));
  const src = t.data as Float32Array;
  const data = new Float32Array(src.length);
  const idx = shape.map(() => 0);
  for (let o = 0; o < data.length; o++) {
    data[o] = src[perm.reduce((at, p, k) => at + (idx[k] as number) * (strides[p] as number), 0)] as number;
    for (let k = shape.length - 1; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1;
      if ((idx[k] as number) < (shape[k] as number)) break;
      idx[k] = 0;
    }
  }
  return { dtype: 'float32', shape, data };
}

/** The optimized model, checked to give exactly the original's outputs on a seeded input. */
async function optimized(m: Model, inShape: number[]): Promise<Graph> {
  const g = m.graph as Graph;
  const result = optimizeTransposes(g, m.tensors);
  const x = rand(inShape, 3);
  const want = await runGraph(m, { x });
  const got = await runGraph({ ...m, graph: result.graph }, { x });
  for (const o of g.outputs) {
    const a = got[o.name] as ExecTensor;
    const b = want[o.name] as ExecTensor;
    assert.deepEqual([...a.shape], [...b.shape], `${o.name} shape`);
    assert.deepEqual(
      Array.from(a.data as Float32Array),
      Array.from(b.data as Float32Array),
      `${o.name} values`,
    );
  }
  assert.equal(result.after, result.graph.nodes.filter((n) => n.op === 'Transpose').length);
  return result.graph;
}

test('fold: a Transpose and its inverse cancel; two others become one perm', async () => {
  const a = model(
    [T('x', 't1', [0, 2, 3, 1]), T('t1', 't2', [0, 3, 1, 2]), node('Relu', ['t2'], 'y')],
    [2, 3, 4, 5],
    ['y'],
  );
  assert.deepEqual(ops(await optimized(a, [2, 3, 4, 5])), ['Relu']);
  const b = model([T('x', 't1', [0, 2, 3, 1]), T('t1', 'y', [0, 2, 3, 1])], [2, 3, 4, 5], ['y']);
  const g = await optimized(b, [2, 3, 4, 5]);
  assert.deepEqual(ops(g), ['Transpose']);
  assert.deepEqual(g.nodes[0]?.attributes.perm?.value, [0, 3, 1, 2]);
  // perms that do not commute: composed in the order applied
  const d = model([T('x', 't1', [1, 0, 2]), T('t1', 'y', [0, 2, 1])], [2, 3, 4], ['y']);
  const h = await optimized(d, [2, 3, 4]);
  assert.deepEqual(h.nodes[0]?.attributes.perm?.value, [1, 2, 0]);
  // an identity whose result is a graph output read straight from the input: an Identity node
  const c = model([T('x', 't1', [0, 2, 1]), T('t1', 'y', [0, 2, 1])], [2, 3, 4], ['y']);
  assert.deepEqual(ops(await optimized(c, [2, 3, 4])), ['Identity']);
});

test('push: Conv-style chains T → Relu → Sigmoid → T⁻¹ lose both Transposes', async () => {
  const m = model(
    [
      T('x', 't', [0, 2, 3, 1]),
      node('Relu', ['t'], 'r'),
      node('LeakyRelu', ['r'], 's', { alpha: { type: 'float', value: 0.1 } }),
      T('s', 'y', [0, 3, 1, 2]),
    ],
    [1, 3, 4, 2],
    ['y'],
  );
  assert.deepEqual(ops(await optimized(m, [1, 3, 4, 2])), ['Relu', 'LeakyRelu']);
});

test('push: a per-channel [C] constant is reshaped by a node, the stored tensor kept', async () => {
  const bias = rand([3], 9);
  const half = { dtype: 'float32', shape: [], data: new Float32Array([0.5]) } as ExecTensor;
  const m = model(
    [
      T('x', 't', [0, 2, 3, 1]),
      node('Add', ['t', 'bias'], 'a'),
      node('Mul', ['half', 'a'], 'b'),
      T('b', 'y', [0, 3, 1, 2]),
    ],
    [2, 3, 4, 5],
    ['y'],
    { bias, half },
  );
  const g = await optimized(m, [2, 3, 4, 5]);
  assert.deepEqual(ops(g), ['Constant', 'Reshape', 'Add', 'Mul']);
  assert.deepEqual(g.nodes[0]?.attributes.value_ints?.value, [3, 1, 1]);
  assert.equal(g.nodes[1]?.inputs[0], 'bias');
  // operand order is kept (Sub/Div would need it)
  assert.deepEqual(g.nodes[3]?.inputs[0], 'half');
  assert.equal(m.tensors.find((t) => t.name === 'bias')?.shape.join(','), '3');
});

test('push: both inputs under the same Transpose (a residual Add) become one Transpose after it', async () => {
  const m = model(
    [
      T('x', 'a', [0, 2, 1]),
      node('Relu', ['x'], 'r'),
      T('r', 'b', [0, 2, 1]),
      node('Add', ['a', 'b'], 's'),
      node('Flatten', ['s'], 'y', { axis: { type: 'int', value: 1 } }),
    ],
    [2, 3, 4],
    ['y'],
  );
  const g = await optimized(m, [2, 3, 4]);
  assert.deepEqual(ops(g), ['Relu', 'Add', 'Transpose', 'Flatten']);
});

test('push: Pad and nearest Resize get their per-axis vectors permuted (new Constant nodes)', async () => {
  const ints = (v: number[]): Record<string, AttributeValue> => ({ value_ints: { type: 'ints', value: v } });
  const floats = (v: number[]): Record<string, AttributeValue> => ({
    value_floats: { type: 'floats', value: v },
  });
  const m = model(
    [
      T('x', 't', [0, 2, 3, 1]),
      node('Constant', [], 'pads', ints([0, 1, 0, 0, 0, 2, 1, 0])),
      node('Pad', ['t', 'pads'], 'p', { mode: { type: 'string', value: 'constant' } }),
      node('Constant', [], 'scales', floats([1, 2, 3, 1])),
      node('Resize', ['p', '', 'scales'], 'r', {
        mode: { type: 'string', value: 'nearest' },
        coordinate_transformation_mode: { type: 'string', value: 'asymmetric' },
        nearest_mode: { type: 'string', value: 'floor' },
      }),
      T('r', 'y', [0, 3, 1, 2]),
    ],
    [2, 3, 4, 5],
    ['y'],
  );
  const g = await optimized(m, [2, 3, 4, 5]);
  assert.deepEqual(ops(g), ['Constant', 'Pad', 'Constant', 'Resize']);
  assert.deepEqual(g.nodes[0]?.attributes.value_ints?.value, [0, 0, 1, 0, 0, 0, 2, 1]);
  assert.deepEqual(g.nodes[2]?.attributes.value_floats?.value, [1, 1, 2, 3]);
  // a linear Resize is left as it is
  const lin = model(
    [
      T('x', 't', [0, 2, 3, 1]),
      node('Constant', [], 'scales', floats([1, 2, 2, 1])),
      node('Resize', ['t', '', 'scales'], 'r', { mode: { type: 'string', value: 'linear' } }),
      T('r', 'y', [0, 3, 1, 2]),
    ],
    [1, 2, 3, 3],
    ['y'],
  );
  assert.deepEqual(ops(await optimized(lin, [1, 2, 3, 3])), ['Transpose', 'Constant', 'Resize', 'Transpose']);
});

test('what cannot move exactly stays: Flatten, a constant whose elements would move', async () => {
  const grid = rand([4, 5], 4);
  const m = model(
    [
      T('x', 't', [0, 2, 3, 1]),
      node('Add', ['t', 'grid'], 'a'),
      node('Flatten', ['a'], 'y', { axis: { type: 'int', value: 1 } }),
    ],
    [1, 5, 3, 4],
    ['y'],
    { grid },
  );
  const g = await optimized(m, [1, 5, 3, 4]);
  assert.deepEqual(ops(g), ['Transpose', 'Add', 'Flatten']);
});

test('toChannelsFirst: an NHWC input feeding a channels-first Transpose is taken NCHW; records say so', async () => {
  const m = model(
    [T('x', 't', [0, 3, 1, 2]), node('Relu', ['t'], 'r'), T('r', 'y', [0, 2, 3, 1])],
    [2, 4, 5, 3],
    ['y'],
  );
  const withShape: Model = {
    ...m,
    graph: { ...(m.graph as Graph), outputs: [{ name: 'y', dtype: 'float32', shape: ['n', 4, 5, 3] }] },
  };
  assert.deepEqual(channelsLastInputs(withShape.graph as Graph), ['x']);
  const cf = toChannelsFirst(withShape);
  const g = cf.graph as Graph;
  assert.deepEqual(ops(g), ['Relu']);
  assert.deepEqual(g.inputs[0]?.shape, [2, 3, 4, 5]);
  assert.deepEqual(g.outputs[0]?.shape, ['n', 3, 4, 5]);
  const change = (cf.metadata.nnport as { changes: Record<string, unknown>[] }).changes[0];
  assert.deepEqual(change, {
    change: 'layout',
    to: 'NCHW',
    inputs: [{ name: 'x', from: [2, 4, 5, 3], to: [2, 3, 4, 5], perm: [0, 3, 1, 2] }],
    outputs: [{ name: 'y', from: ['n', 4, 5, 3], to: ['n', 3, 4, 5], perm: [0, 3, 1, 2] }],
    removedTransposes: 2,
  });
  assert.deepEqual((recordChannelsLast(withShape).metadata.nnport as { changes: unknown[] }).changes, [
    { change: 'layout', kept: 'NHWC', inputs: ['x'] },
  ]);
  // an image output with a per-channel bias added after the Transpose is given NCHW too
  const bias = rand([3], 5);
  const biased = model(
    [
      T('x', 't', [0, 3, 1, 2]),
      node('Relu', ['t'], 'r'),
      T('r', 'u', [0, 2, 3, 1]),
      node('Add', ['u', 'bias'], 'y'),
    ],
    [2, 4, 5, 3],
    ['y'],
    { bias },
  );
  const bf = toChannelsFirst(biased).graph as Graph;
  assert.deepEqual(ops(bf), ['Relu', 'Constant', 'Reshape', 'Add']);
  const x = rand([2, 4, 5, 3], 6);
  const want = (await runGraph(biased, { x })).y as ExecTensor;
  const got = (await runGraph({ ...biased, graph: bf }, { x: transposed(x, [0, 3, 1, 2]) })).y as ExecTensor;
  assert.deepEqual(
    Array.from(transposed(got, [0, 2, 3, 1]).data as Float32Array),
    Array.from(want.data as Float32Array),
  );
  // a graph with no channels-last input: USAGE, and no record
  const plain = model([node('Relu', ['x'], 'y')], [2, 3, 4, 5], ['y']);
  assert.throws(
    () => toChannelsFirst(plain),
    (e: { code?: string }) => e.code === 'USAGE',
  );
  assert.equal(recordChannelsLast(plain), plain);
});
