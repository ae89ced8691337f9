/**
 * The float32 run writer (src/io/text/float32-run.ts) must produce exactly `writeFloat32`'s bytes.
 * Checked on: every significand of every exponent at the edges of its fast range and a stride
 * through all the others, both signs, random bit patterns, weights-like values, and the
 * separators (one and two bytes, none after the last value). NNPORT_F32_RUN_EXHAUSTIVE=1 checks
 * every positive float32 of the fast range (about 335 million values, a minute or two).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeFloat32 } from '../../src/io/text/float-format.js';
import { writeFloat32Run } from '../../src/io/text/float32-run.js';
import { MAX_VALUE_CHARS, type ValueWriter } from '../../src/io/text/values.js';

/** Runs both writers over `bits` (newline-separated) and asserts equal bytes. */
function check(bits: Int32Array, sep = 10, sepLen = 1): void {
  const src = new DataView(bits.buffer, bits.byteOffset, bits.byteLength);
  const n = bits.length;
  const fast = new Uint8Array(n * (MAX_VALUE_CHARS + 2) + 16);
  const slow: ValueWriter = (i, buf, pos) => writeFloat32(src.getInt32(i * 4, true), buf, pos);
  const end = writeFloat32Run(src, 0, n, fast, new DataView(fast.buffer), 0, sep, sepLen, slow);
  const ref = new Uint8Array(n * (MAX_VALUE_CHARS + 2) + 16);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) {
      ref[pos++] = sep & 0xff;
      if (sepLen === 2) ref[pos++] = sep >>> 8;
    }
    pos = writeFloat32(bits[i], ref, pos);
  }
  if (end === pos && Buffer.compare(fast.subarray(0, end), ref.subarray(0, pos)) === 0) return;
  // Find the first differing value for the message.
  for (let i = 0; i < n; i++) {
    const one = new Int32Array([bits[i]]);
    const a = new Uint8Array(64);
    const b = new Uint8Array(64);
    const ea = writeFloat32Run(
      new DataView(one.buffer),
      0,
      1,
      a,
      new DataView(a.buffer),
      0,
      sep,
      sepLen,
      slow,
    );
    const eb = writeFloat32(bits[i], b, 0);
    const ta = Buffer.from(a.subarray(0, ea)).toString('latin1');
    const tb = Buffer.from(b.subarray(0, eb)).toString('latin1');
    assert.equal(ta, tb, `bits 0x${(bits[i] >>> 0).toString(16)}`);
  }
  assert.fail('outputs differ but every value agrees alone');
}

/** All significands of biased exponent e with the given sign, in batches, stepping by `step`. */
function exponent(e: number, negative: boolean, step: number): void {
  const batch = new Int32Array(Math.ceil(0x800000 / step));
  let k = 0;
  for (let f = 0; f < 0x800000; f += step) batch[k++] = (negative ? 0x80000000 : 0) | (e << 23) | f | 0;
  check(batch.subarray(0, k));
}

describe('writeFloat32Run', () => {
  it('every significand at the edges of the fast range and beside it', () => {
    for (const e of [114, 153]) exponent(e, false, 3);
    for (const e of [112, 113, 126, 127, 154]) exponent(e, false, 31);
    exponent(120, true, 5);
  });

  it('a stride through every exponent, both signs', () => {
    for (let e = 0; e < 256; e++) {
      exponent(e, false, 997);
      exponent(e, true, 991);
    }
  });

  it('random bit patterns and weights-like values', () => {
    let s = 0x12345678;
    const next = (): number => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return s | 0;
    };
    const random = new Int32Array(1 << 20);
    for (let i = 0; i < random.length; i++) random[i] = next();
    check(random);
    const weights = new Float32Array(1 << 20);
    for (let i = 0; i < weights.length; i++) {
      const u = ((next() >>> 0) + 1) / 4294967297;
      const v = (next() >>> 0) / 4294967296;
      weights[i] = 0.05 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
    check(new Int32Array(weights.buffer));
  });

  it('separators: two bytes, none after the last value, empty runs', () => {
    const values = new Int32Array(new Float32Array([0.5, -0.1, 3, 1e-7, 123456.7, Number.NaN]).buffer);
    check(values, 0x202c, 2);
    check(values, 44, 1);
    check(new Int32Array(0));
    const buf = new Uint8Array(8);
    assert.equal(
      writeFloat32Run(new DataView(values.buffer), 2, 2, buf, new DataView(buf.buffer), 5, 44, 1, () => 0),
      5,
    );
  });

  it('every positive float32 of the fast range (opt-in: NNPORT_F32_RUN_EXHAUSTIVE=1)', (t) => {
    if (process.env.NNPORT_F32_RUN_EXHAUSTIVE !== '1') {
      t.skip('set NNPORT_F32_RUN_EXHAUSTIVE=1');
      return;
    }
    for (let e = 114; e <= 153; e++) exponent(e, false, 1);
  });
});
