/** Gemm, MatMul, Softmax and LogSoftmax against onnxruntime. */
import { test } from 'node:test';
import { A, check, rand, randInt } from './core-harness.js';

test('Gemm: transA/transB, alpha/beta, C broadcast or absent', async () => {
  const M = 5;
  const K = 7;
  const N = 6;
  const shapes = (tA: number, tB: number) => [tA ? [K, M] : [M, K], tB ? [N, K] : [K, N]];
  let seed = 1;
  for (const tA of [0, 1]) {
    for (const tB of [0, 1]) {
      const [sa, sb] = shapes(tA, tB);
      for (const c of [[M, N], [N], [1, N], [M, 1], [], undefined]) {
        await check({
          op: 'Gemm',
          opset: 13,
          inputs: [rand(sa, seed++), rand(sb, seed++), c === undefined ? undefined : rand(c, seed++)],
          attrs: { transA: A.i(tA), transB: A.i(tB), alpha: A.f(0.7), beta: A.f(-1.3) },
        });
      }
    }
  }
  await check({ op: 'Gemm', opset: 9, inputs: [rand([M, K], 50), rand([K, N], 51), rand([N], 52)] });
  await check({
    op: 'Gemm',
    opset: 13,
    inputs: [rand([M, K], 53), rand([K, N], 54), rand([N], 55)],
    attrs: { beta: A.f(0) },
  });
  // A larger one: float64 accumulation must stay within 1e-5 of onnxruntime's float32 sums.
  await check({ op: 'Gemm', opset: 13, inputs: [rand([33, 300], 56), rand([300, 70], 57), rand([70], 58)] });
});

test('MatMul: 1-D operands, batched, broadcast batch dims, ints', async () => {
  const cases: [number[], number[]][] = [
    [
      [3, 4],
      [4, 5],
    ],
    [[4], [4, 5]],
    [[3, 4], [4]],
    [[4], [4]],
    [
      [2, 3, 4],
      [4, 5],
    ],
    [
      [2, 3, 4],
      [2, 4, 5],
    ],
    [
      [2, 1, 3, 4],
      [3, 4, 2],
    ],
    [
      [1, 3, 4],
      [5, 1, 4, 2],
    ],
    [
      [3, 130],
      [130, 17],
    ],
  ];
  let seed = 100;
  for (const [a, b] of cases)
    await check({ op: 'MatMul', opset: 13, inputs: [rand(a, seed++), rand(b, seed++)] });
  await check({
    op: 'MatMul',
    opset: 13,
    inputs: [randInt('int32', [2, 3], 1, -9, 9), randInt('int32', [3, 2], 2, -9, 9)],
  });
  await check({
    op: 'MatMul',
    opset: 13,
    inputs: [randInt('int64', [2, 2, 3], 3, -9, 9), randInt('int64', [3, 4], 4, -9, 9)],
  });
});

test('Softmax and LogSoftmax: axis semantics before and after opset 13', async () => {
  const x = rand([2, 3, 4], 200, 5);
  for (const op of ['Softmax', 'LogSoftmax']) {
    for (const opset of [11, 13]) {
      await check({ op, opset, inputs: [x] });
      for (const axis of [-3, -2, -1, 0, 1, 2])
        await check({ op, opset, inputs: [x], attrs: { axis: A.i(axis) } });
    }
    await check({ op, opset: 1, inputs: [x], attrs: { axis: A.i(0) } });
    await check({ op, opset: 13, inputs: [rand([3, 5], 201, 60)] });
  }
});
