/**
 * Parsing data text in pieces cut at byte offsets (what workers do) agrees with the one-thread
 * parser: for valid text cut anywhere after a value, the pieces check out and give the same
 * bytes; for mutated text, the pieces check out exactly when the one-thread parser accepts it
 * (so a wrong separator can never slip through a piece boundary).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { itemSize } from '../../src/core/dtype.js';
import { NnportError } from '../../src/core/errors.js';
import { formatJsonChunk, parseJsonChunk, readJsonPiece } from '../../src/io/text/chunk-json.js';
import { checkPiece, DataParser, DELIMITER } from '../../src/io/text/json-data-parse.js';
import { dataLayout } from '../../src/io/text/json-layout.js';
import { valueParser } from '../../src/io/text/values.js';

/** One-thread parse of a whole data text: the bytes, or undefined on an NnportError. */
function parseWhole(text: Uint8Array, shape: number[]): Uint8Array | undefined {
  const layout = dataLayout(shape, 0);
  const out = new Uint8Array(layout.leaves * 4);
  try {
    new DataParser(layout, valueParser('int32', out), 0, '$', { first: 0, line: 1, column: 1 }).feed(
      text,
      true,
    );
    return out;
  } catch (e) {
    if (e instanceof NnportError) return undefined;
    throw e;
  }
}

/** Parse in pieces cut after values near `cuts`: the bytes, or undefined when a piece fails or does not check. */
function parsePieces(text: Uint8Array, shape: number[], cuts: number[]): Uint8Array | undefined {
  const layout = dataLayout(shape, 0);
  const at: number[] = [];
  for (const c of cuts) {
    let q = Math.max(c, (at[at.length - 1] ?? 0) + 1);
    while (q < text.length && !(DELIMITER[text[q]] === 1 && DELIMITER[text[q - 1]] === 0)) q++;
    if (q < text.length) at.push(q);
  }
  const bounds = [0, ...new Set(at), text.length];
  const out = new Uint8Array(layout.leaves * 4);
  let next = 0;
  for (let j = 0; j + 1 < bounds.length; j++) {
    const initial = j === 0;
    const final = j + 2 === bounds.length;
    let result: Uint8Array;
    try {
      result = parseJsonChunk({
        kind: 'json-parse',
        dtype: 'int32',
        bytes: text.slice(bounds[j], bounds[j + 1]),
        initial,
        final,
      });
    } catch (e) {
      if (e instanceof NnportError) return undefined;
      throw e;
    }
    const piece = readJsonPiece(result, 'int32');
    assert.ok(piece !== undefined);
    if (!checkPiece(piece.piece, next, layout, initial, final)) return undefined;
    out.set(piece.values, next * itemSize('int32'));
    next += piece.piece.count;
  }
  return out;
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 });

/** A shape, its int32 data text, and cut offsets. */
const caseArb = shapeArb.chain((shape) => {
  const n = shape.reduce((a, b) => a * b, 1);
  return fc.record({
    shape: fc.constant(shape),
    values: fc.array(fc.integer({ min: -99, max: 99 }), { minLength: n, maxLength: n }),
    cuts: fc.uniqueArray(fc.nat({ max: 400 }), { maxLength: 6 }).map((c) => [...c].sort((a, b) => a - b)),
  });
});

function textOf(shape: number[], values: number[]): Uint8Array {
  return formatJsonChunk({
    kind: 'json-format',
    dtype: 'int32',
    shape,
    indent: 2,
    first: 0,
    bytes: new Uint8Array(Int32Array.from(values).buffer),
  });
}

describe('JSON data in pieces', () => {
  it('valid text cut anywhere after a value parses to the same bytes', () => {
    fc.assert(
      fc.property(caseArb, ({ shape, values, cuts }) => {
        const text = textOf(shape, values);
        const whole = parseWhole(text, shape);
        assert.deepEqual(whole, new Uint8Array(Int32Array.from(values).buffer));
        assert.deepEqual(parsePieces(text, shape, cuts), whole);
      }),
      { numRuns: 500 },
    );
  });

  it('mutated text: pieces accept exactly what the one-thread parser accepts', () => {
    const edit = fc.record({
      at: fc.nat(),
      remove: fc.nat({ max: 3 }),
      insert: fc.string({ unit: fc.constantFrom('[', ']', ',', ' ', '\n', '7', '-'), maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        caseArb,
        fc.array(edit, { minLength: 1, maxLength: 2 }),
        ({ shape, values, cuts }, edits) => {
          let text = new TextDecoder().decode(textOf(shape, values));
          for (const { at, remove, insert } of edits) {
            const i = at % (text.length + 1);
            text = text.slice(0, i) + insert + text.slice(i + remove);
          }
          const bytes = new TextEncoder().encode(text);
          const whole = parseWhole(bytes, shape);
          assert.deepEqual(parsePieces(bytes, shape, cuts), whole, text);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
