/**
 * The shared value spelling (io/text/values.ts), integer text, tensor-name splitting and the
 * `rows` / `csv-long` chunk kinds: exact spellings, bit-exact round trips in every dtype, parser
 * leniency and strictness, and chunk-boundary independence (what makes parallel output identical).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { type DType, itemSize } from '../../src/core/dtype.js';
import { NnportError } from '../../src/core/errors.js';
import type { CsvLongFormatRequest, RowsFormatRequest } from '../../src/io/text/chunk.js';
import { formatChunk, parseChunk } from '../../src/io/text/chunk.js';
import { splitTensorName } from '../../src/io/text/names.js';
import { MAX_VALUE_CHARS, TextBuffer, valueParser, valueWriter } from '../../src/io/text/values.js';
import { ALL_DTYPES, bytesOf, elementArb, rejectsWith, specialElements, textOf } from './csv-txt-helpers.js';

/** Writes every element of `bytes`, space-separated. */
function spell(dtype: DType, bytes: Uint8Array, style: 'plain' | 'json' = 'plain'): string[] {
  const w = valueWriter(dtype, bytes, style);
  const n = bytes.length / itemSize(dtype);
  const buf = new Uint8Array(MAX_VALUE_CHARS);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(textOf(buf.subarray(0, w(i, buf, 0))));
  return out;
}

/** Parses one token as a dtype; undefined when refused. */
function parseOne(dtype: DType, token: string): Uint8Array | undefined {
  const out = new Uint8Array(itemSize(dtype));
  const src = bytesOf(` ${token} `);
  return valueParser(dtype, out)(src, 1, src.length - 1, 0) ? out : undefined;
}

const f32 = (...v: number[]) => new Uint8Array(new Float32Array(v).buffer);
const u32 = (...v: number[]) => new Uint8Array(new Uint32Array(v).buffer);

test('float spellings: shortest in the dtype, Number::toString layout, non-finite forms', () => {
  assert.deepEqual(spell('float32', f32(0.1, 100, 1e-7, -0, 3.4028234663852886e38, 1.5)), [
    '0.1',
    '100',
    '1e-7',
    '-0',
    '3.4028235e+38',
    '1.5',
  ]);
  assert.deepEqual(spell('float32', u32(0x7f800000, 0xff800000, 0x7fc00000, 0x7fc00001, 0xffc00000)), [
    'Infinity',
    '-Infinity',
    'NaN',
    'NaN(0x7fc00001)',
    'NaN(0xffc00000)',
  ]);
  assert.deepEqual(spell('float32', u32(0x7f800000, 0x7fc00000, 0x7fc00001), 'json'), [
    '"Infinity"',
    '"NaN"',
    '"NaN(0x7fc00001)"',
  ]);
  const f64 = new Uint8Array(
    new BigUint64Array([0x7ff8000000000000n, 0x7ff8000000000001n, 0xfff0000000000000n]).buffer,
  );
  assert.deepEqual(spell('float64', f64), ['NaN', 'NaN(0x7ff8000000000001)', '-Infinity']);
  assert.deepEqual(
    spell('float16', new Uint8Array(new Uint16Array([0x7e00, 0x7e01, 0x3c00, 0x0001]).buffer)),
    ['NaN', 'NaN(0x7e01)', '1', '6e-8'],
  );
  assert.deepEqual(spell('bfloat16', new Uint8Array(new Uint16Array([0x7fc0, 0x3dcd]).buffer)), [
    'NaN',
    '0.1',
  ]);
});

test('integer and bool spellings, full precision', () => {
  const i64 = new Uint8Array(
    new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, -1n, 2n ** 53n + 1n, -(2n ** 53n)]).buffer,
  );
  assert.deepEqual(spell('int64', i64), [
    '-9223372036854775808',
    '9223372036854775807',
    '-1',
    '9007199254740993',
    '-9007199254740992',
  ]);
  const u64 = new Uint8Array(new BigUint64Array([2n ** 64n - 1n, 0n, 2n ** 53n - 1n]).buffer);
  assert.deepEqual(spell('uint64', u64), ['18446744073709551615', '0', '9007199254740991']);
  assert.deepEqual(spell('int8', Int8Array.of(-128, 127, 0) as unknown as Uint8Array), ['-128', '127', '0']);
  assert.deepEqual(spell('int8', new Uint8Array(Int8Array.of(-128, 127, 0).buffer)), ['-128', '127', '0']);
  assert.deepEqual(spell('uint32', u32(4294967295, 10, 9)), ['4294967295', '10', '9']);
  assert.deepEqual(spell('bool', Uint8Array.of(1, 0)), ['1', '0']);
  assert.deepEqual(spell('bool', Uint8Array.of(1, 0), 'json'), ['true', 'false']);
});

