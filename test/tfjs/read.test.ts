/**
 * The TF.js reader on the shared fixtures and on hermetic models: names, shapes, dtypes and bytes
 * against an independent NumPy reading (test/peers/tfjs-ref.py), shards, quantization, refusals,
 * detection.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { defaultRegistry } from '../../src/formats/all.js';
import { readTfjs, tfjsFormat } from '../../src/formats/tfjs/index.js';
import { closeAllFiles, openInput } from '../../src/node.js';
import { rejectsWith } from '../assert-errors.js';
import { buildModel, bytesOf, cat, inputOf, numpyReading, tfjsFixtures, writeBuilt } from './build.js';

/** What each fixture folder holds: [name, dtype, shape] in manifest order, and metadata facts. */
const FIXTURES: Record<
  string,
  { format: string; convertedBy: string | null; tensors: [string, string, number[]][] }
> = {
  'graph_model_converter_1.3.1': {
    format: 'graph-model',
    convertedBy: 'TensorFlow.js Converter v1.3.1.1',
    tensors: [
      ['StatefulPartitionedCall/sequential/dense_Dense2/BiasAdd/ReadVariableOp', 'float32', [1]],
      ['StatefulPartitionedCall/sequential/dense_Dense2/MatMul/ReadVariableOp', 'float32', [10, 1]],
    ],
  },
  'graph_model_converter_1.7.4': {
    format: 'graph-model',
    convertedBy: 'TensorFlow.js Converter v1.7.4r1',
    tensors: [['w', 'float32', [2, 2]]],
  },
  'layers_model_tfjs-layers': {
    format: 'layers-model',
    convertedBy: null,
    tensors: [
      ['embedding_Embedding2/embeddings', 'float32', [100, 20]],
      ['gru_GRU1/kernel', 'float32', [20, 12]],
      ['gru_GRU1/recurrent_kernel', 'float32', [4, 12]],
      ['gru_GRU1/bias', 'float32', [12]],
    ],
  },
  'xor_keras2.7_conv3.11': {
    format: 'layers-model',
    convertedBy: 'TensorFlow.js Converter v3.11.0',
    tensors: [
      ['dense_8/kernel', 'float32', [2, 4]],
      ['dense_8/bias', 'float32', [4]],
      ['dense_9/kernel', 'float32', [4, 1]],
      ['dense_9/bias', 'float32', [1]],
    ],
  },
};

async function hexOf(model: Model): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const t of model.tensors) out.set(t.name, Buffer.from(await readTensorBytes(t)).toString('hex'));
  return out;
}

/** Reads a model.json path through the registry (detection included). */
async function readPath(path: string): Promise<Model> {
  try {
    return await defaultRegistry().read(await openInput(path));
  } finally {
    await closeAllFiles();
  }
}

test('fixtures: names, shapes, dtypes, bytes and values match NumPy; folders read the same', async (t) => {
  const dir = tfjsFixtures();
  if (dir === undefined) {
    t.skip('../shared/fixtures absent');
    return;
  }
  for (const [key, want] of Object.entries(FIXTURES)) {
    const path = join(dir, key, 'model.json');
    const m = await readPath(path);
    assert.equal(m.format, 'tfjs', key);
    assert.deepEqual(
      m.tensors.map((x) => [x.name, x.dtype, x.shape]),
      want.tensors,
      key,
    );
    for (const x of m.tensors) {
      const n = x.shape.reduce((a, b) => a * b, 1);
      assert.equal(x.data.byteLength, 4 * n, `${key} ${x.name}`);
      assert.deepEqual(x.meta, { tfjs: { group: 0 } });
    }
    const tfjs = m.metadata.tfjs as Record<string, unknown>;
    assert.equal(tfjs.format, want.format, key);
    assert.equal(tfjs.kind, want.format, key);
    assert.equal(tfjs.convertedBy, want.convertedBy, key);
    assert.deepEqual(tfjs.quantized, []);
    const topology = tfjs.modelTopology as Record<string, unknown>;
    if (want.format === 'graph-model') assert.ok(Array.isArray(topology.node), key);
    else assert.ok(topology.class_name !== undefined || topology.model_config !== undefined, key);

    const ref = numpyReading(path);
    assert.deepEqual(
      ref.map((r) => [r.name, r.dtype, r.shape]),
      want.tensors,
      `${key}: NumPy reads the same manifest`,
    );
    const got = await hexOf(m);
    for (const r of ref) assert.equal(got.get(r.name), r.hex, `${key} ${r.name}`);

    const folder = await readPath(join(dir, key));
    assert.deepEqual(await hexOf(folder), got, `${key} as a folder`);
  }
  // Graph-model signature kept verbatim.
  const sig = (await readPath(join(dir, 'graph_model_converter_1.7.4', 'model.json'))).metadata
    .tfjs as Record<string, Record<string, Record<string, unknown>>>;
  assert.ok(sig.userDefinedMetadata.signature.inputs !== undefined);
});

