/**
 * ONNX (torch.onnx.export) → Keras full model and TF.js layers-model (src/formats/keras/export-*.ts):
 * PyTorch models exported at opsets 11-17 are converted; h5py sees a `model_config` and Keras's
 * weights; the NumPy Keras reference (test/peers/keras-forward.py) on NHWC inputs, nnport's
 * executor on the .h5 and on the model.json read back, all equal onnxruntime on the original
 * ONNX with the same data NCHW (1e-4). A graph with a Gather gets a weights-only file and a
 * warning. One Python process makes the models, one runs every h5py check and NumPy forward.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import type { JsonValue } from '../../src/core/model.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { openModel, saveModel } from '../../src/node.js';
import { assertClose, rand } from '../exec/core-harness.js';
import { writeNpz } from '../mxnet/reader-helpers.js';
import { readNpzBytes } from '../npy/helpers.js';
import { PYTHON } from '../onnx/write-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-kexport-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const CLI = resolve(process.cwd(), 'dist/src/cli/main.js');
const PEERS = resolve(process.cwd(), 'test/peers');

interface Made {
  name: string;
  shape: number[];
  opset: number;
}
interface Result {
  input: ExecTensor;
  nhwc: ExecTensor;
  ort: ExecTensor;
  warnings: string[];
}

const results = new Map<string, Result>();
let peer: Record<string, JsonValue> = {};
let made: Made[] = [];

/** NC… → N…C. */
function toNhwc(t: ExecTensor): ExecTensor {
  const [n, c, ...sp] = t.shape as number[];
  if (sp.length === 0) return t;
  const inner = sp.reduce((a, b) => a * b, 1);
  const data = new Float32Array(t.data.length);
  const src = t.data as Float32Array;
  for (let b = 0; b < (n as number); b++)
    for (let ch = 0; ch < (c as number); ch++)
      for (let i = 0; i < inner; i++)
        data[(b * inner + i) * (c as number) + ch] = src[(b * (c as number) + ch) * inner + i] as number;
  return { dtype: 'float32', shape: [n as number, ...sp, c as number], data };
}

async function npzOut(path: string): Promise<ExecTensor> {
  const npz = await readNpzBytes(new Uint8Array(readFileSync(path)));
  const t = npz.tensors[0];
  assert.ok(t !== undefined, `${path} holds an output`);
  const raw = await t.data.read();
  const data = new Float32Array(raw.byteLength / 4);
  new Uint8Array(data.buffer).set(raw);
  return { dtype: 'float32', shape: [...t.shape], data };
}

const DRIVER = `
import contextlib, io, json, runpy, sys
check, fwd = sys.argv[1], sys.argv[2]
res = {}
for job in json.loads(sys.stdin.read()):
    buf = io.StringIO()
    sys.argv = [check, job['h5']]
    with contextlib.redirect_stdout(buf):
        runpy.run_path(check, run_name='__main__')
    res[job['name']] = json.loads(buf.getvalue())
    for model, out in job['runs']:
        sys.argv = [fwd, model, job['in'], out]
        try:
            runpy.run_path(fwd, run_name='__main__')
        except (SystemExit, Exception) as e:
            res[out] = 'peer failed: %r' % e
print(json.dumps(res))
`;

