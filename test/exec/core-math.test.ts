/** Math kernels (Max, Min, Sum, Mean, Mod, the unary functions) against onnxruntime on seeded inputs. */
import { test } from 'node:test';
import type { ExecDType, ExecTensor } from '../../src/exec/kernel.js';
import { A, type Case, check, rand, randInt, tensor } from './core-harness.js';

const SPECIAL = tensor('float32', [
  Number.NaN,
  0,
  -0,
  0.5,
  1.5,
  2.5,
  -0.5,
  -2.5,
  1e-3,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -7.25,
]);

test('Max, Min, Sum, Mean: variadic with broadcasting', async () => {
  const cases: Case[] = [];
  for (const op of ['Max', 'Min', 'Sum', 'Mean']) {
    cases.push({ op, opset: 13, inputs: [rand([2, 3, 4], 1, 3)] });
    cases.push({ op, opset: 13, inputs: [rand([2, 3, 4], 2, 3), rand([4], 3, 3)] });
    cases.push({ op, opset: 13, inputs: [rand([3, 1], 4), rand([2, 1, 5], 5), rand([], 6), rand([5], 7)] });
    cases.push({ op, opset: 8, inputs: [rand([4], 8), rand([4], 9)] });
    cases.push({ op, opset: 6, inputs: [rand([4], 10), rand([4], 11)] });
    // onnxruntime has no float64 Mean.
    if (op !== 'Mean') cases.push({ op, opset: 13, inputs: [f64(rand([3, 4], 12)), f64(rand([4], 13))] });
  }
  for (const op of ['Max', 'Min']) {
    cases.push({
      op,
      opset: 13,
      inputs: [SPECIAL, tensor('float32', [1, -0, 0, 0, 2, 2, 0, 0, 0, 0, 0, 0])],
    });
    for (const dt of ['int32', 'int64', 'int8', 'uint8', 'uint32'] as ExecDType[]) {
      cases.push({ op, opset: 13, inputs: [randInt(dt, [3, 4], 14, 0, 90), randInt(dt, [4], 15, 0, 90)] });
    }
  }
  for (const c of cases) await check(c);
});

function f64(t: ExecTensor): ExecTensor {
  return { dtype: 'float64', shape: t.shape, data: Float64Array.from(t.data as Float32Array) };
}

test('Mod: fmod=0 (floor, ints) and fmod=1 (C fmod, floats and ints)', async () => {
  for (const dt of ['int32', 'int64', 'int8', 'int16'] as ExecDType[]) {
    const a = randInt(dt, [3, 4], 20, -40, 40);
    await check({ op: 'Mod', opset: 13, inputs: [a, tensor(dt, [3, -3, 7, -5])] });
    await check({ op: 'Mod', opset: 13, inputs: [a, tensor(dt, [3, -3, 7, -5])], attrs: { fmod: A.i(1) } });
  }
  await check({ op: 'Mod', opset: 10, inputs: [randInt('uint8', [6], 21, 0, 200), tensor('uint8', [7])] });
  const x = rand([2, 3, 4], 22, 10);
  await check({ op: 'Mod', opset: 13, inputs: [x, rand([4], 23, 3)], attrs: { fmod: A.i(1) } });
  await check({ op: 'Mod', opset: 13, inputs: [f64(x), f64(rand([3, 1], 24, 3))], attrs: { fmod: A.i(1) } });
  await check({
    op: 'Mod',
    opset: 13,
    inputs: [SPECIAL, tensor('float32', [1, 2, 2, -1, 1, 1, 1, 1, 0, 1, 1, Number.POSITIVE_INFINITY])],
    attrs: { fmod: A.i(1) },
  });
});

/** Ops onnxruntime 1.30 implements for float only (no double kernel to compare with). */
const NO_ORT_DOUBLE = new Set([
  'Softplus',
  'Softsign',
  'Tan',
  'Asin',
  'Acos',
  'Atan',
  'Sinh',
  'Cosh',
  'Asinh',
  'Acosh',
  'Atanh',
]);

test('unary functions over floats, NaN, ±0, ±inf and halves', async () => {
  const ops: [string, number, number][] = [
    ['Abs', 13, 5],
    ['Neg', 13, 5],
    ['Exp', 13, 5],
    ['Log', 13, 5],
    ['Reciprocal', 13, 5],
    ['Floor', 13, 5],
    ['Ceil', 13, 5],
    ['Sign', 13, 5],
    ['Round', 11, 5],
    ['Softplus', 1, 30],
    ['Softsign', 1, 5],
    ['Sin', 7, 5],
    ['Cos', 7, 5],
    ['Tan', 7, 1.5],
    ['Asin', 7, 1.2],
    ['Acos', 7, 1.2],
    ['Atan', 7, 5],
    ['Sinh', 9, 5],
    ['Cosh', 9, 5],
    ['Asinh', 9, 5],
    ['Acosh', 9, 5],
    ['Atanh', 9, 1.2],
  ];
  for (const [op, opset, scale] of ops) {
    const x = rand([2, 3, 7], 30 + opset, scale);
    await check({ op, opset, inputs: [x], tol: 1e-5 });
    await check({ op, opset, inputs: [SPECIAL] });
    if (!NO_ORT_DOUBLE.has(op)) await check({ op, opset, inputs: [f64(x)] });
  }
  await check({ op: 'Exp', opset: 6, inputs: [rand([5], 40, 100)] });
  await check({
    op: 'Round',
    opset: 11,
    inputs: [tensor('float32', [-3.5, -1.5, -0.5, 0.5, 3.5, 4.5, 0.49999997, 2 ** 23 + 1])],
  });
});

test('Abs, Neg, Sign over integers (int64 exact past 2^53)', async () => {
  for (const op of ['Abs', 'Neg', 'Sign']) {
    for (const dt of ['int32', 'int64', 'int8', 'int16'] as ExecDType[]) {
      await check({ op, opset: 13, inputs: [randInt(dt, [10], 50, -100, 100)] });
    }
    const big: ExecTensor = {
      dtype: 'int64',
      shape: [3],
      data: BigInt64Array.from([-(2n ** 60n) - 1n, 2n ** 53n + 1n, 0n]),
    };
    await check({ op, opset: 13, inputs: [big] });
  }
  await check({ op: 'Abs', opset: 13, inputs: [randInt('uint8', [10], 51, 0, 255)] });
  await check({ op: 'Sign', opset: 13, inputs: [randInt('uint32', [10], 52, 0, 3)] });
});
