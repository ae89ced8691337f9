/**
 * Shortest round-trip formatting (src/io/text/float-format.ts), checked against a reference
 * written here with exact BigInt arithmetic and no code shared with the implementation:
 *
 * - float16 and bfloat16: all 65536 bit patterns each. The text parses back to the same bits,
 *   and its digits are exactly the reference's: the fewest significant digits k for which some
 *   k-digit decimal lies in the value's rounding interval, the one closest to the value.
 * - float32: every power of two, the subnormal/normal boundaries, the extremes, several
 *   significands for every exponent, and NNPORT_F32_SAMPLES random bit patterns (default
 *   1000000, about 4 s; NNPORT_F32_SAMPLES=30000000 takes about 2 minutes); NNPORT_F32_SEED
 *   picks the seed. NNPORT_F32_EXHAUSTIVE=1 also round-trips all 2^32 patterns (minutes).
 * - layout: the text equals String(Number(text)) (ECMA-262 Number::toString layout: with at most
 *   9 significant digits the double nearest the decimal prints those same digits) plus fixed cases.
 * - float64: random bit patterns, NaN payloads included, round-trip through text.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatBFloat16,
  formatFloat16,
  formatFloat32,
  formatFloat64,
  formatFloat64Bits,
  setExactScalingForTests,
  writeFloat32,
  writeFloat64,
} from '../../src/io/text/float-format.js';
import {
  parseBFloat16,
  parseFloat16,
  parseFloat32,
  parseFloat32Bytes,
  parseFloat64Bits,
} from '../../src/io/text/float-parse.js';

// ---------------------------------------------------------------------------------------------
// Reference: exact search for the shortest, closest decimal.

interface Layout {
  readonly mantBits: number;
  readonly expBits: number;
}
const F32: Layout = { mantBits: 23, expBits: 8 };
const F16: Layout = { mantBits: 10, expBits: 5 };
const BF16: Layout = { mantBits: 7, expBits: 8 };

const pow10Cache = new Map<number, bigint>();
function p10(n: number): bigint {
  let v = pow10Cache.get(n);
  if (v === undefined) {
    v = 10n ** BigInt(n);
    pow10Cache.set(n, v);
  }
  return v;
}
function p2(n: number): bigint {
  return 1n << BigInt(n);
}

/** A number a·10^t·2^u with integer a (t, u any sign). */
interface Term {
  a: bigint;
  t: number;
  u: number;
}

/** Compares terms exactly: scales both to integers with a common factor 10^T·2^U. */
function cmpTerms(x: Term, y: Term): number {
  const T = Math.max(0, -x.t, -y.t);
  const U = Math.max(0, -x.u, -y.u);
  const xs = x.a * p10(x.t + T) * p2(x.u + U);
  const ys = y.a * p10(y.t + T) * p2(y.u + U);
  return xs < ys ? -1 : xs > ys ? 1 : 0;
}

/** floor(x) for a non-negative term. */
function floorTerm(x: Term): bigint {
  const num = x.a * p10(Math.max(x.t, 0)) * p2(Math.max(x.u, 0));
  const den = p10(Math.max(-x.t, 0)) * p2(Math.max(-x.u, 0));
  return num / den;
}

/** floor(log10(x)) for a positive dyadic m·2^y. */
function floorLog10(m: bigint, y: number): number {
  let P = Math.floor(Math.log10(Number(m)) + y * Math.log10(2));
  const x: Term = { a: m, t: 0, u: y };
  while (cmpTerms({ a: 1n, t: P, u: 0 }, x) > 0) P--;
  while (cmpTerms({ a: 1n, t: P + 1, u: 0 }, x) <= 0) P++;
  return P;
}

interface Decimal {
  digits: bigint; // no trailing zeros
  exp: number; // value = digits·10^exp
}

function normalize(n: bigint, x: number): Decimal {
  while (n !== 0n && n % 10n === 0n) {
    n /= 10n;
    x++;
  }
  return { digits: n, exp: x };
}

