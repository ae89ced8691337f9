/**
 * The MXNet symbol corpus (../shared/fixtures/mxnet): every symbol file is read, written as ONNX
 * and passed through onnx.checker (full check), and every model nnport translates completely is
 * run three ways on the same inputs: onnxruntime-node on the written ONNX, nnport's executor on the
 * read model, and the NumPy peer (test/peers/mxnet-forward.py, MXNet's documented semantics).
 * Symbols without parameters get seeded random arrays for every `metadata.mxnet.arrays` entry.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { openInput, openModel } from '../../src/node.js';
import { assertClose, rand, runOrt, tensor } from '../exec/core-harness.js';
import { onnxCheck, writeFile } from '../onnx/write-helpers.js';
import {
  mxnetFixtures,
  type NodeSpec,
  peerDir,
  randomArrays,
  readSymbol,
  shapes,
  symbolJson,
  threeWay,
} from './reader-helpers.js';

/** One symbol fixture: its data input shapes, and whether all three runs are compared. */
interface Case {
  readonly file: string;
  readonly inputs: Record<string, readonly number[]>;
  /** Compare ORT, the executor and the peer (false: read + ONNX check only, see `why`). */
  readonly run: boolean;
  readonly why?: string;
  /** Ops nnport is expected to keep untranslated. */
  readonly unsupported?: readonly string[];
  /** Tolerance of onnxruntime against the peer (default 1e-4). */
  readonly ortTol?: number;
}

const CASES: readonly Case[] = [
  { file: 'mlp-symbol-api-v0.12/Neural_Net-symbol.json', inputs: { data: [2, 784] }, run: true },
  // transpose (1, 0, 2) makes NTC data TNC for the fused RNN.
  // onnxruntime's RNN kernel evaluates tanh approximately (about 4e-5 off after 28 steps and the
  // softmax), where nnport's executor and the float64 peer agree to 1e-6.
  {
    file: 'fused-rnn-v0.12/Fused_Neural_Net-symbol.json',
    inputs: { data: [2, 28, 28] },
    run: true,
    ortTol: 1e-3,
  },
  { file: 'djl-gluon-symbols/mlp-symbol.json', inputs: { data: [1, 3, 224, 224] }, run: true },
  { file: 'djl-gluon-symbols/resnet18_v1-symbol.json', inputs: { data: [1, 3, 224, 224] }, run: true },
  { file: 'djl-gluon-symbols/squeezenet1.0-symbol.json', inputs: { data: [1, 3, 224, 224] }, run: true },
  {
    file: 'djl-gluon-symbols/vgg16_ucf101-symbol.json',
    inputs: { data: [1, 3, 224, 224] },
    run: false,
    why: '138M random parameters (550 MB): a one-off three-way run agreed, but takes over a minute',
  },
  { file: 'apache-mxnet-tests/save_000800.json', inputs: { data: [2, 20] }, run: true },
  // A VGG-like net whose last pooling is global: 64×64 keeps the executor's run short.
  {
    file: 'apache-mxnet-tests/test_dnnl_test_dnnl_model_model1.json',
    inputs: { data: [1, 3, 64, 64] },
    run: true,
  },
  {
    file: 'djl-gluon-symbols/ssd_512_resnet50_v1-symbol.json',
    inputs: { data: [1, 3, 512, 512] },
    run: false,
    why: 'detection head ends in _contrib_box_nms',
    unsupported: ['_contrib_box_nms'],
  },
  {
    file: 'djl-gluon-symbols/static_bert_qa-symbol.json',
    // token ids, token types, valid length (data2 feeds Reshape (-1, 1) and SequenceMask).
    inputs: { data0: [1, 384], data1: [1, 384], data2: [1] },
    run: false,
    why: 'BERT ops (batch_dot, LayerNorm, where ...) are outside the NumPy peer',
  },
];

const FIXTURES = mxnetFixtures();

