/**
 * Keras layers and options beyond graph-hermetic.test.ts, on models written with h5py
 * (test/keras/graph-make-files2.py): transposed convolutions (1/2/3-D, output_padding, dilation,
 * kernels smaller than the stride), causal Conv1D, cropping, 3-D padding and upsampling, bilinear
 * upsampling, GlobalPooling keepdims, Rescaling, RepeatVector, PReLU, ThresholdedReLU, ReLU with a
 * threshold, Dot, TimeDistributed, and Bidirectional with return_state and every merge_mode. Each
 * model: onnx.checker passes and onnxruntime == nnport's executor == the NumPy reference of
 * Keras's layers (test/peers/keras_forward_layers2.py).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import type { Model } from '../../src/core/model.js';
import { openModel } from '../../src/node.js';
import { PYTHON } from '../onnx/write-helpers.js';
import { seededInputs, threeWayKeras } from './graph-helpers.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'nnport-keras-layers-'));
  execFileSync(PYTHON, [resolve(process.cwd(), 'test/keras/graph-make-files2.py'), dir], { stdio: 'pipe' });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** The classes the graph's nodes came from. */
function classes(model: Model): Set<string | undefined> {
  return new Set(
    (model.graph?.nodes ?? []).map((n) => (n.meta?.keras as { class?: string } | undefined)?.class),
  );
}

test('deconv.h5: Conv1D/2D/3DTranspose with output_padding and dilation, causal Conv1D', async () => {
  const path = join(dir, 'deconv.h5');
  const model = await openModel(path);
  const g = model.graph;
  assert.ok(g !== undefined, JSON.stringify(model.metadata.keras));
  assert.deepEqual(
    model.metadata.keras && (model.metadata.keras as { unsupported?: unknown }).unsupported,
    undefined,
  );
  // Keras's output sizes (deconv_output_length): batch 2, time 5 fill the free dims
  assert.deepEqual(
    g.outputs.map((o) => o.shape),
    [
      [null, 10, 8, 2],
      [null, 16, 10, 3],
      [null, 5, 4, 2],
      [null, 10, 8, 2],
      [null, 8, 11, 2],
      [null, null, 2],
      [null, null, 2],
      [null, null, 4],
      [null, 5, 3, 6, 2],
    ],
  );
  const causal = g.nodes.find((n) => n.name === 'causal/Pad');
  assert.ok(causal !== undefined, 'causal padding is a Pad node');
  await threeWayKeras(model, path, seededInputs(model, 31));
});

test('misc.h5: RepeatVector, PReLU, ThresholdedReLU, ReLU threshold, Dot, TimeDistributed', async () => {
  const path = join(dir, 'misc.h5');
  const model = await openModel(path);
  assert.ok(model.graph !== undefined, JSON.stringify(model.metadata.keras));
  for (const c of ['RepeatVector', 'PReLU', 'ThresholdedReLU', 'ReLU', 'Dot', 'TimeDistributed'])
    assert.ok(classes(model).has(c), c);
  assert.ok(model.graph.nodes.some((n) => n.op === 'PRelu' && n.inputs[1] === 'prelu_shared/alpha'));
  assert.deepEqual(
    model.graph.outputs.map((o) => o.shape),
    [
      [null, 3, 4],
      [null, 3, 4, 2],
      [null, 4],
      [null, 4],
      [null, 1],
      [null, 3, 3],
      [null, 4, 4],
      [null, 3, 2],
      [null, 3, 36],
    ],
  );
  await threeWayKeras(model, path, seededInputs(model, 32));
});

test('birnn.h5: Bidirectional return_state, merge_mode concat/None/mul/sum, wrapped go_backwards; states nothing reads', async () => {
  const path = join(dir, 'birnn.h5');
  const model = await openModel(path);
  const g = model.graph;
  assert.ok(g !== undefined, JSON.stringify(model.metadata.keras));
  assert.deepEqual(
    g.outputs.map((o) => o.shape),
    [
      [null, 5, 8],
      [null, 4],
      [null, 4],
      [null, 4],
      [null, 4],
      [null, 5, 3],
      [null, 3],
      [null, 3],
      [null, 2],
      [null, 2],
      [null, 2],
      [null, 2],
      [null, 5, 4],
      [null, 2],
      [null, 2],
    ],
  );
  await threeWayKeras(model, path, seededInputs(model, 33));
});

test('shapes.keras (Keras 3): Cropping1D/2D/3D, ZeroPadding3D, UpSampling3D, bilinear, keepdims, Rescaling, TimeDistributed', async () => {
  const path = join(dir, 'shapes.keras');
  const model = await openModel(path);
  const g = model.graph;
  assert.ok(g !== undefined, JSON.stringify(model.metadata.keras));
  const resize = g.nodes.find((n) => n.op === 'Resize' && n.name === 'bilin');
  assert.equal(resize?.attributes.coordinate_transformation_mode?.value, 'half_pixel');
  assert.deepEqual(
    g.outputs.map((o) => o.shape),
    [
      [null, 6, 3, 0],
      [null, 8, 4, 12, 2],
      [null, 1, 1, 2],
      [null, 1, 3],
      [null, 7, 2],
    ],
  );
  await threeWayKeras(model, path, seededInputs(model, 34));
});
