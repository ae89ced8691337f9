/**
 * `.pt` files nnport writes, read back by live PyTorch with `torch.load(weights_only=True)`
 * (test/peers/torch-check-load.py) and compared bit for bit: every tensor's bytes (SHA-256),
 * dtype, shape, stride and which tensors share a storage; the whole loaded object against the
 * structure nnport was given; and the file itself (records 64-byte aligned and stored, the
 * version record, protocol-2 opcodes that torch 1.13's weights_only unpickler reads).
 *
 * All cases are written first and loaded by one Python process (importing torch takes seconds).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import type { DType } from '../../src/core/dtype.js';
import type { JsonValue, Model } from '../../src/core/model.js';
import { readTensorBytes, type Tensor, tensorFromArray, tensorFromBytes } from '../../src/core/tensor.js';
import { pytorchFormat } from '../../src/formats/pytorch/index.js';
import { writePt } from '../../src/formats/pytorch/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { BytesSource } from '../../src/io/byte-source.js';
import { rejectsWith, sha256 } from '../assert-errors.js';

const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install python3-torch';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const PEER = join(REPO_ROOT, 'test/peers/torch-check-load.py');
const SAME = join(REPO_ROOT, 'test/peers/torch-check-same.py');
const FIXTURES = resolve(REPO_ROOT, '../shared/fixtures/pytorch');

/** The opcodes torch 1.13's weights_only unpickler reads (torch/_weights_only_unpickler.py imports). */
const TORCH_113_OPCODES = new Set([
  'APPEND',
  'APPENDS',
  'BINGET',
  'BININT',
  'BININT1',
  'BININT2',
  'BINPERSID',
  'BINPUT',
  'BINUNICODE',
  'BUILD',
  'EMPTY_DICT',
  'EMPTY_LIST',
  'EMPTY_SET',
  'EMPTY_TUPLE',
  'GLOBAL',
  'LONG1',
  'LONG_BINGET',
  'LONG_BINPUT',
  'MARK',
  'NEWFALSE',
  'NEWOBJ',
  'NEWTRUE',
  'NONE',
  'PROTO',
  'REDUCE',
  'SETITEM',
  'SETITEMS',
  'SHORT_BINSTRING',
  'STOP',
  'TUPLE',
  'TUPLE1',
  'TUPLE2',
  'TUPLE3',
]);

/** torch's name of each dtype. */
const TORCH_DTYPE: Partial<Record<DType, string>> = {
  float64: 'torch.float64',
  float32: 'torch.float32',
  float16: 'torch.float16',
  bfloat16: 'torch.bfloat16',
  int8: 'torch.int8',
  int16: 'torch.int16',
  int32: 'torch.int32',
  int64: 'torch.int64',
  uint8: 'torch.uint8',
  bool: 'torch.bool',
};

/** What the peer prints for one file. */
interface PeerFile {
  /** Set when torch.load failed. */
  readonly error?: string;
  readonly object: JsonValue;
  readonly records: readonly [string, number, number, number][];
  readonly opcodes: readonly string[];
  readonly protocol: number;
  readonly version: string;
  readonly folder: string;
}

/** One case: a model, options, and what torch must load. */
interface Case {
  readonly model: Model;
  readonly options?: Record<string, unknown>;
  /** The structure torch must load (tensors by name, as in the pt-structure contract). */
  readonly expect: JsonValue;
  /** Warnings the writer must give (by substring, in order). */
  readonly warnings: readonly string[];
  warned?: string[];
  file?: string;
}

// ----- test models -----

function model(tensors: Tensor[], structure?: JsonValue): Model {
  return { format: 'memory', metadata: structure === undefined ? {} : { pytorch: { structure } }, tensors };
}

