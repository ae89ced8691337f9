/**
 * The streaming JSON scanner against ECMAScript's JSON.parse: the same values for any split of the
 * text into chunks, the same verdict on malformed text, exact big integers, skipped values
 * reported by their byte ranges, and its limits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import { MAX_JSON_DEPTH } from '../../src/core/limits.js';
import { JsonScanner } from '../../src/io/text/json-scan.js';
import { type JsonTree, JsonTreeBuilder, SkippedValue } from '../../src/io/text/json-tree.js';

const enc = new TextEncoder();

/** Scans `bytes` fed in pieces cut at `cuts` (sorted offsets). */
function scan(
  bytes: Uint8Array,
  cuts: readonly number[] = [],
  skipKey?: string,
  maxStructureBytes?: number,
): JsonTree {
  const builder = new JsonTreeBuilder(skipKey === undefined ? {} : { skip: (_f, key) => key === skipKey });
  const scanner = new JsonScanner(builder, maxStructureBytes === undefined ? {} : { maxStructureBytes });
  let from = 0;
  for (const c of [...cuts, bytes.length]) {
    scanner.feed(bytes.subarray(from, c));
    from = c;
  }
  scanner.finish();
  return builder.result;
}

/** The tree with bigints as numbers, for comparing with JSON.parse. */
function plain(v: JsonTree): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(plain);
  if (v instanceof SkippedValue) return v;
  if (v !== null && typeof v === 'object') {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v))
      Object.defineProperty(o, k, { value: plain(x), enumerable: true });
    return o;
  }
  return v;
}

/** Sorted cut offsets within a text of `n` bytes. */
const cutsArb = (n: number) =>
  fc.uniqueArray(fc.integer({ min: 0, max: n }), { maxLength: 12 }).map((a) => [...a].sort((x, y) => x - y));

describe('JSON scanner', () => {
  it('gives JSON.parse values for any chunking', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.constantFrom(undefined, 0, 2, '\t'), fc.nat(), (value, indent, seed) => {
        const text = JSON.stringify(value, null, indent);
        const bytes = enc.encode(text);
        const expected = JSON.parse(text);
        assert.deepEqual(plain(scan(bytes)), expected);
        const cuts = fc.sample(cutsArb(bytes.length), { numRuns: 1, seed })[0];
        assert.deepEqual(plain(scan(bytes, cuts)), expected);
      }),
      { numRuns: 300 },
    );
  });

  it('feeding one byte at a time works', () => {
    const text =
      '{"a": [1, -2.5e-3, "x\\u00e9\\ud83d\\ude00\\n", true, false, null], "b": {"c": 12345678901234567890}}';
    const bytes = enc.encode(text);
    const cuts = Array.from({ length: bytes.length - 1 }, (_, i) => i + 1);
    const tree = scan(bytes, cuts) as { a: unknown[]; b: { c: unknown } };
    assert.deepEqual(tree.a, [1, -0.0025, 'xé😀\n', true, false, null]);
    assert.equal(tree.b.c, 12345678901234567890n);
  });

  it('agrees with JSON.parse on malformed text', () => {
    const alphabet = fc.constantFrom(
      ...'{}[]:,"\\ \n0123456789-+.eEtrufalsn'.split(''),
      'true',
      'null',
      '"a"',
      '\\u12',
    );
    const mutated = fc
      .tuple(fc.jsonValue(), fc.nat(), fc.string({ unit: alphabet, maxLength: 3 }), fc.nat({ max: 3 }))
      .map(([v, at, ins, del]) => {
        const t = JSON.stringify(v);
        const i = at % (t.length + 1);
        return t.slice(0, i) + ins + t.slice(i + del);
      });
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: alphabet, maxLength: 30 }), mutated), (text) => {
        let expected: unknown;
        let parses = true;
        try {
          expected = JSON.parse(text);
        } catch {
          parses = false;
        }
        try {
          const got = scan(enc.encode(text));
          assert.ok(parses, `scanner accepted ${JSON.stringify(text)}`);
          assert.deepEqual(plain(got), expected);
        } catch (e) {
          if (!(e instanceof NnportError)) throw e;
          if (parses && !/duplicate/.test(e.detail))
            assert.fail(`scanner refused valid ${JSON.stringify(text)}: ${e.message}`);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps integers beyond 2^53 exact and -0 signed', () => {
    const tree = scan(
      enc.encode('[9007199254740993, -9223372036854775809, 9007199254740991, -0, 1.0, 1e400]'),
    );
    assert.deepEqual(tree, [
      9007199254740993n,
      -9223372036854775809n,
      9007199254740991,
      -0,
      1,
      Number.POSITIVE_INFINITY,
    ]);
    assert.ok(Object.is((tree as number[])[3], -0));
  });

  it('skips values and reports their byte ranges, for any chunking', () => {
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 5 }), fc.nat(), (values, seed) => {
        const text = `{"k": [${values.map((v) => `{"s": ${JSON.stringify(v, null, 1)}, "t": 1}`).join(', ')}]}`;
        const bytes = enc.encode(text);
        const cuts = fc.sample(cutsArb(bytes.length), { numRuns: 1, seed })[0];
        const tree = scan(bytes, cuts, 's') as { k: { s: SkippedValue; t: number }[] };
        tree.k.forEach((entry, i) => {
          assert.ok(entry.s instanceof SkippedValue);
          const { start, end, line, column } = entry.s.range;
          const slice = new TextDecoder().decode(bytes.subarray(start, end));
          assert.deepEqual(JSON.parse(slice), JSON.parse(JSON.stringify(values[i])));
          const before = new TextDecoder().decode(bytes.subarray(0, start));
          assert.equal(line, before.split('\n').length);
          assert.equal(column, start - before.lastIndexOf('\n'));
          assert.equal(entry.t, 1);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('refuses nesting beyond MAX_JSON_DEPTH, also inside skipped values', () => {
    const ok = `${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`;
    scan(enc.encode(ok));
    const deep = `[${ok}]`;
    assert.throws(
      () => scan(enc.encode(deep)),
      (e) => e instanceof NnportError && e.code === 'LIMIT_EXCEEDED',
    );
    const skipped = `{"s": ${ok}}`;
    assert.throws(
      () => scan(enc.encode(skipped), [], 's'),
      (e) => e instanceof NnportError && e.code === 'LIMIT_EXCEEDED',
    );
  });

  it('counts only bytes outside skipped values against the structure budget', () => {
    const data = `[${new Array(2000).fill(1).join(',')}]`;
    const text = enc.encode(`{"s": ${data}, "t": 1}`);
    scan(text, [100, 1000, 3000], 's', 100);
    assert.throws(
      () => scan(text, [100, 1000, 3000], undefined, 100),
      (e) => e instanceof NnportError && e.code === 'LIMIT_EXCEEDED',
    );
  });

  it('reports errors at line:column', () => {
    const text = '{\n  "a": [1,\n    2 3]\n}';
    assert.throws(
      () => scan(enc.encode(text), [7, 15]),
      (e) =>
        e instanceof NnportError &&
        e.code === 'INVALID_STRUCTURE' &&
        JSON.stringify(e.at) === '{"line":3,"column":7}',
    );
    assert.throws(
      () => scan(enc.encode('{"a": "\\q"}')),
      (e) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE',
    );
    assert.throws(
      () => scan(new Uint8Array([0x22, 0xff, 0x22])),
      (e) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE',
    );
    assert.throws(
      () => scan(enc.encode('{"a": [1, 2')),
      (e) => e instanceof NnportError && e.code === 'TRUNCATED',
    );
  });
});
