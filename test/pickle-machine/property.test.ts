/**
 * Properties of the pickle machine, the PyTorch reader and the scanner (fast-check):
 * - any bytes (random, and opcode-rich streams) → `unpickle` returns or throws an NnportError,
 *   strict and scan mode, never another exception or a hang; its result encodes with `pyToJson`
 *   or is refused with an NnportError;
 * - random Python-like values pickled by a small encoder here decode to their JSON encoding
 *   (round trip through the machine);
 * - the pytorch plug-in's read on random bytes and on random mutations (flips, overwrites, cuts,
 *   insertions, deletions) of a valid small torch zip and legacy file, tensor data included,
 *   gives a Model or an NnportError;
 * - `scanSource` never throws on any of those.
 * Every test has a time limit, so a hang fails it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { type PickleScan, scanPickle, scanSource } from '../../src/analysis/scan.js';
import { memoryInput } from '../../src/api.js';
import { NnportError } from '../../src/core/errors.js';
import type { JsonValue } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { pytorchFormat } from '../../src/formats/pytorch/index.js';
import { storageFromPid, torchResolve } from '../../src/formats/pytorch/torch-globals.js';
import { BytesSource } from '../../src/io/byte-source.js';
import { allowList, PYTHON_GLOBALS } from '../../src/io/pickle/allow-list.js';
import { unpickle } from '../../src/io/pickle/machine.js';
import { OP } from '../../src/io/pickle/opcodes.js';
import { floatJson, pyToJson, toBase64 } from '../../src/io/pickle/to-json.js';
import { bytesOf } from '../pickle-bytes.js';
import { zipOf } from '../zip/helpers.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURES = resolve(REPO_ROOT, '../shared/fixtures/pytorch');
const LIMIT = { timeout: 180_000 };

/** Runs `work`; only an NnportError may escape it. */
async function onlyNnportErrors(work: () => unknown): Promise<void> {
  try {
    await work();
  } catch (e) {
    if (!(e instanceof NnportError)) throw e;
  }
}

const torch = torchResolve();

/** Unpickles in strict mode with the torch allow-list and storages, then encodes the result. */
function strictAndEncode(bytes: Uint8Array): void {
  const r = unpickle(bytes, { resolve: torch, persistentLoad: storageFromPid, label: 'fuzz' });
  pyToJson(r.value, { host: (h) => ({ $host: h.describe() }) });
}

/** Unpickles in scan mode with every callback. */
function scanMode(bytes: Uint8Array): void {
  unpickle(bytes, {
    resolve: torch,
    mode: 'scan',
    persistentLoad: () => null,
    onImport: () => undefined,
    onCall: () => undefined,
    onUnsafeCall: () => undefined,
  });
}

// ---- byte builders (small: a pickle encoder for the round trip, torch files for mutation) ----

const enc = new TextEncoder();
const cat = bytesOf;
const u32 = (n: number) => [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, n >>> 24];
const binunicode = (s: string) => {
  const b = enc.encode(s);
  return cat(OP.BINUNICODE, u32(b.length), b);
};
/** LONG1: little-endian two's complement, as short as Python writes it. */
function long1(v: bigint): Uint8Array {
  const out: number[] = [];
  let x = v;
  for (;;) {
    out.push(Number(BigInt.asUintN(8, x)));
    x >>= 8n;
    const sign = (out[out.length - 1] as number) & 0x80;
    if ((x === 0n && sign === 0) || (x === -1n && sign !== 0)) break;
  }
  return cat(OP.LONG1, out.length, out);
}
const int = (n: number | bigint) =>
  typeof n === 'number' && n >= 0 && n < 2 ** 31 ? cat(OP.BININT, u32(n)) : long1(BigInt(n));
const global = (m: string, n: string) => cat(OP.GLOBAL, `${m}\n${n}\n`);

