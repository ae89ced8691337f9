/**
 * Exact decimal parsing (src/io/text/float-parse.ts) and the bit conversions it builds on
 * (src/io/text/float-bits.ts), checked against a reference written here: the decimal as an exact
 * BigInt fraction, and a binary search over the dtype's bit patterns (ordered like their values)
 * for the correctly rounded one. No code is shared with the implementation.
 *
 * - syntax: what is accepted and what is a syntax error;
 * - random decimals of 1..60 digits in every layout, over and beyond each dtype's range;
 * - every float16/bfloat16 midpoint (and sampled float32 ones): exactly, a hair above, a hair
 *   below, and rounded to 17..21 significant digits — the double-rounding traps where
 *   decimal → double → float32 goes wrong;
 * - float64: random values, long decimals, midpoints, NaN payloads;
 * - float-bits: every float16/bfloat16 pattern and midpoint through numberToF16Bits/Bf16.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bf16BitsToNumber,
  f16BitsToNumber,
  f32BitsToNumber,
  f64BitsToNumber,
  f64HiWord,
  f64LoWord,
  numberToBf16Bits,
  numberToF16Bits,
  numberToF32Bits,
} from '../../src/io/text/float-bits.js';
import {
  parseBFloat16,
  parseBFloat16Bytes,
  parseFloat16,
  parseFloat16Bytes,
  parseFloat32,
  parseFloat32Bytes,
  parseFloat64,
  parseFloat64Bits,
  parseFloat64BitsBytes,
  parseFloat64Bytes,
} from '../../src/io/text/float-parse.js';

// ---------------------------------------------------------------------------------------------
// Reference

interface Layout {
  readonly name: string;
  readonly mantBits: number;
  readonly expBits: number;
  readonly parse: (text: string) => number;
}
const F32: Layout = { name: 'float32', mantBits: 23, expBits: 8, parse: parseFloat32 };
const F16: Layout = { name: 'float16', mantBits: 10, expBits: 5, parse: parseFloat16 };
const BF16: Layout = { name: 'bfloat16', mantBits: 7, expBits: 8, parse: parseBFloat16 };

interface Rational {
  neg: boolean;
  num: bigint; // ≥ 0
  den: bigint; // > 0
}

/** The exact value of a decimal literal (sign, digits, optional point, optional exponent). */
function rational(s: string): Rational {
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(s);
  assert.ok(m, `not a decimal: ${s}`);
  const digits = `${m[2]}${m[3] ?? ''}` || '0';
  const exp = Number(m[4] ?? 0) - (m[3] ?? '').length;
  const n = BigInt(digits);
  return exp >= 0
    ? { neg: m[1] === '-', num: n * 10n ** BigInt(exp), den: 1n }
    : { neg: m[1] === '-', num: n, den: 10n ** BigInt(-exp) };
}

/** sign of num/den − a·2^e */
function cmpDyadic(x: Rational, a: bigint, e: number): number {
  const l = x.num << BigInt(Math.max(-e, 0));
  const r = (a << BigInt(Math.max(e, 0))) * x.den;
  return l < r ? -1 : l > r ? 1 : 0;
}

/** Positive pattern p ≤ the Infinity pattern as a·2^e (Infinity counts as 2^(emax+1)). */
function patternValue(p: bigint, f: { mantBits: number; expBits: number }): [bigint, number] {
  const bias = (1 << (f.expBits - 1)) - 1;
  const e = Number(p >> BigInt(f.mantBits));
  const frac = p & ((1n << BigInt(f.mantBits)) - 1n);
  if (e === 0) return [frac, 1 - bias - f.mantBits];
  return [frac + (1n << BigInt(f.mantBits)), e - bias - f.mantBits];
}

