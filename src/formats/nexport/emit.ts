/**
 * Streaming text output shared by the nexport and Fiats writers: ASCII pieces and runs of numbers
 * straight into a BufferedWriter's buffer (no string per value), and a layer's weights read a few
 * neuron rows at a time, so no output and no transposed copy of a weight is built whole (except a
 * transposed weight, which dense-layers.ts reads once to gather its rows).
 */
import type { DenseLayer } from '../../analysis/dense-layers.js';
import { itemSize } from '../../core/dtype.js';
import type { WriteOptions } from '../../core/format.js';
import { readTensorBytes } from '../../core/tensor.js';
import { encodeUtf8 } from '../../io/cursor.js';
import type { ValueWriter } from '../../io/text/values.js';
import type { BufferedWriter } from '../../io/writer.js';
import { MAX_NUMBER_CHARS, type NumberStyle, pythonFloatWriter } from './numbers.js';

/** Bytes of weight rows read at once: enough to amortise reads, small next to the output buffer. */
export const ROW_CHUNK_BYTES = 1 << 20;

/** Text output over a BufferedWriter, with progress reporting. */
export class TextOut {
  readonly #out: BufferedWriter;
  readonly #pieces = new Map<string, Uint8Array>();
  readonly #onProgress: WriteOptions['onProgress'];
  readonly #total: number;
  #done = 0;

  constructor(out: BufferedWriter, options: WriteOptions, totalBytes: number) {
    this.#out = out;
    this.#onProgress = options.onProgress;
    this.#total = totalBytes;
  }

  /** The UTF-8 bytes of `s`, cached: the layouts repeat a few pieces per neuron. */
  #bytes(s: string): Uint8Array {
    let bytes = this.#pieces.get(s);
    if (bytes === undefined) {
      bytes = encodeUtf8(s);
      if (this.#pieces.size < 64) this.#pieces.set(s, bytes);
    }
    return bytes;
  }

  /** Appends text. */
  async text(s: string): Promise<void> {
    await this.#out.bytes(this.#bytes(s));
  }

  /** Appends values `first .. end − 1` of `write` with `between` after every value but the last. */
  async values(write: ValueWriter, first: number, end: number, between: string): Promise<void> {
    const out = this.#out;
    const sep = this.#bytes(between);
    const room = MAX_NUMBER_CHARS + sep.length;
    for (let i = first; i < end; i++) {
      if (out.buf.length - out.pos < room) await out.reserve(room);
      out.pos = write(i, out.buf, out.pos);
      if (i + 1 < end) {
        out.buf.set(sep, out.pos);
        out.pos += sep.length;
      }
    }
  }

  /** Records `bytes` more of tensor data written. */
  progress(bytes: number): void {
    this.#done += bytes;
    this.#onProgress?.(this.#done, this.#total);
  }

  /** Flushes and closes the output. */
  close(): Promise<void> {
    return this.#out.close();
  }
}

/** A run of neuron rows: `count` neurons from `first`, each `layer.inputs` values, in `write`. */
export interface RowChunk {
  readonly first: number;
  readonly count: number;
  readonly write: ValueWriter;
}

/** A layer's weight rows in chunks of about ROW_CHUNK_BYTES, as Python-layout number writers. */
export async function* rowChunks(layer: DenseLayer, style: NumberStyle): AsyncGenerator<RowChunk> {
  const rowBytes = layer.inputs * itemSize(layer.weight.dtype);
  const perChunk = Math.max(1, Math.floor(ROW_CHUNK_BYTES / rowBytes));
  for (let first = 0; first < layer.outputs; first += perChunk) {
    const count = Math.min(perChunk, layer.outputs - first);
    const bytes = await layer.readRows(first, count);
    yield { first, count, write: pythonFloatWriter(layer.weight.dtype, bytes, style) };
  }
}

/** A layer's biases as a Python-layout number writer. */
export async function biasWriter(layer: DenseLayer, style: NumberStyle): Promise<ValueWriter> {
  return pythonFloatWriter(layer.bias.dtype, await readTensorBytes(layer.bias), style);
}

/**
 * Writes one layer's neurons as `{weights, bias}` objects: per neuron `open`, the weights joined
 * by `between`, `middle`, the bias, then `close` (`closeLast` for the last neuron). The JSON
 * layouts (json.dumps with indent, nexport's one-line weights, Fiats) differ only in these pieces.
 */
export async function writeNeurons(
  out: TextOut,
  layer: DenseLayer,
  style: NumberStyle,
  pieces: { open: string; between: string; middle: string; close: string; closeLast: string },
): Promise<void> {
  const bias = await biasWriter(layer, style);
  const n = layer.inputs;
  for await (const chunk of rowChunks(layer, style)) {
    for (let r = 0; r < chunk.count; r++) {
      const neuron = chunk.first + r;
      await out.text(pieces.open);
      await out.values(chunk.write, r * n, (r + 1) * n, pieces.between);
      await out.text(pieces.middle);
      await out.values(bias, neuron, neuron + 1, '');
      await out.text(neuron === layer.outputs - 1 ? pieces.closeLast : pieces.close);
    }
    out.progress(chunk.count * n * itemSize(layer.weight.dtype));
  }
  out.progress(layer.bias.data.byteLength);
}
