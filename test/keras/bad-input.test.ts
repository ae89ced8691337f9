/**
 * Keras files that are broken or ask for more than nnport does, through the library and the CLI
 * as users run it (dist/src/cli/main.js): an HDF5 file that is not Keras, a config naming a layer
 * class nnport does not know, weights whose shapes disagree with the config, a truncated file, a
 * `.keras` archive without config.json or with a weights member that is not HDF5, and Lambda
 * layers (inspect shows their code as text; convert refuses them by name). Each is a coded error
 * naming the file or the layer, exit status 2, and no output written (an existing output is left
 * as it was, also with --force).
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { type ErrorCode, isNnportError, type NnportError } from '../../src/core/errors.js';
import { openModel } from '../../src/node.js';
import { PYTHON } from '../onnx/write-helpers.js';

const CLI = resolve('dist/src/cli/main.js');

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI as users do (asynchronously, so a test file's runs overlap). */
function nnport(...args: string[]): Promise<Run> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [CLI, ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString();
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code: code ?? -1, stdout, stderr }));
  });
}

/** Every CLI run the tests look at, by a key; started together in before(). */
const runs = new Map<string, Run>();

function run(key: string): Run {
  const r = runs.get(key);
  assert.ok(r !== undefined, key);
  return r;
}

/** The files, written by one Python process. */
const SCRIPT = `
import h5py, io, json, sys, zipfile
import numpy as np
out = sys.argv[1]
def at(n): return out + '/' + n
with h5py.File(at('plain.h5'), 'w') as f:
    f['x'] = np.ones(3, np.float32)
    f.create_group('g')['y'] = np.zeros((2, 2))
def legacy(name, layers, ws):
    cfg = {'class_name': 'Sequential', 'config': {'name': 's', 'layers': layers}}
    with h5py.File(at(name), 'w') as f:
        f.attrs['keras_version'] = '2.4.0'
        f.attrs['backend'] = 'tensorflow'
        f.attrs['model_config'] = json.dumps(cfg)
        g = f.create_group('model_weights')
        g.attrs['layer_names'] = [l.encode() for l, _ in ws]
        for l, items in ws:
            lg = g.create_group(l)
            lg.attrs['weight_names'] = [('%s/%s:0' % (l, n)).encode() for n, _ in items]
            for n, s in items:
                lg['%s/%s:0' % (l, n)] = np.ones(s, np.float32)
dense = {'class_name': 'Dense', 'config': {'name': 'd', 'units': 3, 'activation': 'linear', 'use_bias': True,
                                           'batch_input_shape': [None, 4]}}
dw = ('d', [('kernel', [4, 3]), ('bias', [3])])
legacy('unknown.h5', [dense, {'class_name': 'MyCustomLayer', 'config': {'name': 'custom'}}], [dw, ('custom', [])])
legacy('lambda.h5', [dense, {'class_name': 'Lambda', 'config': {'name': 'double', 'function_type': 'lambda',
        'function': ['4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwA=', None, None]}}], [dw, ('double', [])])
legacy('badshape.h5', [dense], [('d', [('kernel', [5, 3]), ('bias', [3])])])
whole = open(at('badshape.h5'), 'rb').read()
open(at('cut.h5'), 'wb').write(whole[:len(whole) // 2])
def archive(name, members):
    with zipfile.ZipFile(at(name), 'w') as z:
        for k, v in members.items():
            z.writestr(k, v)
buf = io.BytesIO()
with h5py.File(buf, 'w') as f:
    f.create_group('layers/dense/vars')['0'] = np.ones((2, 2), np.float32)
meta = json.dumps({'keras_version': '3.10.0'})
archive('noconfig.keras', {'metadata.json': meta, 'model.weights.h5': buf.getvalue()})
seq = json.dumps({'class_name': 'Sequential', 'config': {'name': 's', 'layers': []}})
archive('notweights.keras', {'metadata.json': meta, 'config.json': seq, 'model.weights.h5': b'not hdf5 at all'})
kt = {'class_name': '__keras_tensor__', 'config': {'shape': [None, 4], 'dtype': 'float32', 'keras_history': ['x', 0, 0]}}
lam = {'class_name': 'Functional', 'config': {'name': 'm', 'layers': [
    {'class_name': 'InputLayer', 'name': 'x', 'config': {'name': 'x', 'batch_shape': [None, 4]}, 'inbound_nodes': []},
    {'class_name': 'Lambda', 'name': 'twice', 'config': {'name': 'twice', 'function': {'class_name': '__lambda__',
     'config': {'code': 'lambda x: x * 2'}}}, 'inbound_nodes': [{'args': [kt], 'kwargs': {}}]}],
    'input_layers': ['x', 0, 0], 'output_layers': ['twice', 0, 0]}}
empty = io.BytesIO()
with h5py.File(empty, 'w') as f:
    f.create_group('layers/lambda/vars')
archive('lambda.keras', {'metadata.json': meta, 'config.json': json.dumps(lam), 'model.weights.h5': empty.getvalue()})
`;