/** Correctly rounded bits of the decimal s in layout f (round to nearest, ties to even). */
function refRound(s: string, f: { mantBits: number; expBits: number }): bigint {
  const x = rational(s);
  const signBit = x.neg ? 1n << BigInt(f.mantBits + f.expBits) : 0n;
  const inf = ((1n << BigInt(f.expBits)) - 1n) << BigInt(f.mantBits);
  // largest p in [0, inf] with value(p) ≤ x
  let lo = 0n;
  let hi = inf;
  while (lo < hi) {
    const mid = (lo + hi + 1n) >> 1n;
    const [a, e] = patternValue(mid, f);
    if (cmpDyadic(x, a, e) >= 0) lo = mid;
    else hi = mid - 1n;
  }
  if (lo === inf) return signBit | inf;
  // compare with the midpoint of lo and lo + 1: (a1·2^e1 + a2·2^e2)/2
  const [a1, e1] = patternValue(lo, f);
  const [a2, e2] = patternValue(lo + 1n, f);
  const e = Math.min(e1, e2);
  const sum = (a1 << BigInt(e1 - e)) + (a2 << BigInt(e2 - e));
  const c = cmpDyadic(x, sum, e - 1);
  const up = c > 0 || (c === 0 && (lo & 1n) === 1n);
  return signBit | (up ? lo + 1n : lo);
}

/** Exact decimal spelling of a·2^e. */
function dyadicText(a: bigint, e: number): string {
  if (e >= 0) return (a << BigInt(e)).toString();
  return `${(a * 5n ** BigInt(-e)).toString()}e${e}`;
}

function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** A random decimal with `digits` significant digits near 10^p10, in a random layout. */
function randomDecimal(rnd: () => number, digits: number, p10: number): string {
  let d = String(1 + (rnd() % 9));
  for (let i = 1; i < digits; i++) d += String(rnd() % 10);
  // sometimes long runs of 0s or 9s, which sit next to exact binary values
  if (rnd() % 4 === 0) d = d.slice(0, 1 + (rnd() % 8)) + (rnd() % 2 ? '0' : '9').repeat(digits) + d.slice(-2);
  const style = rnd() % 4;
  const sign = ['', '-', '+', ''][rnd() % 4];
  const lead = rnd() % 5 === 0 ? '000' : '';
  if (style === 0) return `${sign}${lead}${d[0]}.${d.slice(1)}e${p10}`;
  if (style === 1) return `${sign}${lead}${d}E${p10 - d.length + 1 >= 0 ? '+' : ''}${p10 - d.length + 1}`;
  // plain positional when the exponent is moderate
  const pointAt = p10 + 1; // digits before the point
  if (pointAt <= 0 && pointAt > -40) return `${sign}0.${'0'.repeat(-pointAt)}${d}`;
  if (pointAt > 0 && pointAt < d.length) return `${sign}${lead}${d.slice(0, pointAt)}.${d.slice(pointAt)}`;
  if (pointAt >= d.length && pointAt < 60)
    return `${sign}${d}${'0'.repeat(pointAt - d.length)}${rnd() % 2 ? '.' : ''}`;
  return `${sign}${d}e${p10 - d.length + 1}`;
}

function hex(b: number | bigint): string {
  return `0x${b.toString(16)}`;
}

// ---------------------------------------------------------------------------------------------