test('shards: a tensor spanning two shards reads whole; one inside a shard is a zero-copy window', async () => {
  const a = new Float32Array([1.5, -2, 3.25]); // 12 bytes: shard 1 holds 10 of them
  const b = new Int32Array([7, -8, 9, 10]); // bytes 12..28: spans shards 2 and 3
  const c = new Uint8Array([1, 0, 1]); // bool, inside shard 3
  const data = cat(bytesOf(a), bytesOf(b), bytesOf(c));
  const built = buildModel({
    groups: [
      {
        data,
        cuts: [10, 20],
        weights: [
          { name: 'a', shape: [3], dtype: 'float32' },
          { name: 'b', shape: [2, 2], dtype: 'int32' },
          { name: 'c', shape: [3], dtype: 'bool' },
        ],
      },
      { data: bytesOf(new Float32Array([42])), weights: [{ name: 'd', shape: [], dtype: 'float32' }] },
    ],
  });
  const m = await readTfjs(inputOf(built));
  assert.deepEqual(
    m.tensors.map((x) => [x.name, x.dtype, x.shape, (x.meta as { tfjs: { group: number } }).tfjs.group]),
    [
      ['a', 'float32', [3], 0],
      ['b', 'int32', [2, 2], 0],
      ['c', 'bool', [3], 0],
      ['d', 'float32', [], 1],
    ],
  );
  const bytes = await Promise.all(m.tensors.map((x) => readTensorBytes(x)));
  assert.deepEqual(bytes[0], bytesOf(a));
  assert.deepEqual(bytes[1], bytesOf(b));
  assert.deepEqual(bytes[2], c);
  assert.equal(
    bytes[2].buffer,
    built.files['group1-shard3of3.bin'].buffer,
    'window of the shard, not a copy',
  );
  assert.deepEqual(bytes[3], bytesOf(new Float32Array([42])));
  // Partial reads across the boundary.
  assert.deepEqual(await m.tensors[1].data.read(4, 8), bytesOf(b).subarray(4, 12));
  assert.deepEqual((m.metadata.tfjs as { groups: unknown }).groups, [
    { paths: ['group1-shard1of3.bin', 'group1-shard2of3.bin', 'group1-shard3of3.bin'] },
    { paths: ['group2-shard1of1.bin'] },
  ]);
  // The NumPy peer agrees on the same files.
  const path = writeBuilt(built);
  const ref = numpyReading(path);
  const got = await hexOf(await readPath(path));
  for (const r of ref) assert.equal(got.get(r.name), r.hex, r.name);
});