before(async () => {
  made = JSON.parse(
    execFileSync(PYTHON, [resolve(process.cwd(), 'test/keras/export-make-files.py'), dir], {
      encoding: 'utf8',
    }),
  ) as Made[];
  const jobs: JsonValue[] = [];
  let seed = 1;
  for (const m of made) {
    if (m.name === 'pick') continue;
    const onnx = join(dir, `${m.name}.onnx`);
    const input = rand(m.shape, seed++);
    const session = await ort.InferenceSession.create(onnx);
    const res = await session.run({ x: new ort.Tensor('float32', input.data as Float32Array, m.shape) });
    await session.release();
    const y = res.y as ort.Tensor;
    const want: ExecTensor = { dtype: 'float32', shape: [...y.dims], data: y.data as Float32Array };
    const warnings: string[] = [];
    const model = await openModel(onnx);
    const onWarning = (w: string): void => {
      warnings.push(w);
    };
    await saveModel(model, join(dir, `${m.name}.h5`), { onWarning });
    mkdirSync(join(dir, m.name));
    await saveModel(model, join(dir, m.name, 'model.json'), { to: 'tfjs', onWarning });
    const nhwc = toNhwc(input);
    await writeNpz(join(dir, `${m.name}.in.npz`), { in0: nhwc });
    results.set(m.name, { input, nhwc, ort: want, warnings });
    jobs.push({
      name: m.name,
      h5: join(dir, `${m.name}.h5`),
      in: join(dir, `${m.name}.in.npz`),
      runs: [
        [join(dir, `${m.name}.h5`), join(dir, `${m.name}.h5.out.npz`)],
        [join(dir, m.name, 'model.json'), join(dir, `${m.name}.json.out.npz`)],
      ],
    });
  }
  peer = JSON.parse(
    execFileSync(PYTHON, ['-c', DRIVER, join(PEERS, 'keras-h5-check.py'), join(PEERS, 'keras-forward.py')], {
      input: JSON.stringify(jobs),
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    }),
  ) as Record<string, JsonValue>;
});

/** Layer classes of a model_config in order. */
function classes(config: JsonValue): string[] {
  const layers = ((config as { config: { layers: { class_name: string }[] } }).config.layers ?? []) as {
    class_name: string;
  }[];
  return layers.map((l) => l.class_name);
}

/** Every check for one exported model; returns the h5py loader view. */
async function checkModel(name: string): Promise<{ classes: string[]; changes: JsonValue[] }> {
  const r = results.get(name);
  assert.ok(r !== undefined, `${name} was converted`);
  const c = peer[name] as {
    loader: { root: string; model_config: JsonValue; layers: [string, [string, string, number[]][]][] };
    attrs: Record<string, Record<string, { value: JsonValue }>>;
  };
  assert.equal(c.loader.root, '/model_weights', `${name}: a full model file`);
  assert.notEqual(c.loader.model_config, null);
  for (const kind of ['h5', 'json']) {
    const out = join(dir, `${name}.${kind}.out.npz`);
    assert.equal(peer[out], undefined, String(peer[out]));
    assertClose(
      await npzOut(out),
      r.ort,
      1e-4,
      `${name}: NumPy Keras on the ${kind} (got) vs onnxruntime (want)`,
    );
  }
  for (const file of [`${name}.h5`, join(name, 'model.json')]) {
    const back = await openModel(join(dir, file));
    const input = back.graph?.inputs[0]?.name as string;
    const got = await runGraph(back, { [input]: r.nhwc });
    const out = back.graph?.outputs[0]?.name as string;
    assertClose(
      got[out] as ExecTensor,
      r.ort,
      1e-4,
      `${name}: nnport executor on ${file} (got) vs onnxruntime (want)`,
    );
  }
  const nnport = JSON.parse(String(c.attrs['/']?.nnport?.value)) as { changes: JsonValue[] };
  return { classes: classes(c.loader.model_config), changes: nnport.changes };
}

test('MLP (Gemm, fused relu and softmax): a Functional model of Dense layers', async () => {
  const { classes: cls, changes } = await checkModel('mlp');
  assert.deepEqual(cls, ['InputLayer', 'Dense', 'Dense']);
  assert.ok(changes.some((c) => (c as { to?: string }).to === 'dense/kernel'));
  assert.ok(
    !changes.some((c) => (c as { change?: string }).change === 'layout'),
    'no image input, no layout change',
  );
});

test('MLP at opset 11: LeakyReLU, ReLU6 (Clip) → ReLU(max_value), tanh, dropped Dropout', async () => {
  const { classes: cls } = await checkModel('mlp_acts');
  assert.deepEqual(cls, ['InputLayer', 'Dense', 'LeakyReLU', 'Dense', 'ReLU', 'Dense', 'Dense']);
});