describe('syntax', () => {
  it('accepts the documented forms', () => {
    const cases: [string, number][] = [
      ['0', 0],
      ['-0', 0x80000000],
      ['+0', 0],
      ['0.000', 0],
      ['-0e5', 0x80000000],
      ['1', 0x3f800000],
      ['+1', 0x3f800000],
      ['1.', 0x3f800000],
      ['.5', 0x3f000000],
      ['-.5', 0xbf000000],
      ['00001.0000', 0x3f800000],
      ['1e0', 0x3f800000],
      ['10e-1', 0x3f800000],
      ['0.1e1', 0x3f800000],
      ['1E+0', 0x3f800000],
      ['100e-2', 0x3f800000],
      ['1e0000000000000000000000000000', 0x3f800000],
      ['0.1', 0x3dcccccd],
      ['3.4028235e+38', 0x7f7fffff],
      ['3.4028236e38', 0x7f800000],
      ['1e39', 0x7f800000],
      ['-1e99999999999999999999', 0xff800000],
      ['1e-99999999999999999999', 0],
      ['-1e-46', 0x80000000],
      ['1e-45', 1],
      ['7.0065e-46', 1],
      ['7.006e-46', 0],
      ['7.0064923216240e-46', 0], // just below half the smallest subnormal (2^-150 = 7.00649232162408…e-46)
      ['0e99999', 0],
      ['Infinity', 0x7f800000],
      ['+Infinity', 0x7f800000],
      ['-Infinity', 0xff800000],
      ['inf', 0x7f800000],
      ['-inf', 0xff800000],
      ['+inf', 0x7f800000],
      ['nan', 0x7fc00000],
      ['NaN', 0x7fc00000],
      ['NaN(0x7fc00001)', 0x7fc00001],
      ['NaN(0xFFC00000)', 0xffc00000],
      ['NaN(0x7f800001)', 0x7f800001],
    ];
    for (const [text, bits] of cases) assert.equal(parseFloat32(text), bits, text);
    assert.equal(parseFloat16('NaN(0x7e01)'), 0x7e01);
    assert.equal(parseFloat16('65504'), 0x7bff);
    assert.equal(parseFloat16('65519.99'), 0x7bff);
    assert.equal(parseFloat16('65520'), 0x7c00);
    assert.equal(parseBFloat16('NaN(0xffc1)'), 0xffc1);
    assert.equal(parseBFloat16('-inf'), 0xff80);
    assert.equal(parseFloat64('-0'), -0);
    assert.ok(Object.is(parseFloat64('-0'), -0));
    assert.equal(parseFloat64('1e400'), Number.POSITIVE_INFINITY);
    assert.equal(parseFloat64('-Infinity'), Number.NEGATIVE_INFINITY);
    assert.ok(Number.isNaN(parseFloat64('NaN(0x7ff0000000000001)')));
  });

  it('rejects everything else', () => {
    const bad = [
      '',
      '-',
      '+',
      '.',
      '-.',
      'e5',
      '.e5',
      '1e',
      '1e+',
      '1e-',
      '1.2.3',
      '1e5.5',
      '1e5e5',
      ' 1',
      '1 ',
      '0x10',
      '1_000',
      '--1',
      '+-1',
      '1d5',
      '1,5',
      'infinity',
      'INF',
      'Inf',
      'Infinit',
      'Infinityy',
      'nAn',
      '-nan',
      '+NaN',
      '-NaN(0x7fc00001)',
      'NaN()',
      'NaN(0x)',
      'NaN(7fc00001)',
      'NaN(0x7fc00001',
      'NaN(0x7fc0001)', // too few digits for float32
      'NaN(0x007fc00001)', // too many
      'NaN(0x7f800000)', // Infinity, not a NaN
      'NaN(0x3f800000)',
      'NaN(0x7fc0000g)',
      'NaN(0x7fc 0001)',
      '١',
      '1\u0000',
    ];
    for (const text of bad) {
      assert.throws(() => parseFloat32(text), /float32/, JSON.stringify(text));
      const bytes = Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);
      if ([...text].every((c) => c.charCodeAt(0) < 128))
        assert.equal(parseFloat32Bytes(bytes, 0, bytes.length), undefined, text);
      if (text !== 'NaN(0x7fc0001)') assert.equal(parseFloat64Bytes(bytes, 0, bytes.length), undefined, text);
    }
    assert.equal(
      parseFloat16Bytes(
        Uint8Array.from('NaN(0x7c00)', (c) => c.charCodeAt(0)),
        0,
        11,
      ),
      undefined,
    );
    assert.equal(
      parseBFloat16Bytes(
        Uint8Array.from('NaN(0x7fc00000)', (c) => c.charCodeAt(0)),
        0,
        15,
      ),
      undefined,
    );
    assert.throws(() => parseFloat64('NaN(0x7ff0000000000000)'), /float64/);
  });

  it('parses a byte range inside a larger buffer', () => {
    const buf = Uint8Array.from('x,-0.25,1e-3;', (c) => c.charCodeAt(0));
    assert.equal(parseFloat32Bytes(buf, 2, 7), 0xbe800000);
    assert.equal(parseFloat64Bytes(buf, 8, 12), 0.001);
    assert.equal(parseFloat16Bytes(buf, 2, 7), 0xb400);
    assert.equal(parseBFloat16Bytes(buf, 2, 7), 0xbe80);
  });
});

