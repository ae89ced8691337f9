/**
 * Microbenchmark of the float text conversions on one core: values per second for writeFloat32
 * and parseFloat32Bytes (plus the 16-bit formats), on
 *   - "weights": float32 drawn from normal(0, 0.05), like trained weights (the product's case);
 *   - "random bits": uniformly random finite float32 bit patterns (every exponent equally likely,
 *     so the far ranges with multi-limb arithmetic get their share).
 * Each measurement is the best of several passes over NNPORT_MICRO_N values (default 2,000,000),
 * one value per line, after a warm-up pass.
 *
 * Run: npx tsc -b && node dist/bench/float-micro.js
 */

import { numberToBf16Bits, numberToF16Bits } from '../src/io/text/float-bits.js';
import { writeBFloat16, writeFloat16, writeFloat32 } from '../src/io/text/float-format.js';
import { parseBFloat16Bytes, parseFloat16Bytes, parseFloat32Bytes } from '../src/io/text/float-parse.js';

const N = Number(process.env.NNPORT_MICRO_N ?? 2_000_000);
const PASSES = 5;

let seed = 0x9e3779b9;
function rand32(): number {
  // xorshift32
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed;
}
function gaussian(): number {
  const a = (rand32() + 1) / 4294967297;
  const b = rand32() / 4294967296;
  return Math.sqrt(-2 * Math.log(a)) * Math.cos(2 * Math.PI * b);
}

function weights(): Uint32Array {
  const f = new Float32Array(N);
  for (let i = 0; i < N; i++) f[i] = 0.05 * gaussian();
  return new Uint32Array(f.buffer);
}

function randomBits(): Uint32Array {
  const u = new Uint32Array(N);
  for (let i = 0; i < N; i++) {
    let b = rand32();
    while ((b & 0x7f800000) === 0x7f800000) b = rand32();
    u[i] = b;
  }
  return u;
}

/** Best-of-PASSES throughput of fn (which handles N values), in millions of values per second. */
function measure(fn: () => void): number {
  fn(); // warm-up
  let best = Number.POSITIVE_INFINITY;
  for (let p = 0; p < PASSES; p++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return N / best / 1000;
}

type Writer = (bits: number, buf: Uint8Array, pos: number) => number;
type Parser = (buf: Uint8Array, start: number, end: number) => number | undefined;

function bench(name: string, values: Uint32Array, write: Writer, parse: Parser): void {
  const text = new Uint8Array(N * 33);
  let len = 0;
  const format = (): void => {
    let pos = 0;
    for (let i = 0; i < N; i++) {
      pos = write(values[i], text, pos);
      text[pos++] = 10;
    }
    len = pos;
  };
  const wps = measure(format);
  // Token ends, so the parse figure is the conversion alone (a reader finds separators anyway).
  const ends = new Uint32Array(N);
  for (let i = 0, k = 0; i < len; i++) if (text[i] === 10) ends[k++] = i;
  const out = new Uint32Array(N);
  const parseAll = (): void => {
    let start = 0;
    for (let i = 0; i < N; i++) {
      const end = ends[i];
      out[i] = parse(text, start, end) ?? 0xffffffff;
      start = end + 1;
    }
  };
  const pps = measure(parseAll);
  for (let i = 0; i < N; i++) {
    if (out[i] !== values[i]) throw new Error(`${name}: value ${i} did not round-trip`);
  }
  const bytes = (len / N).toFixed(1);
  console.log(
    `${name.padEnd(24)} format ${wps.toFixed(1).padStart(5)} M/s   parse ${pps.toFixed(1).padStart(5)} M/s   (${bytes} bytes/value)`,
  );
}

const w = weights();
const r = randomBits();
console.log(`${N} values, best of ${PASSES} passes, one core (node ${process.version})`);
bench('float32 weights', w, writeFloat32, parseFloat32Bytes);
bench('float32 random bits', r, writeFloat32, parseFloat32Bytes);
const f32 = new Float32Array(w.buffer);
const h = new Uint32Array(N);
const bh = new Uint32Array(N);
for (let i = 0; i < N; i++) {
  h[i] = numberToF16Bits(f32[i]);
  bh[i] = numberToBf16Bits(f32[i]);
}
bench('float16 weights', h, writeFloat16, parseFloat16Bytes);
bench('bfloat16 weights', bh, writeBFloat16, parseBFloat16Bytes);
