/**
 * `nnport convert x.h5 x.onnx --layout nchw` on hermetic Keras CNNs (test/layout/make-cnn.py):
 * onnx.checker passes, the inputs are NCHW, no Transpose is left between two convolutions (nor
 * before the first), onnxruntime on the NCHW file fed the NHWC input transposed gives the default
 * NHWC export's outputs, both files say their layout in metadata_props, and `nnport verify` of the
 * .h5 against the NCHW file passes. Then the USAGE cases and the graphError policy.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { convert } from '../../src/cli/commands/convert.js';
import { isNnportError } from '../../src/core/errors.js';
import { openModel } from '../../src/node.js';
import { manifestChanges } from '../../src/ops/layout/index.js';
import { PYTHON } from '../onnx/write-helpers.js';

const CLI = resolve('dist/src/cli/main.js');

interface Inspected {
  inputs: [string, (number | null)[]][];
  outputs: [string, (number | null)[]][];
  nodes: { op: string; inputs: string[]; outputs: string[]; perm: number[] | null }[];
  initializers: string[];
  metadata: Record<string, string>;
}

/** The CNNs, their input, and the NHWC batch shape each is run with. */
const MODELS: Record<string, { input: string; shape: number[] }> = {
  cnn: { input: 'image', shape: [2, 10, 8, 3] },
  flat: { input: 'image', shape: [2, 8, 6, 2] },
  conv1d: { input: 'signal', shape: [2, 16, 3] },
  residual: { input: 'image', shape: [2, 7, 9, 3] },
  stem: { input: 'image', shape: [2, 9, 7, 3] },
};

let dir = '';
let report: Record<string, Inspected> = {};
const file = (name: string): string => join(dir, name);

function nnport(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nnport-layout-'));
  execFileSync(PYTHON, [resolve('test/layout/make-cnn.py'), dir], { stdio: 'pipe' });
  const written: string[] = [];
  const quiet = process.stderr.write;
  process.stderr.write = () => true; // convert's "wrote …" lines
  try {
    for (const m of Object.keys(MODELS)) {
      assert.equal(await convert([file(`${m}.h5`), file(`${m}.onnx`)]), 0);
      assert.equal(await convert([file(`${m}.h5`), file(`${m}-nchw.onnx`), '--layout', 'nchw']), 0);
      written.push(file(`${m}.onnx`), file(`${m}-nchw.onnx`));
    }
  } finally {
    process.stderr.write = quiet;
  }
  const out = execFileSync(PYTHON, [resolve('test/layout/inspect-onnx.py'), ...written], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  report = JSON.parse(out);
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** x (C order, `shape`) with its axes permuted (`out.shape[k] = shape[perm[k]]`). */
function transpose(
  x: Float32Array,
  shape: number[],
  perm: number[],
): { data: Float32Array; shape: number[] } {
  const outShape = perm.map((p) => shape[p] as number);
  const strides = shape.map((_, i) => shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const data = new Float32Array(x.length);
  const idx = Array<number>(outShape.length).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let k = 0; k < perm.length; k++) src += (idx[k] as number) * (strides[perm[k] as number] as number);
    data[o] = x[src] as number;
    for (let k = outShape.length - 1; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1;
      if ((idx[k] as number) < (outShape[k] as number)) break;
      idx[k] = 0;
    }
  }
  return { data, shape: outShape };
}

function seeded(n: number, seed: number): Float32Array {
  let s = seed >>> 0;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

async function runOrt(path: string, feeds: Record<string, { data: Float32Array; shape: number[] }>) {
  const session = await ort.InferenceSession.create(path);
  const f: Record<string, ort.Tensor> = {};
  for (const [k, v] of Object.entries(feeds)) f[k] = new ort.Tensor('float32', v.data, v.shape);
  const r = await session.run(f);
  await session.release();
  return r;
}

const toFirst = (rank: number): number[] => [
  0,
  rank - 1,
  ...Array.from({ length: rank - 2 }, (_, i) => i + 1),
];
const toLast = (rank: number): number[] => [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];

/** Transposes whose input is not a stored weight (a weight's HWIO → OIHW Transpose stays). */
const dataTransposes = (g: Inspected): number =>
  g.nodes.filter((n) => n.op === 'Transpose' && !g.initializers.includes(n.inputs[0] as string)).length;

/**
 * Fails when a Transpose lies on a data path into a Conv, walking back from its data input through
 * every non-weight input to the previous Conv or a graph input.
 */
function assertNoTransposeBeforeConv(g: Inspected, label: string): void {
  const producer = new Map(g.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const)));
  for (const conv of g.nodes.filter((n) => n.op === 'Conv')) {
    const queue = [conv.inputs[0] as string];
    const seen = new Set<string>();
    while (queue.length > 0) {
      const v = queue.pop() as string;
      if (seen.has(v) || g.initializers.includes(v)) continue;
      seen.add(v);
      const n = producer.get(v);
      if (n === undefined || n.op === 'Conv') continue;
      assert.notEqual(n.op, 'Transpose', `${label}: a Transpose feeds a Conv`);
      queue.push(...n.inputs.filter((i) => i !== ''));
    }
  }
}

