/**
 * Live peers for CSV (DESIGN §6): NumPy `loadtxt` reads every matrix-layout file and gets nnport's
 * float32 bits; Python's `csv` module (no pandas) reads the long layout back into exact bytes; and
 * nnport reads plain tables that `numpy.savetxt` wrote, bit for bit. A missing peer fails with the
 * install command.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DType } from '../../src/core/dtype.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, tensorFromBytes } from '../../src/core/tensor.js';
import { csvFormat, csvMatrixFormat } from '../../src/formats/csv/index.js';
import { txtFormat } from '../../src/formats/txt/index.js';
import {
  ALL_DTYPES,
  fileInput,
  PY_VALUE_BYTES,
  python,
  readWith,
  saveTarget,
  specialElements,
  specialModel,
  tempDir,
  writeWith,
} from './csv-txt-helpers.js';

/** float32 values worth comparing: random magnitudes, subnormals, -0, ±Infinity, the canonical NaN. */
function float32Model(): Model {
  const make = (n: number, seed: number) => {
    const v = new Float32Array(n);
    let s = seed;
    for (let k = 0; k < n; k++) {
      s = (s * 1103515245 + 12345) >>> 0;
      v[k] = Math.fround((s / 2 ** 32 - 0.5) * 10 ** ((k % 13) - 6));
    }
    return new Uint8Array(v.buffer);
  };
  const specials = specialElements('float32').filter((e) => {
    const bits = new Uint32Array(e.slice().buffer)[0];
    return !((bits & 0x7f800000) === 0x7f800000 && (bits & 0x7fffff) !== 0 && bits !== 0x7fc00000);
  });
  const special = new Uint8Array(specials.length * 4);
  for (const [k, e] of specials.entries()) special.set(e, k * 4);
  return {
    format: 'memory',
    metadata: {},
    tensors: [
      tensorFromBytes('conv1.weight', 'float32', [4, 3, 2, 2], make(48, 1)),
      tensorFromBytes('fc.bias', 'float32', [7], make(7, 2)),
      tensorFromBytes('scale', 'float32', [], make(1, 3)),
      tensorFromBytes('specials', 'float32', [1, specials.length], special),
      tensorFromBytes('big', 'float32', [300, 200], make(60000, 4)),
    ],
  };
}

test('NumPy loadtxt(delimiter=",", ndmin=2) and np.float32(text) read each matrix CSV as nnport float32 bits', async () => {
  const model = float32Model();
  const dir = tempDir();
  try {
    saveTarget(await writeWith(csvMatrixFormat, model), dir.path);
    const out = python(
      `
import json, sys, os
import numpy as np
d = sys.argv[1]
m = json.load(open(os.path.join(d, 'manifest.json')))
res = {}
for t in m['tensors']:
    path = os.path.join(d, t['file'])
    a = np.loadtxt(path, delimiter=',', ndmin=2, dtype=np.float32)
    assert a.shape == (t['rows'], t['columns']), (a.shape, t)
    # The same values parsed one by one with np.float32(text).
    b = np.array([np.float32(v) for line in open(path) for v in line.strip().split(',')], dtype=np.float32)
    assert a.tobytes() == b.tobytes(), t['name']
    res[t['name']] = a.reshape(t['shape']).tobytes().hex()
print(json.dumps(res))
`,
      [dir.path],
    );
    const got = JSON.parse(out) as Record<string, string>;
    for (const t of model.tensors) {
      assert.equal(got[t.name], Buffer.from(await readTensorBytes(t)).toString('hex'), t.name);
    }
  } finally {
    dir.done();
  }
});

