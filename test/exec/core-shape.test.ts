/** Shape-manipulating kernels and reductions against onnxruntime. */
import { test } from 'node:test';
import { A, check, i64, rand, randInt } from './core-harness.js';

const X = rand([2, 3, 4], 1);

test('Reshape: 0, -1, allowzero', async () => {
  for (const s of [[4, 6], [0, -1], [-1], [2, 0, 2, 2], [0, 0, 4], [24, 1]]) {
    await check({ op: 'Reshape', opset: 14, inputs: [X, i64(s)] });
  }
  await check({
    op: 'Reshape',
    opset: 14,
    inputs: [rand([0, 3], 2), i64([3, 0])],
    attrs: { allowzero: A.i(1) },
  });
  await check({ op: 'Reshape', opset: 5, inputs: [X, i64([6, -1])] });
});

test('Transpose: default and explicit perms, int dtype', async () => {
  await check({ op: 'Transpose', opset: 13, inputs: [X] });
  for (const p of [
    [0, 2, 1],
    [2, 0, 1],
    [1, 0, 2],
    [0, 1, 2],
  ]) {
    await check({ op: 'Transpose', opset: 13, inputs: [X], attrs: { perm: A.is(p) } });
  }
  await check({
    op: 'Transpose',
    opset: 13,
    inputs: [randInt('int64', [2, 3, 2, 2], 3, 0, 99)],
    attrs: { perm: A.is([3, 1, 0, 2]) },
  });
});

test('Flatten: axis 0..r and negative', async () => {
  for (const axis of [0, 1, 2, 3, -1, -3])
    await check({ op: 'Flatten', opset: 13, inputs: [X], attrs: { axis: A.i(axis) } });
});

test('Squeeze/Unsqueeze: attribute before 13, input after', async () => {
  const y = rand([1, 3, 1, 2], 4);
  await check({ op: 'Squeeze', opset: 11, inputs: [y] });
  await check({ op: 'Squeeze', opset: 11, inputs: [y], attrs: { axes: A.is([-2]) } });
  await check({ op: 'Squeeze', opset: 13, inputs: [y] });
  await check({ op: 'Squeeze', opset: 13, inputs: [y, i64([0, 2])] });
  await check({ op: 'Unsqueeze', opset: 11, inputs: [X], attrs: { axes: A.is([0, -1]) } });
  await check({ op: 'Unsqueeze', opset: 13, inputs: [X, i64([1, 4])] });
  await check({ op: 'Unsqueeze', opset: 13, inputs: [rand([], 5), i64([0])] });
});

test('Concat along each axis', async () => {
  for (const axis of [0, 1, 2, -1]) {
    const shp = (k: number) => [2, 3, 4].map((d, i) => (i === (axis + 3) % 3 ? k : d));
    await check({
      op: 'Concat',
      opset: 13,
      inputs: [rand(shp(1), 6), rand(shp(2), 7), rand(shp(3), 8)],
      attrs: { axis: A.i(axis) },
    });
  }
  await check({ op: 'Concat', opset: 13, inputs: [i64([1, 2]), i64([3])], attrs: { axis: A.i(0) } });
});

test('Split: equal, split attribute/input, num_outputs uneven', async () => {
  const y = rand([2, 7, 3], 9);
  await check({
    op: 'Split',
    opset: 11,
    inputs: [y],
    attrs: { axis: A.i(1), split: A.is([2, 5]) },
    out: ['float32', 'float32'],
  });
  await check({
    op: 'Split',
    opset: 13,
    inputs: [y, i64([3, 1, 3])],
    attrs: { axis: A.i(1) },
    out: ['float32', 'float32', 'float32'],
  });
  await check({
    op: 'Split',
    opset: 13,
    inputs: [rand([4, 6], 10)],
    attrs: { axis: A.i(-1) },
    out: ['float32', 'float32', 'float32'],
  });
  await check({
    op: 'Split',
    opset: 18,
    inputs: [y],
    attrs: { axis: A.i(1), num_outputs: A.i(3) },
    out: ['float32', 'float32', 'float32'],
  });
  await check({
    op: 'Split',
    opset: 18,
    inputs: [y, i64([1, 6])],
    attrs: { axis: A.i(1) },
    out: ['float32', 'float32'],
  });
});

