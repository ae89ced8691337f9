/**
 * The `.pt` writer without a peer: the protocol-2 pickle emitter's opcodes byte by byte, the zip
 * layout (64-byte aligned stored records in torch's order), determinism, progress, warnings, and
 * one test per error the writer raises. test/pytorch/write-peer.test.ts has torch read the files.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { type ErrorCode, NnportError } from '../../src/core/errors.js';
import type { JsonValue, Model } from '../../src/core/model.js';
import { type Tensor, tensorFromArray, tensorFromBytes } from '../../src/core/tensor.js';
import { writePt } from '../../src/formats/pytorch/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { BytesSource, readAll } from '../../src/io/byte-source.js';
import { OP } from '../../src/io/pickle/opcodes.js';
import { encodeLong, encodeUtf8SurrogatePass, PickleWriter } from '../../src/io/pickle/writer.js';
import { openZip } from '../../src/io/zip/reader.js';
import { ZipWriter } from '../../src/io/zip/writer.js';
import { rejectsWith } from '../assert-errors.js';

// ----- helpers -----

function model(tensors: Tensor[], structure?: JsonValue): Model {
  return { format: 'memory', metadata: structure === undefined ? {} : { pytorch: { structure } }, tensors };
}

const w1 = tensorFromArray('w', 'float32', [2, 2], new Float32Array([1, 2, 3, 4]));
const b1 = tensorFromArray('b', 'int64', [2], new BigInt64Array([5n, -6n]));

async function ptBytes(
  m: Model,
  options: Record<string, unknown> = {},
): Promise<{ bytes: Uint8Array; warnings: string[] }> {
  const warnings: string[] = [];
  const target = new MemoryTarget('out.pt');
  await writePt(m, target, { onWarning: (s: string) => warnings.push(s), ...options });
  return { bytes: target.bytes, warnings };
}

/** Each member's name, data offset (from its local header), method and bytes. */
async function members(
  bytes: Uint8Array,
): Promise<{ name: string; dataOffset: number; method: number; data: Uint8Array }[]> {
  const zip = await openZip(new BytesSource(bytes, 'out.pt'));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = [];
  for (const e of zip.entries) {
    const nameLength = view.getUint16(e.localHeaderOffset + 26, true);
    const extraLength = view.getUint16(e.localHeaderOffset + 28, true);
    out.push({
      name: e.name,
      dataOffset: e.localHeaderOffset + 30 + nameLength + extraLength,
      method: e.method,
      data: (await readAll(await zip.open(e))).slice(),
    });
  }
  return out;
}

function pickleOf(build: (w: PickleWriter) => void): number[] {
  const w = new PickleWriter();
  build(w);
  return [...w.bytes()];
}

function hex(s: string): number[] {
  return s
    .split(/\s+/)
    .filter((x) => x !== '')
    .map((x) => Number.parseInt(x, 16));
}

/** Python's `decode_long`: little-endian two's complement. */
function decodeLong(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] as number);
  if (bytes.length > 0 && ((bytes[bytes.length - 1] as number) & 0x80) !== 0)
    v -= 1n << BigInt(8 * bytes.length);
  return v;
}

async function rejectsAt(work: Promise<unknown>, code: ErrorCode, at: Record<string, string>): Promise<void> {
  const e = await rejectsWith(work, code);
  assert.deepEqual(e.at, at);
}

// ----- the pickle emitter -----

