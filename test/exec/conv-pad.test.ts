/** Pad against onnxruntime: modes, pads as attribute and input, constant_value, axes, negative pads. */
import { test } from 'node:test';
import { padKernel } from '../../src/exec/kernels/Pad.js';
import { A, check, f32, i64, rand } from './conv-harness.js';

test('Pad-2 attribute pads and value', async () => {
  await check(padKernel, {
    op: 'Pad',
    opset: 2,
    inputs: [rand([2, 3, 4], 1)],
    attrs: { pads: A.is([0, 1, 2, 1, 0, 3]), value: A.f(1.5) },
  });
  await check(padKernel, {
    op: 'Pad',
    opset: 2,
    inputs: [rand([3, 4], 2)],
    attrs: { pads: A.is([2, 3, 1, 2]), mode: A.s('reflect') },
  });
});

test('Pad-11/13: constant, reflect, edge with pads input and constant_value', async () => {
  const x = rand([2, 3, 4, 5], 3);
  for (const mode of ['constant', 'reflect', 'edge']) {
    await check(padKernel, {
      op: 'Pad',
      opset: 13,
      inputs: [x, i64([0, 1, 2, 3, 0, 2, 1, 3])],
      attrs: { mode: A.s(mode) },
    });
  }
  await check(padKernel, {
    op: 'Pad',
    opset: 11,
    inputs: [x, i64([1, 0, 2, 1, 0, 1, 0, 2]), f32([-2.5], [])],
  });
  // Negative pads crop.
  await check(padKernel, {
    op: 'Pad',
    opset: 13,
    inputs: [x, i64([0, -1, 2, -2, 0, 1, -1, 3]), f32([0.25], [])],
  });
  await check(padKernel, {
    op: 'Pad',
    opset: 13,
    inputs: [x, i64([0, 0, -1, 2, 0, 0, 1, -2])],
    attrs: { mode: A.s('edge') },
  });
});

test('Pad-18 axes input and Pad-19 wrap', async () => {
  const x = rand([2, 3, 4], 4);
  await check(padKernel, {
    op: 'Pad',
    opset: 18,
    inputs: [x, i64([1, 2, 3, 0]), f32([3], []), i64([0, -1])],
  });
  await check(padKernel, {
    op: 'Pad',
    opset: 18,
    inputs: [x, i64([2, 3]), undefined, i64([2])],
    attrs: { mode: A.s('reflect') },
  });
  await check(padKernel, {
    op: 'Pad',
    opset: 19,
    inputs: [x, i64([1, 2, 3, 0, 1, 5])],
    attrs: { mode: A.s('wrap') },
  });
});

test('Pad of int64 data', async () => {
  const x = i64([1, 2, 3, 4, 5, 6], [2, 3]);
  await check(padKernel, { op: 'Pad', opset: 13, inputs: [x, i64([1, 0, 0, 2]), i64([7], [])] });
});
