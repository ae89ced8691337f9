/** ReduceMax/Min/Prod/L2/LogSumExp, LpPool, GlobalLpPool and Range against onnxruntime. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecDType, ExecTensor } from '../../src/exec/kernel.js';
import { A, type Case, caseModel, check, i64, rand, randInt, tensor } from './core-harness.js';

const REDUCE = ['ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL2', 'ReduceLogSumExp'];

test('reductions: axes attribute (13) and input (18), keepdims, noop_with_empty_axes', async () => {
  const x = rand([2, 3, 4], 1, 2);
  const cases: Case[] = [];
  for (const op of REDUCE) {
    cases.push({ op, opset: 13, inputs: [x] });
    cases.push({ op, opset: 13, inputs: [x], attrs: { axes: A.is([1]) } });
    cases.push({ op, opset: 13, inputs: [x], attrs: { axes: A.is([0, -1]), keepdims: A.i(0) } });
    cases.push({ op, opset: 11, inputs: [x], attrs: { axes: A.is([2]) } });
    cases.push({ op, opset: 1, inputs: [x], attrs: { keepdims: A.i(0) } });
    cases.push({ op, opset: 18, inputs: [x, i64([1])] });
    cases.push({ op, opset: 18, inputs: [x, i64([-1, 0])], attrs: { keepdims: A.i(0) } });
    cases.push({ op, opset: 18, inputs: [x] });
    cases.push({ op, opset: 18, inputs: [x], attrs: { noop_with_empty_axes: A.i(1) } });
    cases.push({ op, opset: 18, inputs: [x, i64([])], attrs: { noop_with_empty_axes: A.i(1) } });
    cases.push({ op, opset: 18, inputs: [rand([5], 2, 60)] });
  }
  for (const c of cases) await check(c);
});

test('ReduceMax / ReduceMin with NaN and ±inf', async () => {
  // NaN leads its row and its column here, where onnxruntime (which keeps the first NaN only) and
  // numpy-style propagation agree.
  const s = tensor(
    'float32',
    [Number.NaN, 1, -3, Number.NEGATIVE_INFINITY, 2, 0, Number.POSITIVE_INFINITY, -0],
    [2, 4],
  );
  for (const op of ['ReduceMax', 'ReduceMin', 'ReduceLogSumExp']) {
    await check({ op, opset: 13, inputs: [s], attrs: { axes: A.is([1]) } });
    await check({ op, opset: 13, inputs: [s], attrs: { axes: A.is([0]) } });
  }
});

test('ReduceMax / ReduceMin propagate a NaN anywhere (numpy, ONNX reference), unlike onnxruntime', async () => {
  const x = tensor('float32', [1, Number.NaN, 2], [1, 3]);
  for (const op of ['ReduceMax', 'ReduceMin']) {
    const out = await runGraph(caseModel({ op, opset: 13, inputs: [x] }), { in0: x });
    assert.ok(Number.isNaN(Number(out.out0?.data[0])), `${op} of [1, NaN, 2]`);
  }
});

test('reductions over integer and float64 inputs', async () => {
  const ints: [string, ExecDType][] = [
    ['ReduceMax', 'int32'],
    ['ReduceMax', 'int64'],
    ['ReduceMax', 'int8'],
    ['ReduceMax', 'uint8'],
    ['ReduceMin', 'int32'],
    ['ReduceMin', 'int64'],
    ['ReduceMin', 'uint8'],
    ['ReduceProd', 'int32'],
    ['ReduceProd', 'int64'],
    ['ReduceL2', 'int32'],
    ['ReduceL2', 'int64'],
    ['ReduceLogSumExp', 'int32'],
    ['ReduceLogSumExp', 'int64'],
  ];
  for (const [op, dt] of ints) {
    await check({ op, opset: 13, inputs: [randInt(dt, [3, 4], 3, 0, 9)], attrs: { axes: A.is([1]) } });
  }
  const big: ExecTensor = {
    dtype: 'int64',
    shape: [2, 2],
    data: BigInt64Array.from([2n ** 53n + 1n, 2n ** 53n, -(2n ** 60n) - 1n, -(2n ** 60n)]),
  };
  for (const op of ['ReduceMax', 'ReduceMin'])
    await check({ op, opset: 13, inputs: [big], attrs: { axes: A.is([1]) } });
  const x = rand([3, 4], 4, 2);
  const d = { dtype: 'float64' as const, shape: x.shape, data: Float64Array.from(x.data) };
  for (const op of REDUCE) await check({ op, opset: 13, inputs: [d], attrs: { axes: A.is([0]) } });
});

test('LpPool (p, pads, strides, auto_pad, 18 ceil_mode and dilations) and GlobalLpPool', async () => {
  const x = rand([1, 2, 7, 6], 5, 2);
  const k = { kernel_shape: A.is([3, 2]) };
  await check({ op: 'LpPool', opset: 11, inputs: [x], attrs: k });
  await check({ op: 'LpPool', opset: 11, inputs: [x], attrs: { ...k, p: A.i(1) } });
  await check({ op: 'LpPool', opset: 11, inputs: [x], attrs: { ...k, p: A.i(3), strides: A.is([2, 1]) } });
  await check({ op: 'LpPool', opset: 11, inputs: [x], attrs: { ...k, pads: A.is([1, 0, 1, 1]) } });
  await check({ op: 'LpPool', opset: 11, inputs: [x], attrs: { ...k, auto_pad: A.s('SAME_UPPER') } });
  await check({ op: 'LpPool', opset: 2, inputs: [rand([2, 3, 9], 6)], attrs: { kernel_shape: A.is([4]) } });
  await check({
    op: 'LpPool',
    opset: 18,
    inputs: [x],
    attrs: { ...k, strides: A.is([2, 2]), ceil_mode: A.i(1), dilations: A.is([2, 1]) },
  });
  await check({ op: 'GlobalLpPool', opset: 2, inputs: [x] });
  await check({ op: 'GlobalLpPool', opset: 2, inputs: [x], attrs: { p: A.i(1) } });
  await check({ op: 'GlobalLpPool', opset: 2, inputs: [rand([2, 3, 5], 7)], attrs: { p: A.i(3) } });
});

test('Range: int and float types, negative and fractional deltas, empty results', async () => {
  const s = (dt: ExecDType, v: number): ExecTensor => tensor(dt, [v], []);
  const cases: [ExecDType, number, number, number][] = [
    ['int64', 0, 10, 3],
    ['int64', 10, -3, -4],
    ['int64', 5, 5, 1],
    ['int64', 5, 0, 1],
    ['int32', -7, 20, 5],
    ['int16', 1, 9, 2],
    ['float32', 0, 1, 0.1],
    ['float32', 2.5, -1, -0.3],
    ['float32', 0, 100, 0.7],
    ['float64', 0, 1, 0.1],
    ['float64', 1e6, 1e6 + 3, 0.25],
  ];
  for (const [dt, a, b, d] of cases) {
    await check({ op: 'Range', opset: 11, inputs: [s(dt, a), s(dt, b), s(dt, d)] });
  }
});
