/**
 * Unit tests of the op set: version lookup, defaults, node checks (arity, attributes), errors
 * naming the node, graph-level inference with folded shape chains and unknown ops, and the ops
 * and versions newer than onnx 1.12 (expected shapes from onnx docs/Operators.md).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NnportError } from '../../src/core/errors.js';
import type { Graph, GraphNode } from '../../src/core/graph.js';
import {
  applyDefaults,
  checkNode,
  inferShapes,
  isExecutableOp,
  type OpSchema,
  opSchema,
} from '../../src/ops/index.js';
import { a, ours, t } from './helpers.js';

function node(
  op: string,
  inputs: string[],
  outputs: string[],
  attributes: GraphNode['attributes'] = {},
): GraphNode {
  return { name: `${op.toLowerCase()}_1`, op, inputs, outputs, attributes };
}

test('opSchema picks the newest version at or below the opset', () => {
  assert.equal(opSchema('', 'Softmax', 12)?.since, 11);
  assert.equal(opSchema('', 'Softmax', 13)?.attributes.find((x) => x.name === 'axis')?.default?.value, -1);
  assert.equal(opSchema('', 'Softmax', 12)?.attributes.find((x) => x.name === 'axis')?.default?.value, 1);
  assert.equal(opSchema('', 'Reshape', 4)?.since, 1);
  assert.equal(opSchema('ai.onnx', 'Reshape', 5)?.since, 5);
  assert.equal(opSchema('', 'Gelu', 17), undefined);
  assert.equal(opSchema('', 'Gelu', 20)?.since, 20);
  assert.equal(opSchema('', 'LayerNormalization', 16), undefined);
  assert.equal(opSchema('', 'NoSuchOp', 17), undefined);
  assert.equal(opSchema('com.microsoft', 'Gelu', 1), undefined);
  assert.equal(
    opSchema('', 'Cast', 19)?.attributes.some((x) => x.name === 'saturate'),
    true,
  );
  assert.equal(
    opSchema('', 'Cast', 18)?.attributes.some((x) => x.name === 'saturate'),
    false,
  );
});

test('isExecutableOp: the set, not deprecated versions, not other domains', () => {
  assert.equal(isExecutableOp('', 'Conv', 11), true);
  assert.equal(isExecutableOp('', 'Upsample', 9), true);
  assert.equal(isExecutableOp('', 'Upsample', 10), false);
  assert.equal(isExecutableOp('', 'Gelu', 20), true);
  assert.equal(isExecutableOp('', 'Gelu', 18), false);
  assert.equal(isExecutableOp('ai.onnx.ml', 'ZipMap', 1), false);
  assert.equal(isExecutableOp('', 'Einsum', 17), false);
});

test('applyDefaults fills omitted attributes and keeps given ones', () => {
  const s = opSchema('', 'Conv', 11);
  assert.ok(s);
  const attrs = applyDefaults(s, { group: a.int(2) });
  assert.deepEqual(attrs.group, a.int(2));
  assert.deepEqual(attrs.auto_pad, a.string('NOTSET'));
  assert.equal('pads' in attrs, false);
  const lstm = applyDefaults(opSchema('', 'LSTM', 14) as OpSchema, {});
  assert.deepEqual(lstm.direction, a.string('forward'));
  assert.deepEqual(lstm.layout, a.int(0));
  assert.deepEqual(
    applyDefaults(opSchema('', 'RNN', 14) as OpSchema, {}).activations,
    a.strings(['Tanh', 'Tanh']),
  );
});

test('checkNode reports unknown, missing and mistyped attributes', () => {
  const kinds = (n: GraphNode, v: number): string[] => checkNode(n, v).map((p) => p.kind);
  assert.deepEqual(kinds(node('Relu', ['x'], ['y']), 14), []);
  assert.deepEqual(kinds(node('Relu', ['x'], ['y'], { alpha: a.float(1) }), 14), ['unknown-attribute']);
  assert.deepEqual(kinds(node('Concat', ['x', 'y'], ['z']), 13), ['missing-attribute']);
  assert.deepEqual(kinds(node('Concat', ['x'], ['z'], { axis: a.float(1) }), 13), ['attribute-type']);
  // consumed_inputs exists in Relu-1 only.
  assert.deepEqual(kinds(node('Relu', ['x'], ['y'], { consumed_inputs: a.ints([0]) }), 1), []);
  assert.deepEqual(kinds(node('Relu', ['x'], ['y'], { consumed_inputs: a.ints([0]) }), 6), [
    'unknown-attribute',
  ]);
  assert.deepEqual(kinds(node('Custom', ['x'], ['y'], { anything: a.int(1) }), 13), []);
});

test('checkNode reports wrong arity', () => {
  const kinds = (n: GraphNode, v: number): string[] => checkNode(n, v).map((p) => p.kind);
  assert.deepEqual(kinds(node('Conv', ['x'], ['y']), 11), ['too-few-inputs']);
  assert.deepEqual(kinds(node('Relu', ['x', 'z'], ['y']), 14), ['too-many-inputs']);
  assert.deepEqual(kinds(node('Gemm', ['a', 'b', ''], ['y']), 13), []);
  assert.deepEqual(kinds(node('Gemm', ['a', 'b'], ['y']), 9), ['too-few-inputs']);
  assert.deepEqual(kinds(node('Conv', ['', 'w'], ['y']), 11), ['missing-input']);
  assert.deepEqual(kinds(node('Relu', ['x'], ['y', 'z']), 14), ['too-many-outputs']);
  assert.deepEqual(kinds(node('Concat', ['a', 'b', 'c', 'd'], ['y'], { axis: a.int(0) }), 13), []);
  assert.deepEqual(kinds(node('Split', ['x'], ['a', 'b', 'c']), 13), []);
  assert.deepEqual(kinds(node('Concat', [], ['y'], { axis: a.int(0) }), 13), ['too-few-inputs']);
  assert.deepEqual(kinds(node('LSTM', ['x', 'w', 'r'], []), 14), []);
});

test('inconsistent shapes raise INVALID_STRUCTURE naming the node', () => {
  const graph: Graph = {
    nodes: [node('Add', ['a', 'b'], ['c'])],
    inputs: [
      { name: 'a', dtype: 'float32', shape: [2, 3] },
      { name: 'b', dtype: 'float32', shape: [4, 3] },
    ],
    outputs: [],
    opsets: { '': 14 },
  };
  assert.throws(
    () => inferShapes(graph),
    (e: unknown) =>
      e instanceof NnportError &&
      e.code === 'INVALID_STRUCTURE' &&
      JSON.stringify(e.at) === '{"node":"add_1"}',
  );
  for (const bad of [
    { op: 'Transpose', inputs: [t([2, 3])], attrs: { perm: a.ints([0, 0]) } },
    { op: 'Softmax', inputs: [t([2, 3])], attrs: { axis: a.int(2) } },
    { op: 'Concat', inputs: [t([2, 3]), t([2, 3, 1])], attrs: { axis: a.int(0) } },
    { op: 'Squeeze', inputs: [t([2, 3])], attrs: { axes: a.ints([5]) } },
    { op: 'Conv', inputs: [t([1, 3, 4, 4]), t([2, 3, 5, 5])] },
    { op: 'Split', inputs: [t([5])], outputs: 2 },
    { op: 'Gelu', inputs: [t([2])], attrs: { approximate: a.string('fast') } },
  ]) {
    const r = ours({ name: bad.op, opset: bad.op === 'Squeeze' ? 11 : 20, ...bad });
    assert.ok('error' in r, `${bad.op} should fail`);
  }
});

test('graph inference folds Shape → Gather → Unsqueeze → Concat into Reshape', () => {
  const graph: Graph = {
    nodes: [
      node('Shape', ['x'], ['s']),
      { ...node('Constant', [], ['zero'], { value_int: a.int(0) }), name: 'c0' },
      node('Gather', ['s', 'zero'], ['n']),
      node('Unsqueeze', ['n', 'axes'], ['n1']),
      node('Concat', ['n1', 'minus1'], ['target'], { axis: a.int(0) }),
      node('Reshape', ['x', 'target'], ['flat']),
      node('Relu', ['flat'], ['y']),
    ],
    inputs: [{ name: 'x', dtype: 'float32', shape: [2, 3, 4, 4] }],
    outputs: [{ name: 'y' }],
    opsets: { '': 13 },
  };
  const consts = new Map<string, BigInt64Array>([
    ['axes', new BigInt64Array([0n])],
    ['minus1', new BigInt64Array([-1n])],
  ]);
  const shapes = new Map([
    ['axes', { name: 'axes', dtype: 'int64' as const, shape: [1] }],
    ['minus1', { name: 'minus1', dtype: 'int64' as const, shape: [1] }],
  ]);
  const m = inferShapes(graph, shapes, (n) => consts.get(n));
  assert.deepEqual(m.get('s')?.shape, [4]);
  assert.deepEqual(m.get('n')?.shape, []);
  assert.deepEqual(m.get('target')?.shape, [2]);
  assert.deepEqual(m.get('flat')?.shape, [2, 48]);
  assert.equal(m.get('y')?.dtype, 'float32');
});

test('unknown ops give unknown outputs (declared value_info fills in), never errors', () => {
  const graph: Graph = {
    nodes: [
      { ...node('FancyOp', ['x'], ['u']), domain: 'com.example' },
      node('Relu', ['u'], ['v']),
      node('NotAnOnnxOp', ['v'], ['w']),
      node('Relu', ['w'], ['z']),
    ],
    inputs: [{ name: 'x', dtype: 'float32', shape: [2] }],
    outputs: [],
    opsets: { '': 17, 'com.example': 1 },
    valueInfo: [{ name: 'w', dtype: 'float16', shape: ['B', 7] }],
  };
  const m = inferShapes(graph);
  assert.deepEqual(m.get('u'), { name: 'u' });
  assert.deepEqual(m.get('v'), { name: 'v' });
  assert.deepEqual(m.get('z'), { name: 'z', dtype: 'float16', shape: ['B', 7] });
});

test('ops newer than onnx 1.12, expectations from Operators.md', () => {
  const out = (r: ReturnType<typeof ours>): unknown =>
    'error' in r ? r.error : r.outputs.map((o) => o?.shape);
  // Gelu-20: elementwise.
  assert.deepEqual(out(ours({ name: 'gelu', op: 'Gelu', opset: 20, inputs: [t([2, 'S', 8])] })), [
    [2, 'S', 8],
  ]);
  // ReduceMean-18: axes as an input; empty axes with noop → identity.
  assert.deepEqual(
    out(
      ours({
        name: 'rm',
        op: 'ReduceMean',
        opset: 18,
        inputs: [t([2, 3, 4]), t([1], 'int64')],
        consts: { 1: [-1] },
      }),
    ),
    [[2, 3, 1]],
  );
  assert.deepEqual(
    out(
      ours({
        name: 'rm0',
        op: 'ReduceMean',
        opset: 18,
        inputs: [t([2, 3])],
        attrs: { noop_with_empty_axes: a.int(1) },
      }),
    ),
    [[2, 3]],
  );
  // Split-18 num_outputs: "the last chunk will be smaller".
  assert.deepEqual(
    out(
      ours({
        name: 's',
        op: 'Split',
        opset: 18,
        inputs: [t([7, 2])],
        attrs: { num_outputs: a.int(4) },
        outputs: 4,
      }),
    ),
    [
      [2, 2],
      [2, 2],
      [2, 2],
      [1, 2],
    ],
  );
  // Resize-18 axes + keep_aspect_ratio_policy not_larger: one scale = min(50/100, 50/200).
  assert.deepEqual(
    out(
      ours({
        name: 'r',
        op: 'Resize',
        opset: 18,
        inputs: [t([1, 3, 100, 200]), null, null, t([2], 'int64')],
        consts: { 3: [50, 50] },
        attrs: { axes: a.ints([2, 3]), keep_aspect_ratio_policy: a.string('not_larger') },
      }),
    ),
    [[1, 3, 25, 50]],
  );
  // Pad-18 axes input.
  assert.deepEqual(
    out(
      ours({
        name: 'p',
        op: 'Pad',
        opset: 18,
        inputs: [t([2, 3, 4]), t([2], 'int64'), null, t([1], 'int64')],
        consts: { 1: [1, 2], 3: [-1] },
      }),
    ),
    [[2, 3, 7]],
  );
  // AveragePool-19 dilations.
  assert.deepEqual(
    out(
      ours({
        name: 'ap',
        op: 'AveragePool',
        opset: 19,
        inputs: [t([1, 1, 10, 10])],
        attrs: { kernel_shape: a.ints([3, 3]), dilations: a.ints([2, 2]) },
      }),
    ),
    [[1, 1, 6, 6]],
  );
  // Cast-19 with saturate to float8 (dtype resolves once the core knows float8e4m3fn).
  const cast = ours({
    name: 'c',
    op: 'Cast',
    opset: 19,
    inputs: [t([3])],
    attrs: { to: a.int(17), saturate: a.int(0) },
  });
  assert.ok(!('error' in cast));
  assert.deepEqual(cast.outputs[0]?.shape, [3]);
  assert.equal(cast.outputs[0]?.dtype, 'float8e4m3fn');
  // ConstantOfShape-20, Identity-21: later versions keep the semantics.
  assert.deepEqual(
    out(
      ours({
        name: 'cs',
        op: 'ConstantOfShape',
        opset: 21,
        inputs: [t([2], 'int64')],
        consts: { 0: [4, 5] },
      }),
    ),
    [[4, 5]],
  );
  // LSTM-22 with layout 1 and hidden size from R.
  assert.deepEqual(
    out(
      ours({
        name: 'l',
        op: 'LSTM',
        opset: 22,
        inputs: [t(['B', 'S', 5]), t([1, 12, 5]), t([1, 12, 3])],
        attrs: { layout: a.int(1) },
        outputs: 3,
      }),
    ),
    [
      ['B', 'S', 1, 3],
      ['B', 1, 3],
      ['B', 1, 3],
    ],
  );
});
