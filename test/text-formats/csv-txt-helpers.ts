/**
 * Test helpers for the CSV (long and matrix) and TXT formats: in-memory inputs (files and folders),
 * direct plug-in calls, random models with special values, bit-exact model comparison, an
 * in-process ParallelText, and the live Python peer.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { DTYPES, type DType, itemSize } from '../../src/core/dtype.js';
import type { FormatPlugin, ParallelText, ReadInput, ReadOptions } from '../../src/core/format.js';
import type { Graph } from '../../src/core/graph.js';
import type { JsonValue, Model } from '../../src/core/model.js';
import { readTensorBytes, type Tensor, tensorFromBytes } from '../../src/core/tensor.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { type ByteSource, BytesSource } from '../../src/io/byte-source.js';
import { formatChunk, parseChunk } from '../../src/io/text/chunk.js';

/** The repository root (tests run from dist/test/text-formats/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Every dtype. */
/**
 * The dtypes these shared tests cover: the whole-byte real ones of nnport's first release (the
 * example readers in examples/ know exactly these). float8, float4, the sub-byte integers and
 * complex have their own tests in test/dtypes/.
 */
export const ALL_DTYPES = (Object.keys(DTYPES) as DType[]).filter(
  (d) => DTYPES[d].bits >= 8 && DTYPES[d].kind !== 'complex' && !d.startsWith('float8'),
);

const ENC = new TextEncoder();
const DEC = new TextDecoder();

/** UTF-8 bytes of a string. */
export function bytesOf(text: string): Uint8Array {
  return ENC.encode(text);
}

/** A string of UTF-8 bytes. */
export function textOf(bytes: Uint8Array): string {
  return DEC.decode(bytes);
}

/** A ReadInput over one file in memory (siblings from `files`, if given). */
export function fileInput(
  name: string,
  bytes: Uint8Array | string,
  files = new Map<string, Uint8Array>(),
): ReadInput {
  const b = typeof bytes === 'string' ? bytesOf(bytes) : bytes;
  return {
    source: new BytesSource(b, name),
    name,
    isFolder: false,
    sibling: (path: string): Promise<ByteSource | undefined> => {
      const f = files.get(path);
      return Promise.resolve(f === undefined ? undefined : new BytesSource(f, path));
    },
    list: () => Promise.resolve([...files.keys()]),
  };
}

/** A ReadInput for a folder whose files are in memory. */
export function folderInput(name: string, files: Map<string, Uint8Array>): ReadInput {
  return { ...fileInput(name, new Uint8Array(0), files), isFolder: true };
}

/** Writes a model with a plug-in into memory. */
export async function writeWith(
  format: FormatPlugin,
  model: Model,
  options: Record<string, unknown> = {},
  name = 'out',
): Promise<MemoryTarget> {
  const target = new MemoryTarget(name);
  // biome-ignore lint/style/noNonNullAssertion: the text plug-ins have writers
  await format.write!(model, target, options);
  return target;
}

/** Reads with a plug-in directly (no registry). */
export function readWith(format: FormatPlugin, input: ReadInput, options: ReadOptions = {}): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the text plug-ins have readers
  return format.read!(input, options);
}

export { rejectsWith } from '../assert-errors.js';

/** Reads every tensor's bytes (forcing lazy parses). */
export async function allBytes(model: Model): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for (const t of model.tensors) out.push(await readTensorBytes(t));
  return out;
}

/** Asserts two models hold the same names, dtypes, shapes, bytes, meta, metadata and graph. */
export async function assertSameModel(actual: Model, expected: Model): Promise<void> {
  assert.deepEqual(
    actual.tensors.map((t) => [t.name, t.dtype, [...t.shape]]),
    expected.tensors.map((t) => [t.name, t.dtype, [...t.shape]]),
  );
  for (let k = 0; k < expected.tensors.length; k++) {
    const a = await readTensorBytes(actual.tensors[k]);
    const e = await readTensorBytes(expected.tensors[k]);
    assert.deepEqual(Buffer.from(a), Buffer.from(e), `bytes of ${JSON.stringify(expected.tensors[k].name)}`);
    assert.deepEqual(actual.tensors[k].meta, expected.tensors[k].meta);
  }
  assert.deepEqual(actual.metadata, expected.metadata);
  assert.deepEqual(actual.graph, expected.graph);
}

