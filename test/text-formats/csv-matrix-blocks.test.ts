/**
 * The CSV matrix reader's streaming path (files of 2 MiB and more are cut into line-aligned blocks
 * parsed without a scan pass): bit-exact on a multi-block file, with and without workers, and the
 * same error codes and line:column locations the small-file path gives.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReadInput } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, tensorFromBytes } from '../../src/core/tensor.js';
import { csvMatrixFormat } from '../../src/formats/csv/index.js';
import { allBytes, fakeParallel, folderInput, rejectsWith, textOf, writeWith } from './csv-txt-helpers.js';

const ROWS = 60_000;
const COLS = 8;

function bigModel(): Model {
  const values = new Float32Array(ROWS * COLS);
  let s = 12345;
  for (let i = 0; i < values.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    values[i] = (s / 2 ** 32 - 0.5) * 0.2;
  }
  values[7] = Number.NaN;
  values[8] = -0;
  values[9] = 1e-45;
  return {
    format: 'memory',
    metadata: {},
    tensors: [tensorFromBytes('w', 'float32', [ROWS, COLS], new Uint8Array(values.buffer))],
  };
}

function read(input: ReadInput, options = {}): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the plug-in has a reader
  return csvMatrixFormat.read!(input, options);
}

async function written(): Promise<{ files: Map<string, Uint8Array>; lines: string[]; model: Model }> {
  const model = bigModel();
  const files = (await writeWith(csvMatrixFormat, model, {}, 'big.csvdir')).files;
  const text = textOf(files.get('w.csv') as Uint8Array);
  assert.ok(text.length >= 4 << 20, `the file must take the streaming path (${text.length} bytes)`);
  return { files, lines: text.split('\n'), model };
}

function withText(files: Map<string, Uint8Array>, lines: string[]): ReadInput {
  const m = new Map(files);
  m.set('w.csv', new TextEncoder().encode(lines.join('\n')));
  return folderInput('big.csvdir', m);
}

test('a multi-block matrix file reads back bit for bit, with and without workers', async () => {
  const { files, model } = await written();
  const expected = await readTensorBytes(model.tensors[0] as Model['tensors'][0]);
  for (const options of [{}, { parallel: fakeParallel(2) }]) {
    const back = await read(folderInput('big.csvdir', files), options);
    assert.deepEqual(await readTensorBytes(back.tensors[0] as Model['tensors'][0]), expected);
  }
});

test('multi-block errors have the small-file codes and line:column locations', async () => {
  const { files, lines } = await written();
  const at = 45_001; // a line deep inside a later block (1-based)
  for (const options of [{}, { parallel: fakeParallel(2) }]) {
    const bad = [...lines];
    const cells = (bad[at - 1] as string).split(',');
    cells[3] = 'x';
    bad[at - 1] = cells.join(',');
    const column = cells.slice(0, 3).join(',').length + 2;
    await rejectsWith(async () => allBytes(await read(withText(files, bad), options)), 'INVALID_STRUCTURE', {
      line: at,
      column,
    });

    const ragged = [...lines];
    ragged[at - 1] = (ragged[at - 1] as string)
      .split(',')
      .slice(0, COLS - 1)
      .join(',');
    const e = await rejectsWith(
      async () => allBytes(await read(withText(files, ragged), options)),
      'INVALID_STRUCTURE',
    );
    assert.deepEqual((e.at as { line: number }).line, at);

    const extra = [...lines.slice(0, ROWS), lines[0] as string, ''];
    await rejectsWith(
      async () => allBytes(await read(withText(files, extra), options)),
      'INVALID_STRUCTURE',
      {
        line: ROWS + 1,
        column: 1,
      },
    );

    const short = [...lines.slice(0, at - 1), ...lines.slice(at)];
    await rejectsWith(async () => allBytes(await read(withText(files, short), options)), 'TRUNCATED', {
      line: ROWS,
      column: 1,
    });
  }
});
