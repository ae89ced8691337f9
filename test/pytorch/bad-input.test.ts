/**
 * Bad torch files: every malformed input the PyTorch reader meets must end in an NnportError with
 * the right code (and, where the brief promises one, the record and the byte offset), quickly and
 * without a crash. The inputs are built in this file from a valid zip and legacy file that live
 * PyTorch writes (Debian's /usr/bin/python3), or from handcrafted pickle bytes. Last, the CLI:
 * `nnport convert bad.pt out.safetensors` exits 2 and writes nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { scanSource } from '../../src/analysis/scan.js';
import { memoryInput } from '../../src/api.js';
import { type ErrorCode, NnportError } from '../../src/core/errors.js';
import type { Model } from '../../src/core/model.js';
import { readChunks, readTensorBytes, type Tensor } from '../../src/core/tensor.js';
import { pytorchFormat } from '../../src/formats/pytorch/index.js';
import { BytesSource, readAll } from '../../src/io/byte-source.js';
import { unpickle } from '../../src/io/pickle/machine.js';
import { openModel } from '../../src/node.js';
import { rejectsWith } from '../assert-errors.js';
import { bytesOf } from '../pickle-bytes.js';
import { open as openZipBytes, zipOf } from '../zip/helpers.js';

const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install python3-torch';
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const CLI = join(REPO_ROOT, 'dist/src/cli/main.js');

const dir = mkdtempSync(join(tmpdir(), 'nnport-pt-bad-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Live torch writes a small state dict in both formats; a missing torch fails with the install command. */
const PY_WRITE = `
import sys, torch
from collections import OrderedDict
sd = OrderedDict([('w', torch.arange(6, dtype=torch.float32).reshape(2, 3)), ('b', torch.ones(3, dtype=torch.float64))])
torch.save(sd, sys.argv[1] + '/zip.pt')
torch.save(sd, sys.argv[1] + '/legacy.pt', _use_new_zipfile_serialization=False)
`;