/** Raw bit patterns worth testing per dtype, little-endian element bytes. */
export function specialElements(dtype: DType): Uint8Array[] {
  const u32 = (v: number) => new Uint8Array(new Uint32Array([v]).buffer);
  const u16 = (v: number) => new Uint8Array(new Uint16Array([v]).buffer);
  const u64 = (v: bigint) => new Uint8Array(new BigUint64Array([BigInt.asUintN(64, v)]).buffer);
  switch (dtype) {
    case 'float32':
      return [
        0, 0x80000000, 1, 0x807fffff, 0x00800000, 0x7f7fffff, 0xff7fffff, 0x7f800000, 0xff800000, 0x7fc00000,
        0x7fc00001, 0xffc00000, 0x7f800001, 0x3dcccccd, 0x3f800000,
      ].map(u32);
    case 'float16':
      return [
        0, 0x8000, 1, 0x03ff, 0x0400, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x7e01, 0xfe00, 0x7c01, 0x3c00, 0x2e66,
      ].map(u16);
    case 'bfloat16':
      return [
        0, 0x8000, 1, 0x007f, 0x0080, 0x7f7f, 0x7f80, 0xff80, 0x7fc0, 0x7fc1, 0xffc0, 0x7f81, 0x3f80, 0x3dcd,
      ].map(u16);
    case 'float64':
      return [
        0n,
        1n << 63n,
        1n,
        0x000fffffffffffffn,
        0x7fefffffffffffffn,
        0x7ff0000000000000n,
        0xfff0000000000000n,
        0x7ff8000000000000n,
        0x7ff8000000000001n,
        0xfff8000000000000n,
        0x7ff0000000000001n,
        0x3fb999999999999an,
      ].map(u64);
    case 'int64':
      return [0n, -1n, -(1n << 63n), (1n << 63n) - 1n, 1n << 53n, -(1n << 53n) - 1n, 9007199254740993n].map(
        u64,
      );
    case 'uint64':
      return [0n, (1n << 64n) - 1n, 1n << 63n, (1n << 53n) + 1n].map(u64);
    case 'int32':
      return [0, 1, 0xffffffff, 0x80000000, 0x7fffffff].map(u32);
    case 'uint32':
      return [0, 1, 0xffffffff, 0x80000000].map(u32);
    case 'int16':
    case 'uint16':
      return [0, 1, 0xffff, 0x8000, 0x7fff].map(u16);
    case 'int8':
    case 'uint8':
      return [0, 1, 0xff, 0x80, 0x7f].map((v) => Uint8Array.of(v));
    case 'bool':
      return [0, 1].map((v) => Uint8Array.of(v));
    default:
      return []; // the newer dtypes: test/dtypes/
  }
}

/** One element of `dtype` as bytes: half the time a special value, else random bits (bool: 0/1). */
export function elementArb(dtype: DType): fc.Arbitrary<Uint8Array> {
  const size = itemSize(dtype);
  const random =
    dtype === 'bool'
      ? fc.integer({ min: 0, max: 1 }).map((v) => Uint8Array.of(v))
      : fc.uint8Array({ minLength: size, maxLength: size });
  return fc.oneof(random, fc.constantFrom(...specialElements(dtype)));
}

/** Tensor names that stress CSV quoting and TXT name rules. */
export const NASTY_NAMES = [
  'fc1.weight',
  'dense/kernel:0',
  'a,b',
  'q"uo"te',
  'new\nline',
  'cr\r\nlf',
  '#hash',
  ' padded ',
  '',
  'üñïçødé',
  'tab\there',
  'line\u2028sep',
  '"',
  'tensor',
  'meta',
];

/** A tensor name: a nasty one or any well-formed string. */
export const nameArb: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...NASTY_NAMES),
  fc.string({ unit: 'grapheme', maxLength: 12 }),
);

/** Shapes up to rank 4 with small dimensions, zero-size ones included. */
export const shapeArb = fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 });