/** A protocol-2 data.pkl holding one float32 [2, 3] tensor of storage '0'. */
const TENSOR_PKL = cat(
  0x80,
  2,
  OP.EMPTY_DICT,
  binunicode('w'),
  global('torch._utils', '_rebuild_tensor_v2'),
  OP.MARK,
  OP.MARK,
  binunicode('storage'),
  global('torch', 'FloatStorage'),
  binunicode('0'),
  binunicode('cpu'),
  int(6),
  OP.TUPLE,
  OP.BINPERSID,
  int(0),
  OP.MARK,
  int(2),
  int(3),
  OP.TUPLE,
  OP.MARK,
  int(3),
  int(1),
  OP.TUPLE,
  OP.NEWFALSE,
  global('collections', 'OrderedDict'),
  OP.EMPTY_TUPLE,
  OP.REDUCE,
  OP.TUPLE,
  OP.REDUCE,
  OP.SETITEM,
  OP.STOP,
);
const FLOATS = new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer);

/** A legacy torch file (torch/serialization.py `_legacy_save`) with the same tensor. */
const LEGACY = cat(
  [0x80, 2, 0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, OP.STOP],
  [0x80, 2, OP.BININT2, 0xe9, 0x03, OP.STOP],
  cat(0x80, 2, OP.EMPTY_DICT, OP.MARK, binunicode('little_endian'), OP.NEWTRUE, OP.SETITEMS, OP.STOP),
  TENSOR_PKL,
  cat(0x80, 2, OP.EMPTY_LIST, binunicode('0'), OP.APPEND, OP.STOP),
  [6, 0, 0, 0, 0, 0, 0, 0],
  FLOATS,
);

// ---- arbitraries ----------------------------------------------------------------------------

const OPCODES = Object.values(OP) as number[];

/** Streams made mostly of opcodes, with small arguments, newlines and a PROTO header sometimes. */
const opcodeStream = fc
  .tuple(
    fc.constantFrom<number[]>([], [0x80, 2], [0x80, 4], [0x80, 5]),
    fc.array(
      fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom(...OPCODES).map((b) => [b]) },
        { weight: 2, arbitrary: fc.integer({ min: 0, max: 255 }).map((b) => [b]) },
        { weight: 1, arbitrary: fc.constant([0x0a]) },
        { weight: 1, arbitrary: fc.constantFrom([...enc.encode('os\nsystem\n')], [...enc.encode('01\n')]) },
        { weight: 1, arbitrary: fc.constant([...global('torch', 'FloatStorage')]) },
      ),
      { maxLength: 120 },
    ),
    fc.boolean(),
  )
  .map(([head, ops, stop]) => Uint8Array.from([...head, ...ops.flat(), ...(stop ? [OP.STOP] : [])]));

const anyBytes = fc.uint8Array({ maxLength: 400 });

/** Python-like values with their expected JSON encoding and their pickle (protocol 2 opcodes). */
interface Pickled {
  readonly bytes: Uint8Array;
  readonly json: JsonValue;
}

const leaf: fc.Arbitrary<Pickled> = fc.oneof(
  fc.constant({ bytes: cat(OP.NONE), json: null }),
  fc.boolean().map((b) => ({ bytes: cat(b ? OP.NEWTRUE : OP.NEWFALSE), json: b })),
  fc.integer().map((n) => ({ bytes: int(n), json: n })),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }).map((n) => ({
    bytes: long1(n),
    json:
      n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(n)
        : { $int: n.toString() },
  })),
  fc.double().map((d) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, d, false);
    return { bytes: cat(OP.BINFLOAT, b), json: floatJson(d) };
  }),
  fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => ({ bytes: binunicode(s), json: s })),
  fc.uint8Array({ maxLength: 12 }).map((b) => ({
    bytes: cat(OP.SHORT_BINBYTES, b.length, b),
    json: { $bytes: toBase64(b) },
  })),
);