/** Deterministic pseudo-random bytes. */
function noise(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function bf16(values: number[]): Uint16Array {
  const f = new Float32Array(values);
  const u = new Uint32Array(f.buffer);
  return Uint16Array.from(u, (bits) => bits >>> 16);
}

function flatOf(tensors: readonly Tensor[]): JsonValue {
  return { $dict: tensors.map((t) => [t.name, { $tensor: t.name }]), $class: 'collections.OrderedDict' };
}

function tied(t: Tensor, to: string): Tensor {
  return { ...t, meta: { tiedTo: to } };
}

const dtypeTensors: Tensor[] = [
  tensorFromArray(
    'f32',
    'float32',
    [2, 3],
    new Float32Array([1.5, -0, Infinity, -Infinity, Number.NaN, 3.4e38]),
  ),
  tensorFromArray('f64', 'float64', [3], new Float64Array([Math.PI, -1e308, 5e-324])),
  tensorFromArray('f16', 'float16', [4], new Uint16Array([0x3c00, 0x8000, 0x7c00, 0x0001])),
  tensorFromArray('bf16', 'bfloat16', [2, 2], bf16([1, -2.5, 3e38, 1e-40])),
  tensorFromArray('i8', 'int8', [3], new Int8Array([-128, 0, 127])),
  tensorFromArray('i16', 'int16', [3], new Int16Array([-32768, 7, 32767])),
  tensorFromArray('i32', 'int32', [2], new Int32Array([-(2 ** 31), 2 ** 31 - 1])),
  tensorFromArray('i64', 'int64', [2], new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n])),
  tensorFromArray('u8', 'uint8', [3], new Uint8Array([0, 128, 255])),
  tensorFromArray('mask', 'bool', [2, 2], new Uint8Array([1, 0, 0, 1])),
  tensorFromArray('empty', 'float32', [0], new Float32Array(0)),
  tensorFromArray('empty3d', 'int64', [2, 0, 3], new BigInt64Array(0)),
  tensorFromArray('scalar', 'float32', [], new Float32Array([42.25])),
  tensorFromArray('scalar_i64', 'int64', [], new BigInt64Array([-5n])),
  tensorFromArray('scalar_bool', 'bool', [], new Uint8Array([1])),
  tensorFromBytes('long70k', 'float32', [70_001], noise(70_001 * 4, 7)),
  tensorFromBytes('multi_chunk', 'int16', [3, 1_000_000], noise(6_000_000, 9)),
  tensorFromArray('layer.0.weight', 'float32', [1], new Float32Array([1])),
  tensorFromArray('größe.β', 'float32', [1], new Float32Array([2])),
  tensorFromArray('emoji 😀 name', 'float32', [1], new Float32Array([3])),
];

const npzLike: Tensor[] = [
  tensorFromArray('weights', 'float32', [3, 2], new Float32Array([1, 2, 3, 4, 5, 6])),
  tensorFromArray('bias', 'float64', [2], new Float64Array([0.5, -0.5])),
  tensorFromArray('steps', 'int64', [1], new BigInt64Array([100n])),
];

const ckptTensors: Tensor[] = [
  tensorFromArray('model_state_dict.fc.weight', 'float32', [2, 3], new Float32Array([1, 2, 3, 4, 5, 6])),
  tensorFromArray('model_state_dict.fc.bias', 'float32', [2], new Float32Array([0.1, 0.2])),
  tensorFromArray('optimizer.state.0.exp_avg', 'float32', [2, 3], new Float32Array(6).fill(0.25)),
  tensorFromArray('optimizer.state.0.step', 'float32', [], new Float32Array([10])),
];

const ckptStructure: JsonValue = {
  $dict: [
    ['epoch', 12],
    ['global_step', { $int: '123456789012345678901' }],
    ['negative_big', { $int: '-98765432109876543210' }],
    ['int64_edge', { $int: '-9223372036854775808' }],
    ['mid', 70_000],
    ['neg', -3],
    ['name', 'résumé'],
    ['nothing', null],
    ['flags', [true, false]],
    ['shape', { $tuple: [3, 224, 224] }],
    ['pair', { $tuple: ['a', { $tuple: [] }] }],
    [
      'by_index',
      {
        $dict: [
          [0, 'zero'],
          [7, 'seven'],
          [-1, 'minus one'],
        ],
      },
    ],
    ['by_tuple', { $dict: [[{ $tuple: [1, 'x'] }, 'tuple key']] }],
    ['size', { $object: 'torch.Size', args: [{ $tuple: [2, 3] }] }],
    ['dtype', { $global: 'torch.float16' }],
    [
      'model_state_dict',
      {
        $dict: [
          ['fc.weight', { $tensor: 'model_state_dict.fc.weight', $parameter: true }],
          ['fc.bias', { $tensor: 'model_state_dict.fc.bias' }],
        ],
        $class: 'collections.OrderedDict',
        $state: {
          $dict: [
            [
              '_metadata',
              {
                $dict: [
                  ['', { $dict: [['version', 1]] }],
                  ['fc', { $dict: [['version', 1]] }],
                ],
                $class: 'collections.OrderedDict',
              },
            ],
          ],
        },
      },
    ],
    [
      'optimizer',
      {
        $dict: [
          [
            'state',
            {
              $dict: [
                [
                  0,
                  {
                    $dict: [
                      ['step', { $tensor: 'optimizer.state.0.step' }],
                      ['exp_avg', { $tensor: 'optimizer.state.0.exp_avg' }],
                    ],
                  },
                ],
              ],
            },
          ],
          [
            'param_groups',
            [
              {
                $dict: [
                  ['lr', { $float: 0.001 }],
                  ['betas', { $tuple: [{ $float: 0.9 }, { $float: 0.999 }] }],
                  ['eps', { $float: 1e-8 }],
                  ['specials', [{ $float: 'nan' }, { $float: 'inf' }, { $float: '-inf' }, { $float: '-0' }]],
                  ['amsgrad', false],
                  ['params', [0, 1]],
                ],
              },
            ],
          ],
        ],
      },
    ],
  ],
};

