/**
 * Live peer for TXT (DESIGN §6): a Python reader using only the standard library — split lines,
 * `json.loads` for quoted names and header payloads — gets every tensor's exact bytes, and NumPy
 * `loadtxt` reads a 2-D tensor's value lines directly.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, tensorFromBytes } from '../../src/core/tensor.js';
import { txtFormat } from '../../src/formats/txt/index.js';
import { PY_VALUE_BYTES, python, saveTarget, specialModel, tempDir, writeWith } from './csv-txt-helpers.js';

test('a standard-library Python reader gets every TXT tensor bit for bit, with metadata and graph', async () => {
  const base = specialModel();
  const model: Model = {
    ...base,
    tensors: [
      ...base.tensors,
      tensorFromBytes('spaced name\twith tab', 'uint16', [2, 2], Uint8Array.of(1, 0, 2, 0, 3, 0, 255, 255)),
    ],
  };
  const dir = tempDir();
  try {
    saveTarget(await writeWith(txtFormat, model), dir.path, 'model.txt');
    const out = python(
      `${PY_VALUE_BYTES}
import json, sys
lines = open(sys.argv[1], encoding='utf-8').read().split('\\n')
assert lines[0] == 'nnport-txt 1', lines[0]
res, meta, i = {}, {}, 1
while i < len(lines):
    line = lines[i]; i += 1
    if not line.strip():
        continue
    key, _, rest = line.partition(' ')
    if key in ('metadata', 'graph'):
        meta[key] = json.loads(rest)
        continue
    assert key == 'tensor', line
    if rest.startswith('"'):
        name, end = json.JSONDecoder().raw_decode(rest)
        rest = rest[end:]
    else:
        name, _, rest = rest.partition(' ')
    fields = rest.split()
    dtype, rank, shape = fields[0], int(fields[1]), [int(d) for d in fields[2:]]
    assert len(shape) == rank
    count = 1
    for d in shape: count *= d
    if i < len(lines) and lines[i].startswith('meta '):
        i += 1
    rows = 0 if count == 0 else (1 if rank == 0 else count // shape[-1])
    data = b''
    for r in range(rows):
        for v in lines[i + r].split():
            data += value_bytes(dtype, v)
    i += rows
    res[name] = {'dtype': dtype, 'shape': shape, 'hex': data.hex()}
print(json.dumps({'tensors': res, 'metadata': meta.get('metadata'), 'nodes': len(meta['graph']['nodes'])}))
`,
      [join(dir.path, 'model.txt')],
    );
    const got = JSON.parse(out) as {
      tensors: Record<string, { dtype: string; shape: number[]; hex: string }>;
      metadata: unknown;
      nodes: number;
    };
    assert.deepEqual(got.metadata, model.metadata);
    assert.equal(got.nodes, model.graph?.nodes.length);
    assert.deepEqual(
      Object.keys(got.tensors),
      model.tensors.map((t) => t.name),
    );
    for (const t of model.tensors) {
      const g = got.tensors[t.name];
      assert.deepEqual([g.dtype, g.shape], [t.dtype, [...t.shape]]);
      assert.equal(g.hex, Buffer.from(await readTensorBytes(t)).toString('hex'), `${t.name} (${t.dtype})`);
    }
  } finally {
    dir.done();
  }
});

test('NumPy loadtxt(skiprows=..., max_rows=...) reads a 2-D tensor straight from the TXT lines', async () => {
  const values = new Float32Array(12 * 9).map((_, k) => Math.fround(Math.tan(k) / 1000));
  const model: Model = {
    format: 'memory',
    metadata: {},
    tensors: [tensorFromBytes('w', 'float32', [12, 9], new Uint8Array(values.buffer))],
  };
  const dir = tempDir();
  try {
    saveTarget(await writeWith(txtFormat, model), dir.path, 'model.txt');
    const hex = python(
      `
import sys
import numpy as np
a = np.loadtxt(sys.argv[1], skiprows=2, max_rows=12, dtype=np.float32)
assert a.shape == (12, 9), a.shape
print(a.tobytes().hex())
`,
      [join(dir.path, 'model.txt')],
    ).trim();
    assert.equal(hex, Buffer.from(values.buffer).toString('hex'));
  } finally {
    dir.done();
  }
});
