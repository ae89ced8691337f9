/** Elementwise kernels (Add … Gelu, Clip, Cast, Where) against onnxruntime on seeded random inputs. */
import { test } from 'node:test';
import type { ExecDType } from '../../src/exec/kernel.js';
import { A, type Case, check, i64, rand, randInt, tensor } from './core-harness.js';

const X = rand([2, 3, 4], 1, 3);
const Y = rand([2, 3, 4], 2, 3);

const binary: Case[] = [];
for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
  binary.push({ op, opset: 14, inputs: [X, Y] });
  binary.push({ op, opset: 14, inputs: [X, rand([4], 3)] });
  binary.push({ op, opset: 14, inputs: [rand([3, 1], 4), rand([2, 1, 5], 5)] });
  binary.push({ op, opset: 14, inputs: [rand([], 6), X] });
  for (const dt of ['int32', 'int64', 'int8', 'uint8', 'float64'] as ExecDType[]) {
    const lo = dt.startsWith('uint') ? 1 : -50;
    binary.push({ op, opset: 14, inputs: [randInt(dt, [3, 4], 7, lo, 50), randInt(dt, [4], 8, 1, 9)] });
  }
}

test('binary arithmetic with broadcasting, all numeric dtypes', async () => {
  for (const c of binary) await check(c);
});

test('Pow: float, mixed exponent dtypes, ints', async () => {
  const base = rand([3, 4], 9, 2);
  const pos = { ...base, data: base.data.map(Math.abs) };
  await check({ op: 'Pow', opset: 15, inputs: [pos, rand([4], 10, 3)] });
  await check({ op: 'Pow', opset: 15, inputs: [base, tensor('float32', [2])] });
  await check({ op: 'Pow', opset: 15, inputs: [base, i64([3])] });
  await check({ op: 'Pow', opset: 15, inputs: [randInt('int64', [6], 11, -5, 5), i64([3])] });
  await check({ op: 'Pow', opset: 15, inputs: [randInt('int32', [6], 12, -5, 5), tensor('int32', [2])] });
});

test('Where broadcasts three ways', async () => {
  const cond = randInt('bool', [3, 1], 13, 0, 1);
  await check({
    op: 'Where',
    opset: 16,
    inputs: [cond, rand([1, 4], 14), rand([2, 3, 4], 15)],
    out: ['float32'],
  });
  await check({
    op: 'Where',
    opset: 16,
    inputs: [randInt('bool', [4], 16, 0, 1), i64([1, 2, 3, 4]), i64([9])],
    out: ['int64'],
  });
});

const Z = rand([2, 3, 5], 20, 4);
const unary: Case[] = [
  { op: 'Relu', opset: 14, inputs: [Z] },
  { op: 'Relu', opset: 14, inputs: [randInt('int32', [5], 21, -9, 9)] },
  { op: 'LeakyRelu', opset: 16, inputs: [Z] },
  { op: 'LeakyRelu', opset: 16, inputs: [Z], attrs: { alpha: A.f(0.3) } },
  { op: 'Elu', opset: 6, inputs: [Z] },
  { op: 'Elu', opset: 6, inputs: [Z], attrs: { alpha: A.f(0.5) } },
  { op: 'Selu', opset: 6, inputs: [Z] },
  { op: 'Selu', opset: 6, inputs: [Z], attrs: { alpha: A.f(2), gamma: A.f(0.5) } },
  { op: 'Sigmoid', opset: 13, inputs: [rand([50], 22, 40)] },
  { op: 'HardSigmoid', opset: 6, inputs: [Z] },
  { op: 'HardSigmoid', opset: 6, inputs: [Z], attrs: { alpha: A.f(0.5), beta: A.f(0.1) } },
  { op: 'Tanh', opset: 13, inputs: [Z] },
  { op: 'Sqrt', opset: 13, inputs: [Z] },
  { op: 'Erf', opset: 13, inputs: [rand([200], 23, 5)] },
  { op: 'Gelu', opset: 20, inputs: [Z] },
  { op: 'Gelu', opset: 20, inputs: [Z], attrs: { approximate: A.s('tanh') } },
  { op: 'PRelu', opset: 16, inputs: [Z, rand([5], 24)] },
  { op: 'PRelu', opset: 16, inputs: [Z, rand([3, 1], 25)] },
  { op: 'PRelu', opset: 16, inputs: [Z, rand([], 26)] },
  { op: 'Identity', opset: 16, inputs: [Z] },
  { op: 'Identity', opset: 16, inputs: [i64([1, 2])] },
];

test('unary activations and their attributes', async () => {
  for (const c of unary) await check(c);
});

