/** MaxPool, AveragePool and the global pools against onnxruntime on seeded inputs. */
import { test } from 'node:test';
import { averagePoolKernel } from '../../src/exec/kernels/AveragePool.js';
import { globalAveragePoolKernel } from '../../src/exec/kernels/GlobalAveragePool.js';
import { globalMaxPoolKernel } from '../../src/exec/kernels/GlobalMaxPool.js';
import { maxPoolKernel } from '../../src/exec/kernels/MaxPool.js';
import { A, check, rand } from './conv-harness.js';

test('MaxPool: pads, strides, ceil_mode, dilations, Indices', async () => {
  const x = rand([2, 3, 7, 8], 1);
  await check(maxPoolKernel, {
    op: 'MaxPool',
    opset: 12,
    inputs: [x],
    attrs: { kernel_shape: A.is([3, 3]), strides: A.is([2, 2]), pads: A.is([1, 1, 1, 1]) },
    outputs: 2,
  });
  await check(maxPoolKernel, {
    op: 'MaxPool',
    opset: 12,
    inputs: [x],
    attrs: { kernel_shape: A.is([3, 2]), strides: A.is([2, 3]), ceil_mode: A.i(1) },
    outputs: 2,
  });
  await check(maxPoolKernel, {
    op: 'MaxPool',
    opset: 12,
    inputs: [x],
    attrs: { kernel_shape: A.is([2, 2]), dilations: A.is([2, 3]), pads: A.is([0, 1, 1, 0]) },
    outputs: 2,
  });
  await check(maxPoolKernel, {
    op: 'MaxPool',
    opset: 12,
    inputs: [x],
    attrs: { kernel_shape: A.is([3, 3]), strides: A.is([2, 2]), storage_order: A.i(1) },
    outputs: 2,
  });
  await check(maxPoolKernel, {
    op: 'MaxPool',
    opset: 12,
    inputs: [x],
    attrs: { kernel_shape: A.is([3, 3]), strides: A.is([2, 2]), pads: A.is([1, 1, 1, 1]), ceil_mode: A.i(1) },
  });
});

test('ceil_mode drops a last window that would start in the end padding', async () => {
  const x = rand([1, 2, 5, 5], 11);
  const attrs = {
    kernel_shape: A.is([2, 2]),
    strides: A.is([2, 2]),
    pads: A.is([1, 1, 1, 1]),
    ceil_mode: A.i(1),
  };
  await check(maxPoolKernel, { op: 'MaxPool', opset: 12, inputs: [x], attrs, outputs: 2 });
  await check(averagePoolKernel, { op: 'AveragePool', opset: 11, inputs: [x], attrs });
  await check(averagePoolKernel, {
    op: 'AveragePool',
    opset: 11,
    inputs: [x],
    attrs: { ...attrs, count_include_pad: A.i(1) },
  });
});

test('MaxPool auto_pad, 1-D and 3-D', async () => {
  for (const auto of ['SAME_UPPER', 'SAME_LOWER', 'VALID']) {
    await check(maxPoolKernel, {
      op: 'MaxPool',
      opset: 12,
      inputs: [rand([1, 2, 7, 6], 2)],
      attrs: { auto_pad: A.s(auto), kernel_shape: A.is([3, 2]), strides: A.is([2, 2]) },
    });
  }
  await check(maxPoolKernel, {
    op: 'MaxPool',
    opset: 12,
    inputs: [rand([2, 2, 9], 3)],
    attrs: { kernel_shape: A.is([3]), strides: A.is([2]), pads: A.is([1, 1]) },
    outputs: 2,
  });
  await check(maxPoolKernel, {
    op: 'MaxPool',
    opset: 12,
    inputs: [rand([1, 2, 4, 5, 6], 4)],
    attrs: { kernel_shape: A.is([2, 3, 2]), strides: A.is([2, 1, 2]), ceil_mode: A.i(1) },
  });
});

test('AveragePool: count_include_pad, ceil_mode, auto_pad, 1-D/3-D', async () => {
  const x = rand([2, 3, 7, 8], 5);
  for (const inc of [0, 1]) {
    await check(averagePoolKernel, {
      op: 'AveragePool',
      opset: 11,
      inputs: [x],
      attrs: {
        kernel_shape: A.is([3, 3]),
        strides: A.is([2, 2]),
        pads: A.is([1, 2, 1, 0]),
        count_include_pad: A.i(inc),
      },
    });
    await check(averagePoolKernel, {
      op: 'AveragePool',
      opset: 11,
      inputs: [x],
      attrs: {
        kernel_shape: A.is([3, 2]),
        strides: A.is([2, 3]),
        pads: A.is([1, 1, 1, 1]),
        ceil_mode: A.i(1),
        count_include_pad: A.i(inc),
      },
    });
    for (const auto of ['SAME_UPPER', 'SAME_LOWER', 'VALID']) {
      await check(averagePoolKernel, {
        op: 'AveragePool',
        opset: 11,
        inputs: [x],
        attrs: {
          auto_pad: A.s(auto),
          kernel_shape: A.is([3, 2]),
          strides: A.is([2, 2]),
          count_include_pad: A.i(inc),
        },
      });
    }
  }
  await check(averagePoolKernel, {
    op: 'AveragePool',
    opset: 11,
    inputs: [rand([2, 2, 9], 6)],
    attrs: { kernel_shape: A.is([4]), strides: A.is([3]), ceil_mode: A.i(1) },
  });
  await check(averagePoolKernel, {
    op: 'AveragePool',
    opset: 11,
    inputs: [rand([1, 2, 4, 5, 6], 7)],
    attrs: { kernel_shape: A.is([2, 3, 2]), pads: A.is([1, 0, 1, 0, 1, 1]), count_include_pad: A.i(1) },
  });
});

test('AveragePool-19 dilations', async () => {
  await check(averagePoolKernel, {
    op: 'AveragePool',
    opset: 19,
    inputs: [rand([1, 2, 8, 7], 8)],
    attrs: { kernel_shape: A.is([2, 2]), dilations: A.is([2, 3]), pads: A.is([1, 1, 0, 1]) },
  });
});

test('GlobalAveragePool and GlobalMaxPool', async () => {
  for (const shape of [
    [2, 3, 5, 4],
    [1, 4, 7],
    [1, 2, 3, 4, 5],
  ]) {
    await check(globalAveragePoolKernel, { op: 'GlobalAveragePool', opset: 13, inputs: [rand(shape, 9)] });
    await check(globalMaxPoolKernel, { op: 'GlobalMaxPool', opset: 13, inputs: [rand(shape, 10)] });
  }
});