const tieBase = [
  tensorFromArray('embed.weight', 'float32', [2, 2], new Float32Array([1, 2, 3, 4])),
  tensorFromArray('other', 'float32', [2, 2], new Float32Array([9, 9, 9, 9])),
];
const tieTensors: Tensor[] = [
  ...tieBase,
  tied(tensorFromArray('lm_head.weight', 'float32', [2, 2], new Float32Array([1, 2, 3, 4])), 'embed.weight'),
  tied(tensorFromArray('chain', 'float32', [2, 2], new Float32Array([1, 2, 3, 4])), 'lm_head.weight'),
  // Not a tie: the shape differs, so it gets a storage of its own.
  tied(tensorFromArray('reshaped', 'float32', [4], new Float32Array([1, 2, 3, 4])), 'embed.weight'),
];
// The tied tensor comes first in the structure: the storage belongs to the group, not to the order.
const tieStructure: JsonValue = {
  $dict: [
    ['head', { $tensor: 'lm_head.weight' }],
    ['embed', { $tensor: 'embed.weight' }],
    ['rest', [{ $tensor: 'other' }, { $tensor: 'chain' }, { $tensor: 'reshaped' }]],
  ],
};

const manyTensors: Tensor[] = Array.from({ length: 1001 }, (_, i) =>
  tensorFromArray(`t${i}`, 'int32', [1], new Int32Array([i])),
);

const bigDict: JsonValue = {
  $dict: [
    ['ints', { $dict: Array.from({ length: 2500 }, (_, i) => [i, i * 1000]) }],
    ['list', Array.from({ length: 1001 }, (_, i) => `item ${i}`)],
    ['tensors', flatOf(manyTensors)],
  ],
};

const staleStructure: JsonValue = {
  $dict: [
    ['weights', { $tensor: 'weights' }],
    ['gone', { $tensor: 'no-such-tensor' }],
  ],
};

const CASES: Record<string, Case> = {
  dtypes: { model: model(dtypeTensors), expect: flatOf(dtypeTensors), warnings: [] },
  npzLike: { model: model(npzLike), expect: flatOf(npzLike), warnings: [] },
  checkpoint: {
    model: model(ckptTensors, ckptStructure),
    expect: ckptStructure,
    warnings: ['8 Python floats written as 0-d float64 tensors'],
  },
  ties: { model: model(tieTensors, tieStructure), expect: tieStructure, warnings: [] },
  tiesFlat: { model: model(tieTensors), expect: flatOf(tieTensors), warnings: [] },
  batches: { model: model(manyTensors, bigDict), expect: bigDict, warnings: [] },
  stale: {
    model: model(npzLike, staleStructure),
    expect: flatOf(npzLike),
    warnings: ['no longer matches the tensors'],
  },
  bareTensor: {
    model: model([npzLike[0] as Tensor], { $tensor: 'weights' }),
    expect: { $tensor: 'weights' },
    warnings: [],
  },
  tensorList: {
    model: model(npzLike, [
      { $tensor: 'weights' },
      { $tensor: 'bias', $parameter: true },
      { $tensor: 'steps' },
    ]),
    expect: [{ $tensor: 'weights' }, { $tensor: 'bias', $parameter: true }, { $tensor: 'steps' }],
    warnings: [],
  },
  archiveName: {
    model: model(npzLike),
    options: { archiveName: 'my_model' },
    expect: flatOf(npzLike),
    warnings: [],
  },
};

// ----- random structures (a round-trip property, checked by torch) -----

const DTYPES_WRITTEN: DType[] = [
  'float64',
  'float32',
  'float16',
  'bfloat16',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'bool',
];

