/**
 * The versions of the logic, math and reduction ops newer than onnx 1.12 (opset > 17), which the
 * live schema peer cannot check: `since` and the slots/attributes that changed, from onnx
 * docs/Changelog.md (ReduceMax-18/20, LpPool-18/22, Equal-19, IsNaN-20, Round-22 …), and the
 * shape rules that go with them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NnportError } from '../../src/core/errors.js';
import { inferShapes, opSchema } from '../../src/ops/index.js';
import { a, type Case, caseGraph, ours, t } from './helpers.js';

test('versions after opset 17', () => {
  const since: [string, number, number][] = [
    ['ReduceMax', 18, 18],
    ['ReduceMax', 19, 18],
    ['ReduceMax', 20, 20],
    ['ReduceMin', 21, 20],
    ['ReduceProd', 18, 18],
    ['ReduceL2', 23, 18],
    ['ReduceLogSumExp', 18, 18],
    ['LpPool', 18, 18],
    ['LpPool', 22, 22],
    ['GlobalLpPool', 22, 22],
    ['Equal', 19, 19],
    ['IsNaN', 20, 20],
    ['IsInf', 20, 20],
    ['Round', 22, 22],
    ['Softplus', 22, 22],
    ['Acosh', 22, 22],
    ['Sin', 21, 7],
    ['Max', 23, 13],
    ['Range', 23, 11],
  ];
  for (const [op, opset, want] of since) assert.equal(opSchema('', op, opset)?.since, want, `${op}@${opset}`);
  const r18 = opSchema('', 'ReduceMax', 18);
  assert.deepEqual(
    r18?.inputs.map((s) => s.name + (s.optional ? '?' : '')),
    ['data', 'axes?'],
  );
  assert.deepEqual(r18?.attributes.map((x) => x.name).sort(), ['keepdims', 'noop_with_empty_axes']);
  assert.deepEqual(
    opSchema('', 'LpPool', 18)
      ?.attributes.map((x) => x.name)
      .sort(),
    ['auto_pad', 'ceil_mode', 'dilations', 'kernel_shape', 'p', 'pads', 'strides'],
  );
});

test('opset 18 reductions take axes from a constant input; noop_with_empty_axes keeps the shape', () => {
  const x = t([2, 3, 4]);
  for (const op of ['ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ReduceLogSumExp']) {
    const axes = { name: op, op, opset: 18, inputs: [x, t([1], 'int64')], consts: { 1: [-1] } };
    assert.deepEqual(ours(axes), { outputs: [{ dtype: 'float32', shape: [2, 3, 1] }] });
    const dropped = { ...axes, attrs: { keepdims: a.int(0) } };
    assert.deepEqual(ours(dropped), { outputs: [{ dtype: 'float32', shape: [2, 3] }] });
    const noop = { name: op, op, opset: 18, inputs: [x], attrs: { noop_with_empty_axes: a.int(1) } };
    assert.deepEqual(ours(noop), { outputs: [{ dtype: 'float32', shape: [2, 3, 4] }] });
    const unknown = { name: op, op, opset: 18, inputs: [x, t([1], 'int64')] };
    assert.deepEqual(ours(unknown), { outputs: [{ dtype: 'float32', shape: [null, null, null] }] });
  }
});

test('LpPool-18 ceil_mode and dilations; Range from constants and its errors', () => {
  const pool = {
    name: 'lp',
    op: 'LpPool',
    opset: 18,
    inputs: [t([1, 2, 7, 6])],
    attrs: {
      kernel_shape: a.ints([3, 2]),
      strides: a.ints([2, 2]),
      ceil_mode: a.int(1),
      dilations: a.ints([2, 1]),
    },
  };
  // H: ceil((7 - 5) / 2) + 1 = 2; W: ceil((6 - 2) / 2) + 1 = 3.
  assert.deepEqual(ours(pool), { outputs: [{ dtype: 'float32', shape: [1, 2, 2, 3] }] });
  const range = (s: number, l: number, d: number) => ({
    name: 'range',
    op: 'Range',
    opset: 11,
    inputs: [t([1], 'int64'), t([1], 'int64'), t([1], 'int64')],
    consts: { 0: [s], 1: [l], 2: [d] },
  });
  assert.deepEqual(ours(range(0, 10, 3)), { outputs: [{ dtype: 'int64', shape: [4] }] });
  assert.deepEqual(ours(range(10, 0, 3)), { outputs: [{ dtype: 'int64', shape: [0] }] });
  assert.deepEqual(ours(range(10, -3, -4)), { outputs: [{ dtype: 'int64', shape: [4] }] });
  const rejects = (c: Case): void => {
    const { graph, shapes, values } = caseGraph(c);
    assert.throws(
      () => inferShapes(graph, shapes, (n) => values.get(n)),
      (e: unknown) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE',
    );
  };
  rejects(range(0, 10, 0));
  rejects({ name: 'r', op: 'Range', opset: 11, inputs: [t([2], 'int64'), t([]), t([])] });
});