test('every value of every dtype round-trips bit for bit, plain and JSON style', () => {
  for (const dtype of ALL_DTYPES) {
    for (const style of ['plain', 'json'] as const) {
      fc.assert(
        fc.property(fc.array(elementArb(dtype), { maxLength: 40 }), (els) => {
          const size = itemSize(dtype);
          const bytes = new Uint8Array(els.length * size);
          for (const [k, e] of els.entries()) bytes.set(e, k * size);
          const words = spell(dtype, bytes, style);
          const back = new Uint8Array(bytes.length);
          const parse = valueParser(dtype, back);
          words.forEach((w, k) => {
            const src = bytesOf(w);
            assert.ok(parse(src, 0, src.length, k), `${dtype} '${w}' parses`);
          });
          assert.deepEqual(back, bytes);
        }),
        { numRuns: 60 },
      );
    }
  }
});

test('all float16 and bfloat16 bit patterns round-trip', () => {
  for (const dtype of ['float16', 'bfloat16'] as const) {
    const all = new Uint16Array(65536);
    for (let k = 0; k < 65536; k++) all[k] = k;
    const bytes = new Uint8Array(all.buffer);
    const words = spell(dtype, bytes);
    const back = new Uint8Array(bytes.length);
    const parse = valueParser(dtype, back);
    for (const [k, w] of words.entries()) assert.ok(parse(bytesOf(w), 0, w.length, k), w);
    assert.deepEqual(back, bytes);
  }
});

test('readers accept any decimal syntax and the other spellings', () => {
  const asF32 = (t: string) => {
    const b = parseOne('float32', t);
    return b === undefined ? undefined : new Float32Array(b.buffer)[0];
  };
  assert.equal(asF32('1.0'), 1);
  assert.equal(asF32('1E5'), 1e5);
  assert.equal(asF32('+2'), 2);
  assert.equal(asF32('.5'), 0.5);
  assert.equal(asF32('0.100000001490116119384765625'), Math.fround(0.1));
  assert.equal(asF32('"2.5"'), 2.5);
  assert.equal(asF32('inf'), Number.POSITIVE_INFINITY);
  assert.equal(asF32('-Infinity'), Number.NEGATIVE_INFINITY);
  assert.equal(asF32('-INF'), Number.NEGATIVE_INFINITY);
  assert.deepEqual(parseOne('float32', 'nan'), u32(0x7fc00000));
  assert.deepEqual(parseOne('float32', '-nan'), u32(0xffc00000));
  assert.deepEqual(parseOne('float32', 'NaN(0x7FC00001)'), u32(0x7fc00001));
  assert.deepEqual(parseOne('bool', 'true'), Uint8Array.of(1));
  assert.deepEqual(parseOne('bool', 'False'), Uint8Array.of(0));
  assert.deepEqual(parseOne('bool', '1'), Uint8Array.of(1));
  assert.deepEqual(parseOne('uint8', '+0'), Uint8Array.of(0));
  assert.deepEqual(parseOne('uint64', '-0'), new Uint8Array(8));
  assert.deepEqual(parseOne('int16', '-00032768'), Uint8Array.of(0x00, 0x80));
  assert.deepEqual(
    parseOne('uint64', '18446744073709551615'),
    new Uint8Array(new BigUint64Array([2n ** 64n - 1n]).buffer),
  );
  assert.deepEqual(
    parseOne('int64', '-9223372036854775808'),
    new Uint8Array(new BigInt64Array([-(2n ** 63n)]).buffer),
  );
});

test('readers refuse bad syntax and out-of-range integers', () => {
  const bad: [DType, string][] = [
    ['float32', ''],
    ['float32', 'abc'],
    ['float32', '1..2'],
    ['float32', 'NaN(0x7f800000)'], // Infinity's bits are not a NaN
    ['float32', 'NaN(0x7fc0000001)'], // too many digits
    ['float16', 'NaN(0x7fc00001)'],
    ['int8', '128'],
    ['int8', '-129'],
    ['uint8', '-1'],
    ['uint8', '256'],
    ['int32', '2147483648'],
    ['uint32', '4294967296'],
    ['int64', '9223372036854775808'],
    ['int64', '-9223372036854775809'],
    ['uint64', '18446744073709551616'],
    ['uint64', '-1'],
    ['int32', '1.0'],
    ['int32', '1e3'],
    ['int32', '+'],
    ['int64', '99999999999999999999999999999999'],
    ['bool', '2'],
    ['bool', 'yes'],
    ['float64', 'NaN(0x7ff0000000000000)'],
  ];
  for (const [dtype, token] of bad) assert.equal(parseOne(dtype, token), undefined, `${dtype} '${token}'`);
});