function writeTorchFiles(): void {
  if (!existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: ${INSTALL}`);
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'pipe' });
  } catch {
    assert.fail(`PyTorch is missing for ${PYTHON}: ${INSTALL}`);
  }
  execFileSync(PYTHON, ['-c', PY_WRITE, dir], { stdio: 'pipe' });
}

/** Reads bytes with the plug-in directly (not through the registry). */
function readPt(bytes: Uint8Array, name = 'bad.pt'): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the pytorch plug-in has a reader
  return pytorchFormat.read!(memoryInput(bytes, name), {});
}

/** Reads, then reads every tensor's bytes (errors in lazy data count too). */
async function readFully(bytes: Uint8Array): Promise<Model> {
  const m = await readPt(bytes);
  for (const t of m.tensors) await readTensorBytes(t);
  return m;
}

/** Asserts an NnportError whose code is one of `codes`. */
async function rejectsWithOneOf(work: Promise<unknown>, codes: readonly ErrorCode[], what: string) {
  try {
    await work;
  } catch (e) {
    assert.ok(e instanceof NnportError, `${what}: expected NnportError, got ${String(e)}`);
    assert.ok(codes.includes(e.code), `${what}: unexpected ${e.code}: ${e.message}`);
    return e;
  }
  assert.fail(`${what}: expected one of ${codes.join(', ')}, but it succeeded`);
}

// ---- handcrafted pickles -------------------------------------------------------------------

const enc = new TextEncoder();
/** BINUNICODE. */
const str = (s: string) => {
  const b = enc.encode(s);
  return bytesOf(0x58, b.length & 0xff, (b.length >> 8) & 0xff, 0, 0, b);
};
/** BININT for small non-negative ints, LONG1 otherwise (any size, two's complement). */
const int = (n: bigint | number): Uint8Array => {
  const v = BigInt(n);
  if (v >= 0n && v < 2n ** 31n) {
    const x = Number(v);
    return bytesOf(0x4a, x & 0xff, (x >> 8) & 0xff, (x >> 16) & 0xff, (x >>> 24) & 0xff);
  }
  const out: number[] = [];
  let x = v;
  for (;;) {
    out.push(Number(BigInt.asUintN(8, x)));
    x >>= 8n;
    const sign = (out[out.length - 1] as number) & 0x80;
    if ((x === 0n && sign === 0) || (x === -1n && sign !== 0)) break;
  }
  return bytesOf(0x8a, out.length, Uint8Array.from(out));
};
const tuple = (...items: Uint8Array[]) => bytesOf(0x28, ...items, 0x74);
const global = (module: string, name: string) => bytesOf(0x63, `${module}\n${name}\n`);

interface TensorSpec {
  key?: string;
  storage?: string;
  numel?: bigint | number;
  offset?: bigint | number;
  shape?: (bigint | number)[];
  stride?: (bigint | number)[];
  /** BUILD the tensor with an empty dict (torch never does). */
  build?: boolean;
}

/** A protocol-2 data.pkl: `{'w': _rebuild_tensor_v2(storage, offset, shape, stride, False, OrderedDict())}`. */
function tensorPickle(spec: TensorSpec = {}, protocol = 2): Uint8Array {
  const {
    key = '0',
    storage = 'FloatStorage',
    numel = 6,
    offset = 0,
    shape = [2, 3],
    stride = [3, 1],
  } = spec;
  return bytesOf(
    0x80,
    protocol,
    0x7d, // EMPTY_DICT
    str('w'),
    global('torch._utils', '_rebuild_tensor_v2'),
    tuple(
      bytesOf(tuple(str('storage'), global('torch', storage), str(key), str('cpu'), int(numel)), 0x51),
      int(offset),
      tuple(...shape.map(int)),
      tuple(...stride.map(int)),
      bytesOf(0x89), // NEWFALSE: requires_grad
      bytesOf(global('collections', 'OrderedDict'), 0x29, 0x52), // backward hooks
    ),
    0x52, // REDUCE
    spec.build === true ? bytesOf(0x7d, 0x62) : new Uint8Array(0), // EMPTY_DICT BUILD
    0x73, // SETITEM
    0x2e, // STOP
  );
}

/** A torch zip archive `archive/` with the given data.pkl and storage records (stored). */
function torchZip(dataPkl: Uint8Array, records: Record<string, Uint8Array> = { '0': new Uint8Array(24) }) {
  return zipOf([
    { name: 'archive/data.pkl', data: dataPkl },
    ...Object.entries(records).map(([k, data]) => ({ name: `archive/data/${k}`, data })),
    { name: 'archive/version', data: enc.encode('3\n') },
  ]);
}

/** Members of a zip as name → bytes. */
async function membersOf(bytes: Uint8Array): Promise<Map<string, Uint8Array>> {
  const zip = await openZipBytes(bytes);
  const out = new Map<string, Uint8Array>();
  for (const e of zip.entries) out.set(e.name, (await readAll(await zip.open(e))).slice());
  return out;
}

/** Rewrites a zip with some members replaced (or removed with `null`), order kept. */
async function rewriteZip(
  bytes: Uint8Array,
  changes: Record<string, Uint8Array | null>,
): Promise<Uint8Array> {
  const members = await membersOf(bytes);
  const out: { name: string; data: Uint8Array }[] = [];
  for (const [name, data] of members) {
    const c = changes[name];
    if (c === null) continue;
    out.push({ name, data: c ?? data });
  }
  return zipOf(out);
}

/** Index of `needle` in `hay`, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let k = 0; k < needle.length; k++) if (hay[i + k] !== needle[k]) continue outer;
    return i;
  }
  return -1;
}

/** A list nested `depth` deep: EMPTY_LIST × depth, then APPEND × (depth − 1). */
function nestedLists(depth: number): Uint8Array {
  const b = new Uint8Array(2 + depth + (depth - 1) + 1);
  b.set([0x80, 0x02]);
  b.fill(0x5d, 2, 2 + depth);
  b.fill(0x61, 2 + depth, 2 + 2 * depth - 1);
  b[b.length - 1] = 0x2e;
  return b;
}

/** A tuple nested `depth` deep: MARK × depth, then TUPLE × depth (the innermost empty). */
function nestedTuples(depth: number): Uint8Array {
  const b = new Uint8Array(2 + 2 * depth + 1);
  b.set([0x80, 0x02]);
  b.fill(0x28, 2, 2 + depth);
  b.fill(0x74, 2 + depth, 2 + 2 * depth);
  b[b.length - 1] = 0x2e;
  return b;
}

/** Billion laughs: memo 0 = [], then each level a list of 10 references to the previous level. */
function memoBomb(levels: number, fanout = 10): Uint8Array {
  const parts: number[] = [0x80, 0x02, 0x5d, 0x71, 0];
  for (let l = 1; l <= levels; l++) {
    parts.push(0x28);
    for (let k = 0; k < fanout; k++) parts.push(0x68, l - 1);
    parts.push(0x6c, 0x71, l);
  }
  parts.push(0x2e);
  return Uint8Array.from(parts);
}

// ---- tests -----------------------------------------------------------------------------------

describe('pytorch reader: bad input from a live torch file', () => {
  let zipPt: Uint8Array;
  let legacyPt: Uint8Array;
  before(() => {
    writeTorchFiles();
    zipPt = new Uint8Array(readFileSync(join(dir, 'zip.pt')));
    legacyPt = new Uint8Array(readFileSync(join(dir, 'legacy.pt')));
  });

  it('the untouched files read (the baseline every case below breaks)', async () => {
    for (const bytes of [zipPt, legacyPt]) {
      const m = await readFully(bytes);
      assert.deepEqual(
        m.tensors.map((t) => [t.name, t.dtype, t.shape]),
        [
          ['w', 'float32', [2, 3]],
          ['b', 'float64', [3]],
        ],
      );
    }
  });

  it('a zip cut at many points → a coded error (TRUNCATED, BAD_MAGIC or INVALID_*)', async () => {
    const n = zipPt.length;
    const cuts = new Set([0, 1, 2, 4, 21, 22, 29, 30, 64, n - 1, n - 2, n - 21, n - 22, n - 23]);
    for (let k = 1; k < 16; k++) cuts.add(Math.floor((n * k) / 16));
    for (const cut of cuts) {
      await rejectsWithOneOf(
        readFully(zipPt.subarray(0, cut)),
        ['TRUNCATED', 'BAD_MAGIC', 'INVALID_STRUCTURE', 'INVALID_OFFSET'],
        `zip cut at ${cut} of ${n}`,
      );
    }
  });

  it("data.pkl naming storage key '9', which has no record → INVALID_STRUCTURE at the tensor", async () => {
    const members = await membersOf(zipPt);
    const folder = [...members.keys()].find((k) => k.endsWith('/data.pkl'))?.split('/')[0] as string;
    const pkl = members.get(`${folder}/data.pkl`) as Uint8Array;
    // torch writes the key as BINUNICODE '0' right after the storage class global.
    const at = indexOf(pkl, bytesOf(0x58, 1, 0, 0, 0, '0'));
    assert.ok(at > 0, 'the key of storage 0 is in data.pkl');
    const bad = pkl.slice();
    bad[at + 5] = '9'.charCodeAt(0);
    const e = await rejectsWith(
      readFully(await rewriteZip(zipPt, { [`${folder}/data.pkl`]: bad })),
      'INVALID_STRUCTURE',
    );
    assert.deepEqual(e.at, { tensor: 'w' });
  });

  it('a storage record shorter than its tensor → INVALID_OFFSET at the tensor', async () => {
    const members = await membersOf(zipPt);
    const name = [...members.keys()].find((k) => /\/data\/0$/.test(k)) as string;
    const short = (members.get(name) as Uint8Array).subarray(0, 20); // 6 float32 need 24 bytes
    const e = await rejectsWith(readFully(await rewriteZip(zipPt, { [name]: short })), 'INVALID_OFFSET');
    assert.deepEqual(e.at, { tensor: 'w' });
    // An empty record too.
    await rejectsWith(readFully(await rewriteZip(zipPt, { [name]: new Uint8Array(0) })), 'INVALID_OFFSET');
  });

  it('a missing storage record (removed from the zip) → INVALID_STRUCTURE', async () => {
    const members = await membersOf(zipPt);
    const name = [...members.keys()].find((k) => /\/data\/1$/.test(k)) as string;
    const e = await rejectsWith(readFully(await rewriteZip(zipPt, { [name]: null })), 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { tensor: 'b' });
  });

  it('unknown opcode in data.pkl → INVALID_STRUCTURE at its byte, naming the record and the file', async () => {
    const members = await membersOf(zipPt);
    const folder = [...members.keys()].find((k) => k.endsWith('/data.pkl'))?.split('/')[0] as string;
    const pkl = members.get(`${folder}/data.pkl`) as Uint8Array;
    for (const op of [0xff, 0x00, 0x99, 0x21]) {
      const bad = bytesOf(pkl.subarray(0, 2), op, pkl.subarray(2));
      const bytes = await rewriteZip(zipPt, { [`${folder}/data.pkl`]: bad });
      const e = await rejectsWith(readPt(bytes), 'INVALID_STRUCTURE', { byte: 2 });
      assert.match(e.message, new RegExp(`${folder}/data\\.pkl`), 'the record is named');
      // Through the registry and a real file, the file is named too.
      const path = join(dir, `unknown-op-${op}.pt`);
      writeFileSync(path, bytes);
      const f = await rejectsWith(openModel(path), 'INVALID_STRUCTURE', { byte: 2 });
      assert.equal(f.file, path);
    }
  });

  it('a legacy file cut inside the storages → TRUNCATED', async () => {
    const n = legacyPt.length;
    for (const cut of [n - 1, n - 8, n - 24, n - 30, n - 40]) {
      const e = await rejectsWith(readFully(legacyPt.subarray(0, cut)), 'TRUNCATED');
      assert.ok(e.at !== undefined && 'byte' in e.at, 'at a byte offset');
    }
  });

  it('a legacy file cut inside its pickles → TRUNCATED', async () => {
    for (const cut of [20, 40, 100, 200, 300]) {
      await rejectsWith(readFully(legacyPt.subarray(0, cut)), 'TRUNCATED');
    }
  });

  it('a legacy file with a storage count larger than the file → TRUNCATED or INVALID_STRUCTURE', async () => {
    // The last 8-byte count + 24 bytes of float64 is the tail: patch the count of the last storage.
    const bytes = legacyPt.slice();
    const countAt = bytes.length - 24 - 8;
    new DataView(bytes.buffer).setBigInt64(countAt, 1000n, true);
    await rejectsWith(readFully(bytes), 'TRUNCATED');
    new DataView(bytes.buffer).setBigInt64(countAt, -1n, true);
    await rejectsWith(readFully(bytes), 'INVALID_STRUCTURE');
    new DataView(bytes.buffer).setBigInt64(countAt, 2n ** 62n, true);
    await rejectsWith(readFully(bytes), 'INVALID_STRUCTURE');
  });
});

describe('pytorch reader: bad handcrafted data.pkl', () => {
  it('the handcrafted archive itself reads (baseline)', async () => {
    const m = await readFully(await torchZip(tensorPickle()));
    assert.deepEqual(
      m.tensors.map((t) => [t.name, t.dtype, t.shape]),
      [['w', 'float32', [2, 3]]],
    );
  });

  it('two archives in one zip (two folders with data.pkl) → INVALID_STRUCTURE, as torch refuses them', async () => {
    const pkl = tensorPickle();
    const two = await zipOf([
      { name: 'archive/data.pkl', data: pkl },
      { name: 'archive/data/0', data: new Uint8Array(24) },
      { name: 'other/data.pkl', data: pkl },
      { name: 'other/data/0', data: new Uint8Array(24) },
    ]);
    await rejectsWith(readPt(two), 'INVALID_STRUCTURE');
  });

  it('absurd dims: 2**62 (not a safe integer) → INVALID_STRUCTURE', async () => {
    await rejectsWith(
      readFully(await torchZip(tensorPickle({ shape: [2n ** 62n], stride: [1] }))),
      'INVALID_STRUCTURE',
    );
  });

  it('absurd dims: 2**40 × 2**40 elements → LIMIT_EXCEEDED', async () => {
    await rejectsWith(
      readFully(await torchZip(tensorPickle({ shape: [2 ** 40, 2 ** 40], stride: [2 ** 40, 1] }))),
      'LIMIT_EXCEEDED',
    );
  });

  it('absurd dims: 2**50 elements over a 24-byte record → INVALID_OFFSET, nothing allocated', async () => {
    await rejectsWith(
      readFully(await torchZip(tensorPickle({ shape: [2 ** 50], stride: [1] }))),
      'INVALID_OFFSET',
    );
  });

  it('absurd stride and offset → INVALID_OFFSET', async () => {
    await rejectsWith(
      readFully(await torchZip(tensorPickle({ shape: [2], stride: [2 ** 50] }))),
      'INVALID_OFFSET',
    );
    await rejectsWith(readFully(await torchZip(tensorPickle({ offset: 2 ** 50 }))), 'INVALID_OFFSET');
    await rejectsWith(
      readFully(await torchZip(tensorPickle({ offset: 2 ** 52, shape: [4], stride: [2 ** 51] }))),
      'INVALID_OFFSET',
    );
  });

  it('an expanded (stride 0) view of 2**40 elements: metadata reads, the data → LIMIT_EXCEEDED', async () => {
    // torch.save(torch.ones(1).expand(2**40)) writes exactly this: one element, stride 0.
    const m = await readPt(
      await torchZip(tensorPickle({ numel: 1, shape: [2 ** 40], stride: [0] }), { '0': new Uint8Array(4) }),
    );
    assert.deepEqual(m.tensors[0]?.shape, [2 ** 40]);
    await rejectsWith(readTensorBytes(m.tensors[0] as Tensor), 'LIMIT_EXCEEDED');
    // Streaming it (how writers read big tensors) must not allocate 4 TiB either.
    await rejectsWith(async () => {
      for await (const _ of readChunks(m.tensors[0] as Tensor, 1 << 20, 4)) break;
    }, 'LIMIT_EXCEEDED');
    // A small expanded view reads, every element the one stored.
    const small = await readPt(
      await torchZip(tensorPickle({ numel: 1, shape: [2, 3], stride: [0, 0] }), {
        '0': new Uint8Array(new Float32Array([7]).buffer),
      }),
    );
    assert.deepEqual(
      [...new Float32Array((await readTensorBytes(small.tensors[0] as Tensor)).slice().buffer)],
      [7, 7, 7, 7, 7, 7],
    );
  });

  it('negative dims, a rank mismatch and a 2**62-element storage → INVALID_STRUCTURE', async () => {
    await rejectsWith(readFully(await torchZip(tensorPickle({ shape: [-1, 3] }))), 'INVALID_STRUCTURE');
    await rejectsWith(
      readFully(await torchZip(tensorPickle({ shape: [6], stride: [1, 1] }))),
      'INVALID_STRUCTURE',
    );
    await rejectsWith(readFully(await torchZip(tensorPickle({ numel: 2n ** 62n }))), 'INVALID_STRUCTURE');
  });

  it('more dims than MAX_RANK → LIMIT_EXCEEDED', async () => {
    const shape = new Array<number>(100).fill(1);
    await rejectsWith(readFully(await torchZip(tensorPickle({ shape, stride: shape }))), 'LIMIT_EXCEEDED');
  });

  it('a storage class off the allow-list → UNSAFE; one nnport cannot represent → UNSUPPORTED_DTYPE', async () => {
    await rejectsWith(readFully(await torchZip(tensorPickle({ storage: 'EvilStorage' }))), 'UNSAFE');
    await rejectsWith(
      readFully(await torchZip(tensorPickle({ storage: 'QInt8Storage' }), { '0': new Uint8Array(48) })),
      'UNSUPPORTED_DTYPE',
    );
  });

  it('BUILD on a tensor → INVALID_STRUCTURE at the BUILD opcode', async () => {
    const pkl = tensorPickle({ build: true });
    const at = pkl.length - 3; // BUILD, SETITEM, STOP
    assert.equal(pkl[at], 0x62);
    await rejectsWith(readFully(await torchZip(pkl)), 'INVALID_STRUCTURE', { byte: at });
  });

  it("data.pkl naming storage '9' with no record → INVALID_STRUCTURE", async () => {
    const e = await rejectsWith(readFully(await torchZip(tensorPickle({ key: '9' }))), 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { tensor: 'w' });
  });

  it('pickle protocol 6 → UNSUPPORTED_VERSION (in data.pkl and bare)', async () => {
    await rejectsWith(readFully(await torchZip(tensorPickle({}, 6))), 'UNSUPPORTED_VERSION');
    assert.throws(
      () => unpickle(Uint8Array.of(0x80, 6, 0x4e, 0x2e), { resolve: () => undefined }),
      (e) =>
        e instanceof NnportError && e.code === 'UNSUPPORTED_VERSION' && (e.at as { byte: number }).byte === 0,
    );
    assert.throws(
      () => unpickle(Uint8Array.of(0x80, 0xff, 0x4e, 0x2e), { resolve: () => undefined }),
      (e) => e instanceof NnportError && e.code === 'UNSUPPORTED_VERSION',
    );
  });

  it('unknown opcode in a bare pickle → INVALID_STRUCTURE at its offset (base added)', () => {
    for (const op of [0xff, 0x00, 0x99, 0x41, 0x7f]) {
      assert.throws(
        () => unpickle(Uint8Array.of(0x80, 2, 0x4e, op, 0x2e), { resolve: () => undefined, base: 100 }),
        (e) =>
          e instanceof NnportError &&
          e.code === 'INVALID_STRUCTURE' &&
          (e.at as { byte: number }).byte === 103,
        `opcode 0x${op.toString(16)}`,
      );
    }
  });

  it('a pickle without STOP → TRUNCATED at the end', () => {
    assert.throws(
      () => unpickle(Uint8Array.of(0x80, 2, 0x5d, 0x4b), { resolve: () => undefined }),
      (e) => e instanceof NnportError && e.code === 'TRUNCATED',
    );
    assert.throws(
      () => unpickle(Uint8Array.of(0x80, 2, 0x5d), { resolve: () => undefined }),
      (e) => e instanceof NnportError && e.code === 'TRUNCATED',
    );
  });

  it('recursion bombs: lists and tuples nested 100000 deep → LIMIT_EXCEEDED, no stack overflow', async () => {
    for (const pkl of [nestedLists(100_000), nestedTuples(100_000)]) {
      const t0 = Date.now();
      await rejectsWith(readPt(await torchZip(pkl)), 'LIMIT_EXCEEDED');
      // The scanner does not walk the value: it reads it without a finding.
      const report = await scanSource(new BytesSource(pkl, 'bomb.pkl'));
      assert.equal(report.unsafe, false);
      assert.equal(report.error, undefined);
      assert.ok(Date.now() - t0 < 10_000, 'quickly');
    }
  });

  it('a billion-laughs memo bomb (10 refs per level, 30 levels) → LIMIT_EXCEEDED quickly', async () => {
    const t0 = Date.now();
    await rejectsWith(readPt(await torchZip(memoBomb(30))), 'LIMIT_EXCEEDED');
    const ms = Date.now() - t0;
    assert.ok(ms < 2_000, `took ${ms} ms`);
  });

  it('a long chain of memo references that expands to few values still reads', async () => {
    // 2 refs per level, 16 levels: 2^17 values, under every limit.
    const m = await readPt(await torchZip(memoBomb(16, 2)));
    assert.equal(m.tensors.length, 0);
  });
});

describe('nnport convert of a bad .pt', () => {
  it('exits 2 with a one-line coded error and writes nothing', async () => {
    const work = mkdtempSync(join(dir, 'cli-'));
    const cases: Record<string, Uint8Array> = {
      'unknown-op.pt': await torchZip(bytesOf(0x80, 2, 0xff, 0x2e)),
      'missing-record.pt': await torchZip(tensorPickle({ key: '9' })),
      'short-record.pt': await torchZip(tensorPickle(), { '0': new Uint8Array(8) }),
      'bomb.pt': await torchZip(nestedLists(100_000)),
      'truncated.pt': (await torchZip(tensorPickle())).subarray(0, 100),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const input = join(work, name);
      const output = join(work, `${name}.safetensors`);
      writeFileSync(input, bytes);
      const r = spawnSync(process.execPath, [CLI, 'convert', input, output], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /^nnport: error: /, name);
      assert.equal(r.stderr.trim().split('\n').length, 1, `${name}: one line`);
      assert.equal(existsSync(output), false, `${name}: no output`);
    }
    assert.deepEqual(readdirSync(work).sort(), Object.keys(cases).sort(), 'no temporary files left');
  });
});
