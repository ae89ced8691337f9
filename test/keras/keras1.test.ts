/**
 * Keras 1 full-model files (written with h5py in Keras 1.x's layout by keras1-make-files.py):
 * an MLP, CNNs in `th` and `tf` ordering on the TensorFlow and Theano backends (with
 * BatchNormalization over the channel axis), Convolution1D + LSTMs, Theano GRUs, and a functional
 * model of Merge layers, with and without `keras_version` and in Keras 1.0.4's BatchNormalization.
 * Each: onnx.checker passes on the ONNX nnport writes, and onnxruntime == nnport's executor ==
 * the NumPy reference of Keras 1 semantics on the Keras 1 arrays (test/peers/keras1-forward.py,
 * one Python run for all files). Then the contracts: the stored Keras 1 arrays are the
 * initializers (upgrades are nodes), layers Keras 2 dropped stay `keras` nodes, broken weights
 * are coded errors.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { isNnportError } from '../../src/core/errors.js';
import type { Model } from '../../src/core/model.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { writeTfjs } from '../../src/formats/tfjs/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { openModel } from '../../src/node.js';
import { upgradeKeras1Config } from '../../src/ops/keras/keras1.js';
import { assertClose, runOrt } from '../exec/core-harness.js';
import { writeNpz } from '../mxnet/reader-helpers.js';
import { readNpzBytes } from '../npy/helpers.js';
import { onnxCheck, PYTHON, writeFile } from '../onnx/write-helpers.js';
import { seededInputs } from './graph-helpers.js';

const RUN = [
  'mlp',
  'cnn_th',
  'cnn_tf_theano',
  'cnn_th_theano',
  'lstm',
  'gru',
  'merge',
  'merge_noversion',
  'merge_1_0_4',
  'zoo_th',
  'deconv_tf',
  'emb',
  'td',
];

let dir = '';
const models = new Map<string, Model>();
const feeds = new Map<string, Record<string, ExecTensor>>();
const refs = new Map<string, ExecTensor[]>();

async function readOutputs(path: string): Promise<ExecTensor[]> {
  const npz = await readNpzBytes(new Uint8Array(readFileSync(path)));
  const out: ExecTensor[] = [];
  for (let i = 0; ; i++) {
    const t = npz.tensors.find((x) => x.name === `out${i}` || x.name === `out${i}.npy`);
    if (t === undefined) return out;
    const raw = await t.data.read(0, t.data.byteLength);
    const data = new Float32Array(raw.byteLength / 4);
    new Uint8Array(data.buffer).set(raw);
    out.push({ dtype: 'float32', shape: [...t.shape], data });
  }
}

/** Why a model has no three-way run (its read failed, or the reference did): failed in its test. */
const broken = new Map<string, unknown>();

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nnport-keras1-'));
  execFileSync(PYTHON, [resolve(process.cwd(), 'test/keras/keras1-make-files.py'), dir], { stdio: 'pipe' });
  let seed = 31;
  const ready: string[] = [];
  for (const name of RUN) {
    try {
      const model = await openModel(join(dir, `${name}.h5`));
      if (model.graph === undefined) throw new Error(`no graph: ${JSON.stringify(model.metadata.keras)}`);
      const f = seededInputs(model, seed++, [2, 5], { embedding_1_input: 11 });
      const ordered: Record<string, ExecTensor> = {};
      model.graph.inputs.forEach((v, i) => {
        ordered[`in${i}`] = f[v.name] as ExecTensor;
      });
      await writeNpz(join(dir, `${name}.in.npz`), ordered);
      models.set(name, model);
      feeds.set(name, f);
      ready.push(name);
    } catch (e) {
      broken.set(name, e);
    }
  }
  try {
    execFileSync(PYTHON, [resolve(process.cwd(), 'test/peers/keras1-forward.py'), dir, ...ready], {
      stdio: 'pipe',
    });
    for (const name of ready) refs.set(name, await readOutputs(join(dir, `${name}.out.npz`)));
  } catch (e) {
    const why = new Error(`keras1-forward.py failed:\n${(e as { stderr?: string }).stderr ?? String(e)}`);
    for (const name of ready) broken.set(name, why);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** onnx.checker, then onnxruntime == executor == the Keras 1 NumPy reference on every output. */
async function threeWay(name: string, tol = 1e-4): Promise<Model> {
  if (broken.has(name)) throw broken.get(name);
  const model = models.get(name) as Model;
  const f = feeds.get(name) as Record<string, ExecTensor>;
  const ref = refs.get(name) as ExecTensor[];
  onnxCheck(await writeFile(model, dir, `${name}.onnx`));
  const ort = await runOrt(model, f);
  const got = await runGraph(model, f);
  const outputs = model.graph?.outputs ?? [];
  assert.equal(ref.length, outputs.length, 'output count');
  outputs.forEach((o, i) => {
    const r = ref[i] as ExecTensor;
    assertClose(got[o.name] as ExecTensor, r, tol, `${name} ${o.name}: executor vs Keras 1 reference`);
    assertClose(ort[o.name] as ExecTensor, r, tol, `${name} ${o.name}: onnxruntime vs Keras 1 reference`);
    assertClose(
      got[o.name] as ExecTensor,
      ort[o.name] as ExecTensor,
      tol,
      `${name}: executor vs onnxruntime`,
    );
  });
  return model;
}

/** The node making `value`. */
function producer(model: Model, value: string) {
  return model.graph?.nodes.find((n) => n.outputs.includes(value));
}

/** The Keras class each graph node came from. */
function classes(model: Model): Set<string | undefined> {
  return new Set(model.graph?.nodes.map((n) => (n.meta?.keras as { class?: string } | undefined)?.class));
}

test('mlp.h5: Dense(output_dim, bias false)/Activation/Dropout(p) with Keras 1 weight names', async () => {
  const model = await threeWay('mlp');
  const g = model.graph;
  assert.ok(g !== undefined);
  // the stored arrays are the initializers, named as the file names them
  assert.deepEqual([...(g.initializers ?? [])].sort(), model.tensors.map((t) => t.name).sort());
  assert.ok(g.nodes.some((n) => n.op === 'MatMul' && n.inputs.includes('dense_2_W')));
  assert.ok(!g.nodes.some((n) => n.inputs.includes('dense_2_b')));
});

test('cnn_th.h5: channels-first Convolution2D on TensorFlow: kernel [out, in, r, c] transposed by nodes', async () => {
  const model = await threeWay('cnn_th');
  const g = model.graph;
  assert.ok(g !== undefined);
  assert.deepEqual(g.inputs[0]?.shape, [null, 3, 9, 8], 'input stays NCHW');
  const conv = g.nodes.find((n) => n.op === 'Conv');
  const w = producer(model, conv?.inputs[1] as string);
  assert.equal(w?.op, 'Transpose');
  const up = producer(model, w?.inputs[0] as string);
  assert.equal(up?.op, 'Transpose');
  assert.equal(up?.inputs[0], 'convolution2d_1_W');
  assert.ok(!g.nodes.some((n) => n.op === 'Slice'), 'no flip on TensorFlow');
});

test('cnn_tf_theano.h5: Theano kernels are flipped (Slice step -1) before the correlation', async () => {
  const model = await threeWay('cnn_tf_theano');
  const flips = (model.graph?.nodes ?? []).filter((n) => n.op === 'Slice');
  assert.deepEqual(
    flips.map((n) => n.inputs[0]),
    ['convolution2d_1_W', 'convolution2d_2_W'],
  );
});

test('cnn_th_theano.h5: channels-first on Theano (transposed, then flipped)', async () => {
  await threeWay('cnn_th_theano');
});

test('lstm.h5: Convolution1D [k, 1, in, out] and LSTMs from 12 arrays, Concat in gate order i, f, c, o', async () => {
  const model = await threeWay('lstm');
  const g = model.graph;
  assert.ok(g !== undefined);
  const kernel = g.nodes.find((n) => n.op === 'Concat' && n.inputs[0] === 'lstm_1_W_i');
  assert.deepEqual(kernel?.inputs, ['lstm_1_W_i', 'lstm_1_W_f', 'lstm_1_W_c', 'lstm_1_W_o']);
  assert.equal(g.nodes.filter((n) => n.op === 'LSTM').length, 2);
  assert.ok(classes(model).has('Conv1D'));
});

test('gru.h5 (Theano): GRUs from 9 arrays, go_backwards, unknown time length', async () => {
  const model = await threeWay('gru');
  const grus = (model.graph?.nodes ?? []).filter((n) => n.op === 'GRU');
  assert.deepEqual(
    grus.map((n) => [n.attributes.direction?.value, n.attributes.linear_before_reset?.value]),
    [
      ['forward', 0],
      ['reverse', 0],
    ],
  );
});

test('merge.h5: functional Merge sum/mul/ave/max/concat/dot and BatchNormalization, three outputs', async () => {
  const model = await threeWay('merge');
  for (const c of ['Add', 'Multiply', 'Average', 'Maximum', 'Concatenate', 'Dot', 'BatchNormalization'])
    assert.ok(classes(model).has(c), c);
  assert.equal((model.metadata.keras as { unsupported?: unknown }).unsupported, undefined);
});

test('merge_noversion.h5: no keras_version, found to be Keras 1 by its spellings', async () => {
  await threeWay('merge_noversion');
});

test('merge_1_0_4.h5: Keras 1.0.4 BatchNormalization running_std is a standard deviation', async () => {
  const model = await threeWay('merge_1_0_4');
  const bn = model.graph?.nodes.find((n) => n.op === 'BatchNormalization');
  const v = producer(model, bn?.inputs[4] as string);
  assert.equal(v?.op, 'Sub');
});

test('zoo_th.h5: ZeroPadding2D (4-tuple), AtrousConvolution2D, AveragePooling2D, Deconvolution2D, GlobalAveragePooling2D', async () => {
  const model = await threeWay('zoo_th');
  const conv = model.graph?.nodes.find((n) => n.op === 'Conv');
  assert.deepEqual(conv?.attributes.dilations?.value, [2, 1]);
  for (const c of ['ZeroPadding2D', 'AveragePooling2D', 'Conv2DTranspose', 'GlobalAveragePooling2D'])
    assert.ok(classes(model).has(c), c);
});

test('deconv_tf.h5: Deconvolution2D output_shape beyond the minimum is output_padding (same and valid)', async () => {
  const model = await threeWay('deconv_tf');
  const ct = (model.graph?.nodes ?? []).filter((n) => n.op === 'ConvTranspose');
  assert.equal(ct.length, 2);
  assert.deepEqual(model.graph?.outputs[0]?.shape, [null, 2]);
});

test('emb.h5: Embedding on int32 ids, Bidirectional LSTM (concat) and GRU (sum) from 24 and 18 arrays', async () => {
  const model = await threeWay('emb');
  const g = model.graph;
  assert.ok(g !== undefined);
  assert.equal(g.inputs[0]?.dtype, 'int32');
  assert.deepEqual(
    g.nodes.filter((n) => n.op === 'LSTM' || n.op === 'GRU').map((n) => n.attributes.direction?.value),
    ['bidirectional', 'bidirectional'],
  );
});

test('td.h5 (Theano): TimeDistributed Convolution2D (th, flipped), Flatten and Dense', async () => {
  const model = await threeWay('td');
  // the wrapped layer's kernel is upgraded too: transposed from [out, in, r, c], then flipped
  const flip = model.graph?.nodes.find((n) => n.op === 'Slice');
  const t = producer(model, flip?.inputs[0] as string);
  assert.equal(t?.op, 'Transpose');
  assert.equal(t?.inputs[0], 'convolution2d_1_W');
});

test('kept.h5: MaxoutDense, Highway and BatchNormalization mode 2 stay keras nodes, listed', async () => {
  const model = await openModel(join(dir, 'kept.h5'));
  const kept = (model.graph?.nodes ?? []).filter((n) => n.domain === 'keras');
  assert.deepEqual(
    kept.map((n) => n.op),
    ['MaxoutDense', 'Highway', 'BatchNormalization_mode2'],
  );
  assert.deepEqual(
    (model.metadata.keras as { unsupported: { class: string }[] }).unsupported.map((u) => u.class),
    ['MaxoutDense', 'Highway', 'BatchNormalization_mode2'],
  );
  // the kept layers' Keras 1 weights are their inputs, untouched
  assert.ok(kept[1]?.inputs.includes('highway_1_W_carry'));
});

test('bad_lstm.h5: an LSTM gate array of the wrong shape is INVALID_STRUCTURE naming the layer', async () => {
  await assert.rejects(openModel(join(dir, 'bad_lstm.h5')), (e: unknown) => {
    assert.ok(isNnportError(e));
    assert.equal(e.code, 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { node: 'lstm_1' });
    return true;
  });
});

test('upgradeKeras1Config: class and argument renames (th → channels_first, Merge → Concatenate)', () => {
  const up = upgradeKeras1Config({
    class_name: 'Sequential',
    config: [
      {
        class_name: 'AtrousConvolution2D',
        config: {
          name: 'c',
          nb_filter: 8,
          nb_row: 3,
          nb_col: 5,
          border_mode: 'same',
          subsample: [2, 1],
          atrous_rate: [2, 2],
          dim_ordering: 'th',
          bias: false,
        },
      },
      { class_name: 'MaxPooling1D', config: { name: 'p', pool_length: 3, stride: 2, border_mode: 'valid' } },
      {
        class_name: 'LSTM',
        config: { name: 'l', output_dim: 4, inner_activation: 'sigmoid', consume_less: 'gpu' },
      },
      { class_name: 'Merge', config: { name: 'm', mode: 'concat', concat_axis: 1, mode_type: 'raw' } },
      { class_name: 'Merge', config: { name: 'k', mode: 'cos', mode_type: 'raw' } },
    ],
  });
  assert.deepEqual(up, {
    class_name: 'Sequential',
    config: [
      {
        class_name: 'Conv2D',
        config: {
          name: 'c',
          filters: 8,
          padding: 'same',
          strides: [2, 1],
          dilation_rate: [2, 2],
          data_format: 'channels_first',
          use_bias: false,
          kernel_size: [3, 5],
        },
      },
      { class_name: 'MaxPooling1D', config: { name: 'p', pool_size: 3, strides: 2, padding: 'valid' } },
      {
        class_name: 'LSTM',
        config: { name: 'l', units: 4, recurrent_activation: 'sigmoid', implementation: 2 },
      },
      { class_name: 'Concatenate', config: { name: 'm', trainable: true, axis: 1 } },
      { class_name: 'Merge', config: { name: 'k', mode: 'cos', mode_type: 'raw' } },
    ],
  });
});

test('Keras 1 → TF.js: weights only, with a warning (tfjs-layers reads Keras 2 configs and weight layouts)', async () => {
  const model = await openModel(join(dir, 'lstm.h5'));
  const target = new MemoryTarget('model.json');
  const warnings: string[] = [];
  await writeTfjs(model, target, { onWarning: (m) => warnings.push(m) });
  const json = JSON.parse(new TextDecoder().decode(target.bytes)) as Record<string, unknown>;
  assert.equal(json.modelTopology, undefined);
  assert.match(warnings.join('\n'), /Keras 1\.2\.2 config: .*only the weights/);
  const manifest = json.weightsManifest as { weights: { name: string }[] }[];
  assert.deepEqual(
    manifest[0]?.weights.map((w) => w.name),
    model.tensors.map((t) => t.name),
  );
});