test('quantization: uint8/uint16 affine and float16 decode bit-exactly as tfjs does (NumPy)', async () => {
  // Stored values cover the whole range; scale/min as the converter writes them (nudged).
  const q8 = new Uint8Array(256).map((_, i) => i);
  const q16 = new Uint16Array([0, 1, 2, 255, 256, 1000, 32767, 32768, 65534, 65535]);
  const qi = new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]); // int32: 0.5·q − 2.5 hits ties both ways
  // float16: ±0, subnormals, normals, max, ±Inf, NaNs with payloads.
  const h = new Uint16Array([
    0x0000, 0x8000, 0x0001, 0x03ff, 0x8200, 0x0400, 0x3c00, 0xc000, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x7c01,
    0xfe37,
  ]);
  const built = buildModel({
    groups: [
      {
        data: cat(q8, bytesOf(q16), qi, bytesOf(h)),
        cuts: [255], // the uint8 tensor crosses into the second shard
        weights: [
          {
            name: 'dense/kernel',
            shape: [16, 16],
            dtype: 'float32',
            quantization: {
              dtype: 'uint8',
              min: -0.10196078817,
              scale: 0.00509803940852,
              original_dtype: 'float32',
            },
          },
          {
            name: 'u16',
            shape: [10],
            dtype: 'float32',
            quantization: { dtype: 'uint16', min: -3.3, scale: 1e-4 },
          },
          {
            name: 'ints',
            shape: [8],
            dtype: 'int32',
            quantization: { dtype: 'uint8', min: -2.5, scale: 0.5 },
          },
          { name: 'half', shape: [14], dtype: 'float32', quantization: { dtype: 'float16' } },
        ],
      },
    ],
  });
  const path = writeBuilt(built);
  const m = await readPath(path);
  assert.deepEqual(
    m.tensors.map((x) => [x.name, x.dtype, x.shape, x.data.byteLength]),
    [
      ['dense/kernel', 'float32', [16, 16], 1024],
      ['u16', 'float32', [10], 40],
      ['ints', 'int32', [8], 32],
      ['half', 'float32', [14], 56],
    ],
  );
  const ref = numpyReading(path);
  const got = await hexOf(m);
  for (const r of ref) assert.equal(got.get(r.name), r.hex, r.name);
  // Math.round ties toward +∞: −2.5 → −2, −1.5 → −1, −0.5 → −0 (0), 0.5 → 1 (NumPy's half-even differs).
  const ints = new Int32Array(new Uint8Array(Buffer.from(got.get('ints') as string, 'hex')).buffer);
  assert.deepEqual([...ints], [-2, -2, -1, -1, 0, 0, 1, 1]);
  const tfjs = m.metadata.tfjs as { quantized: string[] };
  assert.deepEqual(tfjs.quantized, ['dense/kernel', 'u16', 'ints', 'half']);
  assert.deepEqual(m.tensors[0].meta, {
    tfjs: {
      group: 0,
      quantization: {
        dtype: 'uint8',
        min: -0.10196078817,
        scale: 0.00509803940852,
        original_dtype: 'float32',
      },
    },
  });
});

