/**
 * The TF.js writer: TF.js → tfjs round trips (names, dtypes, shapes, bytes, topology), Keras →
 * tfjs (weights bit for bit after the name mapping, the same graph outputs from nnport's
 * executor), the NumPy peer's reading of the written shards, 4 MiB sharding and refusals.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';
import type { Model } from '../../src/core/model.js';
import { tensorFromBytes } from '../../src/core/tensor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { SHARD_BYTES } from '../../src/formats/tfjs/write.js';
import { closeAllFiles } from '../../src/node.js';
import { rejectsWith } from '../assert-errors.js';
import { assertClose, runOrt } from '../exec/core-harness.js';
import { randomBytes } from './build.js';
import {
  hexByName,
  inputsFor,
  numpyOf,
  readBack,
  readFixture,
  runBoth,
  writeToMemory,
} from './write-helpers.js';

test.after(() => closeAllFiles());

const SHARED = resolve(process.cwd(), '../shared/fixtures');
const has = (rel: string): boolean => existsSync(resolve(SHARED, rel));

const TFJS = [
  'tfjs/layers_model_tfjs-layers',
  'tfjs/xor_keras2.7_conv3.11',
  'tfjs/graph_model_converter_1.3.1',
  'tfjs/graph_model_converter_1.7.4',
];

for (const rel of TFJS) {
  test(`tfjs → tfjs keeps names, dtypes, shapes, bytes and topology: ${rel}`, async (t) => {
    if (!has(rel)) return t.skip('../shared/fixtures absent');
    const src = await readFixture(rel);
    const w = await writeToMemory(src, { version: '9.9.9' });
    assert.deepEqual(Object.keys(w.files), ['group1-shard1of1.bin']);
    const back = await readBack(w);
    const s = src.metadata.tfjs as Record<string, unknown>;
    const b = back.metadata.tfjs as Record<string, unknown>;
    assert.deepEqual(b.modelTopology, s.modelTopology);
    assert.equal(b.format, s.format);
    assert.equal(b.generatedBy, s.generatedBy);
    assert.equal(b.convertedBy, 'nnport 9.9.9');
    const meta = (m: Model) => m.tensors.filter((x) => x.meta?.tfjs !== undefined);
    assert.deepEqual(
      meta(back).map((x) => [x.name, x.dtype, x.shape]),
      meta(src).map((x) => [x.name, x.dtype, x.shape]),
    );
    const hs = await hexByName(src);
    const hb = await hexByName(back);
    for (const x of meta(src)) assert.equal(hb.get(x.name), hs.get(x.name), x.name);
    // The peer reads the written shards by the manifest alone and agrees.
    const ref = numpyOf(w);
    assert.deepEqual(
      ref.map((r) => [r.name, r.dtype, r.shape, r.hex]),
      meta(src).map((x) => [x.name, x.dtype, x.shape, hs.get(x.name)]),
    );
    // A layers-model with a graph still has it, and computes the same.
    if (src.graph !== undefined) {
      assert.ok(back.graph !== undefined);
      const [a, c] = await runBoth(src, back, 7);
      assert.deepEqual(c, a);
    }
  });
}

const KERAS: [string, string[] | undefined][] = [
  [
    'keras/churn404_model.h5',
    ['dense_6/kernel', 'dense_6/bias', 'dense_7/kernel', 'dense_7/bias', 'dense_8/kernel', 'dense_8/bias'],
  ],
  [
    'keras/churn404_model.keras',
    ['dense_6/kernel', 'dense_6/bias', 'dense_7/kernel', 'dense_7/bias', 'dense_8/kernel', 'dense_8/bias'],
  ],
  ['keras/frugally-deep_lstm.h5', undefined],
];

for (const [rel, names] of KERAS) {
  test(`keras → tfjs: weights bit for bit, topology, same outputs: ${rel}`, async (t) => {
    if (!has(rel)) return t.skip('../shared/fixtures absent');
    const src = await readFixture(rel);
    const w = await writeToMemory(src);
    const doc = w.doc as { format: string; modelTopology: Record<string, unknown> };
    const keras = src.metadata.keras as { modelConfig: Record<string, unknown>; kerasVersion: string };
    assert.equal(doc.format, 'layers-model');
    assert.deepEqual(doc.modelTopology.config, keras.modelConfig.config);
    assert.equal(doc.modelTopology.class_name, keras.modelConfig.class_name);
    assert.equal(doc.modelTopology.keras_version, keras.kerasVersion);
    const back = await readBack(w);
    // Every Keras weight, in Keras's order, under its tfjs-layers name.
    const layers = (src.metadata.keras as { layers: { weights: string[] }[] }).layers;
    const order = layers.flatMap((l) => l.weights);
    assert.equal(back.tensors.filter((x) => x.meta?.tfjs !== undefined).length, order.length);
    if (names !== undefined) assert.deepEqual(back.tensors.map((x) => x.name).slice(0, names.length), names);
    else assert.deepEqual(back.tensors.map((x) => x.name).slice(0, order.length), order);
    const hs = await hexByName(src);
    const hb = await hexByName(back);
    const srcByName = new Map(src.tensors.map((x) => [x.name, x]));
    order.forEach((n, i) => {
      const out = back.tensors[i];
      assert.ok(out !== undefined);
      assert.equal(hb.get(out.name), hs.get(n), `${n} → ${out.name}`);
      assert.deepEqual(out.shape, srcByName.get(n)?.shape);
    });
    const ref = numpyOf(w);
    assert.deepEqual(
      ref.map((r) => r.hex),
      order.map((n) => hs.get(n)),
    );
    assert.ok(src.graph !== undefined, 'the Keras reader attached a graph');
    assert.ok(
      back.graph !== undefined,
      `tfjs reader attached no graph: ${JSON.stringify((back.metadata.tfjs as { graphError?: string }).graphError)}`,
    );
    const [a, c] = await runBoth(src, back, 11);
    assert.ok(a.length > 0);
    assert.deepEqual(c, a);
    // The TF.js model as ONNX under onnxruntime gives what nnport's executor computes on the Keras graph
    const feeds = inputsFor(src, 11);
    const ort = await runOrt(back, feeds);
    (back.graph?.outputs ?? []).forEach((o, i) => {
      assertClose(
        ort[o.name] as ExecTensor,
        a[i] as ExecTensor,
        1e-5,
        `${rel} ${o.name}: onnxruntime on TF.js→ONNX vs executor on Keras`,
      );
    });
  });
}

function plainModel(tensors: Model['tensors']): Model {
  return { format: 'memory', metadata: {}, tensors };
}

test('shards split at 4 MiB; a tensor spanning shards reads back bit for bit (nnport and NumPy)', async () => {
  const big = randomBytes(SHARD_BYTES + 4 * 1000, 1); // 1001 × 1024 + … float32 values
  const small = randomBytes(16, 2);
  const model = plainModel([
    tensorFromBytes('head/bias', 'float32', [4], small),
    tensorFromBytes('big/kernel', 'float32', [big.byteLength / 4], big),
    tensorFromBytes('mask/flags', 'bool', [3], new Uint8Array([1, 0, 1])),
    tensorFromBytes('ids/table', 'int32', [2], randomBytes(8, 3)),
  ]);
  const w = await writeToMemory(model);
  assert.deepEqual(Object.keys(w.files).sort(), ['group1-shard1of2.bin', 'group1-shard2of2.bin']);
  assert.equal(w.files['group1-shard1of2.bin']?.byteLength, SHARD_BYTES);
  assert.equal(w.files['group1-shard2of2.bin']?.byteLength, 16 + big.byteLength + 3 + 8 - SHARD_BYTES);
  const doc = w.doc as { modelTopology?: unknown; format?: unknown; weightsManifest: { paths: string[] }[] };
  assert.equal(doc.modelTopology, undefined, 'no Keras config: weights-only model.json');
  assert.equal(doc.format, undefined);
  assert.deepEqual(doc.weightsManifest[0]?.paths, ['group1-shard1of2.bin', 'group1-shard2of2.bin']);
  const back = await readBack(w);
  assert.deepEqual(await hexByName(back), await hexByName(model));
  const ref = numpyOf(w);
  const hs = await hexByName(model);
  assert.deepEqual(
    ref.map((r) => [r.name, r.hex]),
    model.tensors.map((x) => [x.name, hs.get(x.name)]),
  );
});

test('an empty model writes one empty shard', async () => {
  const w = await writeToMemory(plainModel([]));
  assert.deepEqual(Object.keys(w.files), ['group1-shard1of1.bin']);
  assert.equal(w.files['group1-shard1of1.bin']?.byteLength, 0);
});

for (const [dtype, bytes] of [
  ['float64', 8],
  ['float16', 2],
  ['int8', 1],
  ['uint8', 1],
  ['int64', 8],
] as const) {
  test(`refuses ${dtype} weights (UNREPRESENTABLE naming the tensor)`, async () => {
    const model = plainModel([
      tensorFromBytes('ok/w', 'float32', [1], new Uint8Array(4)),
      tensorFromBytes('bad/w', dtype, [2], new Uint8Array(2 * bytes)),
    ]);
    const e = await rejectsWith(writeToMemory(model), 'UNREPRESENTABLE');
    assert.deepEqual(e.at, { tensor: 'bad/w' });
  });
}

test('refuses two weights that would share a name', async () => {
  const t = tensorFromBytes('dense/kernel:0', 'float32', [1], new Uint8Array(4));
  const u = tensorFromBytes('dense/kernel', 'float32', [1], new Uint8Array(4));
  const model: Model = {
    format: 'keras',
    metadata: { keras: { layers: [{ name: 'dense', weights: ['dense/kernel:0', 'dense/kernel'] }] } },
    tensors: [t, u],
  };
  await rejectsWith(writeToMemory(model), 'UNREPRESENTABLE');
});

test('Keras 3 numbered variables: named by class, refused for an unknown class', async () => {
  const v = (n: string) => tensorFromBytes(n, 'float32', [1], new Uint8Array(4));
  const config = (cls: string, extra: Record<string, unknown> = {}) => ({
    class_name: 'Sequential',
    config: { name: 's', layers: [{ class_name: cls, config: { name: 'l', ...extra } }] },
  });
  const model = (cls: string, n: number, extra: Record<string, unknown> = {}): Model => {
    const names = Array.from({ length: n }, (_, i) => `layers/l/vars/${i}`);
    return {
      format: 'keras',
      metadata: {
        keras: {
          kerasVersion: '3.1.0',
          modelConfig: config(cls, extra),
          layers: [{ name: 'l', weights: names }],
        },
      } as Model['metadata'],
      tensors: names.map(v),
    };
  };
  const names = async (m: Model) =>
    (
      (await writeToMemory(m)).doc as { weightsManifest: { weights: { name: string }[] }[] }
    ).weightsManifest[0]?.weights.map((x) => x.name);
  assert.deepEqual(await names(model('BatchNormalization', 3, { scale: false })), [
    'l/beta',
    'l/moving_mean',
    'l/moving_variance',
  ]);
  assert.deepEqual(await names(model('Dense', 1, { use_bias: false })), ['l/kernel']);
  assert.deepEqual(await names(model('GRU', 3)), ['l/kernel', 'l/recurrent_kernel', 'l/bias']);
  await rejectsWith(writeToMemory(model('MultiHeadAttention', 8)), 'UNREPRESENTABLE');
  // A count that does not fit the class's variables is refused, not guessed.
  await rejectsWith(writeToMemory(model('Dense', 3)), 'UNREPRESENTABLE');
});