test("Python's csv module (no pandas) reads the long layout back into the exact bytes", async () => {
  const model = specialModel();
  const dir = tempDir();
  try {
    saveTarget(await writeWith(csvFormat, model), dir.path, 'model.csv');
    const out = python(
      `${PY_VALUE_BYTES}
import csv, json, sys
rows = csv.reader(line for line in open(sys.argv[1], newline='', encoding='utf-8') if not line.startswith('#'))
header = next(rows)
assert header == ['tensor', 'layer', 'param', 'dtype', 'shape', 'index', 'value'], header
res = {}
for tensor, layer, param, dtype, shape, index, value in rows:
    entry = res.setdefault(tensor, {'dtype': dtype, 'shape': [int(d) for d in shape.split()], 'hex': '', 'n': 0})
    if value == '':
        continue  # the one row of a tensor with no elements
    entry['hex'] += value_bytes(dtype, value).hex()
    entry['n'] += 1
print(json.dumps(res))
`,
      [join(dir.path, 'model.csv')],
    );
    const got = JSON.parse(out) as Record<string, { dtype: DType; shape: number[]; hex: string }>;
    assert.deepEqual(
      Object.keys(got),
      model.tensors.map((t) => t.name),
    );
    for (const t of model.tensors) {
      const g = got[t.name];
      assert.equal(g.dtype, t.dtype);
      assert.deepEqual(g.shape, t.shape);
      assert.equal(g.hex, Buffer.from(await readTensorBytes(t)).toString('hex'), `${t.name} (${t.dtype})`);
    }
  } finally {
    dir.done();
  }
});

test('nnport reads plain tables written by numpy.savetxt (comma CSV with header, whitespace TXT) bit for bit', async () => {
  const dir = tempDir();
  try {
    const out = python(
      `
import json, sys, os
import numpy as np
rng = np.random.default_rng(7)
a = rng.standard_normal((37, 5)) * 10.0 ** rng.integers(-30, 30, (37, 5))
a[0, 0] = np.nan; a[0, 1] = np.inf; a[0, 2] = -np.inf; a[0, 3] = -0.0; a[0, 4] = 5e-324
np.savetxt(os.path.join(sys.argv[1], 'weights.csv'), a, delimiter=',', header='a,b,c,d,e')
b = rng.standard_normal((4, 3))
np.savetxt(os.path.join(sys.argv[1], 'plain.txt'), b)
print(json.dumps({'csv': a.tobytes().hex(), 'txt': b.tobytes().hex()}))
`,
      [dir.path],
    );
    const expected = JSON.parse(out) as { csv: string; txt: string };
    const csv = await readWith(
      csvFormat,
      fileInput('weights.csv', readFileSync(join(dir.path, 'weights.csv'))),
    );
    assert.deepEqual(
      [csv.tensors[0].name, csv.tensors[0].dtype, csv.tensors[0].shape],
      ['weights', 'float64', [37, 5]],
    );
    assert.equal(Buffer.from(await readTensorBytes(csv.tensors[0])).toString('hex'), expected.csv);
    const txt = await readWith(txtFormat, fileInput('plain.txt', readFileSync(join(dir.path, 'plain.txt'))));
    assert.deepEqual([txt.tensors[0].name, txt.tensors[0].shape], ['plain', [4, 3]]);
    assert.equal(Buffer.from(await readTensorBytes(txt.tensors[0])).toString('hex'), expected.txt);
  } finally {
    dir.done();
  }
});

test('every dtype of the matrix layout reads back in NumPy with the manifest dtype', async () => {
  const model = specialModel();
  const dir = tempDir();
  try {
    saveTarget(await writeWith(csvMatrixFormat, model), dir.path);
    const out = python(
      `${PY_VALUE_BYTES}
import csv, json, sys, os
d = sys.argv[1]
m = json.load(open(os.path.join(d, 'manifest.json'), encoding='utf-8'))
res = {}
for t in m['tensors']:
    data = b''
    with open(os.path.join(d, t['file']), newline='') as f:
        rows = [r for r in csv.reader(f) if r]
    assert len(rows) == (t['rows'] if t['columns'] and t['rows'] else 0), (t, len(rows))
    for r in rows:
        assert len(r) == t['columns']
        for v in r:
            data += value_bytes(t['dtype'], v)
    res[t['name']] = data.hex()
print(json.dumps(res))
`,
      [dir.path],
    );
    const got = JSON.parse(out) as Record<string, string>;
    for (const t of model.tensors) {
      assert.ok(ALL_DTYPES.includes(t.dtype));
      assert.equal(got[t.name], Buffer.from(await readTensorBytes(t)).toString('hex'), t.name);
    }
  } finally {
    dir.done();
  }
});
