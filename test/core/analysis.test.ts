import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffModels } from '../../src/analysis/diff.js';
import { tensorStats } from '../../src/analysis/stats.js';
import type { Model } from '../../src/core/model.js';
import { tensorFromArray } from '../../src/core/tensor.js';

function model(...tensors: Model['tensors']): Model {
  return { format: 'memory', metadata: {}, tensors };
}

test('stats count zeros, NaN and Inf apart and use finite values for the moments', async () => {
  const t = tensorFromArray(
    'w',
    'float32',
    [6],
    new Float32Array([1, 2, 3, 0, Number.NaN, Number.POSITIVE_INFINITY]),
  );
  const s = await tensorStats(t);
  assert.deepEqual(
    { min: s.min, max: s.max, zeros: s.zeros, nan: s.nan, inf: s.inf },
    { min: 0, max: 3, zeros: 1, nan: 1, inf: 1 },
  );
  assert.equal(s.mean, 1.5);
  assert.ok(Math.abs((s.std as number) - Math.sqrt(1.25)) < 1e-12);
  const empty = await tensorStats(tensorFromArray('e', 'int8', [0], new Int8Array(0)));
  assert.equal(empty.mean, null);
});

test('stats decode float16, bfloat16 and int64', async () => {
  // float16 0x3c00 = 1, 0xc000 = -2; bfloat16 0x3f80 = 1, 0x4040 = 3
  assert.equal(
    (await tensorStats(tensorFromArray('h', 'float16', [2], new Uint16Array([0x3c00, 0xc000])))).min,
    -2,
  );
  assert.equal(
    (await tensorStats(tensorFromArray('b', 'bfloat16', [2], new Uint16Array([0x3f80, 0x4040])))).max,
    3,
  );
  assert.equal((await tensorStats(tensorFromArray('i', 'int64', [2], new BigInt64Array([-5n, 7n])))).mean, 1);
});

test('diff: bit-exact, different with worst index, tolerance, mismatch and one-sided names', async () => {
  const a = model(
    tensorFromArray('same', 'float32', [2], new Float32Array([1, 2])),
    tensorFromArray('near', 'float32', [3], new Float32Array([1, 2, 3])),
    tensorFromArray('shape', 'float32', [2], new Float32Array([1, 2])),
    tensorFromArray('onlyA', 'int8', [1], new Int8Array([1])),
  );
  const b = model(
    tensorFromArray('same', 'float32', [2], new Float32Array([1, 2])),
    tensorFromArray('near', 'float32', [3], new Float32Array([1, 2.5, 3.0001])),
    tensorFromArray('shape', 'float32', [1, 2], new Float32Array([1, 2])),
    tensorFromArray('onlyB', 'int8', [1], new Int8Array([1])),
  );
  const d = await diffModels(a, b);
  assert.ok(d.differs);
  const near = d.tensors.find((t) => t.name === 'near');
  assert.equal(near?.status, 'different');
  assert.equal(near?.worstIndex, 1);
  assert.equal(near?.maxAbs, 0.5);
  assert.equal(near?.differing, 2);
  assert.equal(d.tensors.find((t) => t.name === 'shape')?.status, 'mismatch');
  assert.deepEqual(d.onlyInA, ['onlyA']);
  assert.deepEqual(d.onlyInB, ['onlyB']);

  const close = await diffModels(
    model(tensorFromArray('x', 'float32', [1], new Float32Array([1]))),
    model(tensorFromArray('x', 'float32', [1], new Float32Array([1.0001]))),
    { atol: 1e-3 },
  );
  assert.equal(close.tensors[0]?.status, 'close');
  assert.ok(!close.differs);
});

test('diff: -0 against 0 differs without tolerance (not bit-exact) and NaN payloads are compared by bits', async () => {
  const z = await diffModels(
    model(tensorFromArray('z', 'float32', [1], new Float32Array([-0]))),
    model(tensorFromArray('z', 'float32', [1], new Float32Array([0]))),
  );
  assert.equal(z.tensors[0]?.status, 'different');
  assert.equal(z.tensors[0]?.maxAbs, 0);
  const n = await diffModels(
    model(tensorFromArray('n', 'float32', [1], new Float32Array(new Uint32Array([0x7fc00000]).buffer))),
    model(tensorFromArray('n', 'float32', [1], new Float32Array(new Uint32Array([0x7fc00001]).buffer))),
  );
  assert.equal(n.tensors[0]?.status, 'different');
  const nan = await diffModels(
    model(tensorFromArray('n', 'float32', [1], new Float32Array([Number.NaN]))),
    model(tensorFromArray('n', 'float32', [1], new Float32Array([1]))),
    { atol: 10 },
  );
  assert.equal(nan.tensors[0]?.status, 'different');
  assert.equal(nan.tensors[0]?.maxAbs, Number.POSITIVE_INFINITY);
});
