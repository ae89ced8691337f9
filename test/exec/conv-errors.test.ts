/** The kernels of this family refuse what they cannot take with NnportError codes, not other exceptions. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NnportError } from '../../src/core/errors.js';
import type { AttributeValue } from '../../src/core/graph.js';
import type { ExecTensor, Kernel } from '../../src/exec/kernel.js';
import { batchNormalizationKernel } from '../../src/exec/kernels/BatchNormalization.js';
import { convKernel } from '../../src/exec/kernels/Conv.js';
import { convTransposeKernel } from '../../src/exec/kernels/ConvTranspose.js';
import { maxPoolKernel } from '../../src/exec/kernels/MaxPool.js';
import { padKernel } from '../../src/exec/kernels/Pad.js';
import { resizeKernel } from '../../src/exec/kernels/Resize.js';
import { A, f32, i64, rand } from './conv-harness.js';

function run(
  kernel: Kernel,
  op: string,
  since: number,
  inputs: (ExecTensor | undefined)[],
  attrs: Record<string, AttributeValue>,
) {
  return () =>
    kernel(inputs, {
      node: { name: 'n', op, inputs: [], outputs: ['y'], attributes: attrs },
      attrs,
      opset: since,
      since,
    });
}

function code(c: string) {
  return (e: unknown) => e instanceof NnportError && e.code === c;
}

test('INVALID_STRUCTURE: mismatched channels, bad pads, bad auto_pad, window larger than input', () => {
  assert.throws(
    run(convKernel, 'Conv', 11, [rand([1, 3, 5, 5], 1), rand([2, 2, 3, 3], 2)], {}),
    code('INVALID_STRUCTURE'),
  );
  assert.throws(
    run(convKernel, 'Conv', 11, [rand([1, 2, 5, 5], 1), rand([2, 2, 3, 3], 2)], { pads: A.is([1, 1]) }),
    code('INVALID_STRUCTURE'),
  );
  assert.throws(
    run(convKernel, 'Conv', 11, [rand([1, 2, 5, 5], 1), rand([2, 2, 3, 3], 2)], { auto_pad: A.s('SAME') }),
    code('INVALID_STRUCTURE'),
  );
  assert.throws(
    run(convKernel, 'Conv', 11, [rand([1, 2, 2, 2], 1), rand([2, 2, 3, 3], 2)], {}),
    code('INVALID_STRUCTURE'),
  );
  assert.throws(
    run(convTransposeKernel, 'ConvTranspose', 11, [rand([1, 3, 5, 5], 1), rand([2, 2, 3, 3], 2)], {}),
    code('INVALID_STRUCTURE'),
  );
  assert.throws(
    run(maxPoolKernel, 'MaxPool', 12, [rand([1, 3], 1)], { kernel_shape: A.is([2]) }),
    code('INVALID_STRUCTURE'),
  );
  assert.throws(run(padKernel, 'Pad', 13, [rand([2, 2], 1), i64([1, 1])], {}), code('INVALID_STRUCTURE'));
  assert.throws(
    run(resizeKernel, 'Resize', 13, [rand([1, 1, 2, 2], 1), undefined, f32([1, 1, 2])], {}),
    code('INVALID_STRUCTURE'),
  );
});

test('UNSUPPORTED_OP: BatchNormalization training_mode, Resize antialias', () => {
  const c = rand([2], 3);
  assert.throws(
    run(batchNormalizationKernel, 'BatchNormalization', 15, [rand([1, 2, 2], 1), c, c, c, c], {
      training_mode: A.i(1),
    }),
    code('UNSUPPORTED_OP'),
  );
  assert.throws(
    run(resizeKernel, 'Resize', 18, [rand([1, 1, 4, 4], 1), undefined, f32([1, 1, 0.5, 0.5])], {
      antialias: A.i(1),
    }),
    code('UNSUPPORTED_OP'),
  );
});