test('refusals: missing shard, short shard, `..` path, unknown/string/complex dtypes, bad quantization', async () => {
  const f = bytesOf(new Float32Array([1, 2, 3, 4]));
  const one = (weights: Record<string, unknown>[], data = f, paths?: string[]) =>
    buildModel({ groups: [{ data, weights, ...(paths === undefined ? {} : { paths }) }] });
  const w = [{ name: 'w', shape: [4], dtype: 'float32' }];

  const missing = one(w, f, ['a.bin', 'b.bin']); // only a.bin gets data
  const e1 = await rejectsWith(readTfjs(inputOf(missing)), 'MISSING_FILE', {
    path: '$.weightsManifest[0].paths[1]',
  });
  assert.match(e1.message, /b\.bin/);

  const short = one([{ name: 'w', shape: [5], dtype: 'float32' }], f, ['only.bin']);
  const e2 = await rejectsWith(readTfjs(inputOf(short)), 'TRUNCATED');
  assert.equal(e2.file, 'only.bin');
  // On disk too, named with its folder.
  const e3 = await rejectsWith(readPath(writeBuilt(short)), 'TRUNCATED');
  assert.match(e3.file ?? '', /nnport-tfjs-[^/]*\/only\.bin$/);

  await rejectsWith(readTfjs(inputOf(one(w, f, ['../evil.bin']))), 'UNSAFE_PATH');
  await rejectsWith(readPath(writeBuilt(one(w, f, ['sub/../../evil.bin']))), 'UNSAFE_PATH');

  for (const dtype of ['float64', 'string', 'complex64', 'int8']) {
    const e = await rejectsWith(
      readTfjs(inputOf(one([{ name: 'odd/name', shape: [4], dtype }]))),
      'UNSUPPORTED_DTYPE',
      { path: '$.weightsManifest[0].weights[0].dtype' },
    );
    assert.match(e.message, /odd\/name/);
  }
  const quant = (quantization: unknown, dtype = 'float32') =>
    readTfjs(inputOf(one([{ name: 'w', shape: [4], dtype, quantization }])));
  await rejectsWith(quant({ dtype: 'int8', min: 0, scale: 1 }), 'UNSUPPORTED_DTYPE');
  await rejectsWith(quant({ dtype: 'float16' }, 'int32'), 'UNSUPPORTED_DTYPE');
  await rejectsWith(quant({ dtype: 'uint8', min: 0, scale: 1 }, 'bool'), 'UNSUPPORTED_DTYPE');
  await rejectsWith(quant({ dtype: 'uint8', min: 0 }), 'INVALID_STRUCTURE', {
    path: '$.weightsManifest[0].weights[0].quantization.scale',
  });
  // Structure: duplicate names, bad shapes, a manifest that is not an array.
  const dup = one([
    { name: 'w', shape: [2], dtype: 'float32' },
    { name: 'w', shape: [2], dtype: 'float32' },
  ]);
  await rejectsWith(readTfjs(inputOf(dup)), 'INVALID_STRUCTURE');
  await rejectsWith(
    readTfjs(inputOf(one([{ name: 'w', shape: [-4], dtype: 'float32' }]))),
    'INVALID_STRUCTURE',
  );
  const notArray = new TextEncoder().encode(
    '{"format":"layers-model","modelTopology":{},"weightsManifest":{}}',
  );
  await rejectsWith(readTfjs(inputOf({ json: notArray, files: {} })), 'INVALID_STRUCTURE', {
    path: '$.weightsManifest',
  });
});

test('detection: TF.js model.json files by content; other JSON (and other model.json) not', async () => {
  const probe = (text: string, name = 'model.json') => {
    const head = new TextEncoder().encode(text);
    return tfjsFormat.detect({ name, head, size: head.byteLength, isFolder: false });
  };
  assert.equal(probe('{"format": "graph-model", "generatedBy": "2.1.0"}'), 'content');
  assert.equal(probe('{"modelTopology": {"class_name": "Sequential"'), 'content'); // tfjs-layers < 1.0
  assert.equal(probe('{"weightsManifest": [{"paths": []'), 'content');
  assert.equal(probe('{"name": "my-app", "version": "1.0.0", "main": "model.js"}'), undefined);
  assert.equal(
    probe('{"format": "nnport", "metadata": {"tfjs": {"modelTopology": {}}}}', 'm.json'),
    undefined,
  );
  assert.equal(probe('{"metadata": {}, "weight_map": {}}', 'model.safetensors.index.json'), undefined);
  assert.equal(probe('{"nodes": [{"op": "null", "name": "x", "inputs": []}], "arg_nodes": [0]}'), undefined);
  assert.equal(probe('[{"paths": [], "weights": []}]', 'weights_manifest.json'), undefined);
  const folder = { name: 'm', head: new Uint8Array(0), size: 0, isFolder: true };
  assert.equal(tfjsFormat.detect({ ...folder, entries: ['group1-shard1of1.bin', 'model.json'] }), 'name');
  assert.equal(tfjsFormat.detect({ ...folder, entries: ['x.bin'] }), undefined);

  // A model.json that is not TF.js: no reader claims it as tfjs.
  const other = writeBuilt({
    json: new TextEncoder().encode('{"name": "app", "layers": [1, 2]}'),
    files: {},
  });
  const e = await rejectsWith(readPath(other), 'NO_READER');
  assert.doesNotMatch(e.detail, /tfjs/);
});