/**
 * The reference shortest decimal of the positive finite value with significand c, exponent q
 * (v = c·2^q), searching k = kStart, kStart+1, ... digits. `irregular`: the gap below v is half
 * the gap above (c a power of two above the smallest normal).
 */
function refShortest(c: bigint, q: number, irregular: boolean, kStart = 1): Decimal {
  // In units of 2^(q-2): v = 4c, interval [4c - 2 (or 1), 4c + 2], closed iff c is even.
  const u = q - 2;
  const v: Term = { a: 4n * c, t: 0, u };
  const lo: Term = { a: 4n * c - (irregular ? 1n : 2n), t: 0, u };
  const hi: Term = { a: 4n * c + 2n, t: 0, u };
  const closed = (c & 1n) === 0n;
  const inside = (y: Term): boolean => {
    const a = cmpTerms(lo, y);
    const b = cmpTerms(y, hi);
    return closed ? a <= 0 && b <= 0 : a < 0 && b < 0;
  };
  const pLo = floorLog10(lo.a, u);
  const pHi = floorLog10(hi.a, u);
  for (let k = kStart; k <= 40; k++) {
    const found: Term[] = [];
    const minN = p10(k - 1);
    const maxN = p10(k) - 1n;
    for (let P = pLo; P <= pHi; P++) {
      // k-digit decimals of decade P: n·10^x with n in [10^(k-1), 10^k).
      const x = P - k + 1;
      const nf = floorTerm({ a: v.a, t: -x, u });
      const below = nf < maxN ? nf : maxN;
      const above = nf + 1n > minN ? nf + 1n : minN;
      for (const n of [below, above]) {
        if (n < minN || n > maxN) continue;
        const y: Term = { a: n, t: x, u: 0 };
        if (inside(y)) found.push(y);
      }
    }
    if (found.length === 0) continue;
    let best = found[0];
    for (const y of found.slice(1)) {
      // |y - v| vs |best - v|, exactly
      const dy = distance(y, v);
      const db = distance(best, v);
      const cmp = cmpTerms(dy, db);
      if (cmp < 0 || (cmp === 0 && (y.a & 1n) === 0n)) best = y;
    }
    return normalize(best.a, best.t);
  }
  throw new Error('no decimal found');
}

/** |y − v| as a term, for y = n·10^x and v = a·2^u. */
function distance(y: Term, v: Term): Term {
  const T = Math.max(0, -y.t);
  const U = Math.max(0, -v.u);
  const ys = y.a * p10(y.t + T) * p2(U);
  const vs = v.a * p2(v.u + U) * p10(T);
  const d = ys > vs ? ys - vs : vs - ys;
  return { a: d, t: -T, u: -U };
}

/** Decodes bits of a layout into sign, c, q, irregular (finite values only). */
function decode(bits: number, f: Layout): { neg: boolean; c: bigint; q: number; irregular: boolean } {
  const bias = (1 << (f.expBits - 1)) - 1;
  const e = Math.floor(bits / 2 ** f.mantBits) % 2 ** f.expBits;
  const frac = bits % 2 ** f.mantBits;
  const neg = bits >= 2 ** (f.mantBits + f.expBits);
  if (e === 0) return { neg, c: BigInt(frac), q: 1 - bias - f.mantBits, irregular: false };
  return { neg, c: BigInt(frac + 2 ** f.mantBits), q: e - bias - f.mantBits, irregular: frac === 0 && e > 1 };
}

/** The decimal a formatted finite, non-zero text denotes (sign dropped). */
function textDecimal(s: string): Decimal {
  const m = /^-?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(s);
  assert.ok(m, `unexpected syntax: ${s}`);
  const int = m[1];
  const frac = m[2] ?? '';
  const e = m[3] === undefined ? 0 : Number(m[3]);
  return normalize(BigInt(int + frac), e - frac.length);
}

