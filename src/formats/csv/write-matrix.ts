/**
 * Writes the CSV matrix layout (docs/formats/csv.md): a folder with one header-less CSV per tensor
 * (first dimension as rows, the other dimensions flattened in C order as columns) and a
 * `manifest.json` that names each tensor's dtype, shape and file. NumPy `loadtxt(f,
 * delimiter=',', ndmin=2)`, MATLAB `readmatrix` and spreadsheets open each file directly.
 */
import type { WriteOptions } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import type { FormatRequest } from '../../io/text/chunk.js';
import { graphToJson, stringifyJson } from '../../io/text/header-json.js';
import { type JsonExact, prettyJson } from '../../io/text/model-json.js';
import { type Job, Progress, tensorChunks, writeFormatted } from '../../io/text/pipeline.js';
import { checkTensors } from '../../io/text/writer-checks.js';
import { BufferedWriter } from '../../io/writer.js';
import { tensorFileNames } from './file-names.js';

/** The manifest's `format` value. */
export const MATRIX_FORMAT = 'nnport-csv-matrix';
/** The manifest's current `version`. */
export const MATRIX_VERSION = 1;
/** The manifest's file name inside the folder. */
export const MANIFEST = 'manifest.json';

const EMPTY = new Uint8Array(0);
const COMMA = new Uint8Array([44]);
const NEWLINE = new Uint8Array([10]);

/**
 * Rows and columns of a tensor's matrix file: a scalar is 1×1, a vector of n is n×1 (a column),
 * and higher ranks are shape[0] × (product of the rest), in C order.
 */
export function matrixSize(shape: readonly number[]): { rows: number; columns: number } {
  if (shape.length === 0) return { rows: 1, columns: 1 };
  if (shape.length === 1) return { rows: shape[0], columns: 1 };
  let columns = 1;
  for (let d = 1; d < shape.length; d++) columns *= shape[d];
  return { rows: shape[0], columns };
}

/** The formatting jobs of one tensor's matrix file. */
async function* matrixJobs(
  t: Tensor,
  columns: number,
  forWorkers: boolean,
): AsyncGenerator<Job<FormatRequest>> {
  const total = elementCount(t.shape);
  for await (const chunk of tensorChunks(t, forWorkers)) {
    const request: FormatRequest = {
      kind: 'rows',
      dtype: t.dtype,
      bytes: chunk.bytes,
      style: 'plain',
      start: chunk.start,
      total,
      rowLength: columns,
      rowPrefix: EMPTY,
      separator: COMMA,
      rowSuffix: NEWLINE,
      rowJoin: EMPTY,
      owned: chunk.owned,
    };
    yield { request, bytes: chunk.bytes.byteLength };
  }
}

/** Writes `model` as a CSV matrix folder through `target` (files created by relative path). */
export async function writeCsvMatrix(
  model: Model,
  target: WriteTarget,
  options: WriteOptions,
): Promise<void> {
  checkTensors(model, 'csv-matrix');
  const files = tensorFileNames(model.tensors.map((t) => t.name));
  const manifest = new BufferedWriter(await target.create(MANIFEST));
  await manifest.text(`{\n  "format": "${MATRIX_FORMAT}",\n  "version": ${MATRIX_VERSION},\n`);
  await manifest.text(`  "metadata": ${prettyJson(model.metadata, 2)},\n`);
  if (model.graph !== undefined)
    await manifest.text(`  "graph": ${stringifyJson(graphToJson(model.graph))},\n`);
  await manifest.text('  "tensors": [');
  for (let k = 0; k < model.tensors.length; k++) {
    const t = model.tensors[k];
    const { rows, columns } = matrixSize(t.shape);
    const entry: { [key: string]: JsonExact } = {
      name: t.name,
      dtype: t.dtype,
      shape: [...t.shape],
      file: files[k],
      rows,
      columns,
    };
    if (t.meta !== undefined) entry.meta = t.meta;
    await manifest.text(`${k === 0 ? '' : ','}\n    ${stringifyJson(entry)}`);
  }
  await manifest.text(model.tensors.length === 0 ? ']\n}\n' : '\n  ]\n}\n');
  await manifest.close();

  const progress = new Progress(model.tensors, options.onProgress);
  for (let k = 0; k < model.tensors.length; k++) {
    const t = model.tensors[k];
    const out = new BufferedWriter(await target.create(files[k]));
    if (t.data.byteLength > 0) {
      const { columns } = matrixSize(t.shape);
      await writeFormatted(
        out,
        matrixJobs(t, columns, options.parallel !== undefined),
        options.parallel,
        progress,
      );
    }
    await out.close();
  }
}
