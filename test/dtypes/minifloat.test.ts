/**
 * float8 ×5 and float4e2m1, exhaustively: every bit pattern decodes to the value the spec formulas
 * give (a Python reference written from ONNX Float8.md / Float4e2m1.md and OCP MX, exact
 * rationals: test/peers/minifloat-ref.py), its text spelling reads back to the same pattern, no
 * shorter decimal does, and decimals around every midpoint (exact ties, one digit above or below)
 * round as the reference rounds them: nearest, ties to even (E8M0: ties up), saturating.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { decodeMiniFloat, encodeMiniFloat, MINIFLOAT_DTYPES, MINIFLOATS } from '../../src/core/minifloat.js';
import { formatMiniFloat, parseMiniFloatString } from '../../src/io/text/minifloat-text.js';
import { valueParser, valueWriter } from '../../src/io/text/values.js';
import { peerScript } from '../npy/helpers.js';

const PYTHON = '/usr/bin/python3';

/** The exact decimal of a double with few significant bits (k · 2^q). */
function exactDecimal(x: number): { digits: bigint; exp: number } {
  let k = x;
  let q = 0;
  while (!Number.isInteger(k)) {
    k *= 2;
    q--;
  }
  return q < 0
    ? { digits: BigInt(k) * 5n ** BigInt(-q), exp: q }
    : { digits: BigInt(k) * 2n ** BigInt(q), exp: 0 };
}

/** Decimals to round: every midpoint exactly, a hair above and below, both signs, and outliers. */
function decimalsFor(dtype: (typeof MINIFLOAT_DTYPES)[number]): string[] {
  const ladder = MINIFLOATS[dtype].ladder;
  const out = ['0', '-0', '1e9', '-1e9', '1e-60', '-1e-60', '0.3', '-0.7', '1e38', '3e-39'];
  for (let k = 0; k + 1 < ladder.length; k++) {
    const { digits, exp } = exactDecimal((ladder[k] + ladder[k + 1]) / 2);
    for (const sign of ['', '-']) {
      out.push(`${sign}${digits}e${exp}`);
      out.push(`${sign}${digits}000001e${exp - 6}`);
      out.push(`${sign}${digits * 1000000n - 1n}e${exp - 6}`);
    }
    out.push(String(ladder[k]), `-${ladder[k + 1]}`);
  }
  return out;
}

interface Reference {
  values: string[];
  encode: (number | null)[];
}

function reference(decimals: Record<string, string[]>): Record<string, Reference> {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'pipe' });
  } catch (e) {
    assert.fail(`the NumPy peer is missing (${String(e)}); install it with: apt-get install python3-numpy`);
  }
  const out = execFileSync(PYTHON, [peerScript('minifloat-ref.py')], {
    input: JSON.stringify({ decimals }),
    encoding: 'utf8',
    maxBuffer: 1 << 28,
  });
  return JSON.parse(out) as Record<string, Reference>;
}

const decimals = Object.fromEntries(MINIFLOAT_DTYPES.map((d) => [d, decimalsFor(d)]));
const ref = reference(decimals);

function bitsOf(x: number): string {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, x, true);
  return v.getBigUint64(0, true).toString(16).padStart(16, '0');
}

