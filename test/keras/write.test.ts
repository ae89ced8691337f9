/**
 * Writing Keras HDF5 (`--to keras`) through h5wasm, checked by h5py (test/peers/keras-h5-check.py,
 * which repeats Keras's legacy loader): the save_weights layout, attributes as h5py/Keras write
 * them, every writable dtype and value by sha256, full-model files with large configs, refusals.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { DType } from '../../src/core/dtype.js';
import type { Model } from '../../src/core/model.js';
import { permuteBytes } from '../../src/core/permute.js';
import { readTensorBytes, type Tensor, tensorFromBytes } from '../../src/core/tensor.js';
import { readKerasHdf5 } from '../../src/formats/keras/read.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { BytesSource } from '../../src/io/byte-source.js';
import { rejectsWith, sha256 } from '../assert-errors.js';
import { runPython } from '../npy/helpers.js';
import {
  type AttrInfo,
  bytesOf,
  check,
  NUMPY,
  readBack,
  tensor,
  writeFile,
  writeKerasModel,
} from './write-helpers.js';

test('weights file: save_weights layout, attributes as h5py writes them, every writable dtype', async () => {
  const tensors: Tensor[] = [
    tensor('dense/kernel', 'float32', [3, 2], [0.5, -1.25, 3, 1e-30, -0, 7]),
    tensor('dense/bias', 'float32', [2], [0.1, 0.2]),
  ];
  const kinds = Object.keys(NUMPY) as DType[];
  for (const [i, dtype] of kinds.entries()) {
    const signed = !dtype.startsWith('u');
    tensors.push(tensor(`kinds/w${i}`, dtype, [2, 2], signed ? [-1, 2, -3, 100] : [1, 2, 3, 200]));
  }
  tensors.push(tensor('kinds/scalar', 'float64', [], [Math.PI]));
  tensors.push(tensor('kinds/empty', 'float32', [0, 4], []));
  const path = await writeFile({ format: 'memory', metadata: {}, tensors }, 'w.h5');
  const c = check(path);

  const root = c.attrs['/'] as Record<string, AttrInfo>;
  assert.deepEqual(root.layer_names?.value, ['dense', 'kinds']);
  assert.match(root.layer_names?.dtype ?? '', /^\|S\d+$/);
  assert.deepEqual(root.layer_names?.shape, [2]);
  assert.equal(root.backend?.value, 'tensorflow');
  assert.match(root.backend?.dtype ?? '', /^\|S\d+$/);
  assert.equal(root.keras_version?.value, '2.15.0');
  assert.equal(root.nnport, undefined, 'nothing changed, nothing recorded');
  assert.deepEqual(c.attrs['/dense']?.weight_names?.value, ['dense/kernel:0', 'dense/bias:0']);
  assert.match(c.attrs['/dense']?.weight_names?.dtype ?? '', /^\|S\d+$/);

  assert.equal(c.loader.root, '/');
  assert.equal(c.loader.keras_version, '2.15.0');
  assert.deepEqual(c.loader.layers[0], [
    'dense',
    [
      ['dense/kernel:0', '<f4', [3, 2]],
      ['dense/bias:0', '<f4', [2]],
    ],
  ]);
  for (const [i, t] of tensors.entries()) {
    const layer = t.name.split('/')[0] as string;
    const ds = c.datasets[`/${layer}/${t.name}:0`];
    assert.ok(ds !== undefined, `dataset of ${t.name}`);
    assert.deepEqual(ds.shape, t.shape, t.name);
    if (i >= 2 && i < 2 + kinds.length) assert.equal(ds.dtype, NUMPY[t.dtype], t.name);
    assert.equal(ds.sha256, sha256(await readTensorBytes(t)), t.name);
  }

  const back = await readBack(path);
  assert.deepEqual(
    back.tensors.map((t) => [t.name, t.dtype, t.shape]),
    tensors.map((t) => [t.name, t.dtype, t.shape]),
  );
  for (const [i, t] of back.tensors.entries()) {
    assert.equal(
      sha256(await readTensorBytes(t)),
      sha256(await readTensorBytes(tensors[i] as Tensor)),
      t.name,
    );
  }
});

test('refusals: names without a layer, PyTorch tensors with no Keras weight, bfloat16 are UNREPRESENTABLE naming the tensor; nothing written', async () => {
  const cases: [Tensor, string][] = [
    [tensor('alone', 'float32', [1], [1]), 'alone'],
    [tensor('rnn.weight_ih_l0', 'float32', [4], [1, 2, 3, 4]), 'rnn.weight_ih_l0'],
    [tensorFromBytes('dense/k', 'bfloat16', [1], new Uint8Array([0x80, 0x3f])), 'dense/k'],
  ];
  for (const [t, name] of cases) {
    const target = new MemoryTarget('x.h5');
    const e = await rejectsWith(
      writeKerasModel({ format: 'memory', metadata: {}, tensors: [t] }, target, {}),
      'UNREPRESENTABLE',
    );
    assert.deepEqual(e.at, { tensor: name });
    assert.equal(target.files.size, 0, `${name}: nothing written`);
  }
});

test('float16 and bool are stored widened (float32, uint8), exactly, and recorded', async () => {
  // every float16 class: zero, -0, subnormals, normals, max, Inf, NaN with a payload
  const halves = [0x0000, 0x8000, 0x0001, 0x03ff, 0x0400, 0x3c00, 0xc000, 0x7bff, 0x7c00, 0xfc00, 0x7e01];
  const h = new Uint8Array(new Uint16Array(halves).buffer);
  const tensors = [
    tensorFromBytes('dense/kernel', 'float16', [halves.length], h),
    tensorFromBytes('mask/m', 'bool', [3], new Uint8Array([1, 0, 1])),
  ];
  const path = await writeFile({ format: 'memory', metadata: {}, tensors }, 'wide.h5');
  const c = check(path);
  const kernel = c.datasets['/dense/dense/kernel:0'];
  assert.equal(kernel?.dtype, '<f4');
  // h5py's float32 bits equal NumPy's own float16 → float32 cast of the same patterns
  const widened = new Uint8Array(new Float32Array(halves.length).buffer);
  const expected = Buffer.from(
    new Uint32Array(
      JSON.parse(
        runPython([
          '-c',
          `import numpy as np,json; print(json.dumps(np.array(${JSON.stringify(halves)},dtype=np.uint16).view(np.float16).astype(np.float32).view(np.uint32).tolist()))`,
        ]),
      ) as number[],
    ).buffer,
  );
  widened.set(expected);
  assert.equal(kernel?.sha256, sha256(widened));
  assert.equal(c.datasets['/mask/mask/m:0']?.dtype, '|u1');
  assert.equal(c.datasets['/mask/mask/m:0']?.sha256, sha256(new Uint8Array([1, 0, 1])));
  const back = await readBack(path);
  const changes = (
    back.metadata.nnport as { changes: { change: string; tensor: string; from: string; dtype: string }[] }
  ).changes;
  assert.deepEqual(
    changes.map((x) => [x.change, x.tensor, x.from, x.dtype]),
    [
      ['dtype', 'dense/kernel', 'float16', 'float32'],
      ['dtype', 'mask/m', 'bool', 'uint8'],
    ],
  );
});

test('permuteBytes: transposes like numpy', () => {
  const x = bytesOf('float32', [0, 1, 2, 3, 4, 5]); // [2, 3]
  const t = new Float32Array(permuteBytes(x, [2, 3], [1, 0], 4).buffer);
  assert.deepEqual([...t], [0, 3, 1, 4, 2, 5]);
  const y = bytesOf('int16', [...Array(24).keys()]); // [2, 3, 4]
  const p = new Int16Array(permuteBytes(y, [2, 3, 4], [2, 0, 1], 2).buffer);
  // numpy: np.arange(24).reshape(2,3,4).transpose(2,0,1).ravel()
  assert.deepEqual(
    [...p],
    [0, 4, 8, 12, 16, 20, 1, 5, 9, 13, 17, 21, 2, 6, 10, 14, 18, 22, 3, 7, 11, 15, 19, 23],
  );
});

test('full model: model_config (over 64 KiB too) and training_config at the root, weights under model_weights', async () => {
  const layers = Array.from({ length: 1500 }, (_, i) => ({
    class_name: 'Dense',
    config: { name: `dense_${i}`, units: 2, activation: 'linear', note: 'é'.repeat(20) },
  }));
  const modelConfig = { class_name: 'Sequential', config: { name: 'big', layers } };
  const trainingConfig = { loss: 'mse', optimizer_config: { class_name: 'Adam' } };
  const model: Model = {
    format: 'memory',
    metadata: { keras: { modelConfig, trainingConfig, kerasVersion: '2.4.0', backend: 'tensorflow' } },
    tensors: [
      tensor('dense_0/kernel', 'float32', [1, 2], [1, 2]),
      tensor('dense_0/bias', 'float32', [2], [3, 4]),
    ],
  };
  assert.ok(JSON.stringify(modelConfig).length > 65536);
  const path = await writeFile(model, 'full.h5');
  const c = check(path);
  assert.equal(c.loader.root, '/model_weights');
  assert.deepEqual(c.loader.model_config, modelConfig);
  assert.equal(c.loader.keras_version, '2.4.0');
  assert.equal(c.loader.backend, 'tensorflow');
  assert.deepEqual(JSON.parse(String(c.attrs['/']?.training_config?.value)), trainingConfig);
  assert.deepEqual(c.loader.layers, [
    [
      'dense_0',
      [
        ['dense_0/kernel:0', '<f4', [1, 2]],
        ['dense_0/bias:0', '<f4', [2]],
      ],
    ],
  ]);
  // the weights and config as nnport reads them (the config is not a runnable model: no graph)
  const back = await readKerasHdf5(new BytesSource(new Uint8Array(readFileSync(path)), 'full.h5'));
  assert.deepEqual(back.keras.modelConfig, modelConfig);
  assert.deepEqual(
    back.tensors.map((x) => x.name),
    ['dense_0/kernel', 'dense_0/bias'],
  );
});

test('a model read from Keras keeps layers without weights, stored names, and Keras 3 top-level weights outside layer_names', async () => {
  const at = (path: string, layer: string) => ({ keras: { path, layer } });
  const kernel = tensor('sequential/dense/kernel', 'float32', [1, 2], [1, 2]);
  const own = tensor('top_level_model_weights/v', 'float32', [1], [5]);
  const constant = tensor('dense/made_by_graph', 'float32', [1], [9]);
  const model: Model = {
    format: 'keras',
    metadata: {
      keras: {
        format: 'h5-weights',
        layers: [
          { name: 'input', weights: [] },
          { name: 'dense', weights: [kernel.name] },
          { name: 'top_level_model_weights', weights: [own.name] },
        ],
      },
    },
    tensors: [
      { ...kernel, meta: at('/dense/sequential/dense/kernel', 'dense') },
      { ...own, meta: at('/top_level_model_weights/v', 'top_level_model_weights') },
      { ...constant, meta: { keras: { role: 'constant' } } },
    ],
  };
  const path = await writeFile(model, 'keras3.h5');
  const c = check(path);
  assert.deepEqual(c.attrs['/']?.layer_names?.value, ['input', 'dense']);
  assert.deepEqual(c.attrs['/input']?.weight_names?.value, []);
  assert.deepEqual(c.attrs['/dense']?.weight_names?.value, ['sequential/dense/kernel']);
  assert.deepEqual(c.attrs['/top_level_model_weights']?.weight_names?.value, ['v']);
  assert.equal(c.datasets['/dense/made_by_graph:0'], undefined, 'graph constants are not weights');
  const back = await readKerasHdf5(new BytesSource(new Uint8Array(readFileSync(path)), 'keras3.h5'));
  assert.deepEqual(back.keras.layers, [
    { name: 'input', weights: [] },
    { name: 'dense', weights: ['sequential/dense/kernel'] },
    { name: 'top_level_model_weights', weights: ['v'] },
  ]);
});