/**
 * Checks one finite non-zero value: the text's digits equal the reference and the layout is
 * Number::toString's. kStart lets large runs skip straight to (digits − 1), which still proves
 * minimality: every shorter decimal is also a (digits − 1)-digit one with trailing zeros.
 */
function checkShortest(bits: number, f: Layout, text: string, fromImplLength: boolean): void {
  const { neg, c, q, irregular } = decode(bits, f);
  const got = textDecimal(text);
  const kStart = fromImplLength ? Math.max(1, got.digits.toString().length - 1) : 1;
  const want = refShortest(c, q, irregular, kStart);
  if (got.digits !== want.digits || got.exp !== want.exp) {
    assert.fail(`bits 0x${bits.toString(16)}: got ${text}, want ${want.digits}e${want.exp}`);
  }
  assert.equal(text.startsWith('-'), neg, text);
  assert.equal(String(Number(text)), text, `layout of 0x${bits.toString(16)}`);
}

// ---------------------------------------------------------------------------------------------
// Random numbers (deterministic).

function makeRandom(seed: number): () => number {
  let s = seed >>> 0;
  // mulberry32
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

function isFinite32(bits: number): boolean {
  return (bits & 0x7f800000) !== 0x7f800000;
}

/**
 * A second, cheaper reference for float32 (used for the large random run), built on
 * Number.prototype.toPrecision, which ECMA-262 defines exactly: the k-digit decimal nearest to the
 * value (ties: the larger). The nearest k-digit decimals below and above v are that one and one of
 * its neighbours; membership in the rounding interval is decided on doubles, which is exact here
 * because the interval ends are doubles and rounding is monotone, except when the decimal rounds
 * onto an end, which is settled with BigInt. Returns the chosen k-digit decimal or undefined.
 */
function nearestInInterval(
  v: number,
  lo: number,
  hi: number,
  closed: boolean,
  k: number,
): NumDecimal | undefined {
  const t = parsePrecision(v.toPrecision(k));
  const minN = 10 ** (k - 1);
  const maxN = 10 ** k - 1;
  while (t.n < minN) {
    // back to exactly k digits, so the neighbours below are on the right grid
    t.n *= 10;
    t.x--;
  }
  const tv = Number(`${t.n}e${t.x}`);
  // The other nearest decimal lies on the other side of v.
  let other: NumDecimal;
  if (tv > v || (tv === v && cmpExact(t, v) > 0))
    other = t.n > minN ? { n: t.n - 1, x: t.x } : { n: maxN, x: t.x - 1 };
  else other = t.n < maxN ? { n: t.n + 1, x: t.x } : { n: minN, x: t.x + 1 };
  const inside = (d: NumDecimal, y: number): boolean => {
    const a = y === lo ? cmpExact(d, lo) : y < lo ? -1 : 1; // sign of (d − lo)
    const b = y === hi ? cmpExact(d, hi) : y < hi ? -1 : 1; // sign of (d − hi)
    return closed ? a >= 0 && b <= 0 : a > 0 && b < 0;
  };
  const tIn = inside(t, tv);
  const oIn = inside(other, Number(`${other.n}e${other.x}`));
  if (!tIn && !oIn) return undefined;
  if (!oIn) return normalizeNum(t);
  if (!tIn) return normalizeNum(other);
  // Both inside: t is the nearer unless v is exactly halfway (then toPrecision took the larger;
  // we want the even one). Doubles rule a tie out unless it is very close; then decide exactly.
  const ov = Number(`${other.n}e${other.x}`);
  if (Math.abs((tv + ov) / 2 - v) > v * 1e-12) return normalizeNum(t);
  const xm = Math.min(t.x, other.x);
  const sum = BigInt(t.n) * 10n ** BigInt(t.x - xm) + BigInt(other.n) * 10n ** BigInt(other.x - xm);
  let m = v;
  let e = 0;
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  }
  // (t + other)/2 = sum·5·10^(xm−1) against v = m·2^e
  if (cmpTerms({ a: sum * 5n, t: xm - 1, u: 0 }, { a: BigInt(m), t: 0, u: e }) !== 0) return normalizeNum(t);
  return normalizeNum(t.n % 2 === 0 ? t : other);
}