describe('correct rounding', () => {
  it('known double-rounding traps (decimal → double → float32 is wrong for these)', () => {
    // float32 midpoint between 1 and 1 + 2^-23 is 1 + 2^-24 = 1.000000059604644775390625
    assert.equal(parseFloat32('1.00000005960464477550'), 0x3f800001); // above it; its nearest double is it
    assert.equal(parseFloat32('1.000000059604644775390625'), 0x3f800000); // exactly: ties to even
    assert.equal(parseFloat32('1.0000000596046447753906250000000000001'), 0x3f800001);
    assert.equal(parseFloat32('1.0000000596046447753906249999999999999'), 0x3f800000);
    assert.equal(parseFloat32('1.00000005960464477539'), 0x3f800000);
    // the same at the other end of the binade, where the gap below halves
    assert.equal(parseFloat32('0.99999997019767761230468750000001'), 0x3f800000);
    assert.equal(parseFloat32('0.9999999701976776123046875'), 0x3f800000); // tie: 1 is even
    assert.equal(parseFloat32('0.99999997019767761230468749999999'), 0x3f7fffff);
    // subnormal and overflow midpoints
    assert.equal(parseFloat32(dyadicText(1n, -150)), 0); // half the smallest subnormal ties to 0
    assert.equal(parseFloat32(`${5n ** 150n}1e-151`), 1); // 2^-150 + 10^-151
    assert.equal(parseFloat32(dyadicText(3n, -150)), 2);
    assert.equal(parseFloat32(dyadicText((1n << 25n) - 1n, 103)), 0x7f800000); // 2^128 − 2^103
    assert.equal(parseFloat32('340282356779733661637539395458142568447.99'), 0x7f7fffff);
    assert.equal(parseFloat16(dyadicText(1n, -25)), 0);
    assert.equal(parseFloat16('2.98023223876953125000001e-8'), 1);
  });

  for (const layout of [F32, F16, BF16]) {
    it(`${layout.name}: random decimals of 1..60 digits against the exact reference`, () => {
      const rnd = makeRandom(layout.mantBits * 1000 + 1);
      const range = layout === F16 ? [-10, 6] : [-48, 40];
      const n = layout === F32 ? 30000 : 15000;
      for (let i = 0; i < n; i++) {
        const digits = i % 3 === 0 ? 1 + (rnd() % 9) : i % 3 === 1 ? 10 + (rnd() % 12) : 1 + (rnd() % 60);
        const p10 = range[0] + (rnd() % (range[1] - range[0] + 1));
        const text = randomDecimal(rnd, digits, p10);
        const want = refRound(text, layout);
        const got = layout.parse(text);
        if (BigInt(got) !== want) assert.fail(`${layout.name} ${text}: got ${hex(got)}, want ${hex(want)}`);
      }
    });
  }

  /** Midpoint of patterns b and b+1 (both positive), exactly, a hair above and below, and rounded to 17..21 digits. */
  function checkMidpoint(layout: Layout, b: number): void {
    const [a1, e1] = patternValue(BigInt(b), layout);
    const [a2, e2] = patternValue(BigInt(b + 1), layout);
    const e = Math.min(e1, e2);
    const mid = dyadicText((a1 << BigInt(e1 - e)) + (a2 << BigInt(e2 - e)), e - 1);
    const even = b % 2 === 0 ? b : b + 1;
    const [digits, exp] = mid.includes('e') ? mid.split('e') : [mid, '0'];
    const above = `${digits}000000001e${Number(exp) - 9}`;
    const below = `${(BigInt(digits) * 1000000000n - 1n).toString()}e${Number(exp) - 9}`;
    assert.equal(layout.parse(mid), even, `${layout.name} midpoint ${mid}`);
    assert.equal(layout.parse(above), b + 1, `${layout.name} above ${above}`);
    assert.equal(layout.parse(below), b, `${layout.name} below ${below}`);
    for (const k of [17, 18, 20, 21]) {
      if (digits.length <= k) continue;
      // round the midpoint's digits to k places, both directions: lands within 10^-k of it
      const head = BigInt(digits.slice(0, k));
      for (const h of [head, head + 1n]) {
        const text = `${h.toString()}e${Number(exp) + digits.length - k}`;
        const want = refRound(text, layout);
        if (BigInt(layout.parse(text)) !== want) assert.fail(`${layout.name} ${text}: want ${hex(want)}`);
      }
    }
  }

  it('every float16 and bfloat16 midpoint', () => {
    for (const layout of [F16, BF16]) {
      const inf = ((1 << layout.expBits) - 1) << layout.mantBits;
      for (let b = 0; b < inf; b++) checkMidpoint(layout, b);
    }
  });

  it('float32 midpoints: every exponent, and random', () => {
    const rnd = makeRandom(55);
    for (let e = 0; e < 255; e++) {
      for (const f of [0, 1, 0x7ffffe, 0x7fffff, rnd() & 0x7fffff, rnd() & 0x7fffff])
        checkMidpoint(F32, e * 0x800000 + f);
    }
    for (let i = 0; i < 3000; i++) checkMidpoint(F32, rnd() % 0x7f800000);
  });
});

