/** BatchNormalization, InstanceNormalization and LayerNormalization against onnxruntime. */
import { test } from 'node:test';
import { batchNormalizationKernel } from '../../src/exec/kernels/BatchNormalization.js';
import { instanceNormalizationKernel } from '../../src/exec/kernels/InstanceNormalization.js';
import { layerNormalizationKernel } from '../../src/exec/kernels/LayerNormalization.js';
import { A, check, rand } from './conv-harness.js';

/** Positive variances from seeded values. */
function variance(c: number, seed: number) {
  const t = rand([c], seed);
  return { ...t, data: t.data.map((v) => v * v + 0.1) };
}

test('BatchNormalization inference: ranks 2, 4, 5; epsilon; opsets 9, 15', async () => {
  for (const [shape, opset] of [
    [[3, 4], 9],
    [[2, 4, 5, 3], 15],
    [[1, 4, 2, 3, 2], 15],
  ] as const) {
    await check(batchNormalizationKernel, {
      op: 'BatchNormalization',
      opset,
      inputs: [rand(shape, 1, 3), rand([4], 2), rand([4], 3), rand([4], 4), variance(4, 5)],
      attrs: { epsilon: A.f(1e-3) },
    });
  }
});

test('InstanceNormalization: 3-D, 4-D and 5-D, epsilon', async () => {
  for (const shape of [
    [2, 3, 7],
    [2, 3, 5, 4],
    [1, 3, 2, 3, 4],
  ]) {
    await check(instanceNormalizationKernel, {
      op: 'InstanceNormalization',
      opset: 6,
      inputs: [rand(shape, 6, 4), rand([3], 7), rand([3], 8)],
    });
  }
  await check(instanceNormalizationKernel, {
    op: 'InstanceNormalization',
    opset: 6,
    inputs: [rand([1, 3, 4, 4], 9), rand([3], 10), rand([3], 11)],
    attrs: { epsilon: A.f(0.01) },
  });
});

test('LayerNormalization: axis, broadcast Scale/B, Mean and InvStdDev', async () => {
  const x = rand([2, 3, 4, 5], 12, 3);
  await check(layerNormalizationKernel, {
    op: 'LayerNormalization',
    opset: 17,
    inputs: [x, rand([5], 13), rand([5], 14)],
    outputs: 3,
  });
  await check(layerNormalizationKernel, {
    op: 'LayerNormalization',
    opset: 17,
    inputs: [x, rand([4, 5], 15), rand([4, 5], 16)],
    attrs: { axis: A.i(2) },
    outputs: 3,
  });
  await check(layerNormalizationKernel, {
    op: 'LayerNormalization',
    opset: 17,
    inputs: [x, rand([3, 4, 5], 17)],
    attrs: { axis: A.i(1), epsilon: A.f(0.1) },
    outputs: 3,
  });
  await check(layerNormalizationKernel, {
    op: 'LayerNormalization',
    opset: 17,
    inputs: [x, rand([1, 5], 18), rand([5], 19)],
    attrs: { axis: A.i(-2) },
  });
  await check(layerNormalizationKernel, {
    op: 'LayerNormalization',
    opset: 17,
    inputs: [x, rand([2, 3, 4, 5], 20)],
    attrs: { axis: A.i(0) },
    outputs: 2,
  });
});
