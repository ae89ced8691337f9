/**
 * Whole models with extended graphs (every attribute kind, If/Loop bodies, sparse and string
 * tensors, value infos with TypeProto JSON, meta everywhere, bigint ints, NaN/±Infinity/-0 floats)
 * through every nnport text format — json, csv, csv-matrix, txt — with the public API in memory
 * (writeModel into a MemoryTarget, readModel of memoryInput with content detection): the same
 * graph, the same metadata, the tensors bit for bit, and the same bytes when written again.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { memoryInput, readModel, writeModel } from '../../src/api.js';
import type { ReadInput } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { assertSameModel, metadataArb, nameArb, tensorArb } from './csv-txt-helpers.js';
import { CLASSIC_DTYPES, fullGraphArb, onnxLikeModel } from './graph-fixtures.js';

/** The text formats and where their single file or folder is written. */
const FORMATS = ['json', 'csv', 'csv-matrix', 'txt'] as const;
type TextFormat = (typeof FORMATS)[number];

/** Writes with the public API; returns the target's files. */
async function write(model: Model, format: TextFormat): Promise<Map<string, Uint8Array>> {
  const target = new MemoryTarget(format === 'csv-matrix' ? 'out.csvdir' : `out.${format}`);
  await writeModel(model, format, target);
  return target.files;
}

/** The written files as a ReadInput: the single file, or the csv-matrix folder. */
function inputOf(format: TextFormat, files: Map<string, Uint8Array>): ReadInput {
  if (format !== 'csv-matrix') {
    const main = files.get('');
    assert.ok(main !== undefined, 'a single-file output');
    return memoryInput(main, `out.${format}`);
  }
  return { ...memoryInput(new Uint8Array(0), 'out.csvdir', Object.fromEntries(files)), isFolder: true };
}

/** Writes, reads back with detection, compares, and checks that writing again gives the same bytes. */
async function roundTrip(model: Model, format: TextFormat): Promise<void> {
  const files = await write(model, format);
  const back = await readModel(inputOf(format, files));
  assert.equal(back.format, format);
  await assertSameModel(back, model);
  assert.deepEqual(await write(back, format), files, 'writing what was read gives the same files');
}

/** Random models: random tensors (classic dtypes, special values, nasty names), metadata, a full graph. */
const modelArb: fc.Arbitrary<Model> = fc
  .record({
    tensors: fc.uniqueArray(tensorArb(nameArb, CLASSIC_DTYPES), { maxLength: 3, selector: (t) => t.name }),
    metadata: metadataArb,
    graph: fullGraphArb,
  })
  .map(({ tensors, metadata, graph }) => ({ format: 'memory', metadata, graph, tensors }));

describe('extended graphs through the text formats (writeModel/readModel in memory)', () => {
  for (const format of FORMATS) {
    it(`${format}: the ONNX-like model comes back with the same graph, metadata and tensor bits`, async () => {
      await roundTrip(onnxLikeModel(), format);
    });

    it(`${format}: random models with full graphs round-trip exactly`, async () => {
      await fc.assert(
        fc.asyncProperty(modelArb, async (model) => {
          await roundTrip(model, format);
        }),
        { numRuns: 60 },
      );
    });
  }

  it('csv-matrix: the manifest file alone (with its siblings) reads the same model', async () => {
    const model = onnxLikeModel();
    const files = await write(model, 'csv-matrix');
    const manifest = files.get('manifest.json');
    assert.ok(manifest !== undefined);
    const siblings = Object.fromEntries([...files].filter(([k]) => k !== 'manifest.json'));
    await assertSameModel(await readModel(memoryInput(manifest, 'manifest.json', siblings)), model);
  });
});