/** A decimal n·10^x with n < 2^53. */
interface NumDecimal {
  n: number;
  x: number;
}

function normalizeNum(d: NumDecimal): NumDecimal {
  let { n, x } = d;
  while (n % 10 === 0) {
    n /= 10;
    x++;
  }
  return { n, x };
}

/** n·10^x from toPrecision or formatter output (`1.23e-7`, `0.000123`, `123.0`), sign dropped. */
function parsePrecision(s: string): NumDecimal {
  // Trailing zeros are held back so n stays small (and exact) for texts like 36893493000000000000.
  let n = 0;
  let x = 0;
  let zeros = 0;
  let point = false;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) point = true;
    else if (c >= 48 && c <= 57) {
      if (point) x--;
      if (c === 48) {
        if (n !== 0) zeros++;
      } else {
        n = n * 10 ** (zeros + 1) + (c - 48);
        zeros = 0;
      }
    } else break;
  }
  if (i < s.length) x += Number(s.slice(i + 1));
  return { n, x: x + zeros };
}

/** Exact sign of n·10^x − y for a finite positive double y. */
function cmpExact(d: { n: number; x: number }, y: number): number {
  // y = m·2^e exactly
  let e = 0;
  let m = y;
  while (!Number.isInteger(m)) {
    m *= 2;
    e--;
  }
  return cmpTerms({ a: BigInt(d.n), t: d.x, u: 0 }, { a: BigInt(m), t: 0, u: e });
}

/** Checks the float32 text's digits with nearestInInterval: none at k − 1 digits, and the same at k. */
function checkShortestFast(bits: number, text: string): void {
  const e = bits >>> 23;
  const f = bits & 0x7fffff;
  const c = e === 0 ? f : f + 0x800000;
  const q = e === 0 ? -149 : e - 150;
  const irregular = f === 0 && e > 1;
  const v = c * 2 ** q;
  const lo = (4 * c - (irregular ? 1 : 2)) * 2 ** (q - 2);
  const hi = (4 * c + 2) * 2 ** (q - 2);
  const closed = c % 2 === 0;
  const got = normalizeNum(parsePrecision(text));
  const k = String(got.n).length;
  if (k > 1 && nearestInInterval(v, lo, hi, closed, k - 1) !== undefined)
    assert.fail(`0x${bits.toString(16)}: ${text} is not shortest`);
  const want = nearestInInterval(v, lo, hi, closed, k);
  if (want === undefined || want.n !== got.n || want.x !== got.x) {
    assert.fail(`0x${bits.toString(16)}: got ${text}, want ${want?.n}e${want?.x}`);
  }
  if (String(Number(text)) !== text) assert.fail(`layout of 0x${bits.toString(16)}: ${text}`);
}

/** Format, parse back, compare bits; for finite non-zero values also the reference digits. */
function checkF32(bits: number, fast: boolean): void {
  const text = formatFloat32(bits);
  const back = parseFloat32(text);
  if (back !== bits || text.length > 22)
    assert.fail(`0x${bits.toString(16)} → ${text} → 0x${back.toString(16)}`);
  if (!isFinite32(bits) || (bits & 0x7fffffff) === 0) return;
  if (fast) checkShortestFast(bits & 0x7fffffff, text.startsWith('-') ? text.slice(1) : text);
  else checkShortest(bits, F32, text, false);
}

// ---------------------------------------------------------------------------------------------