/** A contract-encoded value; `{ $tensor: '?' }` marks where a fresh tensor goes. */
const leafArb: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.integer(),
  fc
    .bigInt({ min: -(2n ** 200n), max: 2n ** 200n })
    .map((n) =>
      n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(n)
        : { $int: String(n) },
    ),
  fc.double().map((x) => ({
    $float: Number.isNaN(x)
      ? 'nan'
      : x === Infinity
        ? 'inf'
        : x === -Infinity
          ? '-inf'
          : Object.is(x, -0)
            ? '-0'
            : x,
  })),
  fc.constantFrom<JsonValue>({ $tensor: '?' }, { $tensor: '?', $parameter: true }),
  fc.constantFrom<JsonValue>(
    { $global: 'torch.float32' },
    { $object: 'torch.Size', args: [{ $tuple: [4, 0] }] },
  ),
);
const keyArb: fc.Arbitrary<JsonValue> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.integer(),
  fc.tuple(fc.string({ maxLength: 3 }), fc.integer()).map((k) => ({ $tuple: k })),
);
const treeArb: fc.Arbitrary<JsonValue> = fc.letrec<{ tree: JsonValue }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('tree'), { maxLength: 4 }),
    fc.array(tie('tree'), { maxLength: 4 }).map((items) => ({ $tuple: items })),
    fc
      .tuple(
        fc.uniqueArray(fc.tuple(keyArb, tie('tree')), { maxLength: 4, selector: ([k]) => JSON.stringify(k) }),
        fc.boolean(),
      )
      .map(([pairs, ordered]) =>
        ordered
          ? { $dict: pairs as JsonValue[], $class: 'collections.OrderedDict' }
          : { $dict: pairs as JsonValue[] },
      ),
  ),
})).tree;

/** Names the `?` tensors t0, t1, ... and makes a random tensor for each (some tied to an earlier one). */
function randomCase(tree: JsonValue, seed: number): Case {
  const tensors: Tensor[] = [];
  let floats = 0;
  const fill = (v: JsonValue): JsonValue => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return (v as readonly JsonValue[]).map(fill);
    const o = v as { readonly [k: string]: JsonValue };
    if (o.$float !== undefined) floats++;
    if (o.$tensor === '?') {
      const i = tensors.length;
      const name = `t${i}.w`;
      const prev = tensors[i - 1];
      if (prev !== undefined && (seed + i) % 4 === 0) {
        tensors.push({ ...prev, name, meta: { tiedTo: prev.name } });
      } else {
        const dtype = DTYPES_WRITTEN[(seed + i * 7) % DTYPES_WRITTEN.length] as DType;
        const shape = [[], [0], [3], [2, 3], [1, 2, 2]][(seed + i) % 5] as number[];
        const count = shape.reduce((a, d) => a * d, 1);
        const width =
          { float64: 8, int64: 8, float32: 4, int32: 4, float16: 2, bfloat16: 2, int16: 2 }[
            dtype as string
          ] ?? 1;
        let bytes = noise(count * width, seed * 31 + i + 1);
        if (dtype === 'bool') bytes = bytes.map((b) => b & 1);
        tensors.push(tensorFromBytes(name, dtype, shape, bytes));
      }
      return o.$parameter === true ? { $tensor: name, $parameter: true } : { $tensor: name };
    }
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(o)) out[k] = fill(o[k] as JsonValue);
    return out;
  };
  const structure = fill(tree);
  return {
    model: model(tensors, structure),
    expect: structure,
    warnings: floats > 0 ? [`${floats} Python float`] : [],
  };
}

const RANDOM = fc.sample(treeArb, { numRuns: 30, seed: 20240613 });
RANDOM.forEach((tree, i) => {
  CASES[`random${i}`] = randomCase(tree, i);
});

// ----- expected descriptions -----

/** The tied-group root of each tensor, as the writer decides it. */
function roots(tensors: readonly Tensor[]): Map<string, string> {
  const index = new Map(tensors.map((t, i) => [t.name, i]));
  const root = new Map<string, string>();
  tensors.forEach((t, i) => {
    const to = t.meta?.tiedTo;
    const target = typeof to === 'string' ? tensors[index.get(to) ?? -1] : undefined;
    const ok =
      target !== undefined &&
      (index.get(target.name) as number) < i &&
      target.dtype === t.dtype &&
      target.shape.join() === t.shape.join();
    root.set(t.name, ok ? (root.get(target.name) ?? target.name) : t.name);
  });
  return root;
}

