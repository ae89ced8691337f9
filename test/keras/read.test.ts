/**
 * Keras reading through h5wasm: the real files in ../shared/fixtures/keras and hermetic files
 * written by h5py (test/keras/make-files.py) — names, shapes, dtypes and values equal to what
 * h5py reads (test/peers/keras-h5-ref.py); float16, big-endian, gzip, bool, user blocks; a
 * readSync source read in place; error codes; the CLI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import type { JsonValue, Model } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { detectKeras } from '../../src/formats/keras/index.js';
import { readKeras } from '../../src/formats/keras/read.js';
import type { ByteSource } from '../../src/io/byte-source.js';
import { BytesSource, checkRange } from '../../src/io/byte-source.js';
import { Hdf5File, type SyncByteSource } from '../../src/io/hdf5/index.js';
import { openModel } from '../../src/node.js';
import { rejectsWith, sha256 } from '../assert-errors.js';
import { peerScript, REPO_ROOT, runPython } from '../npy/helpers.js';

const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures', 'keras');
const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'nnport-keras-'));
runPython([resolve(REPO_ROOT, 'test/keras/make-files.py'), dir]);
const made = (name: string) => join(dir, name);

after(() => rmSync(dir, { recursive: true, force: true }));

interface PeerDataset {
  dtype: string;
  shape: number[];
  sha256: string;
}
interface Peer {
  datasets: Record<string, PeerDataset>;
  legacy: [string, string, string][] | null;
}

function peer(path: string): Peer {
  return JSON.parse(runPython([peerScript('keras-h5-ref.py'), path])) as Peer;
}

function kerasMeta(m: Model): Record<string, JsonValue> {
  return m.metadata.keras as Record<string, JsonValue>;
}

function kerasOf(t: Model['tensors'][number]): Record<string, JsonValue> {
  return (t.meta?.keras ?? {}) as Record<string, JsonValue>;
}

function pathOf(t: Model['tensors'][number]): string {
  return kerasOf(t).path as string;
}

/** Every tensor equals the dataset h5py reads at its stored path; legacy names/order follow Keras's loader. */
async function assertMatchesPeer(file: string): Promise<Model> {
  const model = await openModel(file);
  assert.equal(model.format, 'keras');
  const ref = peer(file);
  for (const t of model.tensors) {
    const d = ref.datasets[pathOf(t)];
    assert.ok(d !== undefined, `${t.name}: h5py has no dataset ${pathOf(t)}`);
    assert.equal(t.dtype, d.dtype, t.name);
    assert.deepEqual(t.shape, d.shape, t.name);
    assert.equal(sha256(await readTensorBytes(t)), d.sha256, `${t.name} values`);
  }
  if (ref.legacy !== null) {
    assert.deepEqual(
      model.tensors.map((t) => pathOf(t)),
      ref.legacy.map(([, , path]) => path),
    );
    for (const [i, [layer, w]] of ref.legacy.entries()) {
      const t = model.tensors[i];
      assert.equal(kerasOf(t).layer, layer);
      assert.ok(t.name === w.replace(/:0$/, '') || t.name === `${layer}/${w.replace(/:0$/, '')}`, t.name);
    }
  } else {
    const modelPaths = Object.keys(ref.datasets).filter((p) => !/^\/(optimizer|metrics)[/\\]/.test(p));
    assert.deepEqual(model.tensors.map((t) => pathOf(t)).sort(), modelPaths.sort());
  }
  return model;
}