describe('float16 formatting', () => {
  it('all 65536 bit patterns: round trip, shortest, closest, layout', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const text = formatFloat16(bits);
      const back = parseFloat16(text);
      if (back !== bits) assert.fail(`0x${bits.toString(16)} → ${text} → 0x${back.toString(16)}`);
      if ((bits & 0x7c00) !== 0x7c00 && (bits & 0x7fff) !== 0) checkShortest(bits, F16, text, false);
    }
  });

  it('known spellings', () => {
    assert.equal(formatFloat16(0x3c00), '1');
    assert.equal(formatFloat16(0x3555), '0.3333');
    assert.equal(formatFloat16(0x7bff), '65500');
    assert.equal(formatFloat16(0x0001), '6e-8');
    assert.equal(formatFloat16(0x0002), '1e-7'); // closest 1-digit decimal, not 9e-8
    assert.equal(formatFloat16(0x8000), '-0');
    assert.equal(formatFloat16(0x7c00), 'Infinity');
    assert.equal(formatFloat16(0xfc00), '-Infinity');
    assert.equal(formatFloat16(0x7e00), 'NaN');
    assert.equal(formatFloat16(0xfe00), 'NaN(0xfe00)');
    assert.equal(formatFloat16(0x7c01), 'NaN(0x7c01)');
  });
});

describe('bfloat16 formatting', () => {
  it('all 65536 bit patterns: round trip, shortest, closest, layout', () => {
    for (let bits = 0; bits < 0x10000; bits++) {
      const text = formatBFloat16(bits);
      const back = parseBFloat16(text);
      if (back !== bits) assert.fail(`0x${bits.toString(16)} → ${text} → 0x${back.toString(16)}`);
      if ((bits & 0x7f80) !== 0x7f80 && (bits & 0x7fff) !== 0) checkShortest(bits, BF16, text, false);
    }
  });

  it('known spellings', () => {
    assert.equal(formatBFloat16(0x3f80), '1');
    assert.equal(formatBFloat16(0x3dcd), '0.1');
    assert.equal(formatBFloat16(0x7f7f), '3.39e+38');
    assert.equal(formatBFloat16(0x7fc0), 'NaN');
    assert.equal(formatBFloat16(0xffc0), 'NaN(0xffc0)');
  });
});