const value: fc.Arbitrary<Pickled> = fc.letrec<{ v: Pickled }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('v'), { maxLength: 5 }).map((items) => ({
      bytes: cat(OP.MARK, ...items.map((i) => i.bytes), OP.LIST),
      json: items.map((i) => i.json),
    })),
    fc.array(tie('v'), { maxLength: 5 }).map((items) => ({
      bytes: cat(OP.MARK, ...items.map((i) => i.bytes), OP.TUPLE),
      json: { $tuple: items.map((i) => i.json) },
    })),
    // Dicts with distinct string keys (Python would merge equal keys).
    fc
      .uniqueArray(fc.tuple(fc.string({ maxLength: 6 }), tie('v')), { maxLength: 5, selector: ([k]) => k })
      .map((pairs) => ({
        bytes: cat(
          OP.EMPTY_DICT,
          OP.MARK,
          ...pairs.flatMap(([k, v]) => [binunicode(k), v.bytes]),
          OP.SETITEMS,
        ),
        json: { $dict: pairs.map(([k, v]) => [k, v.json]) },
      })),
  ),
})).v;

// ---- properties -----------------------------------------------------------------------------

describe('pickle machine: any bytes → a value or an NnportError', () => {
  it('random bytes, strict and scan mode', LIMIT, async () => {
    await fc.assert(
      fc.asyncProperty(anyBytes, async (bytes) => {
        await onlyNnportErrors(() => strictAndEncode(bytes));
        await onlyNnportErrors(() => scanMode(bytes));
      }),
      { numRuns: 20000 },
    );
  });

  it('opcode-rich streams, strict and scan mode', LIMIT, async () => {
    await fc.assert(
      fc.asyncProperty(opcodeStream, async (bytes) => {
        await onlyNnportErrors(() => strictAndEncode(bytes));
        await onlyNnportErrors(() => scanMode(bytes));
        await onlyNnportErrors(() =>
          unpickle(bytes, { resolve: allowList(PYTHON_GLOBALS) /* no persistent ids, plain globals */ }),
        );
      }),
      { numRuns: 20000 },
    );
  });

  it(
    'scan soundness: whatever the strict machine refuses as UNSAFE, the scanner reports as unsafe',
    LIMIT,
    () => {
      fc.assert(
        fc.property(opcodeStream, (bytes) => {
          let refused: NnportError | undefined;
          try {
            unpickle(bytes, { resolve: torch, persistentLoad: storageFromPid });
          } catch (e) {
            if (!(e instanceof NnportError)) throw e;
            if (e.code === 'UNSAFE') refused = e;
          }
          if (refused === undefined) return;
          let found: PickleScan | undefined;
          try {
            scanPickle(bytes, 'fuzz', [], 0, (s) => {
              found = s;
            });
          } catch (e) {
            if (!(e instanceof NnportError)) throw e;
          }
          assert.ok(
            found !== undefined && (found.imports.some((i) => !i.safe) || found.calls.some((c) => !c.safe)),
            `strict: ${refused.message}; scan: ${JSON.stringify(found)}`,
          );
        }),
        { numRuns: 20000 },
      );
    },
  );

  it('random values round-trip through the machine to their JSON encoding', LIMIT, () => {
    const resolvePlain = allowList(PYTHON_GLOBALS);
    fc.assert(
      fc.property(value, fc.constantFrom(2, 3, 4, 5), (v, protocol) => {
        const bytes = cat(0x80, protocol, v.bytes, OP.STOP);
        const r = unpickle(bytes, { resolve: resolvePlain });
        assert.equal(r.end, bytes.length);
        assert.deepEqual(pyToJson(r.value, { host: () => null }), v.json);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('pytorch reader and scanner: random and mutated files', () => {
  let bases: { name: string; bytes: Uint8Array }[] = [];

  before(async () => {
    bases = [
      {
        name: 'handcrafted zip',
        bytes: await zipOf([
          { name: 'archive/data.pkl', data: TENSOR_PKL },
          { name: 'archive/data/0', data: FLOATS },
          { name: 'archive/version', data: enc.encode('3\n') },
        ]),
      },
      { name: 'handcrafted legacy', bytes: LEGACY },
    ];
    if (existsSync(FIXTURES)) {
      for (const f of [
        'candle_test.pt',
        'allennlp_simple_tagger_best_legacy.th',
        'tch-rs_foo_torchscript.pt',
      ]) {
        const path = join(FIXTURES, f);
        if (existsSync(path)) bases.push({ name: f, bytes: new Uint8Array(readFileSync(path)) });
      }
    }
  });

  /** Reads with the plug-in directly and touches every tensor's bytes. */
  async function readAll(bytes: Uint8Array): Promise<void> {
    // biome-ignore lint/style/noNonNullAssertion: the pytorch plug-in has a reader
    const m = await pytorchFormat.read!(memoryInput(bytes, 'fuzz.pt'), {});
    for (const t of m.tensors) await readTensorBytes(t);
  }

  it('the unmutated bases read and scan safe', LIMIT, async () => {
    for (const b of bases) {
      await readAll(b.bytes);
      const report = await scanSource(new BytesSource(b.bytes, b.name));
      assert.equal(report.unsafe, false, b.name);
      assert.equal(report.error, undefined, b.name);
    }
    assert.ok(bases.length >= 2);
  });

  it('random bytes (and random bytes behind a zip or legacy header)', LIMIT, async () => {
    const heads = [
      new Uint8Array(0),
      Uint8Array.of(0x50, 0x4b, 0x03, 0x04),
      LEGACY.subarray(0, 15),
      Uint8Array.of(0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, 0x20, 0),
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...heads), anyBytes, async (head, tail) => {
        const bytes = cat(head, tail);
        await onlyNnportErrors(() => readAll(bytes));
        await scanSource(new BytesSource(bytes, 'fuzz'));
      }),
      { numRuns: 5000 },
    );
  });

  type Mutation =
    | { kind: 'flip'; at: number; bit: number }
    | { kind: 'set'; at: number; value: number }
    | { kind: 'cut'; at: number }
    | { kind: 'insert'; at: number; bytes: Uint8Array }
    | { kind: 'delete'; at: number; length: number };

  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
    fc.record({
      kind: fc.constant('set' as const),
      at: fc.nat(),
      value: fc.constantFrom(0, 0xff, 0x7f, 0x80, 0x2e, 0x0a),
    }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
    }),
    fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 8 }) }),
  );

  function mutate(base: Uint8Array, ms: readonly Mutation[]): Uint8Array {
    let b: Uint8Array = base.slice();
    for (const m of ms) {
      if (b.length === 0) break;
      const at = m.at % b.length;
      if (m.kind === 'flip') b[at] = (b[at] as number) ^ (1 << m.bit);
      else if (m.kind === 'set') b[at] = m.value;
      else if (m.kind === 'cut') b = b.slice(0, at);
      else if (m.kind === 'insert') b = cat(b.subarray(0, at), m.bytes, b.subarray(at));
      else b = cat(b.subarray(0, at), b.subarray(Math.min(b.length, at + m.length)));
    }
    return b;
  }

  it('mutations of valid torch zip and legacy files', LIMIT, async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 4 }), async (which, ms) => {
        const base = bases[which % bases.length] as { bytes: Uint8Array };
        const bytes = mutate(base.bytes, ms);
        await onlyNnportErrors(() => readAll(bytes));
        const report = await scanSource(new BytesSource(bytes, 'fuzz'));
        assert.ok(Array.isArray(report.pickles));
      }),
      { numRuns: 6000 },
    );
  });

  it('mutations inside data.pkl only (the zip stays valid)', LIMIT, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (ms) => {
        const pkl = mutate(TENSOR_PKL, ms);
        const bytes = await zipOf([
          { name: 'archive/data.pkl', data: pkl },
          { name: 'archive/data/0', data: FLOATS },
        ]);
        await onlyNnportErrors(() => readAll(bytes));
        const report = await scanSource(new BytesSource(bytes, 'fuzz'));
        assert.ok(Array.isArray(report.pickles));
      }),
      { numRuns: 3000 },
    );
  });
});
