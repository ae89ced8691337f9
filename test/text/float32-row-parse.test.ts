/**
 * The one-pass float32 row parser (src/io/text/float32-row-parse.ts, used by `parseRows`) must give
 * exactly the bits of the general parser `parseFloat32Bytes` for every token, take the general
 * path for anything unusual, and leave error reporting to `parseRows`' general code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseRows, type RowsParseRequest } from '../../src/io/text/chunk-rows.js';
import { writeFloat32 } from '../../src/io/text/float-format.js';
import { parseFloat32Bytes } from '../../src/io/text/float-parse.js';

const enc = new TextEncoder();

/** Parses `rows` of `tokens` joined by `sep` and line ends `eol` through parseRows. */
function rowsOf(tokens: string[], rowLength: number, sep: string, eol: string): Uint32Array {
  const lines: string[] = [];
  for (let k = 0; k < tokens.length; k += rowLength) lines.push(tokens.slice(k, k + rowLength).join(sep));
  const req: RowsParseRequest = {
    kind: 'rows',
    dtype: 'float32',
    text: enc.encode(lines.join(eol) + eol),
    rows: lines.length,
    rowLength,
    separator: sep.trim() === ',' ? 'comma' : 'space',
    line: 1,
    skipBlank: true,
  };
  const out = parseRows(req);
  return new Uint32Array(out.buffer, out.byteOffset, out.byteLength / 4);
}

/** The general parser's bits for each token (quotes stripped as the row parser does). */
function expected(tokens: string[]): Uint32Array {
  return Uint32Array.from(tokens, (t) => {
    const s = t.startsWith('"') ? t.slice(1, -1) : t;
    const b = enc.encode(s);
    const bits = parseFloat32Bytes(b, 0, b.length);
    assert.notEqual(bits, undefined, t);
    return bits as number;
  });
}

describe('parseFloat32Row through parseRows', () => {
  it('random float32 values as nnport writes them, and at 9 to 15 digits', () => {
    let s = 0x2545f491;
    const next = (): number => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return s >>> 0;
    };
    const tokens: string[] = [];
    const buf = new Uint8Array(40);
    for (let k = 0; k < 60000; k++) {
      const bits = next();
      tokens.push(Buffer.from(buf.subarray(0, writeFloat32(bits, buf, 0))).toString('latin1'));
      const u = (next() + 1) / 4294967297;
      const digits = 9 + (k % 7);
      tokens.push(((u - 0.5) * 0.2).toFixed(digits));
    }
    const want = expected(tokens);
    for (const [sep, eol] of [
      [',', '\n'],
      [',', '\r\n'],
      [' ', '\n'],
    ]) {
      assert.deepEqual(
        rowsOf(tokens, 100, sep, eol),
        want,
        `sep ${JSON.stringify(sep)} eol ${JSON.stringify(eol)}`,
      );
    }
  });

  it('float32 midpoints and near-midpoints, long and exotic tokens', () => {
    const tokens = [
      '1.00000005960464477550', // just above the midpoint 1 + 2^-24: rounds up
      '1.000000059604644775390625', // exactly the midpoint: ties to even (1)
      '1.0000000596046448', // 17 digits: general path
      '16777217', // 2^24 + 1: a midpoint, to even
      '16777219', // to even upwards
      '0.000000000000001',
      '-0',
      '0',
      '-0.0',
      '.5',
      '5.',
      '+1.5',
      '1e-7',
      '3.4028235e+38',
      '1E5',
      'NaN',
      '-Infinity',
      'NaN(0x7fc00001)',
      '"0.25"',
      '123456789012345',
      '1234567890123456789',
    ];
    assert.deepEqual(rowsOf(tokens, tokens.length, ',', '\n'), expected(tokens));
    assert.deepEqual(rowsOf(tokens, 3, ',', '\r\n').subarray(0, 21), expected(tokens));
  });

  it('rows with blanks around values fall back to the general code', () => {
    const text = enc.encode(' 1.5 , -2.25,3\n4 ,5,  6  \r\n\n# comment\n7,8,9');
    const req: RowsParseRequest = {
      kind: 'rows',
      dtype: 'float32',
      text,
      rows: 3,
      rowLength: 3,
      separator: 'comma',
      line: 1,
      skipBlank: true,
    };
    assert.deepEqual([...new Float32Array(parseRows(req).buffer)], [1.5, -2.25, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('malformed rows still raise the general errors with line:column', () => {
    const bad = (s: string, rows: number, code: string, line: number, column: number): void => {
      const req: RowsParseRequest = {
        kind: 'rows',
        dtype: 'float32',
        text: enc.encode(s),
        rows,
        rowLength: 3,
        separator: 'comma',
        line: 1,
        skipBlank: false,
      };
      assert.throws(
        () => parseRows(req),
        (e: { code?: string; at?: { line: number; column: number } }) =>
          e.code === code && e.at?.line === line && e.at?.column === column,
        s,
      );
    };
    bad('1,2,3\n4,5\n', 2, 'INVALID_STRUCTURE', 2, 4);
    bad('1,2,3\n4,5,6,7\n', 2, 'INVALID_STRUCTURE', 2, 6);
    bad('1,2,3\n4,x,6\n', 2, 'INVALID_STRUCTURE', 2, 3);
    bad('1,2,3\n4,,6\n', 2, 'INVALID_STRUCTURE', 2, 3);
    bad('1,2,3\n', 2, 'TRUNCATED', 2, 1);
    bad('1,2,3\n4,5,6-\n', 2, 'INVALID_STRUCTURE', 2, 5);
  });
});