for (const dtype of MINIFLOAT_DTYPES) {
  const n = 1 << MINIFLOATS[dtype].bits;

  test(`${dtype}: every pattern decodes as the spec reference says`, () => {
    for (let c = 0; c < n; c++) {
      const v = decodeMiniFloat(dtype, c);
      const want = ref[dtype].values[c];
      if (Number.isNaN(v)) assert.equal(want, '7ff8000000000000', `${dtype} 0x${c.toString(16)} is NaN`);
      else assert.equal(bitsOf(v), want, `${dtype} 0x${c.toString(16)}`);
    }
  });

  test(`${dtype}: every pattern's spelling reads back to it, and no shorter decimal does`, () => {
    for (let c = 0; c < n; c++) {
      const s = formatMiniFloat(dtype, c);
      assert.equal(parseMiniFloatString(dtype, s), c, `${dtype} 0x${c.toString(16)} '${s}'`);
      const v = decodeMiniFloat(dtype, c);
      if (!Number.isFinite(v) || v === 0) continue;
      const digits = s
        .replace(/^-/, '')
        .replace(/e.*$/, '')
        .replace('.', '')
        .replace(/^0+/, '')
        .replace(/0+$/, '').length;
      for (let p = 1; p < digits; p++) {
        assert.notEqual(
          parseMiniFloatString(dtype, v.toPrecision(p)),
          c,
          `${dtype} '${v.toPrecision(p)}' is shorter`,
        );
      }
    }
  });

  test(`${dtype}: decimals round to nearest like the reference (ties, near-ties, saturation)`, () => {
    const want = ref[dtype].encode;
    for (const [k, d] of decimals[dtype].entries()) {
      const got = parseMiniFloatString(dtype, d);
      assert.equal(got ?? null, want[k], `${dtype} '${d}'`);
    }
  });

  test(`${dtype}: values.ts writes and reads every pattern through the shared value layer (plain and JSON)`, () => {
    const bytes = Uint8Array.from({ length: n }, (_, c) => c);
    for (const style of ['plain', 'json'] as const) {
      const write = valueWriter(dtype, bytes, style);
      const back = new Uint8Array(n);
      const parse = valueParser(dtype, back);
      const buf = new Uint8Array(64);
      for (let c = 0; c < n; c++) {
        const end = write(c, buf, 0);
        assert.ok(parse(buf, 0, end, c), `${dtype} ${style} 0x${c.toString(16)}`);
      }
      assert.deepEqual(back, bytes);
    }
  });
}

test('non-finite spellings: NaN forms, Infinity saturates where there is none, e8m0 refuses zero', () => {
  assert.equal(parseMiniFloatString('float8e4m3fn', 'NaN'), 0x7f);
  assert.equal(parseMiniFloatString('float8e4m3fn', '-NaN'), 0xff);
  assert.equal(parseMiniFloatString('float8e4m3fn', 'NaN(0xff)'), 0xff);
  assert.equal(parseMiniFloatString('float8e4m3fn', 'NaN(0x7e)'), undefined); // 448, not a NaN
  assert.equal(parseMiniFloatString('float8e4m3fn', 'Infinity'), 0x7e); // saturate=1: max
  assert.equal(parseMiniFloatString('float8e4m3fn', '-inf'), 0xfe);
  assert.equal(parseMiniFloatString('float8e5m2', 'Infinity'), 0x7c);
  assert.equal(parseMiniFloatString('float8e5m2', '-Infinity'), 0xfc);
  assert.equal(parseMiniFloatString('float8e5m2', '1e6'), 0x7b); // finite overflow saturates
  assert.equal(parseMiniFloatString('float8e5m2fnuz', 'NaN'), 0x80);
  assert.equal(parseMiniFloatString('float8e5m2fnuz', '-0'), 0x00); // no negative zero
  assert.equal(parseMiniFloatString('float8e4m3fnuz', '-NaN'), 0x80);
  assert.equal(parseMiniFloatString('float8e8m0', 'NaN'), 0xff);
  assert.equal(parseMiniFloatString('float8e8m0', '0'), undefined);
  assert.equal(parseMiniFloatString('float8e8m0', '-1'), undefined);
  assert.equal(parseMiniFloatString('float8e8m0', '1'), 127);
  assert.equal(parseMiniFloatString('float4e2m1', 'NaN'), undefined);
  assert.equal(parseMiniFloatString('float4e2m1', 'Infinity'), 0x7);
  assert.equal(parseMiniFloatString('float4e2m1', '-2.5'), 0xc); // tie 2|3 → the even pattern, -2
  assert.equal(parseMiniFloatString('float4e2m1', 'abc'), undefined);
  assert.equal(encodeMiniFloat('float8e4m3fn', Number.NaN), 0x7f);
  assert.equal(formatMiniFloat('float8e5m2', 0x7e), 'NaN(0x7e)');
  assert.equal(formatMiniFloat('float8e5m2', 0x7f), 'NaN');
  assert.equal(formatMiniFloat('float8e4m3fnuz', 0x80), 'NaN');
});