function strides(shape: readonly number[]): number[] {
  const out: number[] = [];
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    out[i] = s;
    s *= shape[i] as number;
  }
  return out;
}

/** Replaces tensors and floats in `structure` with what the peer reports for them. */
async function expected(structure: JsonValue, tensors: readonly Tensor[]): Promise<JsonValue> {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const root = roots(tensors);
  let floats = 0;
  const walk = async (v: JsonValue): Promise<JsonValue> => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) {
      const out: JsonValue[] = [];
      for (const x of v as readonly JsonValue[]) out.push(await walk(x));
      return out;
    }
    const o = v as { readonly [k: string]: JsonValue };
    if (typeof o.$tensor === 'string') {
      const t = byName.get(o.$tensor) as Tensor;
      const param = o.$parameter === true;
      const floating = ['float64', 'float32', 'float16', 'bfloat16'].includes(t.dtype);
      const desc = {
        dtype: TORCH_DTYPE[t.dtype] as string,
        shape: [...t.shape],
        stride: strides(t.shape),
        offset: 0,
        requires_grad: param && floating,
        sha256: sha256(await readTensorBytes(t)),
        storage: t.data.byteLength === 0 ? null : `tensor:${root.get(t.name)}`,
      };
      return param ? { $tensor: desc, $parameter: true } : { $tensor: desc };
    }
    if (o.$float !== undefined) {
      const f = o.$float;
      const value =
        f === 'nan'
          ? Number.NaN
          : f === 'inf'
            ? Infinity
            : f === '-inf'
              ? -Infinity
              : f === '-0'
                ? -0
                : (f as number);
      const bytes = new Uint8Array(8);
      new DataView(bytes.buffer).setFloat64(0, value, true);
      return {
        $tensor: {
          dtype: 'torch.float64',
          shape: [],
          stride: [],
          offset: 0,
          requires_grad: false,
          sha256: sha256(bytes),
          storage: `float:${floats++}`,
        },
      };
    }
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(o)) out[k] = await walk(o[k] as JsonValue);
    return out;
  };
  return walk(structure);
}

/** Renames storage labels to their first-occurrence index (walking keys sorted), so sharing compares. */
function normalizeStorage(v: JsonValue): JsonValue {
  const ids = new Map<string, number>();
  const walk = (x: JsonValue): JsonValue => {
    if (x === null || typeof x !== 'object') return x;
    if (Array.isArray(x)) return (x as readonly JsonValue[]).map(walk);
    const o = x as { readonly [k: string]: JsonValue };
    const out: Record<string, JsonValue> = {};
    for (const k of Object.keys(o).sort()) {
      const val = o[k] as JsonValue;
      if (k === 'storage' && val !== null && typeof val !== 'object') {
        const label = String(val);
        if (!ids.has(label)) ids.set(label, ids.size);
        out[k] = ids.get(label) as number;
      } else {
        out[k] = walk(val);
      }
    }
    return out;
  };
  return walk(v);
}

// ----- running the peer -----

