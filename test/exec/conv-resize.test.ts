/** Resize and Upsample against onnxruntime: modes, coordinate transforms, nearest modes, scales/sizes. */
import { test } from 'node:test';
import { resizeKernel } from '../../src/exec/kernels/Resize.js';
import { upsampleKernel } from '../../src/exec/kernels/Upsample.js';
import { A, check, f32, i64, rand } from './conv-harness.js';

const TRANSFORMS = [
  'half_pixel',
  'asymmetric',
  'align_corners',
  'pytorch_half_pixel',
  'tf_half_pixel_for_nn',
];
const NEAREST = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

test('Resize-13 nearest: every transform and nearest_mode, scales up and down', async () => {
  const x = rand([1, 2, 5, 6], 1);
  for (const t of TRANSFORMS) {
    for (const nm of NEAREST) {
      const attrs = { mode: A.s('nearest'), coordinate_transformation_mode: A.s(t), nearest_mode: A.s(nm) };
      await check(resizeKernel, {
        op: 'Resize',
        opset: 13,
        inputs: [x, undefined, f32([1, 1, 2, 1.5])],
        attrs,
      });
      await check(resizeKernel, {
        op: 'Resize',
        opset: 13,
        inputs: [x, undefined, undefined, i64([1, 2, 3, 4])],
        attrs,
      });
    }
  }
});

test('Resize-13 linear and cubic: every transform, scales and sizes', async () => {
  const x = rand([2, 3, 4, 5], 2);
  for (const t of TRANSFORMS.slice(0, 4)) {
    for (const mode of ['linear', 'cubic']) {
      const attrs = { mode: A.s(mode), coordinate_transformation_mode: A.s(t) };
      await check(resizeKernel, {
        op: 'Resize',
        opset: 13,
        inputs: [x, undefined, f32([1, 1, 2, 3])],
        attrs,
      });
      await check(resizeKernel, {
        op: 'Resize',
        opset: 13,
        inputs: [x, undefined, f32([1, 1, 0.5, 0.6])],
        attrs,
      });
      await check(resizeKernel, {
        op: 'Resize',
        opset: 13,
        inputs: [x, undefined, undefined, i64([2, 3, 7, 3])],
        attrs,
      });
    }
  }
  await check(resizeKernel, {
    op: 'Resize',
    opset: 13,
    inputs: [x, undefined, f32([1, 1, 2, 1.5])],
    attrs: { mode: A.s('cubic'), cubic_coeff_a: A.f(-0.5), exclude_outside: A.i(1) },
  });
});

test('Resize-11 tf_crop_and_resize with roi and extrapolation_value; 3-D linear', async () => {
  const x = rand([1, 1, 6, 5], 3);
  for (const mode of ['nearest', 'linear']) {
    await check(resizeKernel, {
      op: 'Resize',
      opset: 11,
      inputs: [x, f32([0, 0, 0.2, -0.1, 1, 1, 0.9, 1.3]), f32([]), i64([1, 1, 4, 7])],
      attrs: {
        mode: A.s(mode),
        coordinate_transformation_mode: A.s('tf_crop_and_resize'),
        extrapolation_value: A.f(-7),
      },
    });
  }
  await check(resizeKernel, {
    op: 'Resize',
    opset: 13,
    inputs: [rand([1, 2, 3, 4, 5], 4), undefined, f32([1, 1, 2, 1.5, 0.8])],
    attrs: { mode: A.s('linear') },
  });
});

test('Resize-10 and Resize-18 axes / keep_aspect_ratio_policy', async () => {
  const x = rand([1, 2, 5, 6], 5);
  await check(resizeKernel, { op: 'Resize', opset: 10, inputs: [x, f32([1, 1, 2, 2.5])] });
  await check(resizeKernel, { op: 'Resize', opset: 10, inputs: [x, f32([1, 1, 0.6, 0.5])] });
  await check(resizeKernel, {
    op: 'Resize',
    opset: 10,
    inputs: [x, f32([1, 1, 1.7, 2])],
    attrs: { mode: A.s('linear') },
  });
  await check(resizeKernel, {
    op: 'Resize',
    opset: 18,
    inputs: [x, undefined, f32([2, 1.5])],
    attrs: { axes: A.is([2, 3]), mode: A.s('linear') },
  });
  for (const policy of ['not_larger', 'not_smaller']) {
    await check(resizeKernel, {
      op: 'Resize',
      opset: 18,
      inputs: [x, undefined, undefined, i64([8, 9])],
      attrs: { axes: A.is([2, 3]), keep_aspect_ratio_policy: A.s(policy) },
    });
  }
});

test('Upsample-9 nearest and linear', async () => {
  const x = rand([1, 2, 3, 4], 6);
  for (const mode of ['nearest', 'linear']) {
    await check(upsampleKernel, {
      op: 'Upsample',
      opset: 9,
      inputs: [x, f32([1, 1, 2, 3])],
      attrs: { mode: A.s(mode) },
    });
    await check(upsampleKernel, {
      op: 'Upsample',
      opset: 9,
      inputs: [x, f32([1, 1, 1.5, 2.5])],
      attrs: { mode: A.s(mode) },
    });
  }
  await check(upsampleKernel, {
    op: 'Upsample',
    opset: 7,
    inputs: [x],
    attrs: { scales: A.fs([1, 1, 2, 2]) },
  });
});

test('Resize-19 half_pixel_symmetric; fractional downscales under every transform', async () => {
  const x = rand([1, 2, 7, 9], 7);
  for (const mode of ['nearest', 'linear', 'cubic']) {
    await check(resizeKernel, {
      op: 'Resize',
      opset: 19,
      inputs: [x, undefined, f32([1, 1, 1.7, 0.7])],
      attrs: { mode: A.s(mode), coordinate_transformation_mode: A.s('half_pixel_symmetric') },
    });
  }
  for (const t of TRANSFORMS) {
    for (const mode of ['nearest', 'linear']) {
      await check(resizeKernel, {
        op: 'Resize',
        opset: 13,
        inputs: [x, undefined, f32([1, 1, 0.7, 0.45])],
        attrs: { mode: A.s(mode), coordinate_transformation_mode: A.s(t) },
      });
      await check(resizeKernel, {
        op: 'Resize',
        opset: 13,
        inputs: [x, undefined, undefined, i64([1, 2, 3, 13])],
        attrs: { mode: A.s(mode), coordinate_transformation_mode: A.s(t) },
      });
    }
  }
});
