/**
 * MXNet `.params` (NDArray list) reader: the real fixtures (cross-checked by an independent
 * Python reader in test/peers/mxnet-params-ref.py), hermetic records of every generation, every
 * dtype flag, empty and none arrays, scalars, and coded errors for bad input.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { defaultRegistry } from '../../src/formats/all.js';
import { detectMxnetParams, mxnetParamsFormat } from '../../src/formats/mxnet/index.js';
import { BytesSource } from '../../src/io/byte-source.js';
import { rejectsWith, sha256 } from '../assert-errors.js';
import { inputFromSource, modelOf, tensorOf, writeNpzBytes } from '../npy/helpers.js';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/mxnet');
const PEER = path.resolve(process.cwd(), 'test/peers/mxnet-params-ref.py');

/** A file's bytes as a plain Uint8Array (a Buffer's slice() would not copy). */
function bytesOf(file: string): Uint8Array {
  return new Uint8Array(readFileSync(file));
}

/** Reads bytes with the plug-in directly (not through the registry). */
function readParams(bytes: Uint8Array, name = 'x.params'): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the plug-in has a reader
  return mxnetParamsFormat.read!(inputFromSource(new BytesSource(bytes, name), name), {});
}

// --- byte builders (little-endian, from the format facts in src/formats/mxnet/params.ts) ---

function u32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return b;
}
function i32(v: number): Uint8Array {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setInt32(0, v, true);
  return b;
}
function u64(v: number | bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return b;
}
function i64(v: number | bigint): Uint8Array {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigInt64(0, BigInt(v), true);
  return b;
}
function cat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const V1 = 0xf993fac8;
const V2 = 0xf993fac9;
const V3 = 0xf993faca;

/** Context (cpu 1, id 0), type flag and data. */
function body(flag: number, data: Uint8Array): Uint8Array {
  return cat(i32(1), i32(0), i32(flag), data);
}
/** A V2/V3 dense record. */
function recV(magic: number, shape: readonly number[], flag: number, data: Uint8Array): Uint8Array {
  return cat(u32(magic), i32(0), i32(shape.length), ...shape.map((d) => i64(d)), body(flag, data));
}
/** A V1 record (int32 ndim, int64 dims). */
function recV1(shape: readonly number[], flag: number, data: Uint8Array): Uint8Array {
  return cat(u32(V1), i32(shape.length), ...shape.map((d) => i64(d)), body(flag, data));
}
/** A legacy record (no magic: the first word is ndim). */
function recLegacy(shape: readonly number[], flag: number, data: Uint8Array): Uint8Array {
  return cat(u32(shape.length), ...shape.map((d) => u32(d)), body(flag, data));
}
/** A whole list file. */
function listFile(records: readonly Uint8Array[], names: readonly string[] = []): Uint8Array {
  const enc = new TextEncoder();
  return cat(
    u64(0x112),
    u64(0),
    u64(records.length),
    ...records,
    u64(names.length),
    ...names.flatMap((n) => {
      const b = enc.encode(n);
      return [u64(b.length), b];
    }),
  );
}
function f32(...v: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(v).buffer);
}

// --- real fixtures ---

