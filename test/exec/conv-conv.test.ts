/** Conv and ConvTranspose against onnxruntime on seeded inputs, over the awkward attribute combinations. */
import { test } from 'node:test';
import { convKernel } from '../../src/exec/kernels/Conv.js';
import { convTransposeKernel } from '../../src/exec/kernels/ConvTranspose.js';
import { A, check, rand } from './conv-harness.js';

test('Conv 2-D: pads, strides, dilations, bias', async () => {
  await check(convKernel, {
    op: 'Conv',
    opset: 11,
    inputs: [rand([2, 3, 7, 6], 1), rand([4, 3, 3, 3], 2), rand([4], 3)],
    attrs: { pads: A.is([1, 0, 2, 1]) },
  });
  await check(convKernel, {
    op: 'Conv',
    opset: 11,
    inputs: [rand([1, 3, 9, 8], 4), rand([5, 3, 3, 2], 5)],
    attrs: { strides: A.is([2, 3]), dilations: A.is([2, 1]), pads: A.is([1, 1, 1, 1]) },
  });
});

test('Conv with kernel_shape given and no bias', async () => {
  await check(convKernel, {
    op: 'Conv',
    opset: 11,
    inputs: [rand([1, 2, 6, 6], 25), rand([3, 2, 2, 3], 26)],
    attrs: { kernel_shape: A.is([2, 3]), pads: A.is([0, 2, 1, 0]) },
  });
});

test('Conv pointwise (1×1, no im2col) with groups', async () => {
  await check(convKernel, {
    op: 'Conv',
    opset: 11,
    inputs: [rand([2, 6, 4, 5], 27), rand([4, 3, 1, 1], 28), rand([4], 29)],
    attrs: { group: A.i(2) },
  });
});

test('Conv groups and depthwise', async () => {
  await check(convKernel, {
    op: 'Conv',
    opset: 11,
    inputs: [rand([2, 4, 6, 6], 6), rand([6, 2, 3, 3], 7), rand([6], 8)],
    attrs: { group: A.i(2), pads: A.is([1, 1, 1, 1]) },
  });
  await check(convKernel, {
    op: 'Conv',
    opset: 11,
    inputs: [rand([1, 4, 5, 5], 9), rand([4, 1, 3, 3], 10)],
    attrs: { group: A.i(4), strides: A.is([2, 2]) },
  });
});

test('Conv auto_pad SAME_UPPER, SAME_LOWER, VALID', async () => {
  for (const auto of ['SAME_UPPER', 'SAME_LOWER', 'VALID']) {
    await check(convKernel, {
      op: 'Conv',
      opset: 11,
      inputs: [rand([1, 2, 7, 6], 11), rand([3, 2, 4, 3], 12), rand([3], 13)],
      attrs: { auto_pad: A.s(auto), strides: A.is([2, 2]) },
    });
    await check(convKernel, {
      op: 'Conv',
      opset: 11,
      inputs: [rand([1, 2, 8, 5], 14), rand([3, 2, 2, 2], 15)],
      attrs: {
        auto_pad: A.s(auto),
        ...(auto === 'VALID' ? { dilations: A.is([2, 1]) } : { strides: A.is([3, 1]) }),
      },
    });
    // onnxruntime refuses dilations under SAME_*; the kernel follows Operators.md there.
  }
});

test('Conv 1-D and 3-D', async () => {
  await check(convKernel, {
    op: 'Conv',
    opset: 11,
    inputs: [rand([2, 3, 11], 16), rand([4, 3, 3], 17), rand([4], 18)],
    attrs: { strides: A.is([2]), pads: A.is([2, 1]), dilations: A.is([2]) },
  });
  await check(convKernel, {
    op: 'Conv',
    opset: 11,
    inputs: [rand([1, 2, 5, 4, 6], 19), rand([3, 2, 2, 3, 2], 20), rand([3], 21)],
    attrs: { pads: A.is([1, 0, 1, 0, 1, 1]), strides: A.is([1, 2, 2]) },
  });
});

test('Conv large reduction (float64 accumulation)', async () => {
  await check(convKernel, {
    op: 'Conv',
    opset: 11,
    inputs: [rand([1, 64, 10, 10], 22), rand([32, 64, 3, 3], 23), rand([32], 24)],
    attrs: { pads: A.is([1, 1, 1, 1]) },
  });
});

test('ConvTranspose: strides, pads, output_padding, dilations, bias', async () => {
  await check(convTransposeKernel, {
    op: 'ConvTranspose',
    opset: 11,
    inputs: [rand([2, 3, 4, 5], 30), rand([3, 2, 3, 3], 31), rand([2], 32)],
    attrs: { strides: A.is([2, 2]), pads: A.is([1, 0, 0, 1]), output_padding: A.is([1, 0]) },
  });
  await check(convTransposeKernel, {
    op: 'ConvTranspose',
    opset: 11,
    inputs: [rand([1, 2, 5, 4], 33), rand([2, 3, 2, 3], 34)],
    attrs: { dilations: A.is([2, 2]), strides: A.is([1, 3]) },
  });
});

test('ConvTranspose groups, output_shape, auto_pad, 1-D and 3-D', async () => {
  await check(convTransposeKernel, {
    op: 'ConvTranspose',
    opset: 11,
    inputs: [rand([1, 4, 3, 3], 35), rand([4, 3, 3, 3], 36), rand([6], 37)],
    attrs: { group: A.i(2), strides: A.is([2, 2]) },
  });
  await check(convTransposeKernel, {
    op: 'ConvTranspose',
    opset: 11,
    inputs: [rand([1, 2, 3, 4], 38), rand([2, 2, 3, 3], 39)],
    attrs: { strides: A.is([2, 2]), output_shape: A.is([8, 10]) },
  });
  for (const auto of ['NOTSET', 'SAME_UPPER', 'SAME_LOWER']) {
    await check(convTransposeKernel, {
      op: 'ConvTranspose',
      opset: 11,
      inputs: [rand([1, 2, 3, 4], 47), rand([2, 2, 3, 3], 48)],
      attrs: { auto_pad: A.s(auto), strides: A.is([2, 2]), output_shape: A.is([6, 8]) },
    });
  }
  for (const auto of ['SAME_UPPER', 'SAME_LOWER', 'VALID']) {
    await check(convTransposeKernel, {
      op: 'ConvTranspose',
      opset: 11,
      inputs: [rand([1, 2, 3, 4], 40), rand([2, 2, 4, 3], 41)],
      attrs: { auto_pad: A.s(auto), strides: A.is([2, 3]) },
    });
  }
  await check(convTransposeKernel, {
    op: 'ConvTranspose',
    opset: 11,
    inputs: [rand([2, 3, 5], 42), rand([3, 2, 3], 43), rand([2], 44)],
    attrs: { strides: A.is([2]), pads: A.is([1, 2]) },
  });
  await check(convTransposeKernel, {
    op: 'ConvTranspose',
    opset: 11,
    inputs: [rand([1, 2, 3, 2, 3], 45), rand([2, 2, 2, 3, 2], 46)],
    attrs: { strides: A.is([2, 1, 2]), output_padding: A.is([1, 0, 1]) },
  });
});