test('--layout nchw: NCHW inputs, fewer Transposes, none between convolutions, layout recorded', () => {
  for (const [m, { input, shape }] of Object.entries(MODELS)) {
    const nhwc = report[file(`${m}.onnx`)] as Inspected;
    const nchw = report[file(`${m}-nchw.onnx`)] as Inspected;
    const rank = shape.length;
    assert.deepEqual(nhwc.inputs[0], [input, [null, ...shape.slice(1)]], m);
    assert.deepEqual(
      nchw.inputs[0],
      [
        input,
        [
          null,
          ...toFirst(rank)
            .slice(1)
            .map((p) => shape[p] as number),
        ],
      ],
      m,
    );
    assert.ok(
      dataTransposes(nchw) < dataTransposes(nhwc),
      `${m}: ${dataTransposes(nchw)} vs ${dataTransposes(nhwc)}`,
    );
    // every Conv reads its data straight from the input or another conv's chain, with no Transpose
    assert.ok(dataTransposes(nchw) <= 1, `${m}: ${dataTransposes(nchw)} data Transposes left`);
    assertNoTransposeBeforeConv(nchw, m);
    const kept = JSON.parse(nhwc.metadata.nnport as string);
    assert.deepEqual(kept.changes, [{ change: 'layout', kept: 'NHWC', inputs: [input] }], m);
    const moved = JSON.parse(nchw.metadata.nnport as string).changes[0];
    assert.equal(moved.change, 'layout');
    assert.equal(moved.to, 'NCHW');
    assert.deepEqual(moved.inputs[0].perm, toFirst(rank));
    assert.ok(moved.removedTransposes > 0, m);
  }
});

test('onnxruntime: the NCHW file on the transposed input equals the NHWC export', async () => {
  let seed = 1;
  for (const [m, { input, shape }] of Object.entries(MODELS)) {
    const x = seeded(
      shape.reduce((a, b) => a * b, 1),
      seed++,
    );
    const rank = shape.length;
    const want = await runOrt(file(`${m}.onnx`), { [input]: { data: x, shape } });
    const got = await runOrt(file(`${m}-nchw.onnx`), { [input]: transpose(x, shape, toFirst(rank)) });
    const moved = JSON.parse((report[file(`${m}-nchw.onnx`)] as Inspected).metadata.nnport as string)
      .changes[0];
    const permuted = new Set((moved.outputs as { name: string }[]).map((o) => o.name));
    for (const [name, w] of Object.entries(want)) {
      const g = got[name] as ort.Tensor;
      const back = permuted.has(name)
        ? transpose(g.data as Float32Array, [...g.dims], toLast(g.dims.length))
        : { data: g.data as Float32Array, shape: [...g.dims] };
      assert.deepEqual(back.shape, [...w.dims], `${m} ${name} shape`);
      const wd = w.data as Float32Array;
      for (let i = 0; i < wd.length; i++) {
        if (!(Math.abs((back.data[i] as number) - (wd[i] as number)) <= 1e-6))
          assert.fail(`${m} ${name}[${i}]: NCHW ${back.data[i]}, NHWC ${wd[i]}`);
      }
    }
  }
  // the residual model's image output (a swish conv) is given NCHW too
  const res = report[file('residual-nchw.onnx')] as Inspected;
  assert.deepEqual(res.outputs[0], ['c', [null, 2, 7, 9]]);
  // ZeroPadding2D before the first conv and UpSampling2D as the output move with the layout
  const stem = report[file('stem-nchw.onnx')] as Inspected;
  assert.deepEqual(stem.outputs[0], ['up', [null, 4, 10, 6]]);
  assert.equal(dataTransposes(stem), 0);
});