describe('float32 formatting', () => {
  it('layout follows Number::toString', () => {
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    const byValue: [number, string][] = [
      [0.1, '0.1'],
      [1, '1'],
      [100, '100'],
      [123.456, '123.456'],
      [0.000608, '0.000608'],
      [4.8e-7, '4.8e-7'],
      [0.000001, '0.000001'],
      [1e-7, '1e-7'],
      [3.4028234663852886e38, '3.4028235e+38'],
      [1.8642e38, '1.8642e+38'],
      [1e-45, '1e-45'],
      [1.1754943508222875e-38, '1.1754944e-38'],
      [16777216, '16777216'],
      [1e20, '100000000000000000000'],
      [1e21, '1e+21'],
      [1e8, '100000000'],
      [100000010, '100000010'],
      [0.3, '0.3'],
      [-1, '-1'],
      [-0, '-0'],
      [0, '0'],
    ];
    for (const [value, text] of byValue) {
      f32[0] = value;
      assert.equal(formatFloat32(u32[0]), text, String(value));
    }
    const cases: [number, string][] = [
      [0x7f800000, 'Infinity'],
      [0xff800000, '-Infinity'],
      [0x7fc00000, 'NaN'],
      [0xffc00000, 'NaN(0xffc00000)'],
      [0x7f800001, 'NaN(0x7f800001)'],
      [0x7fc00001, 'NaN(0x7fc00001)'],
    ];
    for (const [bits, text] of cases) assert.equal(formatFloat32(bits), text, `0x${bits.toString(16)}`);
  });

  it('writes into a buffer at an offset and returns the end', () => {
    const buf = new Uint8Array(40).fill(35);
    const end = writeFloat32(0xbe4ccccd, buf, 3); // -0.2
    assert.equal(end, 7);
    assert.equal(String.fromCharCode(...buf.subarray(0, 8)), '###-0.2#');
    // int32-typed bits (as from Int32Array) give the same text
    assert.equal(formatFloat32(0xbe4ccccd | 0), '-0.2');
  });

  it('every power of two, subnormal boundaries, extremes', () => {
    for (let i = 0; i < 23; i++) checkF32(1 << i, false); // subnormal powers of two
    for (let e = 1; e < 255; e++) checkF32(e * 0x800000, false);
    for (const bits of [
      0x1, 0x2, 0x3, 0x7ffffe, 0x7fffff, 0x800000, 0x800001, 0x7f7fffff, 0x7f7ffffe, 0x7f000000,
    ]) {
      checkF32(bits, false);
      checkF32(bits + 0x80000000, false);
    }
  });

  it('several significands for every exponent, both signs', () => {
    const rnd = makeRandom(12345);
    for (let e = 0; e < 255; e++) {
      const fracs = [
        0,
        1,
        2,
        3,
        0x400000,
        0x7ffffe,
        0x7fffff,
        rnd() & 0x7fffff,
        rnd() & 0x7fffff,
        rnd() & 0x7fffff,
      ];
      for (const f of fracs) {
        const bits = e * 0x800000 + f;
        checkF32(bits, false);
        checkF32(bits + 0x80000000, true);
      }
    }
  });

  it('random bit patterns (NNPORT_F32_SAMPLES)', () => {
    const n = Number(process.env.NNPORT_F32_SAMPLES ?? 1000000);
    const seed = Number(process.env.NNPORT_F32_SEED ?? 20240521);
    const rnd = makeRandom(seed);
    const t0 = Date.now();
    for (let i = 0; i < n; i++) checkF32(rnd(), true);
    if (n >= 1e6)
      console.log(
        `float32: ${n} random patterns checked in ${((Date.now() - t0) / 1000).toFixed(1)} s (seed ${seed})`,
      );
  });

  it('every float32 bit pattern round-trips (opt-in: NNPORT_F32_EXHAUSTIVE=1, minutes)', (t) => {
    if (process.env.NNPORT_F32_EXHAUSTIVE !== '1') {
      t.skip('set NNPORT_F32_EXHAUSTIVE=1');
      return;
    }
    const buf = new Uint8Array(64);
    const t0 = Date.now();
    for (let bits = 0; bits <= 0xffffffff; bits++) {
      const end = writeFloat32(bits, buf, 0);
      if (parseFloat32Bytes(buf, 0, end) !== bits || end > 22) {
        assert.fail(`0x${bits.toString(16)} → ${String.fromCharCode(...buf.subarray(0, end))}`);
      }
    }
    console.log(`float32: all 2^32 patterns round-trip (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  });

  it('the references reject any other decimal (so agreement above means something)', () => {
    const rnd = makeRandom(4242);
    let rejected = 0;
    for (let i = 0; i < 2000; i++) {
      const bits = rnd() & 0x7fffffff;
      if (!isFinite32(bits) || bits === 0) continue;
      const text = formatFloat32(bits);
      const d = normalizeNum(parsePrecision(text));
      // the same number of digits, one unit up or down in the last place, and one digit more
      const more = Number(`${d.n}e${d.x}`).toPrecision(String(d.n).length + 1);
      for (const alt of [`${d.n + 1}e${d.x}`, `${d.n - 1}e${d.x}`, more]) {
        if (d.n - 1 === 0 || normalizeNum(parsePrecision(alt)).n === d.n) continue;
        const layout = String(Number(alt));
        assert.throws(
          () => checkShortestFast(bits, layout),
          assert.AssertionError,
          `fast reference accepted ${layout} for ${text}`,
        );
        if (i % 20 === 0)
          assert.throws(() => checkShortest(bits, F32, layout, false), assert.AssertionError, layout);
        rejected++;
      }
    }
    assert.ok(rejected > 3000);
  });

  it('values like trained weights (normal(0, 0.05)) and small integers', () => {
    const rnd = makeRandom(7);
    const f32 = new Float32Array(1);
    const u32 = new Uint32Array(f32.buffer);
    for (let i = 0; i < 50000; i++) {
      // Box-Muller
      const a = (rnd() + 1) / 4294967297;
      const b = rnd() / 4294967296;
      f32[0] = 0.05 * Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
      checkF32(u32[0], true);
    }
    for (let i = -2000; i <= 2000; i++) {
      f32[0] = i;
      assert.equal(formatFloat32(u32[0]), String(i));
    }
  });
});

describe('exact scaling paths', () => {
  it('agree with the double estimate on every float16/bfloat16 and on random float32 values', () => {
    const rnd = makeRandom(31337);
    const f32: number[] = [];
    for (let i = 0; i < 300000; i++) f32.push(rnd());
    for (let e = 0; e < 255; e++)
      for (let f = 0; f < 64; f++) f32.push(e * 0x800000 + f * 131071, e * 0x800000 + 0x7fffff - f);
    const fast = [f32.map(formatFloat32), Array.from({ length: 0x10000 }, (_, b) => formatFloat16(b))];
    const fastB = Array.from({ length: 0x10000 }, (_, b) => formatBFloat16(b));
    setExactScalingForTests(true);
    try {
      const exact = f32.map(formatFloat32);
      for (let i = 0; i < f32.length; i++)
        if (exact[i] !== fast[0][i]) assert.fail(`0x${f32[i].toString(16)}: ${exact[i]} vs ${fast[0][i]}`);
      for (let b = 0; b < 0x10000; b++) {
        assert.equal(formatFloat16(b), fast[1][b]);
        assert.equal(formatBFloat16(b), fastB[b]);
      }
      // and the exact path alone against the reference on every bfloat16 and some float32
      for (let b = 0; b < 0x8000; b++) {
        if ((b & 0x7f80) !== 0x7f80 && b !== 0) checkShortest(b, BF16, formatBFloat16(b), false);
      }
      for (let i = 0; i < 20000; i++) checkF32(f32[i], true);
    } finally {
      setExactScalingForTests(false);
    }
  });
});

describe('float64 formatting', () => {
  it('values print like Number::toString, with -0', () => {
    assert.equal(formatFloat64(0.1), '0.1');
    assert.equal(formatFloat64(-0), '-0');
    assert.equal(formatFloat64(0), '0');
    assert.equal(formatFloat64(5e-324), '5e-324');
    assert.equal(formatFloat64(Number.NaN), 'NaN');
    assert.equal(formatFloat64(Number.NEGATIVE_INFINITY), '-Infinity');
    const buf = new Uint8Array(40);
    const end = writeFloat64(-1.2345678901234566e-7, buf, 0);
    assert.equal(String.fromCharCode(...buf.subarray(0, end)), '-1.2345678901234566e-7');
  });

  it('random bit patterns round-trip, NaN payloads included', () => {
    const rnd = makeRandom(99);
    const words = new Uint32Array(2);
    for (let i = 0; i < 100000; i++) {
      let hi = rnd();
      const lo = rnd();
      if (i % 10 === 0) hi = (hi | 0x7ff00000) >>> 0; // plenty of NaNs and infinities
      const text = formatFloat64Bits(hi, lo);
      const bits = parseFloat64Bits(text);
      words[0] = Number(bits >> 32n);
      words[1] = Number(bits & 0xffffffffn);
      if (words[0] !== hi || words[1] !== lo) assert.fail(`${hi.toString(16)}:${lo.toString(16)} → ${text}`);
    }
    assert.equal(formatFloat64Bits(0x7ff80000, 0), 'NaN');
    assert.equal(formatFloat64Bits(0xfff80000, 0), 'NaN(0xfff8000000000000)');
    assert.equal(formatFloat64Bits(0x7ff00000, 1), 'NaN(0x7ff0000000000001)');
    assert.equal(formatFloat64Bits(0x80000000, 0), '-0');
  });
});