describe('float64', () => {
  const F64 = { mantBits: 52, expBits: 11 };
  const bitsOf = (x: number): bigint => (BigInt(f64HiWord(x)) << 32n) | BigInt(f64LoWord(x));

  it('random values round-trip through their shortest text', () => {
    const rnd = makeRandom(64);
    for (let i = 0; i < 100000; i++) {
      const x = f64BitsToNumber(rnd() & 0x7fefffff, rnd()) * (i % 2 ? -1 : 1);
      const s = String(x);
      assert.ok(Object.is(parseFloat64(s), x), s);
      assert.equal(parseFloat64(x.toExponential(19)), Number(x.toExponential(19)));
    }
  });

  it('long decimals and midpoints against the exact reference', () => {
    const rnd = makeRandom(6464);
    for (let i = 0; i < 1500; i++) {
      const text = randomDecimal(rnd, 15 + (rnd() % 40), -330 + (rnd() % 650));
      const want = refRound(text, F64);
      const got = bitsOf(parseFloat64(text));
      if (got !== want) assert.fail(`${text}: got ${hex(got)} want ${hex(want)}`);
    }
    for (let i = 0; i < 400; i++) {
      // midpoint of a random positive double and the next one, ± a hair
      const b = (BigInt(rnd() & 0x7fefffff) << 32n) | BigInt(rnd());
      const [a1, e1] = patternValue(b, F64);
      const [a2, e2] = patternValue(b + 1n, F64);
      const e = Math.min(e1, e2);
      const mid = dyadicText((a1 << BigInt(e1 - e)) + (a2 << BigInt(e2 - e)), e - 1);
      const [digits, exp] = mid.includes('e') ? mid.split('e') : [mid, '0'];
      const even = (b & 1n) === 0n ? b : b + 1n;
      assert.equal(bitsOf(parseFloat64(mid)), even, mid);
      assert.equal(bitsOf(parseFloat64(`${digits}01e${Number(exp) - 2}`)), b + 1n);
      assert.equal(bitsOf(parseFloat64(`${BigInt(digits) * 100n - 1n}e${Number(exp) - 2}`)), b);
    }
  });

  it('NaN payloads and non-finite spellings as bits', () => {
    assert.equal(parseFloat64Bits('NaN(0xfff8000000000001)'), 0xfff8000000000001n);
    assert.equal(parseFloat64Bits('NaN(0x7FF0000000000001)'), 0x7ff0000000000001n);
    assert.equal(parseFloat64Bits('nan'), 0x7ff8000000000000n);
    assert.equal(parseFloat64Bits('-Infinity'), 0xfff0000000000000n);
    assert.equal(parseFloat64Bits('-0'), 0x8000000000000000n);
    assert.equal(parseFloat64Bits('0.1'), 0x3fb999999999999an);
    const out = new Uint32Array(4);
    const buf = Uint8Array.from('NaN(0x7ff4000000000123)', (c) => c.charCodeAt(0));
    assert.equal(parseFloat64BitsBytes(buf, 0, buf.length, out, 2), true);
    assert.deepEqual([...out], [0, 0, 0x7ff40000, 0x123]);
    assert.equal(parseFloat64BitsBytes(buf, 0, 5, out, 0), false);
  });
});