test('verify x.h5 x-nchw.onnx passes, feeding the NCHW side transposed', () => {
  const r = nnport(
    'verify',
    file('residual.h5'),
    file('residual-nchw.onnx'),
    '--input',
    'image=2,7,9,3',
    '--json',
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const j = JSON.parse(r.stdout);
  assert.deepEqual(j.layout, { side: 'B', to: 'NCHW', inputs: ['image'], outputs: ['c'] });
  assert.equal(j.passed, true);
  const t = nnport('verify', file('cnn-nchw.onnx'), file('cnn.h5'), '--input', 'image=1,10,8,3');
  assert.equal(t.code, 0, t.stdout + t.stderr);
  assert.match(t.stdout, /A was moved to NCHW by nnport/);
});

async function rejectsWith(args: string[], code: string): Promise<void> {
  await assert.rejects(convert(args), (e: unknown) => {
    assert.ok(isNnportError(e), String(e));
    assert.equal(e.code, code, e.message);
    return true;
  });
}

test('--layout USAGE cases: a tensor writer, a graph with no channels-last input, a bad value', async () => {
  await rejectsWith([file('cnn.h5'), file('w.safetensors'), '--layout', 'nchw'], 'USAGE');
  await rejectsWith([file('cnn.h5'), file('w.npz'), '--layout', 'nhwc'], 'USAGE');
  await rejectsWith([file('cnn-nchw.onnx'), file('again.onnx'), '--layout', 'nchw'], 'USAGE');
  await rejectsWith([file('broken.h5'), file('b.safetensors'), '--layout', 'nchw'], 'USAGE');
  await rejectsWith([file('cnn.h5'), file('x.onnx'), '--layout', 'sideways'], 'USAGE');
  for (const f of ['w.safetensors', 'w.npz', 'again.onnx', 'x.onnx'])
    assert.equal(existsSync(file(f)), false, f);
});

test('graphError: a Keras model with no graph stops before a graph format (its code, exit 2), not a tensor one', async () => {
  await rejectsWith([file('broken.h5'), file('b.onnx')], 'UNSUPPORTED_OP');
  assert.equal(existsSync(file('b.onnx')), false);
  const r = nnport('convert', file('broken.h5'), file('b-symbol.json'), '--to', 'mxnet');
  assert.equal(r.code, 2);
  assert.match(r.stderr, /broken\.h5/);
  assert.equal(existsSync(file('b-symbol.json')), false);
  assert.equal(nnport('convert', file('broken.h5'), file('b.safetensors')).code, 0);
  // text formats are for the weights: written, with a note saying why there is no graph
  const j = nnport('convert', file('broken.h5'), file('b.json'));
  assert.equal(j.code, 0, j.stderr);
  assert.match(j.stderr, /note: no graph could be made of the keras config/);
  // Keras → Keras carries the config itself
  assert.equal(nnport('convert', file('broken.h5'), file('b2.h5'), '--to', 'keras').code, 0);
});

test('an ONNX file nnport wrote NHWC converts to NCHW again; its manifest keeps both entries', async () => {
  const quiet = process.stderr.write;
  const warnings: string[] = [];
  process.stderr.write = ((s: string) => {
    warnings.push(String(s));
    return true;
  }) as typeof process.stderr.write;
  try {
    assert.equal(await convert([file('cnn.onnx'), file('cnn-again.onnx'), '--layout', 'nchw']), 0);
  } finally {
    process.stderr.write = quiet;
  }
  assert.deepEqual(
    warnings.filter((w) => /warning/.test(w)),
    [],
  );
  const m = await openModel(file('cnn-again.onnx'));
  const changes = manifestChanges(m) as { change: string; kept?: string; to?: string }[];
  assert.deepEqual(
    changes.map((c) => c.kept ?? c.to),
    ['NHWC', 'NCHW'],
  );
  assert.deepEqual(m.graph?.inputs[0]?.shape, [null, 3, 10, 8]);
});