test('splitTensorName: layer up to the last . or /, param without :0', () => {
  assert.deepEqual(splitTensorName('fc1.weight'), { layer: 'fc1', param: 'weight' });
  assert.deepEqual(splitTensorName('dense/kernel:0'), { layer: 'dense', param: 'kernel' });
  assert.deepEqual(splitTensorName('w'), { layer: '', param: 'w' });
  assert.deepEqual(splitTensorName('model.layers.0/attn.q_proj.weight'), {
    layer: 'model.layers.0/attn.q_proj',
    param: 'weight',
  });
  assert.deepEqual(splitTensorName('a/b.c:1'), { layer: 'a/b', param: 'c:1' });
});

test('TextBuffer grows and hands out what was written', () => {
  const b = new TextBuffer(64);
  b.ascii('abc');
  b.bytes(new Uint8Array(1000).fill(65));
  b.ensure(10);
  assert.equal(b.pos, 1003);
  const out = b.take();
  assert.equal(out.length, 1003);
  assert.equal(textOf(out.subarray(0, 4)), 'abcA');
  assert.equal(b.pos, 0);
});

const EMPTY = new Uint8Array(0);

function rowsRequest(
  dtype: DType,
  bytes: Uint8Array,
  start: number,
  total: number,
  rowLength: number,
): RowsFormatRequest {
  return {
    kind: 'rows',
    dtype,
    bytes,
    style: 'plain',
    start,
    total,
    rowLength,
    rowPrefix: bytesOf('['),
    separator: bytesOf(', '),
    rowSuffix: bytesOf(']'),
    rowJoin: bytesOf(',\n'),
  };
}

test('formatChunk gives the same text however the values are cut into chunks', () => {
  fc.assert(
    fc.property(
      fc.constantFrom<DType>('float32', 'int64', 'bool', 'float16'),
      fc.integer({ min: 1, max: 5 }),
      fc.integer({ min: 0, max: 6 }),
      fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 5 }),
      (dtype, rowLength, rows, cuts) => {
        const total = rowLength * rows;
        const size = itemSize(dtype);
        const bytes = new Uint8Array(total * size).map((_, k) =>
          dtype === 'bool' ? k % 2 : (k * 37) & 0xff,
        );
        const whole = textOf(formatChunk(rowsRequest(dtype, bytes, 0, total, rowLength)));
        let pieces = '';
        let long = '';
        const shape = [rows, rowLength];
        const prefix = bytesOf('t,,t,x,y,');
        const wholeLong = textOf(formatChunk({ kind: 'csv-long', dtype, bytes, prefix, shape, start: 0 }));
        for (let at = 0, k = 0; at < total; k++) {
          const n = Math.min(cuts[k % cuts.length], total - at);
          const part = bytes.subarray(at * size, (at + n) * size);
          pieces += textOf(formatChunk(rowsRequest(dtype, part, at, total, rowLength)));
          const req: CsvLongFormatRequest = {
            kind: 'csv-long',
            dtype,
            bytes: part,
            prefix,
            shape,
            start: at,
          };
          long += textOf(formatChunk(req));
          at += n;
        }
        assert.equal(pieces, whole);
        assert.equal(long, wholeLong);
      },
    ),
  );
});

test('csv-long chunks write the C-order index', () => {
  const bytes = new Uint8Array(new Int32Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]).buffer);
  const text = textOf(
    formatChunk({
      kind: 'csv-long',
      dtype: 'int32',
      bytes,
      prefix: bytesOf('p,'),
      shape: [2, 3, 2],
      start: 0,
    }),
  );
  assert.deepEqual(text.trim().split('\n').slice(0, 4), ['p,0 0 0,0', 'p,0 0 1,1', 'p,0 1 0,2', 'p,0 1 1,3']);
  assert.equal(text.trim().split('\n')[11], 'p,1 2 1,11');
  const scalar = formatChunk({
    kind: 'csv-long',
    dtype: 'int32',
    bytes: bytes.subarray(0, 4),
    prefix: bytesOf('s,'),
    shape: [],
    start: 0,
  });
  assert.equal(textOf(scalar), 's,,0\n');
});

