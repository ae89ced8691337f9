/**
 * Writes a model as an nnport JSON document (docs/formats/json.md): deterministic text, streamed
 * tensor by tensor through a BufferedWriter. Tensor values are formatted in chunks of CHUNK_VALUES
 * (`json-format` requests, chunk-json.ts), on worker threads when the host offers them; results are
 * written strictly in order, so the bytes are the same either way.
 */
import { byteLengthOf } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import type { FormatRequest } from '../../io/text/chunk.js';
import { dataLayout, Odometer } from '../../io/text/json-layout.js';
import { graphToJson, prettyJson } from '../../io/text/model-json.js';
import { CHUNK_VALUES, type Job, Progress, tensorChunks, writeFormatted } from '../../io/text/pipeline.js';
import { TextBuffer, textLayout } from '../../io/text/values.js';
import { BufferedWriter } from '../../io/writer.js';

/** Spaces before a tensor entry's members (root members 2, tensor entries 4, their members 6). */
const MEMBER_INDENT = 6;

/** Tensors with fewer values are formatted on the calling thread even when workers exist. */
const PARALLEL_MIN_VALUES = 2 * CHUNK_VALUES;

/** The text of a tensor entry up to its data value. */
function tensorHead(t: Tensor, first: boolean): string {
  const pad = ' '.repeat(MEMBER_INDENT);
  let s = `${first ? '' : ','}\n    {\n`;
  s += `${pad}"name": ${JSON.stringify(t.name)},\n`;
  s += `${pad}"dtype": "${t.dtype}",\n`;
  s += `${pad}"shape": [${t.shape.join(', ')}],\n`;
  if (t.meta !== undefined) s += `${pad}"meta": ${prettyJson(t.meta, MEMBER_INDENT, true)},\n`;
  return `${s}${pad}"data": `;
}

/** Format requests for a tensor's values, one per chunk of CHUNK_VALUES. */
async function* formatJobs(t: Tensor, forWorkers: boolean): AsyncGenerator<Job<FormatRequest>> {
  // Complex tensors are pairs [re, im] of the part dtype: the same bytes seen with a trailing 2.
  const layout = textLayout(t.dtype, t.shape);
  const perElement = layout.shape.length > t.shape.length ? 2 : 1;
  for await (const chunk of tensorChunks(t, forWorkers)) {
    const request: FormatRequest = {
      kind: 'json-format',
      dtype: layout.dtype,
      shape: layout.shape,
      indent: MEMBER_INDENT,
      first: chunk.start * perElement,
      bytes: chunk.bytes,
      owned: chunk.owned,
    };
    yield { request, bytes: chunk.bytes.byteLength };
  }
}

/** Writes the nested empty arrays of a tensor with no elements (json-layout.ts: leaves are `[]`). */
async function writeEmpty(t: Tensor, out: BufferedWriter): Promise<void> {
  const layout = dataLayout(textLayout(t.dtype, t.shape).shape, MEMBER_INDENT);
  const text = new TextBuffer();
  const odo = new Odometer(layout.dims, 0);
  text.bytes(layout.open);
  for (let k = 0; k < layout.leaves; k++) {
    if (k > 0) text.bytes(layout.seps[odo.next()]);
    text.ascii('[]');
    if (text.pos >= 1 << 20) await out.bytes(text.take());
  }
  text.bytes(layout.close);
  await out.bytes(text.take());
}

/** Writes `model` as one nnport JSON document through `target`. */
export async function writeJson(model: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  for (const t of model.tensors) {
    const expected = byteLengthOf(t.dtype, elementCount(t.shape));
    if (t.data.byteLength !== expected) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `${t.data.byteLength} bytes of data for ${t.dtype}[${t.shape.join(', ')}]`,
        {
          at: { tensor: t.name },
        },
      );
    }
  }
  const out = new BufferedWriter(await target.create());
  const progress = new Progress(model.tensors, options.onProgress);
  let head = '{\n  "format": "nnport",\n  "version": 1,\n';
  head += `  "metadata": ${prettyJson(model.metadata, 2, true)},\n`;
  if (model.graph !== undefined) head += `  "graph": ${prettyJson(graphToJson(model.graph), 2, true)},\n`;
  head += '  "tensors": [';
  await out.text(head);
  let first = true;
  for (const t of model.tensors) {
    await out.text(tensorHead(t, first));
    first = false;
    const count = elementCount(t.shape);
    if (count === 0) {
      await writeEmpty(t, out);
    } else {
      const parallel = count >= PARALLEL_MIN_VALUES ? options.parallel : undefined;
      await writeFormatted(out, formatJobs(t, parallel !== undefined), parallel, progress);
    }
    await out.text('\n    }');
  }
  await out.text(model.tensors.length === 0 ? ']\n}\n' : '\n  ]\n}\n');
  await out.close();
}