test('Slice: attributes before 10, inputs with negative steps and clamping', async () => {
  const y = rand([5, 6, 7], 11);
  await check({
    op: 'Slice',
    opset: 9,
    inputs: [y],
    attrs: { starts: A.is([1, -3]), ends: A.is([4, 1000]), axes: A.is([0, 2]) },
  });
  await check({ op: 'Slice', opset: 9, inputs: [y], attrs: { starts: A.is([0, 1]), ends: A.is([2, -1]) } });
  const cases: number[][][] = [
    [[1], [4], [1], [1]],
    [[-1], [-1000], [0], [-1]],
    [
      [4, 5],
      [0, 0],
      [0, 1],
      [-2, -2],
    ],
    [
      [0, 0, 0],
      [5, 6, 7],
      [0, 1, 2],
      [2, 3, 4],
    ],
    [[10], [-10], [2], [-3]],
    [[2], [2], [1], [1]],
    [[-100], [100], [-1], [1]],
    [[9.2e18], [-9.2e18], [0], [-1]],
  ];
  for (const [s, e, a, st] of cases)
    await check({ op: 'Slice', opset: 13, inputs: [y, i64(s), i64(e), i64(a), i64(st)] });
  await check({ op: 'Slice', opset: 13, inputs: [y, i64([1, 2]), i64([3, 4])] });
  await check({ op: 'Slice', opset: 13, inputs: [y, i64([1]), i64([3]), undefined, i64([1])] });
});

test('Gather: axes, negative indices, index shapes', async () => {
  const y = rand([4, 5, 3], 12);
  await check({ op: 'Gather', opset: 13, inputs: [y, i64([0, -1, 2])] });
  await check({
    op: 'Gather',
    opset: 13,
    inputs: [
      y,
      i64(
        [
          [1, 0],
          [4, -2],
        ].flat(),
        [2, 2],
      ),
    ],
    attrs: { axis: A.i(1) },
  });
  await check({ op: 'Gather', opset: 13, inputs: [y, i64([2], [])], attrs: { axis: A.i(-1) } });
  await check({ op: 'Gather', opset: 13, inputs: [i64([10, 20, 30]), randInt('int32', [2, 2], 13, 0, 2)] });
});

test('Shape with start/end, ConstantOfShape, Expand', async () => {
  await check({ op: 'Shape', opset: 13, inputs: [X], out: ['int64'] });
  for (const [s, e] of [
    [1, undefined],
    [-2, undefined],
    [0, -1],
    [-10, 10],
    [2, 1],
  ] as const) {
    const attrs = e === undefined ? { start: A.i(s) } : { start: A.i(s), end: A.i(e) };
    await check({ op: 'Shape', opset: 15, inputs: [X], attrs, out: ['int64'] });
  }
  await check({ op: 'ConstantOfShape', opset: 9, inputs: [i64([2, 3])], out: ['float32'] });
  await check({ op: 'Expand', opset: 13, inputs: [rand([3, 1], 14), i64([2, 1, 4])] });
  await check({ op: 'Expand', opset: 13, inputs: [rand([3, 4], 15), i64([1])] });
  await check({ op: 'Expand', opset: 13, inputs: [i64([7], [1]), i64([2, 2])] });
});

test('ReduceMean/ReduceSum: axes attribute vs input, keepdims, noop_with_empty_axes', async () => {
  const y = rand([3, 4, 5], 16, 10);
  for (const keep of [0, 1]) {
    for (const axes of [[0], [1, -1], [0, 1, 2], undefined]) {
      const attrs = { keepdims: A.i(keep), ...(axes === undefined ? {} : { axes: A.is(axes) }) };
      await check({ op: 'ReduceMean', opset: 13, inputs: [y], attrs });
      await check({ op: 'ReduceSum', opset: 11, inputs: [y], attrs });
      const ax = axes === undefined ? undefined : i64(axes);
      await check({ op: 'ReduceMean', opset: 18, inputs: [y, ax], attrs: { keepdims: A.i(keep) } });
      await check({ op: 'ReduceSum', opset: 13, inputs: [y, ax], attrs: { keepdims: A.i(keep) } });
    }
  }
  await check({ op: 'ReduceSum', opset: 13, inputs: [y], attrs: { noop_with_empty_axes: A.i(1) } });
  await check({ op: 'ReduceMean', opset: 18, inputs: [y, i64([])], attrs: { noop_with_empty_axes: A.i(1) } });
  await check({ op: 'ReduceSum', opset: 13, inputs: [randInt('int64', [3, 4], 17, -50, 50), i64([1])] });
  await check({ op: 'ReduceSum', opset: 13, inputs: [randInt('int32', [3, 4], 18, -50, 50), i64([0])] });
});
