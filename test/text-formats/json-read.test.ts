/**
 * The JSON reader: documents other writers might produce (other key order, compact, BOM, CRLF,
 * Python's bare NaN), one malformed input per error code with its JSON path or line:column, lazy
 * data errors, and parsing with workers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ErrorLocation, NnportError } from '../../src/core/errors.js';
import { MAX_JSON_DEPTH, MAX_NAME_LENGTH, MAX_RANK, MAX_TOKEN_BYTES } from '../../src/core/limits.js';
import { readTensor, readTensorBytes, tensorFromArray } from '../../src/core/tensor.js';
import {
  assertSameTensors,
  fakeParallel,
  readFully,
  readJsonBytes,
  rejectsWith,
  writeJsonBytes,
  writeJsonText,
} from './json-helpers.js';

/** A document with the given tensor entries (JSON text) and extra root members. */
function doc(tensors: string, extra = ''): string {
  return `{"format": "nnport", "version": 1${extra}, "tensors": [${tensors}]}`;
}

/** Line and column (1-based, bytes of ASCII text) of the `occurrence`-th `needle` in `text`, plus `shift` columns. */
function where(text: string, needle: string, shift = 0, occurrence = 1): { line: number; column: number } {
  let at = -1;
  for (let k = 0; k < occurrence; k++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} not in text`);
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - (before.lastIndexOf('\n') + 1) + 1 + shift };
}

function assertAt(e: NnportError, at: ErrorLocation): void {
  assert.deepEqual(e.at, at, e.message);
}

const W23 = `{
  "format": "nnport",
  "version": 1,
  "tensors": [
    {
      "name": "w",
      "dtype": "float32",
      "shape": [2, 3],
      "data": [
        [1, 2, 3],
        [4, 5, 6]
      ]
    }
  ]
}
`;

describe('JSON reader: documents in other shapes', () => {
  it('reads members in any order, compact or spread out', async () => {
    const text =
      '{"tensors":[{"data":[[1,2],[3,4]],"shape":[2,2],"meta":{"k":1},"dtype":"int16","name":"a"}],' +
      '"metadata":{"m":[true,null]},"version":1,"format":"nnport"}';
    const m = await readFully(text);
    assert.deepEqual(m.metadata, { m: [true, null] });
    assert.equal(m.tensors[0].name, 'a');
    assert.deepEqual(m.tensors[0].meta, { k: 1 });
    assert.deepEqual(
      [...(await readTensor(m.tensors[0] as (typeof m.tensors)[0] & { dtype: 'int16' }))],
      [1, 2, 3, 4],
    );
    const spread = text.replaceAll(',', ' ,\r\n\t').replaceAll(':', ' : ').replaceAll('[', '[ ');
    await assertSameTensors(await readFully(spread), m);
  });

  it('skips a UTF-8 byte order mark', async () => {
    const m = await readFully(`\ufeff${W23}`);
    assert.equal(m.tensors[0].name, 'w');
  });

  it("accepts Python json's bare NaN/Infinity, quoted numbers and any decimal syntax", async () => {
    const m = await readFully(
      doc(
        '{"name": "x", "dtype": "float64", "shape": [7], "data": [NaN, -Infinity, "1.5", 1E2, 0.10000000000000000555, -0, +2]}',
      ),
    );
    const v = await readTensor(m.tensors[0] as (typeof m.tensors)[0] & { dtype: 'float64' });
    assert.ok(Number.isNaN(v[0]));
    assert.deepEqual([...v.subarray(1)], [Number.NEGATIVE_INFINITY, 1.5, 100, 0.1, -0, 2]);
    assert.ok(Object.is(v[5], -0));
  });

  it('reads int64 and uint64 at their limits exactly, and bools either way', async () => {
    const m = await readFully(
      doc(
        '{"name": "i", "dtype": "int64", "shape": [2], "data": [-9223372036854775808, 9223372036854775807]},' +
          '{"name": "u", "dtype": "uint64", "shape": [1], "data": [18446744073709551615]},' +
          '{"name": "b", "dtype": "bool", "shape": [4], "data": [true, false, 1, 0]}',
      ),
    );
    assert.deepEqual(
      [...(await readTensor(m.tensors[0] as (typeof m.tensors)[0] & { dtype: 'int64' }))],
      [-9223372036854775808n, 9223372036854775807n],
    );
    assert.deepEqual(
      [...(await readTensor(m.tensors[1] as (typeof m.tensors)[1] & { dtype: 'uint64' }))],
      [18446744073709551615n],
    );
    assert.deepEqual([...(await readTensorBytes(m.tensors[2]))], [1, 0, 1, 0]);
  });

  it('a model without metadata or tensors entries is fine', async () => {
    const m = await readFully('{"format": "nnport", "version": 1, "tensors": []}');
    assert.deepEqual(m.metadata, {});
    assert.equal(m.graph, undefined);
    assert.equal(m.tensors.length, 0);
    assert.equal(m.format, 'json');
  });

  it('parses data only when read', async () => {
    const m = await readJsonBytes(W23.replace('[4, 5, 6]', '[4, 5, oops]'));
    assert.equal(m.tensors[0].data.byteLength, 24);
    await rejectsWith(readTensorBytes(m.tensors[0]), 'INVALID_STRUCTURE');
  });
});

describe('JSON reader: one error per code', () => {
  it('BAD_MAGIC: root not an object, another JSON shape, another format, no format', async () => {
    await rejectsWith(readJsonBytes('[1, 2]'), 'BAD_MAGIC');
    const mx = await rejectsWith(readJsonBytes('{"nodes": [], "arg_nodes": [], "heads": []}'), 'BAD_MAGIC');
    assertAt(mx, { path: '$.nodes' });
    const tfjs = await rejectsWith(
      readJsonBytes('{"format": "graph-model", "version": 1, "tensors": []}'),
      'BAD_MAGIC',
    );
    assertAt(tfjs, { path: '$.format' });
    const none = await rejectsWith(readJsonBytes('{"version": 1, "tensors": []}'), 'BAD_MAGIC');
    assertAt(none, { path: '$' });
    const e = await rejectsWith(readJsonBytes('"nnport"'), 'BAD_MAGIC');
    assert.equal(e.format, 'json');
    assert.equal(e.file, 'm.json');
  });

  it('UNSUPPORTED_VERSION: a newer version', async () => {
    const e = await rejectsWith(
      readJsonBytes('{"format": "nnport", "version": 2, "tensors": []}'),
      'UNSUPPORTED_VERSION',
    );
    assertAt(e, { path: '$.version' });
    const big = '{"format": "nnport", "version": 99999999999999999999, "tensors": []}';
    await rejectsWith(readJsonBytes(big), 'UNSUPPORTED_VERSION');
    await rejectsWith(readJsonBytes(big.replace('99999', '-99999')), 'INVALID_STRUCTURE');
  });

  it('UNSUPPORTED_DTYPE: an unknown dtype name, in a tensor or a graph value', async () => {
    const e = await rejectsWith(
      readJsonBytes(doc('{"name": "c", "dtype": "complex32", "shape": [], "data": 1}')),
      'UNSUPPORTED_DTYPE',
    );
    assertAt(e, { path: '$.tensors[0].dtype' });
    const g = '{"inputs": [{"name": "x", "dtype": "float8"}], "outputs": [], "nodes": []}';
    const e2 = await rejectsWith(readJsonBytes(doc('', `, "graph": ${g}`)), 'UNSUPPORTED_DTYPE');
    assertAt(e2, { path: '$.graph.inputs[0].dtype' });
  });

  it('LIMIT_EXCEEDED: nesting, token size, rank, name length, nesting inside data', async () => {
    const deep = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    const e1 = await rejectsWith(readJsonBytes(doc('', `, "metadata": {"a": ${deep}}`)), 'LIMIT_EXCEEDED');
    assert.ok(e1.at !== undefined && 'line' in e1.at);
    const long = 'x'.repeat(MAX_TOKEN_BYTES + 1);
    await rejectsWith(readJsonBytes(doc('', `, "metadata": {"a": "${long}"}`)), 'LIMIT_EXCEEDED');
    await rejectsWith(
      readJsonBytes(doc('', `, "metadata": {"a": 1${'0'.repeat(MAX_TOKEN_BYTES)}}`)),
      'LIMIT_EXCEEDED',
    );
    const rank = JSON.stringify(new Array(MAX_RANK + 1).fill(1));
    const e3 = await rejectsWith(
      readJsonBytes(doc(`{"name": "r", "dtype": "int8", "shape": ${rank}, "data": 1}`)),
      'LIMIT_EXCEEDED',
    );
    assertAt(e3, { path: '$.tensors[0].shape' });
    const name = 'n'.repeat(MAX_NAME_LENGTH + 1);
    const e4 = await rejectsWith(
      readJsonBytes(doc(`{"name": "${name}", "dtype": "int8", "shape": [], "data": 1}`)),
      'LIMIT_EXCEEDED',
    );
    assertAt(e4, { path: '$.tensors[0].name' });
    await rejectsWith(
      readJsonBytes(doc(`{"name": "d", "dtype": "int8", "shape": [1], "data": ${deep}}`)),
      'LIMIT_EXCEEDED',
    );
    const huge = doc('{"name": "h", "dtype": "int8", "shape": [9007199254740993], "data": []}');
    await rejectsWith(readJsonBytes(huge), 'LIMIT_EXCEEDED');
    const big = doc(
      `{"name": "v", "dtype": "float32", "shape": [1], "data": [1${'0'.repeat(MAX_TOKEN_BYTES)}]}`,
    );
    await rejectsWith(readFully(big), 'LIMIT_EXCEEDED');
  });

  it('TRUNCATED: the text ends inside the document, at its line:column', async () => {
    const cut = W23.slice(0, W23.indexOf('[4, 5'));
    const e = await rejectsWith(readJsonBytes(cut), 'TRUNCATED');
    const lines = cut.split('\n');
    assertAt(e, { line: lines.length, column: lines[lines.length - 1].length + 1 });
    await rejectsWith(
      readJsonBytes('{"format": "nnport", "version": 1, "tensors": [{"name": "ab'),
      'TRUNCATED',
    );
    await rejectsWith(readJsonBytes(''), 'TRUNCATED');
  });

  it('INVALID_STRUCTURE: a short row, at its line:column with the row path', async () => {
    const text = W23.replace('[4, 5, 6]', '[4, 5]');
    const m = await readJsonBytes(text);
    const e = await rejectsWith(readTensorBytes(m.tensors[0]), 'INVALID_STRUCTURE');
    assertAt(e, where(text, '5]', 1));
    assert.match(e.detail, /\$\.tensors\[0\]\.data\[1\] has 2 elements/);
    assert.equal(e.format, 'json');
  });

  it('INVALID_STRUCTURE: a long row, a missing row, an extra row, too deep, too shallow', async () => {
    const cases: [string, string, number, RegExp][] = [
      [W23.replace('[1, 2, 3]', '[1, 2, 3, 4]'), ', 4', 0, /\$\.tensors\[0\]\.data\[0\] has more than 3/],
      [
        W23.replace('[4, 5, 6]', '[4, 5, 6],\n        [7, 8, 9]'),
        ',\n        [7',
        0,
        /\$\.tensors\[0\]\.data has more than 2/,
      ],
      [W23.replace('[4, 5, 6]', '[4, [5], 6]'), '[5]', 0, /\$\.tensors\[0\]\.data\[1\]\[1\]/],
      [
        W23.replace('[1, 2, 3],\n        [4, 5, 6]', '1, 2'),
        '1, 2',
        0,
        /expected an array at \$\.tensors\[0\]\.data\[0\]/,
      ],
    ];
    for (const [text, needle, shift, detail] of cases) {
      const m = await readJsonBytes(text);
      const e = await rejectsWith(readTensorBytes(m.tensors[0]), 'INVALID_STRUCTURE');
      assertAt(e, where(text, needle, shift));
      assert.match(e.detail, detail);
    }
    // The whole data value is shorter than the shape needs: refused before any allocation.
    const short = await rejectsWith(
      readJsonBytes(doc('{"name": "s", "dtype": "int8", "shape": [1000], "data": [1]}')),
      'INVALID_STRUCTURE',
    );
    assertAt(short, { path: '$.tensors[0].data' });
  });

  it('INVALID_STRUCTURE: a value that is not of the dtype, at its line:column', async () => {
    for (const [dtype, bad] of [
      ['int8', '128'],
      ['uint8', '-1'],
      ['int32', '1.5'],
      ['float32', '"nan("'],
      ['bool', '2'],
      ['float16', '{}'],
      ['int64', '9223372036854775808'],
    ]) {
      const ones = W23.replace('[1, 2, 3]', '[1, 0, 1]').replace('[4, 5, 6]', '[0, 1, 1]');
      const text = ones.replace('"float32"', `"${dtype}"`).replace('[0, 1,', `[0, ${bad},`);
      const m = await readJsonBytes(text);
      const e = await rejectsWith(readTensorBytes(m.tensors[0]), 'INVALID_STRUCTURE');
      assertAt(e, where(text, `[0, ${bad},`, 4));
      assert.match(e.detail, /\$\.tensors\[0\]\.data\[1\]\[1\]/);
    }
  });

  it('INVALID_STRUCTURE: bad JSON, unknown or duplicate members, missing members, wrong types', async () => {
    const syntax = W23.replace('"version": 1,', '"version": 1,,');
    const e = await rejectsWith(readJsonBytes(syntax), 'INVALID_STRUCTURE');
    assertAt(e, where(syntax, ',,', 1));
    const cases: [string, string][] = [
      [doc('', ', "extra": 1'), '$.extra'],
      [doc('{"name": "a", "dtype": "int8", "shape": [], "data": 1, "stride": [1]}'), '$.tensors[0].stride'],
      [doc('{"name": "a", "name": "b", "dtype": "int8", "shape": [], "data": 1}'), '$.tensors[0].name'],
      [doc('{"name": "a", "dtype": "int8", "shape": []}'), '$.tensors[0]'],
      [
        doc(
          '{"name": "a", "dtype": "int8", "shape": [], "data": 1}, {"name": "a", "dtype": "int8", "shape": [], "data": 1}',
        ),
        '$.tensors[1].name',
      ],
      [doc('{"name": 1, "dtype": "int8", "shape": [], "data": 1}'), '$.tensors[0].name'],
      [doc('{"name": "a", "dtype": 8, "shape": [], "data": 1}'), '$.tensors[0].dtype'],
      [doc('{"name": "a", "dtype": "int8", "shape": [-1], "data": [1]}'), '$.tensors[0].shape[0]'],
      [doc('{"name": "a", "dtype": "int8", "shape": "2", "data": [1]}'), '$.tensors[0].shape'],
      [doc('[1]'), '$.tensors[0]'],
      ['{"format": "nnport", "version": 1, "tensors": {}}', '$.tensors'],
      ['{"format": "nnport", "version": 1}', '$'],
      ['{"format": "nnport", "tensors": []}', '$'],
      ['{"format": "nnport", "version": 0.5, "tensors": []}', '$.version'],
      [doc('', ', "metadata": []'), '$.metadata'],
      [
        doc(
          '',
          ', "graph": {"inputs": [], "outputs": [], "nodes": [{"name": "n", "op": "X", "inputs": [], "outputs": [], "attributes": {"a": {"type": "int", "value": 1.5}}}]}',
        ),
        '$.graph.nodes[0].attributes.a.value',
      ],
    ];
    for (const [text, path] of cases) {
      const err = await rejectsWith(readJsonBytes(text), 'INVALID_STRUCTURE');
      assertAt(err, { path });
    }
    await rejectsWith(readJsonBytes(`${W23} {}`), 'INVALID_STRUCTURE');
  });

  it('INVALID_OFFSET: a read outside the tensor', async () => {
    const m = await readJsonBytes(W23);
    await assert.rejects(
      m.tensors[0].data.read(20, 8),
      (e) => e instanceof NnportError && e.code === 'INVALID_OFFSET',
    );
  });
});

describe('JSON reader with workers', () => {
  /** A big float32 tensor, rows of 999 so pieces end mid-row. */
  function big(): { name: string; values: Float32Array } {
    const values = new Float32Array(999 * 800);
    for (let i = 0; i < values.length; i++) values[i] = Math.fround((i % 1000) / 7 - 50);
    return { name: 'big', values };
  }

  it('parses pieces in workers to the same bytes', async () => {
    const { values } = big();
    const model = {
      format: 'memory',
      metadata: {},
      tensors: [
        tensorFromArray('big', 'float32', [800, 999], values),
        tensorFromArray('s', 'int8', [1], new Int8Array([1])),
      ],
    };
    const bytes = await writeJsonBytes(model);
    const parallel = fakeParallel(2);
    const m = await readJsonBytes(bytes, { parallel });
    await assertSameTensors(m, model);
    assert.ok(parallel.parses >= 3, `only ${parallel.parses} pieces`);
  });

  it('reports an error in a late piece at the same line:column as on one thread', async () => {
    const { values } = big();
    const model = {
      format: 'memory',
      metadata: {},
      tensors: [tensorFromArray('big', 'float32', [800, 999], values)],
    };
    let text = await writeJsonText(model);
    const lines = text.split('\n');
    const row = 700 + 7; // data rows start at line 8
    lines[row] = lines[row].replace(/, [^,]+,/, ', x1,');
    text = lines.join('\n');
    const one = await rejectsWith(readFully(text), 'INVALID_STRUCTURE');
    const many = await rejectsWith(readFully(text, { parallel: fakeParallel(2) }), 'INVALID_STRUCTURE');
    assert.deepEqual(many.at, one.at);
    assert.deepEqual(one.at, where(text, 'x1,'));
    // A row one value short in a late piece.
    const short = text.replace(', x1,', ',');
    const a = await rejectsWith(readFully(short), 'INVALID_STRUCTURE');
    const b = await rejectsWith(readFully(short, { parallel: fakeParallel(2) }), 'INVALID_STRUCTURE');
    assert.deepEqual(b.at, a.at);
    assert.equal(b.detail, a.detail);
  });
});