describe('PickleWriter', () => {
  it('picks BININT1, BININT2, BININT and LONG1 as CPython does', () => {
    const cases: [number | bigint, string][] = [
      [0, '4b 00'],
      [255, '4b ff'],
      [256, '4d 00 01'],
      [65535, '4d ff ff'],
      [65536, '4a 00 00 01 00'],
      [-1, '4a ff ff ff ff'],
      [-(2 ** 31), '4a 00 00 00 80'],
      [2 ** 31 - 1, '4a ff ff ff 7f'],
      [2 ** 31, '8a 05 00 00 00 80 00'],
      [-(2 ** 31) - 1, '8a 05 ff ff ff 7f ff'],
      [2n ** 63n, '8a 09 00 00 00 00 00 00 00 80 00'],
      [-(2n ** 63n), '8a 08 00 00 00 00 00 00 00 80'],
      [Number.MAX_SAFE_INTEGER, '8a 07 ff ff ff ff ff ff 1f'],
      [255n, '4b ff'],
    ];
    for (const [value, bytes] of cases) {
      assert.deepEqual(
        pickleOf((w) => w.int(value)),
        hex(bytes),
        String(value),
      );
    }
  });

  it('encodeLong is the shortest two-complement form (property)', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 600n), max: 2n ** 600n }), (x) => {
        const bytes = encodeLong(x);
        assert.equal(decodeLong(bytes), x);
        // One byte shorter could not hold it.
        if (bytes.length > 0) assert.notEqual(decodeLong(bytes.subarray(0, bytes.length - 1)), x);
      }),
    );
  });

  it('refuses integers that would need LONG4', () => {
    assert.throws(
      () => new PickleWriter().int(2n ** 2040n),
      (e) => e instanceof NnportError && e.code === 'UNREPRESENTABLE',
    );
  });

  it('writes str as BINUNICODE, lone surrogates as surrogatepass does', () => {
    assert.deepEqual(
      pickleOf((w) => w.unicode('aé')),
      hex('58 03 00 00 00 61 c3 a9'),
    );
    assert.deepEqual([...encodeUtf8SurrogatePass('\ud800x\udfff')], hex('ed a0 80 78 ed bf bf'));
    assert.deepEqual([...encodeUtf8SurrogatePass('😀')], hex('f0 9f 98 80'));
  });

  it('memoizes globals: GLOBAL + BINPUT once, then BINGET', () => {
    const bytes = pickleOf((w) => {
      w.global('collections', 'OrderedDict');
      w.global('collections', 'OrderedDict');
    });
    const text = [...new TextEncoder().encode('collections\nOrderedDict\n')];
    assert.deepEqual(bytes, [OP.GLOBAL, ...text, OP.BINPUT, 0, OP.BINGET, 0]);
  });

  it('switches to LONG_BINPUT and LONG_BINGET past memo slot 255', () => {
    const w = new PickleWriter();
    for (let i = 0; i < 256; i++) w.put();
    const before = w.length;
    assert.equal(w.put(), 256);
    w.get(256);
    assert.deepEqual([...w.bytes().subarray(before)], hex('72 00 01 00 00 6a 00 01 00 00'));
  });

  it('batches dict items and list items by 1000 like CPython', () => {
    const w = new PickleWriter();
    w.emptyDict();
    w.setItems(1001, () => {
      w.int(1);
      w.int(2);
    });
    const b = w.bytes();
    assert.equal(b[1], OP.MARK);
    assert.equal(b[2 + 4000], OP.SETITEMS);
    assert.equal(b[3 + 4000 + 4], OP.SETITEM);
    assert.equal(b.length, 1 + 1 + 4000 + 1 + 4 + 1);

    const l = pickleOf((x) => {
      x.emptyList();
      x.appendItems(2, () => x.none());
      x.appendItems(1, () => x.none());
      x.appendItems(0, () => x.none());
    });
    assert.deepEqual(l, [OP.EMPTY_LIST, OP.MARK, OP.NONE, OP.NONE, OP.APPENDS, OP.NONE, OP.APPEND]);
  });

  it('builds tuples with EMPTY_TUPLE, TUPLE1-3 and MARK…TUPLE', () => {
    for (const [n, ops] of [
      [0, [OP.EMPTY_TUPLE]],
      [1, [OP.NONE, OP.TUPLE1]],
      [3, [OP.NONE, OP.NONE, OP.NONE, OP.TUPLE3]],
      [4, [OP.MARK, OP.NONE, OP.NONE, OP.NONE, OP.NONE, OP.TUPLE]],
    ] as const) {
      const bytes = pickleOf((w) => {
        w.beginTuple(n);
        for (let i = 0; i < n; i++) w.none();
        w.endTuple(n);
      });
      assert.deepEqual(bytes, [...ops]);
    }
  });

  it('writes bytes objects as _codecs.encode(latin-1 text, "latin1")', () => {
    const bytes = pickleOf((w) => w.bytesObject(new Uint8Array([0xff, 0x00])));
    const g = [...new TextEncoder().encode('_codecs\nencode\n')];
    assert.deepEqual(bytes, [
      OP.GLOBAL,
      ...g,
      OP.BINPUT,
      0,
      ...hex('58 03 00 00 00 c3 bf 00'),
      ...hex('58 06 00 00 00'),
      ...new TextEncoder().encode('latin1'),
      OP.BINPUT,
      1,
      OP.TUPLE2,
      OP.REDUCE,
    ]);
  });
});