/** A tensor with random (special-biased) data. */
export function tensorArb(
  names: fc.Arbitrary<string> = nameArb,
  dtypes: readonly DType[] = ALL_DTYPES,
): fc.Arbitrary<Tensor> {
  return fc
    .record({ name: names, dtype: fc.constantFrom(...dtypes), shape: shapeArb, withMeta: fc.boolean() })
    .chain(({ name, dtype, shape, withMeta }) => {
      const count = shape.reduce((a, b) => a * b, 1);
      return fc.array(elementArb(dtype), { minLength: count, maxLength: count }).map((els) => {
        const bytes = new Uint8Array(count * itemSize(dtype));
        for (const [k, e] of els.entries()) bytes.set(e, k * e.length);
        const meta: Record<string, JsonValue> | undefined = withMeta
          ? { source_dtype: 'F32', n: count }
          : undefined;
        return tensorFromBytes(name, dtype, shape, bytes, meta);
      });
    });
}

/** A JSON value with ordinary-prototype objects (fast-check may build null-prototype ones). */
function plain(v: unknown): JsonValue {
  if (Array.isArray(v)) return v.map(plain);
  if (typeof v === 'object' && v !== null) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v as JsonValue;
}

/** Model metadata: JSON objects with strings, finite numbers (-0 too), booleans, nulls, arrays and objects. */
export const metadataArb: fc.Arbitrary<Record<string, JsonValue>> = fc
  .dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 })
  .map((d) => plain(d) as Record<string, JsonValue>);

/** A model of unique-named random tensors and random metadata. */
export function modelArb(names: fc.Arbitrary<string> = nameArb, maxTensors = 4): fc.Arbitrary<Model> {
  return fc
    .record({
      tensors: fc.uniqueArray(tensorArb(names), { maxLength: maxTensors, selector: (t) => t.name }),
      metadata: metadataArb,
    })
    .map(({ tensors, metadata }) => ({ format: 'memory', metadata, tensors }));
}

/** A small graph with typed attributes, a bigint beyond 2^53 among them. */
export const SAMPLE_GRAPH: Graph = {
  name: 'g',
  nodes: [
    {
      name: 'fc1',
      op: 'Gemm',
      inputs: ['x', 'fc1.weight', 'fc1.bias'],
      outputs: ['h'],
      attributes: {
        transB: { type: 'int', value: 1 },
        alpha: { type: 'float', value: 0.5 },
        big: { type: 'int', value: 2n ** 60n + 1n },
        names: { type: 'strings', value: ['a', 'b,c'] },
      },
    },
    { name: 'act', op: 'Relu', inputs: ['h'], outputs: ['y'], attributes: {} },
  ],
  inputs: [{ name: 'x', dtype: 'float32', shape: [null, 3] }],
  outputs: [{ name: 'y', dtype: 'float32', shape: ['N', 2] }],
  opsets: { '': 13 },
};

/** A model with every dtype's special values, a scalar, a zero-size tensor, meta, metadata and a graph. */
export function specialModel(): Model {
  const tensors: Tensor[] = ALL_DTYPES.map((dtype) => {
    const els = specialElements(dtype);
    const bytes = new Uint8Array(els.length * itemSize(dtype));
    for (const [k, e] of els.entries()) bytes.set(e, k * e.length);
    return tensorFromBytes(`special.${dtype}`, dtype, [els.length], bytes);
  });
  tensors.push(
    tensorFromBytes(
      'fc1.weight',
      'float32',
      [2, 3],
      new Uint8Array(new Float32Array([0.25, -1.5, 1e-7, 3, 0.1, 100]).buffer),
      { source: 'F32' },
    ),
  );
  tensors.push(tensorFromBytes('scalar', 'float64', [], new Uint8Array(new Float64Array([Math.PI]).buffer)));
  tensors.push(tensorFromBytes('empty', 'int32', [2, 0, 3], new Uint8Array(0), { note: 'zero-size' }));
  tensors.push(tensorFromBytes('a,b "c"\nd', 'bool', [2, 2], Uint8Array.of(1, 0, 0, 1)));
  return {
    format: 'memory',
    metadata: { producer: 'test', n: 3, nested: { a: [1, 'x', null, true] } },
    graph: SAMPLE_GRAPH,
    tensors,
  };
}

