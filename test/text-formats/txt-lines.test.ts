/**
 * The text readers' line scanner (io/text/lines.ts): whatever the chunk size — down to one byte,
 * so every line, prefix test and blank-line test crosses chunk edges — it hands out the same lines
 * and skips the same rows, with the same checkpoints, as with the whole file in one chunk.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { BytesSource } from '../../src/io/byte-source.js';
import { LineScanner, type SkipOptions } from '../../src/io/text/lines.js';
import { bytesOf, textOf } from './csv-txt-helpers.js';

/** One scripted step: read a line, or skip rows with options. */
type Step = { kind: 'next' } | { kind: 'skip'; rows: number; opts: SkipOptions };

/** Runs the steps and records everything observable. */
async function run(
  bytes: Uint8Array,
  chunk: number,
  steps: readonly Step[],
  bom: boolean,
): Promise<unknown[]> {
  const s = new LineScanner(new BytesSource(bytes, 'x'), chunk);
  if (bom) await s.skipBom();
  const log: unknown[] = [];
  for (const step of steps) {
    if (step.kind === 'next') {
      const l = await s.next(1 << 20);
      log.push(l === undefined ? 'eof' : [textOf(l.bytes), l.line, l.offset, l.crlf]);
    } else {
      const r = await s.skipRows(step.rows, step.opts);
      // Checkpoints depend on the chunking only through CHECKPOINT_BYTES, far above these sizes.
      log.push([r.rows, r.checkpoints[0], r.checkpoints[r.checkpoints.length - 1]]);
    }
    log.push([s.offset, s.line, await s.atEnd()]);
  }
  return log;
}

const PIECES = [
  'tensor a\n',
  'tensor b\r\n',
  '1 2\n',
  '3\r\n',
  '\n',
  '  \n',
  '# c\n',
  'p,x,1\n',
  'p,x,2\n',
  'p,\ny,3\n',
  '\r',
  ' ',
  '\ufeff',
  'q',
];

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.constant<Step>({ kind: 'next' }),
  fc
    .record({
      rows: fc.integer({ min: 0, max: 6 }),
      linesPerRow: fc.integer({ min: 1, max: 2 }),
      stop: fc.constantFrom(undefined, 'tensor '),
      need: fc.constantFrom(undefined, 'p,', 'p,\n'),
      skipBlank: fc.boolean(),
    })
    .map(({ rows, linesPerRow, stop, need, skipBlank }): Step => {
      const opts: { -readonly [K in keyof SkipOptions]: SkipOptions[K] } = { linesPerRow, skipBlank };
      if (stop !== undefined) opts.stopAt = bytesOf(stop);
      if (need !== undefined) opts.requirePrefix = bytesOf(need);
      return { kind: 'skip', rows, opts };
    }),
);

test('the scanner gives the same lines, rows and positions for every chunk size', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom(...PIECES), { maxLength: 14 }),
      fc.array(stepArb, { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 9 }),
      fc.boolean(),
      async (pieces, steps, chunk, bom) => {
        const bytes = bytesOf(pieces.join(''));
        assert.deepEqual(await run(bytes, chunk, steps, bom), await run(bytes, 1 << 20, steps, bom));
      },
    ),
    { numRuns: 500 },
  );
});

test('checkpoints split a long run of rows at row starts', async () => {
  const rows = 300_000;
  const text = bytesOf('x,1\n'.repeat(rows));
  for (const chunk of [1 << 22, 4093]) {
    const s = new LineScanner(new BytesSource(text, 'x'), chunk);
    const r = await s.skipRows(rows, { linesPerRow: 1, requirePrefix: bytesOf('x,') });
    assert.equal(r.rows, rows);
    assert.ok(r.checkpoints.length >= 3);
    for (const cp of r.checkpoints) {
      assert.equal(cp.offset, cp.row * 4);
      assert.equal(cp.line, cp.row + 1);
    }
  }
});

test('a line over the limit is LIMIT_EXCEEDED at its line', async () => {
  const s = new LineScanner(new BytesSource(bytesOf(`ok\n${'x'.repeat(100)}\n`), 'x'), 7);
  await s.next(10);
  await assert.rejects(s.next(10), (e: unknown) => (e as { code?: string }).code === 'LIMIT_EXCEEDED');
});
