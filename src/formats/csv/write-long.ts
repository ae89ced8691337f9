/**
 * Writes the CSV long layout (docs/formats/csv.md): `#` header lines that pandas
 * (`comment='#'`) and most tools skip, the header row `tensor,layer,param,dtype,shape,index,value`,
 * then one row per element in C order.
 */
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import type { FormatRequest } from '../../io/text/chunk.js';
import { graphToJson, stringifyJson } from '../../io/text/header-json.js';
import { hasLoneSurrogate, utf8 } from '../../io/text/header-line.js';
import { splitTensorName } from '../../io/text/names.js';
import { type Job, Progress, tensorChunks, writeFormatted } from '../../io/text/pipeline.js';
import { checkTensors } from '../../io/text/writer-checks.js';
import { BufferedWriter } from '../../io/writer.js';
import { quoteField } from './fields.js';

/** The magic first line, version and layout (docs/formats/csv.md). */
export const CSV_MAGIC = '#nnport-csv';
/** The CSV long layout's current version. */
export const CSV_VERSION = 1;
/** The header row's column names, in order. */
export const CSV_COLUMNS = ['tensor', 'layer', 'param', 'dtype', 'shape', 'index', 'value'] as const;

/** A shape as the `shape` column writes it: dimensions separated by single spaces (`''` for a scalar). */
export function shapeText(shape: readonly number[]): string {
  return shape.join(' ');
}

/** The first five fields of every row of `t`, quoted, with the comma that follows them. */
export function rowPrefix(t: Tensor): string {
  const { layer, param } = splitTensorName(t.name);
  return `${quoteField(t.name, true)},${quoteField(layer)},${quoteField(param)},${t.dtype},${shapeText(t.shape)},`;
}

/** The formatting jobs of one tensor's rows. */
async function* longJobs(
  t: Tensor,
  prefix: Uint8Array,
  forWorkers: boolean,
): AsyncGenerator<Job<FormatRequest>> {
  for await (const chunk of tensorChunks(t, forWorkers)) {
    const request: FormatRequest = {
      kind: 'csv-long',
      dtype: t.dtype,
      bytes: chunk.bytes,
      prefix,
      shape: t.shape,
      start: chunk.start,
    };
    yield { request, bytes: chunk.bytes.byteLength };
  }
}

/** Writes `model` in the CSV long layout as one file through `target`. */
export async function writeCsvLong(model: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  checkTensors(model, 'csv');
  for (const t of model.tensors) {
    if (hasLoneSurrogate(t.name)) {
      throw new NnportError(
        'UNREPRESENTABLE',
        'a tensor name with a lone UTF-16 surrogate cannot be written as UTF-8 CSV',
        {
          format: 'csv',
          at: { tensor: t.name },
        },
      );
    }
  }
  const out = new BufferedWriter(await target.create());
  await out.text(`${CSV_MAGIC} ${CSV_VERSION} long\n`);
  if (Object.keys(model.metadata).length > 0) await out.text(`#metadata ${stringifyJson(model.metadata)}\n`);
  if (model.graph !== undefined) await out.text(`#graph ${stringifyJson(graphToJson(model.graph))}\n`);
  for (const t of model.tensors) {
    if (t.meta !== undefined)
      await out.text(`#tensor-meta ${JSON.stringify(t.name)} ${stringifyJson(t.meta)}\n`);
  }
  await out.text(`${CSV_COLUMNS.join(',')}\n`);
  const progress = new Progress(model.tensors, options.onProgress);
  for (const t of model.tensors) {
    const prefix = rowPrefix(t);
    if (elementCount(t.shape) === 0) {
      // No element, but the tensor must survive: one row with empty index and value.
      await out.text(`${prefix},\n`);
      continue;
    }
    const jobs = longJobs(t, utf8(prefix), options.parallel !== undefined);
    await writeFormatted(out, jobs, options.parallel, progress);
  }
  await out.close();
}