/**
 * A ParallelText that runs the chunk functions on this thread, asynchronously and out of order
 * (later requests may resolve first), on structured clones of the requests as a worker would.
 */
export function fakeParallel(concurrency = 3): ParallelText & { formats: number; parses: number } {
  let tick = 0;
  const delay = (): Promise<void> => new Promise((r) => setTimeout(r, (tick++ * 7) % 5));
  const p = {
    concurrency,
    formats: 0,
    parses: 0,
    async format(req: Parameters<ParallelText['format']>[0]): Promise<Uint8Array> {
      p.formats++;
      await delay();
      return formatChunk(structuredClone(req));
    },
    async parse(req: Parameters<ParallelText['parse']>[0]): Promise<Uint8Array> {
      p.parses++;
      await delay();
      return parseChunk(structuredClone(req));
    },
  };
  return p;
}

/** The install hint a failing live-peer test prints (DESIGN §6: never skipped silently). */
export const PEER_HINT =
  'the live peer is /usr/bin/python3 with NumPy; install it with: apt-get install python3-numpy';

/** Runs a Python script with Debian's python3 (NumPy available) and returns stdout. */
export function python(script: string, args: readonly string[] = []): string {
  try {
    return execFileSync('/usr/bin/python3', ['-c', script, ...args], {
      encoding: 'utf8',
      maxBuffer: 1 << 28,
    });
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    if (err.code === 'ENOENT') assert.fail(`/usr/bin/python3 is missing; ${PEER_HINT}`);
    if (String(err.stderr).includes("No module named 'numpy'")) assert.fail(`NumPy is missing; ${PEER_HINT}`);
    throw new Error(`python failed: ${err.stderr ?? String(e)}`);
  }
}

/** A fresh temporary folder under the OS temp dir; `done()` removes it. */
export function tempDir(): { path: string; done: () => void } {
  const path = mkdtempSync(join(tmpdir(), 'nnport-text-'));
  return { path, done: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes a MemoryTarget's files into `dir` (`''` as `single`). */
export function saveTarget(target: MemoryTarget, dir: string, single = 'model'): void {
  for (const [name, bytes] of target.files) {
    const path = join(dir, name === '' ? single : name);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, bytes);
  }
}

/**
 * Python (standard library only) that turns one nnport value token into little-endian element
 * bytes for a dtype: what a reader in another language has to do, including `NaN(0x...)`.
 */
export const PY_VALUE_BYTES = `
import struct, re
NAN_BITS = re.compile(r'^NaN\\(0x([0-9a-fA-F]+)\\)$')
FMT = {'float64': '<d', 'float32': '<f', 'int8': '<b', 'int16': '<h', 'int32': '<i', 'int64': '<q',
       'uint8': '<B', 'uint16': '<H', 'uint32': '<I', 'uint64': '<Q'}
SIZE = {'float64': 8, 'float32': 4, 'float16': 2, 'bfloat16': 2, 'int8': 1, 'int16': 2, 'int32': 4,
        'int64': 8, 'uint8': 1, 'uint16': 2, 'uint32': 4, 'uint64': 8, 'bool': 1}
def value_bytes(dtype, text):
    m = NAN_BITS.match(text)
    if m:
        return int(m.group(1), 16).to_bytes(SIZE[dtype], 'little')
    if dtype == 'bool':
        return bytes([1 if text in ('1', 'true') else 0])
    if dtype == 'float16':
        return struct.pack('<e', float(text))
    if dtype == 'bfloat16':
        if text == 'NaN':
            return (0x7fc0).to_bytes(2, 'little')
        bits = struct.unpack('<I', struct.pack('<f', float(text)))[0]
        bits = (bits + 0x7fff + ((bits >> 16) & 1)) >> 16  # round to nearest even
        return bits.to_bytes(2, 'little')
    if dtype.startswith('float'):
        return struct.pack(FMT[dtype], float(text))
    return struct.pack(FMT[dtype], int(text))
`;
