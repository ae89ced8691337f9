/** Comparison, logic and predicate kernels (Equal … Xor, Not, IsNaN, IsInf) against onnxruntime. */
import { test } from 'node:test';
import type { ExecDType, ExecTensor } from '../../src/exec/kernel.js';
import { A, type Case, check, rand, randInt, tensor } from './core-harness.js';

/** Values where comparisons are delicate: NaN, ±0, ±inf, ties. */
const SPECIAL = tensor('float32', [
  Number.NaN,
  0,
  -0,
  1,
  -1,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  2,
]);
const SPECIAL_B = tensor('float32', [Number.NaN, -0, 0, 1, 2, Number.POSITIVE_INFINITY, 0, Number.NaN]);

test('comparisons: broadcasting, NaN and ±0, every numeric dtype', async () => {
  const cases: Case[] = [];
  const ops: [string, number][] = [
    ['Equal', 13],
    ['Greater', 13],
    ['Less', 13],
    ['GreaterOrEqual', 16],
    ['LessOrEqual', 16],
  ];
  for (const [op, opset] of ops) {
    const out: ExecDType[] = ['bool'];
    cases.push({ op, opset, inputs: [SPECIAL, SPECIAL_B], out });
    cases.push({ op, opset, inputs: [rand([2, 3, 4], 1, 2), rand([4], 2, 2)], out });
    cases.push({ op, opset, inputs: [rand([3, 1], 3), rand([2, 1, 5], 4)], out });
    for (const dt of ['int32', 'int64', 'int8', 'uint8', 'float64'] as ExecDType[]) {
      cases.push({ op, opset, inputs: [randInt(dt, [3, 4], 5, 0, 4), randInt(dt, [4], 6, 0, 4)], out });
    }
    // int64 past 2^53: neighbours must compare unequal (exact BigInt comparison).
    const big = (v: bigint[]): ExecTensor => ({
      dtype: 'int64',
      shape: [v.length],
      data: BigInt64Array.from(v),
    });
    cases.push({
      op,
      opset,
      inputs: [big([2n ** 53n + 1n, 2n ** 60n]), big([2n ** 53n, 2n ** 60n + 1n])],
      out,
    });
  }
  cases.push({
    op: 'Equal',
    opset: 11,
    inputs: [randInt('bool', [6], 7, 0, 1), randInt('bool', [6], 8, 0, 1)],
    out: ['bool'],
  });
  cases.push({ op: 'Greater', opset: 9, inputs: [rand([5], 9), rand([], 10)], out: ['bool'] });
  cases.push({ op: 'Less', opset: 7, inputs: [rand([5], 11), rand([1], 12)], out: ['bool'] });
  for (const c of cases) await check(c);
});

test('And, Or, Xor with broadcasting; Not', async () => {
  const a = randInt('bool', [2, 3, 4], 20, 0, 1);
  const b = randInt('bool', [3, 1], 21, 0, 1);
  for (const op of ['And', 'Or', 'Xor']) {
    await check({ op, opset: 7, inputs: [a, b] });
    await check({ op, opset: 7, inputs: [b, randInt('bool', [], 22, 0, 1)] });
  }
  await check({ op: 'Not', opset: 1, inputs: [a] });
});

test('IsNaN and IsInf with detect_* attributes', async () => {
  await check({ op: 'IsNaN', opset: 13, inputs: [SPECIAL], out: ['bool'] });
  await check({
    op: 'IsNaN',
    opset: 9,
    inputs: [tensor('float64', [Number.NaN, 1, Number.POSITIVE_INFINITY])],
    out: ['bool'],
  });
  for (const attrs of [{}, { detect_negative: A.i(0) }, { detect_positive: A.i(0) }]) {
    await check({ op: 'IsInf', opset: 10, inputs: [SPECIAL], attrs, out: ['bool'] });
  }
  await check({
    op: 'IsInf',
    opset: 10,
    inputs: [tensor('float64', [Number.NEGATIVE_INFINITY, 0])],
    out: ['bool'],
  });
});
