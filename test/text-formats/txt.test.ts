/**
 * nnport TXT: exact layout, bit-exact round trips (fixed and random models), parallel and
 * sequential output identical, lenient line endings, one test per error code with its line:column,
 * and "any bytes → a model or an NnportError" for the scan and for the lazy parse.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import { readTensorBytes, tensorFromBytes } from '../../src/core/tensor.js';
import { txtFormat } from '../../src/formats/txt/index.js';
import {
  allBytes,
  assertSameModel,
  bytesOf,
  fakeParallel,
  fileInput,
  modelArb,
  rejectsWith,
  SAMPLE_GRAPH,
  specialModel,
  textOf,
  writeWith,
} from './csv-txt-helpers.js';

async function roundTrip(model: Parameters<typeof writeWith>[1], options: Record<string, unknown> = {}) {
  const bytes = (await writeWith(txtFormat, model, options)).bytes;
  return { bytes, back: await readTxt(bytes) };
}

function readTxt(text: string | Uint8Array, name = 'm.txt', options = {}) {
  // biome-ignore lint/style/noNonNullAssertion: the TXT plug-in has a reader
  return txtFormat.read!(fileInput(name, text), options);
}

test('TXT layout: magic, metadata, graph, tensor lines, meta, rows of the last dimension', async () => {
  const model = {
    format: 'memory',
    metadata: { a: 1 },
    tensors: [
      tensorFromBytes(
        'fc1.weight',
        'float32',
        [2, 3],
        new Uint8Array(new Float32Array([0.25, -1.5, 1e-7, 3, 0.1, 100]).buffer),
        {
          k: 'v',
        },
      ),
      tensorFromBytes('b', 'int8', [3], Uint8Array.of(1, 255, 127)),
      tensorFromBytes('my name', 'float64', [], new Uint8Array(new Float64Array([-0]).buffer)),
      tensorFromBytes('e', 'bool', [0, 2], new Uint8Array(0)),
    ],
  };
  const text = textOf((await writeWith(txtFormat, model)).bytes);
  assert.equal(
    text,
    [
      'nnport-txt 1',
      'metadata {"a":1}',
      'tensor fc1.weight float32 2 2 3',
      'meta {"k":"v"}',
      '0.25 -1.5 1e-7',
      '3 0.1 100',
      'tensor b int8 1 3',
      '1 -1 127',
      'tensor "my name" float64 0',
      '-0',
      'tensor e bool 2 0 2',
      '',
    ].join('\n'),
  );
});

test('TXT round trip: every dtype with special values, graph, metadata, meta, scalar, zero-size', async () => {
  const model = specialModel();
  const { back } = await roundTrip(model);
  assert.equal(back.format, 'txt');
  await assertSameModel(back, model);
});

test('TXT round trip of random models is bit-exact', async () => {
  await fc.assert(
    fc.asyncProperty(modelArb(), fc.boolean(), async (model, withGraph) => {
      const m = withGraph ? { ...model, graph: SAMPLE_GRAPH } : model;
      const { back } = await roundTrip(m);
      await assertSameModel(back, m);
    }),
    { numRuns: 150 },
  );
});

test('TXT writing and reading with workers gives the same bytes, in order; progress reaches the total', async () => {
  const n = 400 * 700;
  const values = new Float32Array(n);
  for (let k = 0; k < n; k++) values[k] = Math.fround(Math.sin(k) * 10 ** ((k % 9) - 4));
  const model = {
    format: 'memory',
    metadata: {},
    tensors: [
      tensorFromBytes('big', 'float32', [400, 700], new Uint8Array(values.buffer)),
      tensorFromBytes(
        'vec',
        'int64',
        [n],
        new Uint8Array(new BigInt64Array(n).map((_, k) => BigInt(k) * 3n - 7n).buffer),
      ),
    ],
  };
  const seq = (await writeWith(txtFormat, model)).bytes;
  const parallel = fakeParallel(3);
  const progress: [number, number][] = [];
  const par = (
    await writeWith(txtFormat, model, {
      parallel,
      onProgress: (d: number, t: number) => progress.push([d, t]),
    })
  ).bytes;
  assert.ok(parallel.formats > 2, 'chunks went to the pool');
  assert.deepEqual(Buffer.from(par), Buffer.from(seq));
  const total = n * 4 + n * 8;
  assert.deepEqual(progress[progress.length - 1], [total, total]);
  const back = await readTxt(seq, 'm.txt', { parallel });
  await assertSameModel(back, model);
  assert.ok(parallel.parses > 2, 'the big tensor was parsed in chunks');
});

test('TXT reader accepts CRLF, a BOM, blank lines between tensors and no final newline', async () => {
  const text =
    '\ufeffnnport-txt 1\r\n\r\ntensor a int32 2 2 2\r\n1 2\r\n3  4 \r\n\r\ntensor b float32 0\r\n2.5';
  const m = await readTxt(text);
  assert.deepEqual([...new Int32Array((await readTensorBytes(m.tensors[0])).slice().buffer)], [1, 2, 3, 4]);
  assert.deepEqual([...new Float32Array((await readTensorBytes(m.tensors[1])).slice().buffer)], [2.5]);
});

test('a .txt without the magic line reads as a plain whitespace table (numpy.savetxt default)', async () => {
  const text = '# header from savetxt\n1.000000000000000000e+00 2.5e-01\n-3 nan\n\ninf 4\n';
  const m = await readTxt(text, 'dir/weights.txt');
  assert.equal(m.tensors.length, 1);
  assert.equal(m.tensors[0].name, 'weights');
  assert.equal(m.tensors[0].dtype, 'float64');
  assert.deepEqual(m.tensors[0].shape, [3, 2]);
  const v = new Float64Array((await readTensorBytes(m.tensors[0])).slice().buffer);
  assert.deepEqual([...v], [1, 0.25, -3, Number.NaN, Number.POSITIVE_INFINITY, 4]);
  await rejectsWith(async () => allBytes(await readTxt('1 2\n3\n', 't.txt')), 'INVALID_STRUCTURE', {
    line: 2,
    column: 2,
  });
  await rejectsWith(readTxt('hello world\n', 'README.txt'), 'BAD_MAGIC', { line: 1, column: 1 });
});

// ---- malformed inputs, one per error code ----

test('BAD_MAGIC: an empty file', async () => {
  await rejectsWith(readTxt(''), 'BAD_MAGIC', { line: 1, column: 1 });
});

test('UNSUPPORTED_VERSION: nnport-txt 2', async () => {
  await rejectsWith(readTxt('nnport-txt 2\n'), 'UNSUPPORTED_VERSION', { line: 1, column: 12 });
});

test('UNSUPPORTED_DTYPE: an unknown dtype name', async () => {
  await rejectsWith(readTxt('nnport-txt 1\ntensor a complex32 1 1\n1\n'), 'UNSUPPORTED_DTYPE', {
    line: 2,
    column: 10,
  });
});

test('INVALID_STRUCTURE: bad header line, wrong row length, non-number, too many lines, rank/dims mismatch', async () => {
  await rejectsWith(readTxt('nnport-txt\n'), 'INVALID_STRUCTURE', { line: 1, column: 11 });
  await rejectsWith(readTxt('nnport-txt 1\nweights a\n'), 'INVALID_STRUCTURE', { line: 2, column: 1 });
  await rejectsWith(readTxt('nnport-txt 1\ntensor a int32 2 2\n'), 'INVALID_STRUCTURE', {
    line: 2,
    column: 19,
  });
  await rejectsWith(readTxt('nnport-txt 1\ntensor a int32 1 2 3\n'), 'INVALID_STRUCTURE', {
    line: 2,
    column: 20,
  });
  await rejectsWith(readTxt('nnport-txt 1\ntensor a int32 1 x\n'), 'INVALID_STRUCTURE', {
    line: 2,
    column: 18,
  });
  await rejectsWith(readTxt('nnport-txt 1\nmetadata {"a":\n'), 'TRUNCATED');
  await rejectsWith(readTxt('nnport-txt 1\nmetadata [1]\n'), 'INVALID_STRUCTURE', { line: 2, column: 10 });
  await rejectsWith(
    readTxt('nnport-txt 1\ntensor a int32 1 2\n1 2\ntensor a int32 0\n5\n'),
    'INVALID_STRUCTURE',
    {
      line: 4,
      column: 1,
    },
  );
  await rejectsWith(readTxt('nnport-txt 1\ntensor a int32 1 2\n1 2\n3 4\n'), 'INVALID_STRUCTURE', {
    line: 4,
    column: 1,
  });
  await rejectsWith(
    readTxt('nnport-txt 1\ntensor a int32 2 2 2\n1 2\ntensor b int8 0\n1\n'),
    'INVALID_STRUCTURE',
    {
      line: 4,
      column: 1,
    },
  );
  const lazy = async (text: string) => allBytes(await readTxt(text));
  await rejectsWith(lazy('nnport-txt 1\ntensor a int32 2 2 2\n1 2\n3\n'), 'INVALID_STRUCTURE', {
    line: 4,
    column: 2,
  });
  await rejectsWith(lazy('nnport-txt 1\ntensor a int32 2 2 2\n1 2\n3 4 5\n'), 'INVALID_STRUCTURE', {
    line: 4,
    column: 5,
  });
  await rejectsWith(lazy('nnport-txt 1\ntensor a float32 1 2\n1 zz\n'), 'INVALID_STRUCTURE', {
    line: 3,
    column: 3,
  });
  await rejectsWith(lazy('nnport-txt 1\ntensor a uint8 1 2\n1 256\n'), 'INVALID_STRUCTURE', {
    line: 3,
    column: 3,
  });
  const e = await rejectsWith(lazy('nnport-txt 1\ntensor a uint8 1 2\n1 256\n'), 'INVALID_STRUCTURE');
  assert.equal(e.file, 'm.txt');
  assert.equal(e.format, 'txt');
});

test('TRUNCATED: the file ends before a tensor has all its value lines', async () => {
  await rejectsWith(readTxt('nnport-txt 1\ntensor a int32 2 3 1\n1\n2\n'), 'TRUNCATED', {
    line: 5,
    column: 1,
  });
  await rejectsWith(readTxt('nnport-txt 1\ntensor "a\n'), 'INVALID_STRUCTURE', { line: 2, column: 8 });
});

test('LIMIT_EXCEEDED: a rank over MAX_RANK, a shape over 2^53 elements', async () => {
  await rejectsWith(readTxt('nnport-txt 1\ntensor a int32 65\n'), 'LIMIT_EXCEEDED', { line: 2, column: 16 });
  await rejectsWith(readTxt('nnport-txt 1\ntensor a int32 2 4294967296 4294967296\n'), 'LIMIT_EXCEEDED', {
    line: 2,
    column: 16,
  });
});

test('quoted names, names that look like keywords, unicode names', async () => {
  const names = ['tensor', 'meta', 'a b', '"q"', '', 'ü', 'x\u00a0y', 'lone\ud800'];
  const model = {
    format: 'memory',
    metadata: {},
    tensors: names.map((n) => tensorFromBytes(n, 'uint8', [1], Uint8Array.of(7))),
  };
  const { bytes, back } = await roundTrip(model);
  assert.deepEqual(
    back.tensors.map((t) => t.name),
    names,
  );
  const lines = textOf(bytes).split('\n');
  assert.ok(lines.includes('tensor tensor uint8 1 1'));
  assert.ok(lines.includes('tensor "a b" uint8 1 1'));
  assert.ok(lines.includes('tensor "lone\\ud800" uint8 1 1'));
});

test('writers refuse duplicate names and data that does not fit the shape', async () => {
  const t = tensorFromBytes('a', 'uint8', [1], Uint8Array.of(1));
  await rejectsWith(writeWith(txtFormat, { format: 'm', metadata: {}, tensors: [t, t] }), 'UNREPRESENTABLE');
  const bad = { ...t, shape: [2] };
  await rejectsWith(writeWith(txtFormat, { format: 'm', metadata: {}, tensors: [bad] }), 'INVALID_STRUCTURE');
});

test('any bytes: a model or an NnportError, and its data bytes or an NnportError', async () => {
  const valid = (await writeWith(txtFormat, specialModel())).bytes;
  const mutated = fc
    .tuple(
      fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 6 }),
      fc.nat(valid.length),
    )
    .map(([edits, cut]) => {
      const b = valid.slice(0, Math.max(cut, 1));
      for (const [at, v] of edits) if (at < b.length) b[at] = v;
      return b;
    });
  const textish = fc
    .array(
      fc.constantFrom(
        'nnport-txt 1\n',
        'tensor a float32 2 2 2\n',
        'tensor "x" int64 1 3\n',
        '1 2\n',
        'NaN(0x7fc00001) -0\n',
        'meta {}\n',
        'metadata {"a":1}\n',
        '\r\n',
        ' ',
        '9',
      ),
      { maxLength: 12 },
    )
    .map((parts) => bytesOf(parts.join('')));
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated, textish),
      fc.constantFrom('m.txt', 'x'),
      async (bytes, name) => {
        let model: Awaited<ReturnType<typeof readTxt>>;
        try {
          model = await readTxt(bytes, name);
        } catch (e) {
          assert.ok(e instanceof NnportError, String(e));
          return;
        }
        for (const t of model.tensors) {
          try {
            const b = await readTensorBytes(t);
            assert.equal(b.byteLength, t.data.byteLength);
          } catch (e) {
            assert.ok(e instanceof NnportError, String(e));
          }
        }
      },
    ),
    { numRuns: 400 },
  );
});

test('detect: the nnport-txt magic is content, .txt a name', () => {
  const probe = (name: string, head: string) => ({
    name,
    head: bytesOf(head),
    size: head.length,
    isFolder: false,
  });
  assert.equal(txtFormat.detect(probe('x.dat', 'nnport-txt 1\n')), 'content');
  assert.equal(txtFormat.detect(probe('x', '\ufeffnnport-txt 1\r\n')), 'content');
  assert.equal(txtFormat.detect(probe('x', 'nnport-txt2')), undefined);
  assert.equal(txtFormat.detect(probe('a.TXT', '1 2\n')), 'name');
  assert.equal(
    txtFormat.detect({ name: 'd.txt', head: new Uint8Array(0), size: 0, isFolder: true }),
    undefined,
  );
});