test('parseChunk rows: lenient blanks, CRLF, strict counts with line:column', async () => {
  const req = (
    text: string,
    rows: number,
    rowLength: number,
    separator: 'space' | 'comma' = 'space',
    skipBlank = false,
  ) =>
    parseChunk({
      kind: 'rows',
      dtype: 'int32',
      text: bytesOf(text),
      rows,
      rowLength,
      separator,
      line: 10,
      skipBlank,
    });
  assert.deepEqual([...new Int32Array(req('1  2\t3\r\n4 5 6', 2, 3).buffer)], [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(
    [...new Int32Array(req(' 1 , 2\n# c\n\n3,4\n\n', 2, 2, 'comma', true).buffer)],
    [1, 2, 3, 4],
  );
  await rejectsWith(async () => req('1 2\n3\n', 2, 2), 'INVALID_STRUCTURE', { line: 11, column: 2 });
  await rejectsWith(async () => req('1 2 3\n', 1, 2), 'INVALID_STRUCTURE', { line: 10, column: 5 });
  await rejectsWith(async () => req('1 x\n', 1, 2), 'INVALID_STRUCTURE', { line: 10, column: 3 });
  await rejectsWith(async () => req('1 2\n', 2, 2), 'TRUNCATED', { line: 11, column: 1 });
  await rejectsWith(async () => req('1 2\n3 4\n', 1, 2), 'INVALID_STRUCTURE', { line: 11, column: 1 });
  await rejectsWith(async () => req('1,,2\n', 1, 3, 'comma'), 'INVALID_STRUCTURE', { line: 10, column: 3 });
  await rejectsWith(async () => req('1;2\n', 1, 2, 'comma'), 'INVALID_STRUCTURE', { line: 10, column: 1 });
  const e = await rejectsWith(async () => req('99999999999\n', 1, 1), 'INVALID_STRUCTURE');
  assert.ok(e instanceof NnportError);
});

test('parseChunk csv-long checks the prefix and the index', async () => {
  const req = (text: string, rows: number, start = 0) =>
    parseChunk({
      kind: 'csv-long',
      dtype: 'float32',
      text: bytesOf(text),
      rows,
      prefix: bytesOf('w,,w,float32,2 2,'),
      prefixLines: 0,
      shape: [2, 2],
      start,
      line: 3,
    });
  assert.deepEqual(
    [...new Float32Array(req('w,,w,float32,2 2,1 0,2.5\r\nw,,w,float32,2 2,1 1,-1', 2, 2).buffer)],
    [2.5, -1],
  );
  assert.deepEqual([...new Float32Array(req('w,,w,float32,2 2,"0 0","1"\n', 1).buffer)], [1]);
  await rejectsWith(async () => req('w,,w,float32,2 2,0 1,1\n', 1), 'INVALID_STRUCTURE', {
    line: 3,
    column: 20,
  });
  await rejectsWith(async () => req('v,,w,float32,2 2,0 0,1\n', 1), 'INVALID_STRUCTURE', {
    line: 3,
    column: 1,
  });
  await rejectsWith(async () => req('w,,w,float32,2 2,0 0,abc\n', 1), 'INVALID_STRUCTURE', {
    line: 3,
    column: 22,
  });
  await rejectsWith(async () => req('w,,w,float32,2 2,0 0,1,2\n', 1), 'INVALID_STRUCTURE', {
    line: 3,
    column: 23,
  });
  await rejectsWith(async () => req('w,,w,float32,2 2,0 0,\n', 1), 'INVALID_STRUCTURE', {
    line: 3,
    column: 22,
  });
  await rejectsWith(async () => req('w,,w,float32,2 2,0 0,1\n', 2), 'TRUNCATED', { line: 4, column: 1 });
});

test('special elements of every dtype survive a rows chunk round trip', () => {
  for (const dtype of ALL_DTYPES) {
    const els = specialElements(dtype);
    const size = itemSize(dtype);
    const bytes = new Uint8Array(els.length * size);
    for (const [k, e] of els.entries()) bytes.set(e, k * size);
    const text = formatChunk({
      kind: 'rows',
      dtype,
      bytes,
      style: 'plain',
      start: 0,
      total: els.length,
      rowLength: els.length,
      rowPrefix: EMPTY,
      separator: bytesOf(' '),
      rowSuffix: bytesOf('\n'),
      rowJoin: EMPTY,
    });
    const back = parseChunk({
      kind: 'rows',
      dtype,
      text,
      rows: 1,
      rowLength: els.length,
      separator: 'space',
      line: 1,
      skipBlank: false,
    });
    assert.deepEqual(back, bytes, dtype);
  }
});