// ----- the zip layout -----

describe('writePt layout', () => {
  it('writes data.pkl, byteorder, data/<key> and version, stored and 64-byte aligned', async () => {
    const { bytes, warnings } = await ptBytes(model([w1, b1]));
    assert.deepEqual(warnings, []);
    const m = await members(bytes);
    assert.deepEqual(
      m.map((x) => x.name),
      ['archive/data.pkl', 'archive/byteorder', 'archive/data/0', 'archive/data/1', 'archive/version'],
    );
    for (const x of m) {
      assert.equal(x.dataOffset % 64, 0, x.name);
      assert.equal(x.method, 0, x.name);
    }
    assert.equal(new TextDecoder().decode(m[1]?.data), 'little');
    assert.equal(new TextDecoder().decode(m[4]?.data), '3\n');
    assert.deepEqual(m[2]?.data, new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer));
    assert.deepEqual(m[3]?.data, new Uint8Array(new BigInt64Array([5n, -6n]).buffer));
    const pkl = m[0]?.data as Uint8Array;
    assert.deepEqual([...pkl.subarray(0, 2)], [OP.PROTO, 2]);
    assert.equal(pkl[pkl.length - 1], OP.STOP);
  });

  it('keeps the folder the source file used (metadata.pytorch.archive) unless archiveName is given', async () => {
    const from = (archive: JsonValue): Model => ({ ...model([w1]), metadata: { pytorch: { archive } } });
    const first = async (m: Model, options: Record<string, unknown> = {}): Promise<string> =>
      (await members((await ptBytes(m, options)).bytes))[0]?.name as string;
    assert.equal(await first(from('ref')), 'ref/data.pkl');
    assert.equal(await first(from('ref'), { archiveName: 'other' }), 'other/data.pkl');
    assert.equal(await first(from('a/b')), 'archive/data.pkl');
    assert.equal(await first(from(3)), 'archive/data.pkl');
  });

  it('is deterministic: the same model gives the same bytes', async () => {
    const structure: JsonValue = {
      $dict: [
        ['w', { $tensor: 'w' }],
        ['b', { $tensor: 'b' }],
        ['lr', { $float: 0.1 }],
      ],
    };
    const a = await ptBytes(model([w1, b1], structure));
    const b = await ptBytes(model([w1, b1], structure));
    assert.deepEqual(a.bytes, b.bytes);
  });

  it('shares one record between tied tensors', async () => {
    const tiedCopy = {
      ...tensorFromArray('w2', 'float32', [2, 2], new Float32Array([1, 2, 3, 4])),
      meta: { tiedTo: 'w' },
    };
    const m = await members((await ptBytes(model([w1, tiedCopy, b1]))).bytes);
    assert.deepEqual(
      m.filter((x) => x.name.includes('/data/')).map((x) => x.name),
      ['archive/data/0', 'archive/data/1'],
    );
  });

  it('reports progress in tensor bytes up to the total', async () => {
    const big = tensorFromBytes('big', 'uint8', [5_000_000], new Uint8Array(5_000_000));
    const calls: [number, number][] = [];
    const target = new MemoryTarget('out.pt');
    await writePt(model([w1, big]), target, { onProgress: (d, t) => calls.push([d, t]) });
    assert.ok(calls.length >= 3);
    for (let i = 1; i < calls.length; i++)
      assert.ok((calls[i]?.[0] as number) > (calls[i - 1]?.[0] as number));
    assert.deepEqual(calls[calls.length - 1], [5_000_016, 5_000_016]);
  });

  it('warns once about floats written as 0-d tensors, naming the first', async () => {
    const structure: JsonValue = {
      $dict: [
        ['w', { $tensor: 'w' }],
        [
          'opt',
          {
            $dict: [
              ['lr', { $float: 0.1 }],
              ['betas', { $tuple: [{ $float: 0.9 }, 0.999] }],
            ],
          },
        ],
      ],
    };
    const { bytes, warnings } = await ptBytes(model([w1], structure));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, /^3 Python floats .* first at opt\.lr$/);
    const pkl = (await members(bytes))[0]?.data as Uint8Array;
    const scan = new TextDecoder('latin1').decode(pkl);
    assert.ok(scan.includes('DoubleStorage'));
  });

  it('falls back to a flat state_dict, with a warning, when the structure is stale', async () => {
    const stale = { $dict: [['w', { $tensor: 'w' }]] }; // b is not referenced
    const { warnings } = await ptBytes(model([w1, b1], stale));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] as string, /no longer matches/);
    const missing = {
      $dict: [
        ['w', { $tensor: 'w' }],
        ['x', { $tensor: 'x' }],
      ],
    };
    assert.equal((await ptBytes(model([w1], missing))).warnings.length, 1);
  });

  it('aligns zip members, zip64 ones included (ZipWriter align option)', async () => {
    for (const zip64 of ['auto', 'always'] as const) {
      const target = new MemoryTarget('t.zip');
      const zip = new ZipWriter(await target.create(), { zip64 });
      await zip.addBytes('a', new Uint8Array([1, 2, 3]), { align: 64 });
      const out = await zip.begin('folder/bb', { size: 5, align: 4096 });
      await out.write(new Uint8Array([4, 5, 6, 7, 8]));
      await out.end();
      await zip.addBytes('c', new Uint8Array(0), { align: 1 });
      await zip.close();
      const m = await members(target.bytes);
      assert.equal((m[0]?.dataOffset as number) % 64, 0);
      assert.equal((m[1]?.dataOffset as number) % 4096, 0);
      assert.deepEqual(m[1]?.data, new Uint8Array([4, 5, 6, 7, 8]));
      assert.deepEqual(m[2]?.data, new Uint8Array(0));
    }
  });

  it('writes any structure or refuses it with a coded error (property)', async () => {
    const leaf = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.string(),
      fc.integer(),
      fc.bigInt().map((n) => ({ $int: String(n) })),
      fc.double().map((x) => ({ $float: x })),
      fc.constantFrom<JsonValue>(
        { $tensor: 'w' },
        { $bytes: '' },
        { $global: 'torch.float32' },
        { $global: 'os.system' },
        { $object: 'torch.Size', args: [{ $tuple: [1] }] },
        { $unknown: 1 },
      ),
    );
    const { tree } = fc.letrec<{ tree: JsonValue }>((tie) => ({
      tree: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        leaf,
        fc.array(tie('tree'), { maxLength: 4 }),
        fc.array(tie('tree'), { maxLength: 4 }).map((items) => ({ $tuple: items })),
        fc
          .array(fc.tuple(fc.oneof(fc.string(), fc.integer(), tie('tree')), tie('tree')), { maxLength: 4 })
          .map((pairs) => ({ $dict: pairs as JsonValue[] })),
      ),
    }));
    await fc.assert(
      fc.asyncProperty(tree, async (structure) => {
        try {
          await ptBytes(model([w1], structure));
        } catch (e) {
          assert.ok(e instanceof NnportError, `not an NnportError: ${String(e)}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ----- errors -----

describe('writePt errors', () => {
  const refuse = (structure: JsonValue, code: ErrorCode, path: string): Promise<void> =>
    rejectsAt(ptBytes(model([w1], structure)), code, { path });
  const inDict = (value: JsonValue): JsonValue => ({
    $dict: [
      ['w', { $tensor: 'w' }],
      ['x', value],
    ],
  });

  it('UNREPRESENTABLE: uint16, uint32 and uint64 tensors (no storage class in torch 1.13)', async () => {
    for (const t of [
      tensorFromArray('u16', 'uint16', [1], new Uint16Array([1])),
      tensorFromArray('u32', 'uint32', [1], new Uint32Array([1])),
      tensorFromArray('u64', 'uint64', [1], new BigUint64Array([1n])),
    ]) {
      await rejectsAt(ptBytes(model([w1, t])), 'UNREPRESENTABLE', { tensor: t.name });
    }
  });

  it('UNREPRESENTABLE: bytes', () => refuse(inDict({ $bytes: 'AAE=' }), 'UNREPRESENTABLE', 'x'));
  it('UNREPRESENTABLE: set', () => refuse(inDict({ $set: [1] }), 'UNREPRESENTABLE', 'x'));
  it('UNREPRESENTABLE: frozenset', () => refuse(inDict({ $frozenset: [] }), 'UNREPRESENTABLE', 'x'));
  it('UNREPRESENTABLE: a global torch 1.13 does not allow', () =>
    refuse(inDict([{ $global: 'torch.bfloat16' }]), 'UNREPRESENTABLE', 'x.0'));
  it('UNREPRESENTABLE: torch.device objects', () =>
    refuse(inDict({ $object: 'torch.device', args: ['cpu'] }), 'UNREPRESENTABLE', 'x'));
  it('UNREPRESENTABLE: TorchScript objects', () =>
    refuse(inDict({ $object: '__torch__.Net', state: {} }), 'UNREPRESENTABLE', 'x'));
  it('UNREPRESENTABLE: scikit-learn estimators', () =>
    refuse(
      inDict({ $object: 'sklearn.linear_model._logistic.LogisticRegression', state: { $dict: [] } }),
      'UNREPRESENTABLE',
      'x',
    ));
  it('UNREPRESENTABLE: dict classes other than OrderedDict', () =>
    refuse(inDict({ $dict: [], $class: 'collections.defaultdict' }), 'UNREPRESENTABLE', 'x'));
  it('UNREPRESENTABLE: a bool dict key', () =>
    refuse(inDict({ $dict: [[true, 1]] }), 'UNREPRESENTABLE', 'x'));
  it('UNREPRESENTABLE: a float dict key', () =>
    refuse(inDict({ $dict: [[{ $float: 0.5 }, 1]] }), 'UNREPRESENTABLE', 'x'));
  it('UNREPRESENTABLE: state on a plain dict', () =>
    refuse(inDict({ $dict: [], $state: { $dict: [] } }), 'UNREPRESENTABLE', 'x'));
  it('UNREPRESENTABLE: torch.Size with a state', () =>
    refuse(inDict({ $object: 'torch.Size', args: [[1]], state: 1 }), 'UNREPRESENTABLE', 'x'));
  it('UNREPRESENTABLE: two tensors with one name in a flat state_dict', async () => {
    await rejectsAt(ptBytes(model([w1, w1])), 'UNREPRESENTABLE', { tensor: 'w' });
  });

  it('INVALID_STRUCTURE: tensor data that disagrees with the shape', async () => {
    const bad: Tensor = { ...w1, shape: [3, 3] };
    await rejectsAt(ptBytes(model([bad])), 'INVALID_STRUCTURE', { tensor: 'w' });
  });
  it('INVALID_STRUCTURE: a $dict entry that is not a pair', () =>
    refuse(inDict({ $dict: [['k']] }), 'INVALID_STRUCTURE', 'x'));
  it('INVALID_STRUCTURE: an unknown $ key', () =>
    refuse(inDict({ $complex: [1, 2] }), 'INVALID_STRUCTURE', 'x'));
  it('INVALID_STRUCTURE: two encodings in one object', () =>
    refuse(inDict({ $tuple: [], $float: 1 }), 'INVALID_STRUCTURE', 'x'));
  it('INVALID_STRUCTURE: a bad $float', () => refuse(inDict({ $float: 'NaN' }), 'INVALID_STRUCTURE', 'x'));
  it('INVALID_STRUCTURE: a bad $int', () => refuse(inDict({ $int: '12.5' }), 'INVALID_STRUCTURE', 'x'));
  it('INVALID_STRUCTURE: a $tensor that is not a name', () =>
    refuse(inDict({ $tensor: 3 }), 'INVALID_STRUCTURE', 'x'));
  it('INVALID_STRUCTURE: torch.Size without a tuple of ints', () =>
    refuse(inDict({ $object: 'torch.Size', args: ['a'] }), 'INVALID_STRUCTURE', 'x'));

  it('LIMIT_EXCEEDED: a structure nested deeper than MAX_JSON_DEPTH', async () => {
    let deep: JsonValue = { $tensor: 'w' };
    for (let i = 0; i < 300; i++) deep = [deep];
    await rejectsWith(ptBytes(model([w1], deep)), 'LIMIT_EXCEEDED');
  });

  it('USAGE: an archiveName that is not one folder name', async () => {
    for (const archiveName of ['', 'a/b', '..', 5]) {
      await rejectsWith(ptBytes(model([w1]), { archiveName }), 'USAGE');
    }
  });
});