function requireTorch(): void {
  if (!existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: ${INSTALL}`);
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'pipe' });
  } catch {
    assert.fail(`PyTorch is missing for ${PYTHON}: ${INSTALL}`);
  }
}

let dir = '';
let peer: { torch: string; files: Record<string, PeerFile> } | undefined;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'nnport-pt-'));
  for (const [name, c] of Object.entries(CASES)) {
    const warned: string[] = [];
    const target = new MemoryTarget(`${name}.pt`);
    await writePt(c.model, target, { ...c.options, onWarning: (m: string) => warned.push(m) });
    c.warned = warned;
    c.file = join(dir, `${name}.pt`);
    writeFileSync(c.file, target.bytes);
  }
});

after(() => {
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function loaded(c: Case): PeerFile {
  if (peer === undefined) {
    requireTorch();
    const files = Object.values(CASES).map((x) => x.file as string);
    const out = execFileSync(PYTHON, [PEER, ...files], { encoding: 'utf8', maxBuffer: 256 << 20 });
    peer = JSON.parse(out) as { torch: string; files: Record<string, PeerFile> };
  }
  const f = peer.files[c.file as string];
  assert.ok(f !== undefined, `the peer did not report ${c.file}`);
  return f;
}

/** Everything a case must satisfy: the loaded object, the records, the pickle, the warnings. */
async function check(name: string): Promise<void> {
  const c = CASES[name] as Case;
  const f = loaded(c);
  assert.equal(f.error, undefined, `torch.load failed: ${f.error}`);
  assert.deepEqual(normalizeStorage(f.object), normalizeStorage(await expected(c.expect, c.model.tensors)));

  const folder = (c.options?.archiveName as string | undefined) ?? 'archive';
  assert.equal(f.folder, folder);
  assert.equal(f.version, '3\n');
  const names = f.records.map((r) => r[0]);
  const storages = names.filter((n) => n.startsWith(`${folder}/data/`));
  assert.deepEqual(names, [
    `${folder}/data.pkl`,
    `${folder}/byteorder`,
    ...storages.map((_, i) => `${folder}/data/${i}`),
    `${folder}/version`,
  ]);
  for (const [record, offset, , method] of f.records) {
    assert.equal(offset % 64, 0, `${record} data starts at ${offset}, not 64-aligned`);
    assert.equal(method, 0, `${record} is not stored`);
  }
  assert.equal(f.protocol, 2);
  for (const op of f.opcodes) assert.ok(TORCH_113_OPCODES.has(op), `opcode ${op} is not read by torch 1.13`);

  assert.equal(c.warned?.length, c.warnings.length, `warnings: ${JSON.stringify(c.warned)}`);
  c.warnings.forEach((w, i) => {
    assert.ok(c.warned?.[i]?.includes(w), `warning ${i}: ${c.warned?.[i]}`);
  });
}

describe('torch.load(weights_only=True) reads what nnport writes', () => {
  it('every dtype, empty and 0-d tensors, 70k and multi-chunk tensors, dotted and unicode names', () =>
    check('dtypes'));
  it('a flat state_dict from an npz-like model', () => check('npzLike'));
  it('a nested checkpoint: ints, big ints, strings, None, bools, tuples, int and tuple keys, OrderedDict state, Parameter, torch.Size, dtype; floats as 0-d tensors', () =>
    check('checkpoint'));
  it('tied tensors share one storage (also when the tied one comes first), a mismatched tie does not', () =>
    check('ties'));
  it('ties hold in the flat state_dict too', () => check('tiesFlat'));
  it('dicts and lists beyond 1000 items (SETITEMS/APPENDS batches) and 1001 memoized tensors (LONG_BINPUT)', () =>
    check('batches'));
  it('a stale structure falls back to a flat state_dict with a warning', () => check('stale'));
  it('the archiveName option names the record folder', () => check('archiveName'));
  it('a bare tensor, and a list of tensors, as the whole object', async () => {
    await check('bareTensor');
    await check('tensorList');
  });
  it('30 random checkpoints of every encodable kind of value (round-trip property)', async () => {
    for (let i = 0; i < RANDOM.length; i++) await check(`random${i}`);
  });
});

/** Reads a fixture with nnport's own .pt reader and writes it again. */
async function rewrite(file: string): Promise<Uint8Array> {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, file)));
  // biome-ignore lint/style/noNonNullAssertion: the pytorch plug-in has a reader
  const m = await pytorchFormat.read!(
    {
      source: new BytesSource(bytes, file),
      name: file,
      isFolder: false,
      sibling: () => Promise.resolve(undefined),
      list: () => Promise.resolve([]),
    },
    {},
  );
  const target = new MemoryTarget(file);
  await writePt(m, target, {});
  return target.bytes;
}

describe('real torch.save files: nnport reads and rewrites them, torch loads the same object', () => {
  const files = [
    'candle_test.pt',
    'candle_test_with_key.pt',
    'candle_fortran_tensor_3d.pth',
    'allennlp_simple_tagger_full_best_zip.th',
    'allennlp_simple_tagger_best_legacy.th',
  ];

  it('state_dicts and checkpoints (zip and legacy, Fortran strides) load equal to the originals', async (t) => {
    if (!existsSync(FIXTURES)) {
      t.skip('../shared/fixtures absent');
      return;
    }
    requireTorch();
    const args: string[] = [];
    for (const file of files) {
      const copy = join(dir, `rewritten-${file}`);
      writeFileSync(copy, await rewrite(file));
      args.push(join(FIXTURES, file), copy);
    }
    const out = execFileSync(PYTHON, [SAME, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
    assert.deepEqual(
      JSON.parse(out),
      files.map(() => null),
    );
  });

  it('a TorchScript archive is UNREPRESENTABLE (its __torch__ objects are not weights)', async (t) => {
    if (!existsSync(FIXTURES)) {
      t.skip('../shared/fixtures absent');
      return;
    }
    await rejectsWith(rewrite('tch-rs_foo_torchscript.pt'), 'UNREPRESENTABLE');
  });
});
