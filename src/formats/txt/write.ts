/**
 * Writes nnport TXT (docs/formats/txt.md): a magic line, optional metadata and graph lines, then
 * per tensor a `tensor` line, an optional `meta` line and its values, one row of the last
 * dimension per line, space-separated, in C order.
 */
import type { WriteOptions } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import type { FormatRequest } from '../../io/text/chunk.js';
import { graphToJson, stringifyJson } from '../../io/text/header-json.js';
import { type Job, Progress, tensorChunks, writeFormatted } from '../../io/text/pipeline.js';
import { checkTensors } from '../../io/text/writer-checks.js';
import { BufferedWriter } from '../../io/writer.js';
import { txtName } from './names.js';

const EMPTY = new Uint8Array(0);
const SPACE = new Uint8Array([32]);
const NEWLINE = new Uint8Array([10]);

/** Values per TXT line: the last dimension (a scalar is one line of one value). */
export function txtRowLength(shape: readonly number[]): number {
  return shape.length === 0 ? 1 : shape[shape.length - 1];
}

/** The formatting jobs of one tensor's values. */
async function* txtJobs(t: Tensor, forWorkers: boolean): AsyncGenerator<Job<FormatRequest>> {
  const total = elementCount(t.shape);
  const rowLength = txtRowLength(t.shape);
  for await (const chunk of tensorChunks(t, forWorkers)) {
    const request: FormatRequest = {
      kind: 'rows',
      dtype: t.dtype,
      bytes: chunk.bytes,
      style: 'plain',
      start: chunk.start,
      total,
      rowLength,
      rowPrefix: EMPTY,
      separator: SPACE,
      rowSuffix: NEWLINE,
      rowJoin: EMPTY,
    };
    yield { request, bytes: chunk.bytes.byteLength };
  }
}

/** Writes `model` as nnport TXT through `target`. */
export async function writeTxt(model: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  checkTensors(model, 'txt');
  const out = new BufferedWriter(await target.create());
  await out.text('nnport-txt 1\n');
  if (Object.keys(model.metadata).length > 0) await out.text(`metadata ${stringifyJson(model.metadata)}\n`);
  if (model.graph !== undefined) await out.text(`graph ${stringifyJson(graphToJson(model.graph))}\n`);
  const progress = new Progress(model.tensors, options.onProgress);
  for (const t of model.tensors) {
    const dims = t.shape.map((d) => ` ${d}`).join('');
    await out.text(`tensor ${txtName(t.name)} ${t.dtype} ${t.shape.length}${dims}\n`);
    if (t.meta !== undefined) await out.text(`meta ${stringifyJson(t.meta)}\n`);
    if (t.data.byteLength === 0) continue;
    await writeFormatted(out, txtJobs(t, options.parallel !== undefined), options.parallel, progress);
  }
  await out.close();
}