test('every symbol file in the corpus has a case', (t) => {
  if (FIXTURES === undefined) return t.skip('../shared/fixtures absent');
  for (const d of readdirSync(FIXTURES)) {
    for (const f of readdirSync(join(FIXTURES, d))) {
      if (f.endsWith('.json'))
        assert.ok(
          CASES.some((c) => c.file === `${d}/${f}`),
          `${d}/${f} has no case`,
        );
    }
  }
});

test('parameter files of the corpus read as mxnet-params', async (t) => {
  if (FIXTURES === undefined) return t.skip('../shared/fixtures absent');
  for (const f of ['gluon-save-params-noprefix/MNIST-100.params', 'apache-mxnet-tests/legacy_ndarray.v0']) {
    const m = await openModel(join(FIXTURES, f));
    assert.equal(m.format, 'mxnet-params', f);
    assert.ok(m.tensors.length > 0, f);
  }
});

for (const c of CASES) {
  test(`corpus ${c.file}`, async (t) => {
    if (FIXTURES === undefined) return t.skip('../shared/fixtures absent');
    const path = join(FIXTURES, c.file);
    const model = await openModel(path, { reader: { inputShapes: shapes(c.inputs) } });
    assert.equal(model.format, 'mxnet');
    const meta = model.metadata.mxnet as { unsupported?: { op: string }[]; paramsFile: string | null };
    assert.deepEqual(
      [...new Set((meta.unsupported ?? []).map((u) => u.op))].sort(),
      [...(c.unsupported ?? [])].sort(),
    );
    // Data inputs are never arrays (0.8 files put lr_mult on data variables too).
    const arrays = (model.metadata.mxnet as { arrays: { name: string }[] }).arrays.map((a) => a.name);
    assert.deepEqual(
      arrays.filter((a) => a in c.inputs),
      [],
    );
    const dir = peerDir();
    try {
      if (c.unsupported === undefined) onnxCheck(await writeFile(model, dir, 'model.onnx'));
      if (!c.run) return;
      const data = Object.fromEntries(Object.entries(c.inputs).map(([k, shape]) => [k, rand(shape, 7)]));
      const arrays = meta.paramsFile === null ? undefined : join(path, '..', meta.paramsFile);
      await threeWay(
        model,
        path,
        data,
        dir,
        arrays,
        c.ortTol === undefined ? {} : { ort: c.ortTol, peer: 1e-5 },
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('SSD without its _contrib_box_nms head: translates whole; onnxruntime == executor', async (t) => {
  if (FIXTURES === undefined) return t.skip('../shared/fixtures absent');
  const sym = JSON.parse(
    readFileSync(join(FIXTURES, 'djl-gluon-symbols/ssd_512_resnet50_v1-symbol.json'), 'utf8'),
  );
  // The detector's raw output [1, anchors, 6] is box_nms's input; the nodes after it are cut off.
  // 256×256 instead of 512×512 keeps the executor's run short: slice_like cuts the stored anchors
  // to the smaller feature maps.
  const nms = (sym.nodes as { op: string }[]).findIndex((n) => n.op === '_contrib_box_nms');
  assert.ok(nms > 0);
  sym.heads = sym.nodes[nms].inputs;
  sym.nodes = sym.nodes.slice(0, nms);
  sym.arg_nodes = (sym.arg_nodes as number[]).filter((i) => i < nms);
  delete sym.node_row_ptr;
  const model = await readSymbol(new TextEncoder().encode(JSON.stringify(sym)), {
    inputShapes: shapes({ data: [1, 3, 256, 256] }),
  });
  assert.equal((model.metadata.mxnet as { unsupported?: unknown }).unsupported, undefined);
  const out = model.graph?.outputs[0];
  assert.deepEqual(out?.shape, [1, 30720, 6]);
  const dir = peerDir();
  try {
    onnxCheck(await writeFile(model, dir, 'ssd.onnx'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const feeds: Record<string, ExecTensor> = {
    ...randomArrays(model, 5, ['data']),
    data: rand([1, 3, 256, 256], 7),
  };
  const want = await runOrt(model, feeds);
  const got = await runGraph(model, feeds);
  const name = out?.name as string;
  assertClose(got[name] as ExecTensor, want[name] as ExecTensor, 1e-4, 'ssd executor vs onnxruntime');
});

test('Gluon constants consumed as data (SSD anchors) are listed in metadata.mxnet.arrays', async (t) => {
  if (FIXTURES === undefined) return t.skip('../shared/fixtures absent');
  const path = join(FIXTURES, 'djl-gluon-symbols/ssd_512_resnet50_v1-symbol.json');
  const model = await openModel(path, { reader: { inputShapes: shapes({ data: [1, 3, 512, 512] }) } });
  const arrays = (model.metadata.mxnet as { arrays: { name: string }[] }).arrays.map((a) => a.name);
  const unlisted = (model.graph?.inputs ?? [])
    .map((i) => i.name)
    .filter((n) => n !== 'data' && !arrays.includes(n));
  assert.deepEqual(unlisted, []);
});

test('Gluon save_parameters names without arg:/aux: (MNIST-100.params) as --arrays of a Gluon symbol', async (t) => {
  if (FIXTURES === undefined) return t.skip('../shared/fixtures absent');
  const params = join(FIXTURES, 'gluon-save-params-noprefix/MNIST-100.params');
  // What HybridBlock.export writes for Dense(10) on flattened 28×28 images.
  const nodes: NodeSpec[] = [
    { op: 'null', name: 'data' },
    {
      op: 'null',
      name: 'dense0_weight',
      hidden: { __shape__: '(10, 0)', __lr_mult__: '1.0', __storage_type__: '0' },
    },
    {
      op: 'null',
      name: 'dense0_bias',
      hidden: { __shape__: '(10,)', __init__: 'zeros', __storage_type__: '0' },
    },
    {
      op: 'FullyConnected',
      name: 'dense0_fwd',
      attrs: { flatten: 'True', no_bias: 'False', num_hidden: '10' },
      inputs: [[0], [1], [2]],
    },
    { op: 'softmax', name: 'softmax0', attrs: { axis: '-1' }, inputs: [[3]] },
  ];
  const dir = peerDir();
  try {
    const path = join(dir, 'mnist-symbol.json');
    writeFileSync(path, symbolJson(nodes));
    const model = await openModel(path, {
      reader: { inputShapes: shapes({ data: [3, 1, 28, 28] }), arrays: await openInput(params) },
    });
    assert.deepEqual(
      model.tensors.map((x) => x.name),
      ['dense0_weight', 'dense0_bias'],
    );
    assert.equal((model.metadata.mxnet as { paramsFile: string }).paramsFile, 'MNIST-100.params');
    await threeWay(model, path, { data: rand([3, 1, 28, 28], 9) }, dir, params);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('BERT QA (every op translated) runs under onnxruntime: start/end logits for each token', async (t) => {
  if (FIXTURES === undefined) return t.skip('../shared/fixtures absent');
  const path = join(FIXTURES, 'djl-gluon-symbols/static_bert_qa-symbol.json');
  const model = await openModel(path, {
    reader: { inputShapes: shapes({ data0: [1, 384], data1: [1, 384], data2: [1] }) },
  });
  // Token ids and types are floats in MXNet (Embedding casts them); data2 is the valid length.
  const feeds: Record<string, ExecTensor> = {
    ...randomArrays(model, 3, ['data0', 'data1', 'data2']),
    data0: tensor(
      'float32',
      Array.from({ length: 384 }, (_, i) => (i * 37) % 30522),
      [1, 384],
    ),
    data1: tensor(
      'float32',
      Array.from({ length: 384 }, (_, i) => (i < 200 ? 0 : 1)),
      [1, 384],
    ),
    data2: tensor('float32', [300], [1]),
  };
  const out = model.graph?.outputs[0];
  assert.deepEqual(out?.shape, [1, 384, 2]);
  const got = (await runOrt(model, feeds))[out?.name as string] as ExecTensor;
  assert.deepEqual([...got.shape], [1, 384, 2]);
  assert.ok(Array.from(got.data as Float32Array).every(Number.isFinite));
  // nnport's executor agrees within 1e-4 too, but takes about two minutes on this model.
});