test('Clip: attributes before 11, optional inputs after, ints', async () => {
  await check({ op: 'Clip', opset: 6, inputs: [Z], attrs: { min: A.f(-1), max: A.f(0.5) } });
  await check({ op: 'Clip', opset: 6, inputs: [Z] });
  await check({ op: 'Clip', opset: 6, inputs: [Z], attrs: { max: A.f(0) } });
  await check({
    op: 'Clip',
    opset: 13,
    inputs: [Z, tensor('float32', [-0.5], []), tensor('float32', [2], [])],
  });
  await check({ op: 'Clip', opset: 13, inputs: [Z, undefined, tensor('float32', [1], [])] });
  await check({ op: 'Clip', opset: 13, inputs: [Z, tensor('float32', [0], [])] });
  await check({ op: 'Clip', opset: 13, inputs: [Z] });
  await check({ op: 'Clip', opset: 13, inputs: [i64([-5, 0, 5, 10]), i64([-1], []), i64([6], [])] });
});

test('Dropout at inference: identity and an all-true mask', async () => {
  await check({ op: 'Dropout', opset: 13, inputs: [Z] });
  await check({ op: 'Dropout', opset: 13, inputs: [Z], out: ['float32', 'bool'] });
  await check({
    op: 'Dropout',
    opset: 13,
    inputs: [Z, tensor('float32', [0.3], [])],
    out: ['float32', 'bool'],
  });
  await check({ op: 'Dropout', opset: 7, inputs: [Z], attrs: { ratio: A.f(0.2) } });
});

test('Cast between numeric dtypes (ONNX type codes)', async () => {
  // TensorProto codes: 1 float, 2 uint8, 3 int8, 5 int16, 6 int32, 7 int64, 9 bool, 10 float16, 11 double, 12 uint32, 16 bfloat16.
  const f = rand([20], 30, 100);
  const codes: [number, ExecDType][] = [
    [6, 'int32'],
    [7, 'int64'],
    [3, 'int8'],
    [5, 'int16'],
    [9, 'bool'],
    [11, 'float64'],
    [1, 'float32'],
  ];
  for (const [to, dt] of codes)
    await check({ op: 'Cast', opset: 13, inputs: [f], attrs: { to: A.i(to) }, out: [dt] });
  await check({
    op: 'Cast',
    opset: 13,
    inputs: [randInt('int64', [10], 31, -1000, 1000)],
    attrs: { to: A.i(1) },
    out: ['float32'],
  });
  await check({
    op: 'Cast',
    opset: 13,
    inputs: [randInt('int32', [10], 32, -100, 100)],
    attrs: { to: A.i(7) },
    out: ['int64'],
  });
  await check({
    op: 'Cast',
    opset: 13,
    inputs: [randInt('bool', [10], 33, 0, 1)],
    attrs: { to: A.i(1) },
    out: ['float32'],
  });
  await check({
    op: 'Cast',
    opset: 13,
    inputs: [randInt('int64', [10], 34, 0, 200)],
    attrs: { to: A.i(2) },
    out: ['uint8'],
  });
});

test('awkward values: integer overflow and negative division, NaN/Inf casts, Sqrt of negatives', async () => {
  const big = tensor('int32', [2147483647, -2147483648, 123456789, -7, 7, -7]);
  const other = tensor('int32', [2, 3, 100000, 2, -2, -2]);
  for (const op of ['Add', 'Sub', 'Mul', 'Div']) await check({ op, opset: 14, inputs: [big, other] });
  // Beyond 2^53: int64 arithmetic must be exact (BigInt), not through doubles.
  const b64 = {
    dtype: 'int64',
    shape: [4],
    data: BigInt64Array.of(2n ** 53n + 1n, -(2n ** 62n) - 3n, 7n, -7n),
  } as const;
  for (const op of ['Add', 'Mul', 'Div']) await check({ op, opset: 14, inputs: [b64, i64([3, 5, -2, -2])] });
  const odd = tensor('float32', [Number.NaN, Number.POSITIVE_INFINITY, -0, 0, -1.5, 1e-30]);
  await check({ op: 'Cast', opset: 13, inputs: [odd], attrs: { to: A.i(9) }, out: ['bool'] });
  await check({
    op: 'Cast',
    opset: 13,
    inputs: [tensor('float32', [-2.7, 2.7, 200.9, 0.5])],
    attrs: { to: A.i(6) },
    out: ['int32'],
  });
  await check({ op: 'Sqrt', opset: 13, inputs: [odd] });
  await check({ op: 'Relu', opset: 14, inputs: [odd] });
  await check({ op: 'Sigmoid', opset: 13, inputs: [odd] });
  for (const op of ['LeakyRelu', 'HardSigmoid', 'Tanh', 'Elu', 'Selu', 'Erf', 'Softmax'])
    await check({ op, opset: 13, inputs: [odd] });
  await check({
    op: 'Clip',
    opset: 13,
    inputs: [odd, tensor('float32', [-1], []), tensor('float32', [1], [])],
  });
  await check({ op: 'Clip', opset: 6, inputs: [odd], attrs: { min: A.f(-1), max: A.f(1) } });
});