test('CNN: Conv2D same, BatchNormalization, MaxPool, stride-2 pad-1 conv via ZeroPadding2D, global pool + Flatten', async () => {
  const { classes: cls, changes } = await checkModel('cnn');
  assert.deepEqual(cls, [
    'InputLayer',
    'Conv2D',
    'BatchNormalization',
    'MaxPooling2D',
    'ZeroPadding2D',
    'Conv2D',
    'GlobalAveragePooling2D',
    'Dense',
  ]);
  const layout = changes.find((c) => (c as { change?: string }).change === 'layout') as Record<
    string,
    JsonValue
  >;
  assert.deepEqual(layout.inputs, [
    { name: 'x', from: ['batch', 3, 16, 16], to: ['batch', 16, 16, 3], perm: [0, 2, 3, 1] },
  ]);
  assert.ok(changes.some((c) => JSON.stringify((c as { perm?: JsonValue }).perm) === '[2,3,1,0]'));
  assert.ok(results.get('cnn')?.warnings.some((w) => /NHWC/.test(w)));
});

test('Flatten of a spatial map: Permute to channels-first before Flatten keeps the Dense kernel', async () => {
  const { classes: cls } = await checkModel('flat');
  assert.deepEqual(cls, ['InputLayer', 'Conv2D', 'Permute', 'Flatten', 'Dense']);
});

test('depthwise conv (groups = C_in, multiplier 2, stride 2 same) → DepthwiseConv2D; Pad + AveragePool', async () => {
  const { classes: cls } = await checkModel('depthwise');
  assert.deepEqual(cls, [
    'InputLayer',
    'DepthwiseConv2D',
    'Conv2D',
    'AveragePooling2D',
    'Permute',
    'Flatten',
    'Dense',
  ]);
});

test('residual Add, Maximum, Concatenate, max pool pads over ReLU outputs via ZeroPadding2D', async () => {
  const { classes: cls } = await checkModel('residual');
  for (const k of ['Add', 'Maximum', 'Concatenate', 'ZeroPadding2D', 'MaxPooling2D', 'Permute'])
    assert.ok(cls.includes(k), k);
});

test('Conv1D (sigmoid, dilation), AveragePooling1D, fixed batch', async () => {
  const { classes: cls } = await checkModel('conv1d');
  assert.deepEqual(cls, [
    'InputLayer',
    'Conv1D',
    'AveragePooling1D',
    'Conv1D',
    'Permute',
    'Flatten',
    'Dense',
  ]);
});

test('nnport verify: the NHWC Keras file against its NCHW ONNX source passes (inputs transposed by the record)', () => {
  for (const [name, size] of [
    ['cnn', '2,3,16,16'],
    ['flat', '2,2,8,8'],
  ] as const) {
    const r = spawnSync(
      process.execPath,
      [CLI, 'verify', join(dir, `${name}.h5`), join(dir, `${name}.onnx`), '--input', `x=${size}`, '--json'],
      {
        encoding: 'utf8',
      },
    );
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout) as { layout?: { side: string; to: string } };
    assert.deepEqual([report.layout?.side, report.layout?.to], ['A', 'NHWC']);
  }
});

test('a Gather (no Keras layer): weights-only file, a warning naming the op, exit 0', () => {
  const out = join(dir, 'pick.h5');
  const r = spawnSync(process.execPath, [CLI, 'convert', join(dir, 'pick.onnx'), out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: .*Gather/);
  const c = JSON.parse(
    execFileSync(PYTHON, [join(PEERS, 'keras-h5-check.py'), out], { encoding: 'utf8' }),
  ) as { loader: { root: string; model_config: JsonValue } };
  assert.equal(c.loader.root, '/');
  assert.equal(c.loader.model_config, null);
});