let dir = '';
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nnport-keras-bad-'));
  writeFileSync(join(dir, 'make.py'), SCRIPT);
  execFileSync(PYTHON, [join(dir, 'make.py'), dir], { stdio: 'pipe' });
  for (const k of ['keep.onnx', 'keep-force.onnx']) writeFileSync(join(dir, k), 'keep me');
  const plan: [string, string[]][] = [
    ...['plain.h5', 'unknown.h5', 'badshape.h5', 'cut.h5', 'noconfig.keras', 'notweights.keras'].map(
      (n): [string, string[]] => [n, ['convert', join(dir, n), join(dir, `${n}.onnx`)]],
    ),
    ...['lambda.h5', 'lambda.keras'].flatMap((n): [string, string[]][] => [
      [n, ['convert', join(dir, n), join(dir, `${n}.onnx`)]],
      [`inspect ${n}`, ['inspect', join(dir, n)]],
    ]),
    ['keep', ['convert', join(dir, 'unknown.h5'), join(dir, 'keep.onnx')]],
    ['keep --force', ['convert', join(dir, 'unknown.h5'), join(dir, 'keep-force.onnx'), '--force']],
  ];
  const done = await Promise.all(plan.map(([, args]) => nnport(...args)));
  plan.forEach(([key], i) => {
    runs.set(key, done[i] as Run);
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

/** openModel fails with `code`; returns the error. */
async function rejects(name: string, code: ErrorCode): Promise<NnportError> {
  let caught: unknown;
  await openModel(join(dir, name)).catch((e: unknown) => {
    caught = e;
  });
  assert.ok(isNnportError(caught), `${name}: ${String(caught)}`);
  assert.equal(caught.code, code, `${name}: ${caught.message}`);
  return caught;
}

/** `nnport convert NAME NAME.onnx` exited 2 with stderr matching `why`, writing nothing. */
function convertFailed(name: string, why: RegExp): void {
  const r = run(name);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^nnport: error: /);
  assert.match(r.stderr, why);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  const target = join(dir, `${name}.onnx`);
  assert.equal(existsSync(target), false, `${target} was written`);
}

test('an HDF5 file that is not Keras: INVALID_STRUCTURE naming the file; exit 2, nothing written', async () => {
  const e = await rejects('plain.h5', 'INVALID_STRUCTURE');
  assert.match(e.file ?? '', /plain\.h5$/);
  convertFailed('plain.h5', /plain\.h5: keras: HDF5 file is not a Keras model/);
});

test('an unknown layer class: read as a keras node; convert refuses naming it, touching no output', async () => {
  const model = await openModel(join(dir, 'unknown.h5'));
  assert.deepEqual((model.metadata.keras as { unsupported?: unknown }).unsupported, [
    { name: 'custom', class: 'MyCustomLayer' },
  ]);
  convertFailed('unknown.h5', /MyCustomLayer \(custom\)/);
  // an existing output stays as it was, with and without --force
  for (const [key, file] of [
    ['keep', 'keep.onnx'],
    ['keep --force', 'keep-force.onnx'],
  ] as const) {
    assert.equal(run(key).code, 2, run(key).stderr);
    assert.equal(readFileSync(join(dir, file), 'utf8'), 'keep me', `${key} touched the output`);
  }
  assert.match(run('keep --force').stderr, /MyCustomLayer \(custom\)/);
});

test('weights whose shapes disagree with the config: INVALID_STRUCTURE naming the layer', async () => {
  const e = await rejects('badshape.h5', 'INVALID_STRUCTURE');
  assert.deepEqual(e.at, { node: 'd' });
  assert.match(e.message, /Dense 'd': weight 'd\/kernel' has shape \[5, 3\] where the config needs \[4, 3\]/);
  convertFailed('badshape.h5', /badshape\.h5: keras: Dense 'd'/);
});

test('a truncated HDF5 file: TRUNCATED naming the file', async () => {
  const e = await rejects('cut.h5', 'TRUNCATED');
  assert.match(e.file ?? '', /cut\.h5$/);
  convertFailed('cut.h5', /cut\.h5: keras: /);
});

test('a .keras archive without config.json, or whose weights are not HDF5: coded errors naming the file', async () => {
  const e = await rejects('noconfig.keras', 'MISSING_FILE');
  assert.match(e.message, /config\.json/);
  assert.match(e.file ?? '', /noconfig\.keras$/);
  convertFailed('noconfig.keras', /noconfig\.keras: keras: archive has no config\.json/);
  const w = await rejects('notweights.keras', 'BAD_MAGIC');
  assert.match(w.file ?? '', /notweights\.keras\/model\.weights\.h5$/);
  convertFailed('notweights.keras', /notweights\.keras\/model\.weights\.h5/);
});

test('Lambda layers: inspect shows their code as text; convert refuses them by name', async () => {
  for (const [name, layer, code] of [
    ['lambda.h5', 'double', '4wEAAAAAAAAAAAAAAAEAAAACAAAAQwAAAHMIAAAAfABkARQAUwA='],
    ['lambda.keras', 'twice', 'lambda x: x * 2'],
  ] as const) {
    const shown = run(`inspect ${name}`);
    assert.equal(shown.code, 0, shown.stderr);
    // the whole code, in its own section, as text
    assert.ok(
      shown.stdout.includes(
        `Lambda layers (serialized Python code, shown as text, never run):\n--- ${layer}\n  ${code}\n`,
      ),
      `${name}: inspect shows the code: ${shown.stdout}`,
    );
    assert.match(shown.stdout, new RegExp(`not executable: keras:Lambda \\(${layer}\\)`));
    const model = await openModel(join(dir, name));
    assert.deepEqual((model.metadata.keras as { lambdas?: unknown }).lambdas, { [layer]: code });
    convertFailed(name, new RegExp(`Lambda \\(${layer}\\)`));
  }
});
