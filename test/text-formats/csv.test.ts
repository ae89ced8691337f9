/**
 * nnport CSV, long layout, and plain numeric CSV tables: exact layout, RFC 4180 quoting,
 * bit-exact round trips (fixed and random models), workers and sequential output identical, one
 * test per error code with line:column, and "any bytes → a model or an NnportError" for the scan
 * and for the lazy parse.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, tensorFromBytes } from '../../src/core/tensor.js';
import { csvFormat, csvMatrixFormat } from '../../src/formats/csv/index.js';
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

function readCsv(text: string | Uint8Array, name = 'm.csv', options = {}): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the CSV plug-in has a reader
  return csvFormat.read!(fileInput(name, text), options);
}

async function roundTrip(model: Model, options: Record<string, unknown> = {}) {
  const bytes = (await writeWith(csvFormat, model, options)).bytes;
  return { bytes, back: await readCsv(bytes) };
}

const HEADER = 'tensor,layer,param,dtype,shape,index,value';

test('CSV long layout: # header lines, header row, one row per element in C order', async () => {
  const model: Model = {
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
      tensorFromBytes('dense/kernel:0', 'int8', [2], Uint8Array.of(1, 255)),
      tensorFromBytes('s', 'bool', [], Uint8Array.of(1)),
      tensorFromBytes('e,"x"', 'float16', [2, 0], new Uint8Array(0)),
    ],
  };
  const text = textOf((await writeWith(csvFormat, model)).bytes);
  assert.equal(
    text,
    [
      '#nnport-csv 1 long',
      '#metadata {"a":1}',
      '#tensor-meta "fc1.weight" {"k":"v"}',
      HEADER,
      'fc1.weight,fc1,weight,float32,2 3,0 0,0.25',
      'fc1.weight,fc1,weight,float32,2 3,0 1,-1.5',
      'fc1.weight,fc1,weight,float32,2 3,0 2,1e-7',
      'fc1.weight,fc1,weight,float32,2 3,1 0,3',
      'fc1.weight,fc1,weight,float32,2 3,1 1,0.1',
      'fc1.weight,fc1,weight,float32,2 3,1 2,100',
      'dense/kernel:0,dense,kernel,int8,2,0,1',
      'dense/kernel:0,dense,kernel,int8,2,1,-1',
      's,,s,bool,,,1',
      '"e,""x""",,"e,""x""",float16,2 0,,',
      '',
    ].join('\n'),
  );
});

test('CSV round trip: every dtype with special values, graph, metadata, meta, scalar, zero-size', async () => {
  const model = specialModel();
  const { bytes, back } = await roundTrip(model);
  assert.equal(back.format, 'csv');
  await assertSameModel(back, model);
  assert.ok(textOf(bytes).includes('\n#graph {'));
});

test('CSV round trip of random models is bit-exact (names with commas, quotes, newlines, unicode)', async () => {
  await fc.assert(
    fc.asyncProperty(modelArb(), fc.boolean(), async (model, withGraph) => {
      const m = withGraph ? { ...model, graph: SAMPLE_GRAPH } : model;
      const { back } = await roundTrip(m);
      await assertSameModel(back, m);
    }),
    { numRuns: 150 },
  );
});

test('CSV with workers: same bytes as without, read back in parallel chunks', async () => {
  const n = 300 * 500;
  const values = new Float32Array(n).map((_, k) => Math.fround(Math.cos(k) * 10 ** ((k % 7) - 3)));
  const model: Model = {
    format: 'memory',
    metadata: {},
    tensors: [tensorFromBytes('layer.0/w,"q"\nx', 'float32', [300, 500], new Uint8Array(values.buffer))],
  };
  const seq = (await writeWith(csvFormat, model)).bytes;
  const parallel = fakeParallel(2);
  const par = (await writeWith(csvFormat, model, { parallel })).bytes;
  assert.ok(parallel.formats > 1);
  assert.deepEqual(Buffer.from(par), Buffer.from(seq));
  const back = await readCsv(seq, 'm.csv', { parallel });
  await assertSameModel(back, model);
  assert.ok(parallel.parses > 2);
});

test('CSV reader accepts CRLF, a BOM, trailing blank lines and no final newline', async () => {
  const text = `\ufeff#nnport-csv 1 long\r\n# a comment\r\n${HEADER}\r\n"a\r\nb",,"a\r\nb",int32,2,0,1\r\n"a\r\nb",,"a\r\nb",int32,2,1,2\r\nz,,z,float64,,,0.5`;
  const m = await readCsv(text);
  assert.equal(m.tensors[0].name, 'a\r\nb');
  assert.deepEqual([...new Int32Array((await readTensorBytes(m.tensors[0])).slice().buffer)], [1, 2]);
  assert.deepEqual([...new Float64Array((await readTensorBytes(m.tensors[1])).slice().buffer)], [0.5]);
  const m2 = await readCsv(`#nnport-csv 1 long\n${HEADER}\nz,,z,uint8,1,0,"7"\n\n\n`);
  assert.deepEqual(await readTensorBytes(m2.tensors[0]), Uint8Array.of(7));
});

test('a plain numeric CSV (numpy.savetxt with delimiter=",") reads as one float64 tensor', async () => {
  const m = await readCsv('# x,y\n1.5,2\n-3e2, nan\r\n\r\n4,5\n', 'data/points.csv');
  assert.equal(m.tensors[0].name, 'points');
  assert.deepEqual(m.tensors[0].shape, [3, 2]);
  assert.deepEqual(
    [...new Float64Array((await readTensorBytes(m.tensors[0])).slice().buffer)],
    [1.5, 2, -300, Number.NaN, 4, 5],
  );
  await rejectsWith(async () => allBytes(await readCsv('1,2,3\n4,5\n')), 'INVALID_STRUCTURE', {
    line: 2,
    column: 4,
  });
  await rejectsWith(async () => allBytes(await readCsv('1,2\n4,5,6\n')), 'INVALID_STRUCTURE', {
    line: 2,
    column: 4,
  });
  await rejectsWith(readCsv('name,value\n'), 'BAD_MAGIC', { line: 1, column: 1 });
  const empty = await readCsv('', 'e.csv').catch((e: unknown) => e);
  assert.ok(empty instanceof NnportError && empty.code === 'BAD_MAGIC');
});

// ---- malformed inputs, one per error code ----

const GOOD = `#nnport-csv 1 long\n${HEADER}\n`;

test('BAD_MAGIC: an empty file', async () => {
  await rejectsWith(readCsv(''), 'BAD_MAGIC', { line: 1, column: 1 });
});

test('UNSUPPORTED_VERSION: #nnport-csv 2', async () => {
  await rejectsWith(readCsv('#nnport-csv 2 long\n'), 'UNSUPPORTED_VERSION', { line: 1, column: 13 });
});

test('UNSUPPORTED_DTYPE: an unknown dtype', async () => {
  await rejectsWith(readCsv(`${GOOD}w,,w,complex32,1,0,1\n`), 'UNSUPPORTED_DTYPE', { line: 3, column: 6 });
});

test('INVALID_STRUCTURE: bad header, wrong column count, shape/row mismatch, non-number, bad index', async () => {
  await rejectsWith(readCsv('#nnport-csv 1 wide\n'), 'INVALID_STRUCTURE', { line: 1, column: 1 });
  await rejectsWith(readCsv('#nnport-csv 1 long\ntensor,value\n'), 'INVALID_STRUCTURE', {
    line: 2,
    column: 1,
  });
  await rejectsWith(readCsv(`${GOOD}w,,w,float32,1,0\n`), 'INVALID_STRUCTURE', { line: 3, column: 17 });
  await rejectsWith(readCsv(`${GOOD}w,,w,float32,1,0,1,9\n`), 'INVALID_STRUCTURE', { line: 3, column: 20 });
  await rejectsWith(readCsv(`${GOOD}w,,w,float32,2 x,0,1\n`), 'INVALID_STRUCTURE', { line: 3, column: 14 });
  await rejectsWith(readCsv(`${GOOD}"w"x,,w,float32,1,0,1\n`), 'INVALID_STRUCTURE', { line: 3, column: 4 });
  // shape 3 but two rows, then another tensor
  await rejectsWith(
    readCsv(`${GOOD}w,,w,int8,3,0,1\nw,,w,int8,3,1,2\nv,,v,int8,1,0,1\n`),
    'INVALID_STRUCTURE',
    {
      line: 5,
      column: 1,
    },
  );
  // more rows than the shape holds
  await rejectsWith(readCsv(`${GOOD}w,,w,int8,1,0,1\nw,,w,int8,1,1,2\n`), 'INVALID_STRUCTURE', {
    line: 4,
    column: 1,
  });
  await rejectsWith(readCsv(`${GOOD}w,,w,int8,0,0,1\n`), 'INVALID_STRUCTURE', { line: 3, column: 13 });
  await rejectsWith(
    readCsv(`${GOOD}w,,w,int8,1,0,1\nv,,v,int8,1,0,1\nw,,w,int8,1,0,1\n`),
    'INVALID_STRUCTURE',
    {
      line: 5,
      column: 1,
    },
  );
  await rejectsWith(readCsv(`#nnport-csv 1 long\n#tensor-meta "nope" {}\n${HEADER}\n`), 'INVALID_STRUCTURE', {
    line: 2,
    column: 1,
  });
  await rejectsWith(readCsv(`#nnport-csv 1 long\n#metadata {"a":1,}\n${HEADER}\n`), 'INVALID_STRUCTURE');
  const lazy = async (rows: string) => allBytes(await readCsv(`${GOOD}${rows}`));
  await rejectsWith(lazy('w,,w,float32,2,0,1\nw,,w,float32,2,1,x1\n'), 'INVALID_STRUCTURE', {
    line: 4,
    column: 18,
  });
  await rejectsWith(lazy('w,,w,float32,2,0,1\nw,,w,float32,2,0,2\n'), 'INVALID_STRUCTURE', {
    line: 4,
    column: 16,
  });
  await rejectsWith(lazy('w,,w,int8,2,0,1\nw,,w,int8,2,1,300\n'), 'INVALID_STRUCTURE', {
    line: 4,
    column: 15,
  });
  const e = await rejectsWith(lazy('w,,w,int8,2,0,1\nw,,w,int8,2,1,\n'), 'INVALID_STRUCTURE', {
    line: 4,
    column: 15,
  });
  assert.equal(e.file, 'm.csv');
});

test('TRUNCATED: the file ends before the header row, inside a quoted field, or before all rows', async () => {
  await rejectsWith(readCsv('#nnport-csv 1 long\n#metadata {}\n'), 'TRUNCATED', { line: 3, column: 1 });
  await rejectsWith(readCsv(`${GOOD}"w,,w,int8,1,0,1\n`), 'TRUNCATED', { line: 3, column: 1 });
  await rejectsWith(readCsv(`${GOOD}w,,w,int8,3,0,1\nw,,w,int8,3,1,2\n`), 'TRUNCATED', {
    line: 5,
    column: 1,
  });
});

test('LIMIT_EXCEEDED: a shape over 2^53 elements', async () => {
  await rejectsWith(readCsv(`${GOOD}w,,w,int8,4294967296 4294967296 4,0,1\n`), 'LIMIT_EXCEEDED', {
    line: 3,
    column: 11,
  });
});

test('the CSV writer refuses names UTF-8 cannot carry (lone surrogates)', async () => {
  const model: Model = {
    format: 'm',
    metadata: {},
    tensors: [tensorFromBytes('a\ud800', 'uint8', [1], Uint8Array.of(1))],
  };
  await rejectsWith(writeWith(csvFormat, model), 'UNREPRESENTABLE');
});

test('any bytes: a model or an NnportError, and its data bytes or an NnportError', async () => {
  const valid = (await writeWith(csvFormat, specialModel())).bytes;
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
        '#nnport-csv 1 long\n',
        `${HEADER}\n`,
        'w,,w,float32,2,0,1\n',
        'w,,w,float32,2,1,NaN\n',
        '"a,\n',
        '"',
        ',',
        '1,2\n',
        '\r\n',
        '#metadata {}\n',
      ),
      { maxLength: 10 },
    )
    .map((parts) => bytesOf(parts.join('')));
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated, textish), async (bytes) => {
      let model: Model;
      try {
        model = await readCsv(bytes);
      } catch (e) {
        assert.ok(e instanceof NnportError, String(e));
        return;
      }
      for (const t of model.tensors) {
        try {
          assert.equal((await readTensorBytes(t)).byteLength, t.data.byteLength);
        } catch (e) {
          assert.ok(e instanceof NnportError, String(e));
        }
      }
    }),
    { numRuns: 400 },
  );
});

test('detect: the #nnport-csv magic is content, .csv a name; the matrix plug-in claims folders and manifests', () => {
  const probe = (name: string, head: string, isFolder = false) => ({
    name,
    head: bytesOf(head),
    size: head.length,
    isFolder,
  });
  assert.equal(csvFormat.detect(probe('x.bin', '#nnport-csv 1 long\n')), 'content');
  assert.equal(csvFormat.detect(probe('x', '\ufeff#nnport-csv 1 long\r\n')), 'content');
  assert.equal(csvFormat.detect(probe('x', '#nnport-csvx')), undefined);
  assert.equal(csvFormat.detect(probe('DATA.CSV', '1,2\n')), 'name');
  assert.equal(csvFormat.detect(probe('d', '', true)), undefined);
  assert.equal(csvMatrixFormat.detect(probe('d.csvdir', '', true)), 'name');
  assert.equal(
    csvMatrixFormat.detect(probe('manifest.json', '{\n  "format": "nnport-csv-matrix",')),
    'content',
  );
  assert.equal(csvMatrixFormat.detect(probe('model.json', '{"format": "nnport"}')), undefined);
});