test('every fixture .params agrees with the independent Python reader', async (t) => {
  if (!existsSync(FIXTURES)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const files: string[] = [];
  for (const dir of readdirSync(FIXTURES)) {
    const full = path.join(FIXTURES, dir);
    for (const f of readdirSync(full))
      if (f.endsWith('.params') || f.endsWith('.v0')) files.push(path.join(full, f));
  }
  assert.equal(files.length, 4);
  for (const file of files) {
    let out: string;
    try {
      out = execFileSync('/usr/bin/python3', [PEER, file], { encoding: 'utf8' });
    } catch (e) {
      assert.fail(`the NumPy peer failed (apt-get install python3-numpy): ${String(e)}`);
    }
    const want = JSON.parse(out) as { name: string; dtype: string; shape: number[]; sha256: string }[];
    const model = await readParams(bytesOf(file), path.basename(file));
    assert.equal(model.tensors.length, want.length, file);
    for (const [i, w] of want.entries()) {
      const t = model.tensors[i];
      assert.ok(t !== undefined);
      assert.equal(t.name, w.name);
      assert.equal(t.dtype, w.dtype);
      assert.deepEqual(t.shape, w.shape);
      assert.equal(sha256(await readTensorBytes(t)), w.sha256, `${file} ${t.name}`);
    }
  }
});

test('fixture names, shapes, prefixes and values', async (t) => {
  if (!existsSync(FIXTURES)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const mlp = await readParams(bytesOf(path.join(FIXTURES, 'mlp-symbol-api-v0.12/Neural_Net-0100.params')));
  assert.deepEqual(
    mlp.tensors.map((x) => `${x.name}:${x.shape.join('x')}`),
    [
      'arg:FNN_fc1_weight:50x784',
      'arg:FNN_fc1_bias:50',
      'arg:FNN_fc2_weight:50x50',
      'arg:FNN_fc2_bias:50',
      'arg:FNN_fc3_weight:10x50',
      'arg:FNN_fc3_bias:10',
    ],
  );
  assert.deepEqual(mlp.metadata.mxnet, { prefixes: true, names: 'stored', records: ['v2'] });
  const w = mlp.tensors[0];
  assert.ok(w !== undefined);
  const first = new Float32Array((await readTensorBytes(w)).slice(0, 4).buffer)[0];
  assert.equal(first, Math.fround(0.011315661482512951));

  const rnn = await readParams(bytesOf(path.join(FIXTURES, 'fused-rnn-v0.12/Fused_Neural_Net-0100.params')));
  assert.equal(rnn.tensors[0]?.name, 'arg:rnn_0parameters');
  assert.deepEqual(rnn.tensors[0]?.shape, [13000]);

  const gluon = await readParams(bytesOf(path.join(FIXTURES, 'gluon-save-params-noprefix/MNIST-100.params')));
  assert.deepEqual(
    gluon.tensors.map((x) => x.name),
    ['dense0_weight', 'dense0_bias'],
  );
  assert.deepEqual(gluon.metadata.mxnet, { prefixes: false, names: 'stored', records: ['v2'] });

  const legacy = await readParams(bytesOf(path.join(FIXTURES, 'apache-mxnet-tests/legacy_ndarray.v0')));
  assert.deepEqual(
    legacy.tensors.map((x) => `${x.name}:${x.dtype}[${x.shape.join(',')}]`),
    ['0', '1', '2', '3', '4', '5'].map((n) => `${n}:float32[128]`),
  );
  assert.deepEqual(legacy.metadata.mxnet, { prefixes: false, names: 'none', records: ['legacy'] });

  // The registry detects by content, whatever the name.
  const bytes = bytesOf(path.join(FIXTURES, 'apache-mxnet-tests/legacy_ndarray.v0'));
  const viaRegistry = await defaultRegistry().read(
    inputFromSource(new BytesSource(bytes, 'legacy_ndarray.v0'), 'legacy_ndarray.v0'),
  );
  assert.equal(viaRegistry.format, 'mxnet-params');
});

// --- hermetic records ---

test('V1, V2, V3 and legacy records read alike (uint32 legacy dims vs int64 dims)', async () => {
  const data = f32(1, 2, 3, 4, 5, 6);
  const file = listFile(
    [
      recLegacy([2, 3], 0, data),
      recV1([2, 3], 0, data),
      recV(V2, [2, 3], 0, data),
      recV(V3, [2, 3], 0, data),
    ],
    ['arg:a', 'arg:b', 'aux:c', 'aux:d'],
  );
  const m = await readParams(file);
  assert.deepEqual(m.metadata.mxnet, {
    prefixes: true,
    names: 'stored',
    records: ['legacy', 'v1', 'v2', 'v3'],
  });
  for (const t of m.tensors) {
    assert.equal(t.dtype, 'float32');
    assert.deepEqual(t.shape, [2, 3]);
    assert.deepEqual(await readTensorBytes(t), data);
  }
});

test('every mshadow type flag maps to its dtype', async () => {
  const table: [number, string, number][] = [
    [0, 'float32', 4],
    [1, 'float64', 8],
    [2, 'float16', 2],
    [3, 'uint8', 1],
    [4, 'int32', 4],
    [5, 'int8', 1],
    [6, 'int64', 8],
    [7, 'bool', 1],
    [8, 'int16', 2],
    [9, 'uint16', 2],
    [10, 'uint32', 4],
    [11, 'uint64', 8],
    [12, 'bfloat16', 2],
  ];
  const records = table.map(([flag, , size]) =>
    recV(
      V2,
      [3],
      flag,
      Uint8Array.from({ length: 3 * size }, (_, i) => (i * 7 + flag) & 0xff),
    ),
  );
  const m = await readParams(listFile(records));
  assert.deepEqual(
    m.tensors.map((t) => t.dtype),
    table.map(([, d]) => d),
  );
  for (const [i, t] of m.tensors.entries()) {
    const size = table[i]?.[2] ?? 0;
    assert.deepEqual(
      await readTensorBytes(t),
      Uint8Array.from({ length: 3 * size }, (_, j) => (j * 7 + i) & 0xff),
    );
  }
  await rejectsWith(readParams(listFile([recV(V2, [1], 13, new Uint8Array(4))])), 'UNSUPPORTED_DTYPE', {
    byte: 24 + 4 + 4 + 4 + 8 + 8,
  });
});

test('empty arrays, none arrays and V3 scalars', async () => {
  const file = listFile(
    [
      recV(V2, [0, 5], 0, new Uint8Array(0)), // empty: dims known, no data
      cat(u32(V2), i32(0), i32(0)), // V2 ndim 0: a none array, nothing more stored
      recV(V3, [], 1, new Uint8Array(new Float64Array([2.5]).buffer)), // V3 ndim 0: a true scalar
      cat(u32(V3), i32(0), i32(-1)), // V3 ndim -1: unknown shape, nothing more stored
      u32(0), // legacy none
      cat(u32(V1), i32(0)), // V1 none
      cat(u32(V3), i32(0), i32(2), i64(3), i64(-1)), // V3 unknown dim: none
    ],
    ['e', 'n2', 's', 'n3', 'nl', 'n1', 'nd'],
  );
  const m = await readParams(file);
  assert.deepEqual(
    m.tensors.map((t) => `${t.name}:${t.dtype}[${t.shape.join(',')}]`),
    [
      'e:float32[0,5]',
      'n2:float32[0]',
      's:float64[]',
      'n3:float32[0]',
      'nl:float32[0]',
      'n1:float32[0]',
      'nd:float32[0]',
    ],
  );
  const s = m.tensors[2];
  assert.ok(s !== undefined);
  assert.equal(new Float64Array((await readTensorBytes(s)).slice().buffer)[0], 2.5);
  assert.deepEqual((m.metadata.mxnet as Record<string, unknown>).noneArrays, ['n2', 'n3', 'nl', 'n1', 'nd']);
});

test('sparse storage is refused with UNSUPPORTED_DTYPE; unknown storage is INVALID_STRUCTURE', async () => {
  for (const stype of [1, 2]) {
    const rec = cat(u32(V2), i32(stype), i32(1), i64(3), i32(1), i64(3), body(0, f32(1, 2, 3)));
    await rejectsWith(readParams(listFile([rec])), 'UNSUPPORTED_DTYPE', { byte: 28 });
  }
  await rejectsWith(readParams(listFile([cat(u32(V2), i32(9))])), 'INVALID_STRUCTURE', { byte: 28 });
});

test('bad magic: list magic and record magic', async () => {
  const good = listFile([recV(V2, [1], 0, f32(1))]);
  const bad = good.slice();
  bad[0] = 0x13;
  await rejectsWith(readParams(bad), 'BAD_MAGIC', { byte: 0 });
  await rejectsWith(readParams(new Uint8Array(32).fill(0xff)), 'BAD_MAGIC', { byte: 0 });
  await rejectsWith(readParams(listFile([cat(u32(0xf993facb), i32(0))])), 'BAD_MAGIC', { byte: 24 });
});

test('truncation at every byte is TRUNCATED with an offset', async () => {
  const file = listFile(
    [
      recLegacy([2], 0, f32(1, 2)),
      recV1([1], 4, i32(7)),
      recV(V2, [2], 1, new Uint8Array(16)),
      recV(V3, [], 3, u32(1).slice(0, 1)),
    ],
    ['a', 'b', 'c', 'd'],
  );
  await readParams(file);
  for (let n = 0; n < file.length; n++) {
    const e = await rejectsWith(readParams(file.subarray(0, n)), 'TRUNCATED');
    assert.ok(e.at !== undefined && 'byte' in e.at && e.at.byte <= n, `cut at ${n}: ${e.message}`);
  }
});

test('absurd ndim and dims are LIMIT_EXCEEDED', async () => {
  await rejectsWith(
    readParams(listFile([cat(u32(V2), i32(0), i32(65), new Uint8Array(65 * 8))])),
    'LIMIT_EXCEEDED',
  );
  await rejectsWith(
    readParams(listFile([cat(u32(V2), i32(0), i32(1), i64(2n ** 60n), body(0, new Uint8Array(0)))])),
    'LIMIT_EXCEEDED',
  );
  await rejectsWith(
    readParams(
      listFile([
        cat(
          u32(V2),
          i32(0),
          i32(3),
          i64(2n ** 30n),
          i64(2n ** 30n),
          i64(2n ** 30n),
          body(0, new Uint8Array(0)),
        ),
      ]),
    ),
    'LIMIT_EXCEEDED',
  );
  await rejectsWith(readParams(cat(u64(0x112), u64(0), u64(2n ** 62n))), 'LIMIT_EXCEEDED', { byte: 16 });
  const longName = cat(u64(0x112), u64(0), u64(1), recV(V2, [1], 0, f32(1)), u64(1), u64(1_000_000));
  await rejectsWith(readParams(longName), 'LIMIT_EXCEEDED');
});

test('structural errors: name count, duplicates, trailing bytes, negative dims', async () => {
  const rec = recV(V2, [1], 0, f32(1));
  await rejectsWith(readParams(listFile([rec, rec], ['only'])), 'INVALID_STRUCTURE');
  await rejectsWith(readParams(listFile([rec, rec], ['x', 'x'])), 'INVALID_STRUCTURE');
  await rejectsWith(readParams(cat(listFile([rec]), new Uint8Array(1))), 'INVALID_STRUCTURE');
  await rejectsWith(readParams(listFile([cat(u32(V3), i32(0), i32(1), i64(-2))])), 'INVALID_STRUCTURE', {
    byte: 36,
  });
  await rejectsWith(readParams(listFile([cat(u32(V3), i32(0), i32(-5))])), 'INVALID_STRUCTURE');
});

test('detection: the list magic by content; a zip .params is left to npz', async () => {
  const file = listFile([recV(V2, [1], 0, f32(1))]);
  assert.equal(
    detectMxnetParams({ name: 'w.bin', head: file, size: file.length, isFolder: false }),
    'content',
  );
  const zip = await writeNpzBytes(modelOf(tensorOf('w', 'float32', [1], f32(3))));
  assert.equal(
    detectMxnetParams({ name: 'net-0001.params', head: zip, size: zip.length, isFolder: false }),
    'name',
  );
  assert.equal(detectMxnetParams({ name: 'x.bin', head: zip, size: zip.length, isFolder: false }), undefined);
  const m = await defaultRegistry().read(
    inputFromSource(new BytesSource(zip, 'net-0001.params'), 'net-0001.params'),
  );
  assert.equal(m.format, 'npz');
  assert.deepEqual(
    m.tensors.map((t) => t.name),
    ['w'],
  );
});

test('property: any bytes give a Model or an NnportError', async () => {
  const valid = listFile([recV(V2, [2], 0, f32(1, 2)), recLegacy([1], 3, new Uint8Array(1))], ['a', 'b']);
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })).map(([i, v]) => {
          const b = valid.slice();
          b[i] = v;
          return b;
        }),
        fc.uint8Array({ maxLength: 64 }).map((tail) => cat(u64(0x112), u64(0), tail)),
      ),
      async (bytes) => {
        try {
          const m = await readParams(bytes);
          for (const t of m.tensors) await readTensorBytes(t);
        } catch (e) {
          assert.ok(e instanceof NnportError, String(e));
        }
      },
    ),
    { numRuns: 2000 },
  );
});