describe('float-bits conversions', () => {
  const f64 = new Float64Array(1);
  const u64 = new BigUint64Array(f64.buffer);
  const nextUp = (x: number): number => {
    f64[0] = x;
    u64[0] += 1n;
    return f64[0];
  };
  const nextDown = (x: number): number => {
    f64[0] = x;
    u64[0] -= 1n;
    return f64[0];
  };

  for (const [name, toNumber, toBits, expBits, mantBits, nan] of [
    ['float16', f16BitsToNumber, numberToF16Bits, 5, 10, 0x7e00],
    ['bfloat16', bf16BitsToNumber, numberToBf16Bits, 8, 7, 0x7fc0],
  ] as const) {
    it(`${name}: every pattern converts exactly; every midpoint rounds to even`, () => {
      const inf = ((1 << expBits) - 1) << mantBits;
      for (let b = 0; b < 0x10000; b++) {
        const x = toNumber(b);
        if (Number.isNaN(x)) {
          assert.equal((b & inf) === inf && (b & ((1 << mantBits) - 1)) !== 0, true);
          assert.equal(toBits(x), nan);
          continue;
        }
        // exact: compare with the reference value a·2^e
        if ((b & 0x7fff) < inf) {
          const [a, e] = patternValue(BigInt(b & 0x7fff), { mantBits, expBits });
          assert.equal(Math.abs(x), Number(a) * 2 ** e);
        }
        assert.equal(toBits(x), b, `${name} ${hex(b)}`);
      }
      for (let b = 0; b < inf; b++) {
        const lo = toNumber(b);
        const hi = b + 1 === inf ? 2 ** ((1 << (expBits - 1)) - 1 + 1) : toNumber(b + 1);
        const mid = (lo + hi) / 2; // exact in a double
        const even = b % 2 === 0 ? b : b + 1;
        assert.equal(toBits(mid), even, `${name} mid ${hex(b)}`);
        assert.equal(toBits(nextUp(mid)), b + 1);
        assert.equal(toBits(nextDown(mid)), b);
        assert.equal(toBits(-mid), even | 0x8000);
      }
      assert.equal(toBits(Number.POSITIVE_INFINITY), inf);
      assert.equal(toBits(Number.NEGATIVE_INFINITY), inf | 0x8000);
      assert.equal(toBits(1e300), inf);
      assert.equal(toBits(1e-300), 0);
      assert.equal(toBits(-5e-324), 0x8000);
    });
  }

  it('float32 and float64 words', () => {
    const rnd = makeRandom(32);
    for (let i = 0; i < 100000; i++) {
      const b = rnd();
      const x = f32BitsToNumber(b);
      if (!Number.isNaN(x)) assert.equal(numberToF32Bits(x), b);
      const y = f64BitsToNumber(rnd(), rnd());
      if (!Number.isNaN(y)) assert.ok(Object.is(f64BitsToNumber(f64HiWord(y), f64LoWord(y)), y));
    }
    assert.equal(numberToF32Bits(Number.NaN), 0x7fc00000);
    assert.equal(numberToF32Bits(0.1), 0x3dcccccd);
    assert.equal(f64HiWord(1), 0x3ff00000);
    assert.equal(f64LoWord(1 + 2 ** -52), 1);
  });
});