test('fixtures: every file in ../shared/fixtures/keras reads as h5py reads it', async (t) => {
  if (!existsSync(FIXTURES)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const files = readdirSync(FIXTURES).filter((f) => /\.(h5|keras)$/.test(f));
  assert.ok(files.length >= 5);
  for (const f of files) {
    await t.test(f, async () => {
      const model = await assertMatchesPeer(join(FIXTURES, f));
      const keras = kerasMeta(model);
      assert.ok(model.tensors.length > 0);
      assert.equal(typeof keras.kerasVersion, 'string');
      assert.equal(typeof keras.modelConfig, 'object');
      assert.equal(keras.format, f.endsWith('.keras') ? 'keras-v3' : 'h5');
    });
  }
});

test('fixtures: versions, names and layouts of each Keras generation', async (t) => {
  if (!existsSync(FIXTURES)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const k3 = await openModel(join(FIXTURES, 'churn404_model.h5'));
  assert.equal(kerasMeta(k3).kerasVersion, '3.10.0');
  assert.deepEqual(kerasMeta(k3).ignored, ['optimizer_weights']);
  assert.equal(k3.tensors[0].name, 'sequential_2/dense_6/kernel');
  assert.equal(typeof kerasMeta(k3).trainingConfig, 'object');
  const k2 = await openModel(join(FIXTURES, 'frugally-deep_lstm.h5'));
  assert.equal(kerasMeta(k2).kerasVersion, '2.2.5');
  assert.equal(k2.tensors[0].name, 'lstm_1/kernel');
  assert.equal(pathOf(k2.tensors[0]), '/model_weights/lstm_1/lstm_1/kernel:0');
  const v3 = await openModel(join(FIXTURES, 'churn404_model.keras'));
  assert.deepEqual(
    v3.tensors.map((x) => [x.name, kerasOf(x).layer]),
    [
      ['layers/dense/vars/0', 'dense_6'],
      ['layers/dense/vars/1', 'dense_6'],
      ['layers/dense_1/vars/0', 'dense_7'],
      ['layers/dense_1/vars/1', 'dense_7'],
      ['layers/dense_2/vars/0', 'dense_8'],
      ['layers/dense_2/vars/1', 'dense_8'],
    ],
  );
  // tf.keras 2.15 on Windows: groups literally named `layers\dense`
  const win = await openModel(join(FIXTURES, 'churnAbhay_model.keras'));
  assert.equal(kerasMeta(win).kerasVersion, '2.15.0');
  assert.equal(win.tensors[0].name, 'layers/dense/vars/0');
  assert.equal(pathOf(win.tensors[0]), '/layers\\dense/vars/0');
  // the same weights as the Keras 3 archive and the legacy file of the same project
  const legacy = await openModel(join(FIXTURES, 'churn404_model.h5'));
  for (const [i, x] of v3.tensors.entries()) {
    assert.deepEqual(await readTensorBytes(x), await readTensorBytes(legacy.tensors[i]));
  }
});

test('hermetic: weights-only file with float16, big-endian, gzip+shuffle, int64 scalar, bool, chunked weight_names', async () => {
  const model = await assertMatchesPeer(made('weights.h5'));
  const keras = kerasMeta(model);
  assert.equal(keras.format, 'h5-weights');
  assert.equal(keras.kerasVersion, '2.4.0');
  assert.deepEqual(
    model.tensors.map((t) => [t.name, t.dtype, kerasOf(t).storedType]),
    [
      ['dense/kernel', 'float16', '<f2'],
      ['dense/bias', 'float32', '>f4'],
      ['norm/gamma', 'float64', '<f8'],
      ['norm/beta', 'float64', '>f8'],
      ['norm/count', 'int64', '>i8'],
      ['norm/mask', 'bool', 'bool'],
    ],
  );
  const beta = model.tensors[3];
  assert.deepEqual(Array.from(new Float64Array((await readTensorBytes(beta)).slice().buffer)), [
    ...Array(25).keys(),
  ]);
  const count = new BigInt64Array((await readTensorBytes(model.tensors[4])).slice().buffer);
  assert.equal(count[0], -12345678901234n);
  assert.deepEqual(Array.from(await readTensorBytes(model.tensors[5])), [1, 0, 1, 1]);
});

test('hermetic: partial reads fetch rows and equal the slice of the whole (gzip-chunked float64)', async () => {
  const model = await openModel(made('weights.h5'));
  const gamma = model.tensors[2];
  const whole = await readTensorBytes(gamma);
  for (const [off, len] of [
    [0, 8],
    [200, 200],
    [199, 3],
    [7992, 8],
    [1234, 4321],
    [0, 0],
  ] as const) {
    assert.deepEqual(await gamma.data.read(off, len), whole.subarray(off, off + len), `${off}+${len}`);
  }
  await rejectsWith(gamma.data.read(7999, 2), 'INVALID_OFFSET');
});

test('hermetic: a user block before the superblock (signature at 512)', async () => {
  const bytes = readFileSync(made('userblock.h5'));
  assert.equal(
    detectKeras({ name: 'x', head: bytes.subarray(0, 4096), size: bytes.length, isFolder: false }),
    'content',
  );
  await assertMatchesPeer(made('userblock.h5'));
});

test('hermetic: full model keeps configs, lists Lambda code without running it, skips optimizer state', async () => {
  const model = await assertMatchesPeer(made('full.h5'));
  const keras = kerasMeta(model);
  assert.equal(keras.format, 'h5');
  assert.equal(keras.kerasVersion, '2.2.4');
  assert.equal(keras.backend, 'tensorflow');
  assert.deepEqual(keras.trainingConfig, { loss: 'mse' });
  assert.equal(
    ((keras.modelConfig as Record<string, JsonValue>).config as Record<string, JsonValue>).name,
    'seq',
  );
  assert.deepEqual(keras.lambdas, { double: '4wEAAAAA' });
  assert.deepEqual(keras.ignored, ['optimizer_weights']);
  assert.deepEqual(
    model.tensors.map((t) => t.name),
    ['dense/kernel', 'dense/bias'],
  );
});

test('hermetic: Keras 3 archive and weights file; config orders layers; `\\` group names', async () => {
  for (const name of ['model.keras', 'windows.keras']) {
    const model = await assertMatchesPeer(made(name));
    const keras = kerasMeta(model);
    assert.equal(keras.format, 'keras-v3');
    assert.equal(keras.kerasVersion, '3.10.0');
    assert.deepEqual(keras.lambdas, { scale: 'lambda x: x * 2' });
    assert.deepEqual(keras.trainingConfig, { loss: 'mse' });
    assert.deepEqual(keras.ignored, ['optimizer (12 datasets)']);
    assert.deepEqual(
      model.tensors.map((t) => [t.name, t.dtype, kerasOf(t).layer]),
      [
        ['layers/dense/vars/0', 'float16', 'first'],
        ['layers/dense/vars/1', 'float16', 'first'],
        ['layers/batch_normalization/vars/0', 'float32', 'bn'],
        ['layers/batch_normalization/vars/1', 'float32', 'bn'],
        ['layers/batch_normalization/vars/2', 'float32', 'bn'],
        ['layers/batch_normalization/vars/3', 'float32', 'bn'],
        ['layers/dense_1/vars/0', 'float32', 'second'],
        ['layers/dense_1/vars/1', 'float32', 'second'],
      ],
    );
  }
  const weights = await assertMatchesPeer(made('model.weights.h5'));
  assert.equal(kerasMeta(weights).format, 'keras-v3-weights');
  assert.equal(weights.tensors.length, 8);
});

test('hermetic: Keras 3 functional layout (_layer_checkpoint_dependencies, nested cells) and natural order', async () => {
  const model = await assertMatchesPeer(made('functional.keras'));
  assert.deepEqual(
    (kerasMeta(model).layers as Record<string, JsonValue>[]).map((l) => [l.name, l.group]),
    [
      ['bi', '_layer_checkpoint_dependencies/bidirectional'],
      ['rnn', '_layer_checkpoint_dependencies/lstm'],
      ['out', '_layer_checkpoint_dependencies/dense'],
    ],
  );
  assert.deepEqual(
    model.tensors.slice(0, 7).map((t) => t.name),
    [
      '_layer_checkpoint_dependencies/bidirectional/backward_layer/cell/vars/0',
      '_layer_checkpoint_dependencies/bidirectional/backward_layer/cell/vars/1',
      '_layer_checkpoint_dependencies/bidirectional/backward_layer/cell/vars/2',
      '_layer_checkpoint_dependencies/bidirectional/forward_layer/cell/vars/0',
      '_layer_checkpoint_dependencies/bidirectional/forward_layer/cell/vars/1',
      '_layer_checkpoint_dependencies/bidirectional/forward_layer/cell/vars/2',
      '_layer_checkpoint_dependencies/lstm/cell/vars/0',
    ],
  );
  const natural = await assertMatchesPeer(made('natural.weights.h5'));
  assert.deepEqual(
    natural.tensors.map((t) => t.name).filter((n) => n.endsWith('/0') || n.startsWith('layers/dense/')),
    [
      'layers/dense/vars/0',
      'layers/dense/vars/1',
      'layers/dense/vars/2',
      'layers/dense/vars/10',
      'layers/dense/vars/11',
      'layers/dense_1/vars/0',
      'layers/dense_2/vars/0',
      'layers/dense_10/vars/0',
    ],
  );
});

test('errors: not HDF5, HDF5 but not Keras, truncated, strings, archive without weights', async () => {
  const junk = made('junk.h5');
  writeFileSync(junk, 'this is not HDF5 at all, just text that is long enough to probe');
  await rejectsWith(openModel(junk), 'BAD_MAGIC', { byte: 0 });
  await rejectsWith(readKeras(input(new BytesSource(new Uint8Array(600), 'zeros'))), 'BAD_MAGIC', {
    byte: 0,
  });
  const notKeras = await rejectsWith(openModel(made('not-keras.h5')), 'INVALID_STRUCTURE', { path: '/' });
  assert.match(notKeras.message, /not-keras\.h5/);
  const whole = readFileSync(made('full.h5'));
  await rejectsWith(readKeras(input(new BytesSource(whole.subarray(0, 2000), 'cut.h5'))), 'TRUNCATED');
  await rejectsWith(openModel(made('strings.h5')), 'UNSUPPORTED_DTYPE', { path: '/text/vocab:0' });
  await rejectsWith(openModel(made('clash.weights.h5')), 'INVALID_STRUCTURE', {
    path: '/layers\\dense/vars/0',
  });
  await rejectsWith(openModel(made('no-layer.h5')), 'INVALID_STRUCTURE', { path: '/ghost' });
  await rejectsWith(openModel(made('no-weight.h5')), 'INVALID_STRUCTURE', { path: '/dense/dense/bias:0' });
  const lzf = await openModel(made('lzf.h5'));
  const filtered = await rejectsWith(readTensorBytes(lzf.tensors[0]), 'UNSUPPORTED_VERSION', {
    path: '/a/w:0',
  });
  assert.match(filtered.message, /lzf/);
  runPython([
    '-c',
    `import zipfile,sys\nwith zipfile.ZipFile(sys.argv[1],'w') as z: z.writestr('metadata.json','{}'); z.writestr('config.json','{}')`,
    made('noweights.keras'),
  ]);
  await rejectsWith(openModel(made('noweights.keras')), 'MISSING_FILE');
  runPython([
    '-c',
    `import zipfile,sys\nwith zipfile.ZipFile(sys.argv[1],'w') as z: z.writestr('metadata.json','{}'); z.writestr('config.json','{not json')`,
    made('badjson.keras'),
  ]);
  await rejectsWith(openModel(made('badjson.keras')), 'INVALID_STRUCTURE', { path: 'config.json' });
});

/** A file source with `readSync`, counting the bytes it hands out. */
class CountingFileSource implements SyncByteSource {
  readonly name: string;
  readonly size: number;
  bytesRead = 0;
  readonly #fd: number;
  constructor(path: string) {
    this.name = path;
    this.size = statSync(path).size;
    this.#fd = openSync(path, 'r');
  }
  readSync(offset: number, length: number): Uint8Array {
    checkRange(this, offset, length);
    const out = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.#fd, out, done, length - done, offset + done);
      if (n === 0) break;
      done += n;
    }
    this.bytesRead += length;
    return out;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    return Promise.resolve(this.readSync(offset, length));
  }
  close(): void {
    closeSync(this.#fd);
  }
}

function input(source: ByteSource) {
  return {
    source,
    name: source.name,
    isFolder: false,
    sibling: async () => undefined,
    list: async () => [],
  };
}

test('memory: a readSync source is read in place, only the blocks HDF5 needs', async () => {
  const source = new CountingFileSource(made('large.h5'));
  try {
    const file = await Hdf5File.open(source);
    assert.equal(file.inPlace, true);
    const model = await readKeras(input(source));
    const small = model.tensors.find((t) => t.name === 'small/w');
    assert.ok(small !== undefined);
    const before = source.bytesRead;
    assert.deepEqual(
      Array.from(new Float32Array((await readTensorBytes(small)).slice().buffer)),
      [0, 1, 2, 3, 4, 5],
    );
    assert.ok(source.bytesRead < source.size / 8, `read ${source.bytesRead} of ${source.size} bytes`);
    assert.ok(source.bytesRead - before < 64 * 1024);
    const big = model.tensors[0];
    const row = await big.data.read(4096 * 10, 4096);
    assert.equal(new Float32Array(row.slice().buffer)[0], 10 * 1024);
    assert.ok(source.bytesRead < source.size / 4, `read ${source.bytesRead} of ${source.size} bytes`);
    assert.equal(sha256(await readTensorBytes(big)), peer(made('large.h5')).datasets['/big/w:0'].sha256);
  } finally {
    source.close();
  }
  const inMemory = await Hdf5File.open(new BytesSource(readFileSync(made('large.h5')), 'mem'));
  assert.equal(inMemory.inPlace, false);
});

test('detect: HDF5 and .keras archives by content, names as fallback; not npz/pytorch zips', () => {
  const probe = (name: string, head: Uint8Array) => ({ name, head, size: head.length, isFolder: false });
  const h5 = readFileSync(made('full.h5')).subarray(0, 4096);
  assert.equal(detectKeras(probe('anything', h5)), 'content');
  const zip = readFileSync(made('model.keras')).subarray(0, 4096);
  assert.equal(detectKeras(probe('x.zip', zip)), 'content');
  assert.equal(detectKeras(probe('w.h5', new Uint8Array(10))), 'name');
  assert.equal(detectKeras(probe('m.npz', new Uint8Array([0x50, 0x4b, 3, 4]))), undefined);
  assert.equal(detectKeras(probe('x.bin', new Uint8Array(100))), undefined);
});

function nnport(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

test('cli: inspect and convert to safetensors', async () => {
  const src = existsSync(FIXTURES) ? join(FIXTURES, 'churn404_model.h5') : made('full.h5');
  const shown = nnport('inspect', src);
  assert.equal(shown.code, 0, shown.stderr);
  assert.match(shown.stdout, /keras/);
  assert.match(shown.stdout, /kernel/);
  const out = made('converted.safetensors');
  const conv = nnport('convert', src, out);
  assert.equal(conv.code, 0, conv.stderr);
  const back = await openModel(out);
  const orig = await openModel(src);
  assert.deepEqual(back.tensors.map((t) => t.name).sort(), orig.tensors.map((t) => t.name).sort());
  for (const t of orig.tensors) {
    const b = back.tensors.find((x) => x.name === t.name);
    assert.ok(b !== undefined);
    assert.deepEqual(await readTensorBytes(b), await readTensorBytes(t), t.name);
  }
  const bad = nnport('inspect', made('not-keras.h5'));
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /INVALID_STRUCTURE|not a Keras model/);
});
