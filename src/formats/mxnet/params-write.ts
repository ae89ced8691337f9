/**
 * Writer of MXNet NDArray list files (`.params`) as MXNet 1.x `mx.nd.save` writes them, so that
 * every MXNet 1.x (and the `mxnet-params` reader) loads them: facts from apache/mxnet
 * src/ndarray/ndarray.cc (`NDArray::Save`) and src/c_api/c_api.cc (`MXNDArraySave`); no code was
 * copied. Layout, all little-endian:
 *
 *   uint64 list magic 0x112, uint64 reserved 0, uint64 array count,
 *   one V2 record per array: uint32 0xF993FAC9, int32 storage type 0 (dense), int32 ndim,
 *     int64 dims, int32 dev_type 1 (cpu), int32 dev_id 0, int32 mshadow type flag, raw C-order data;
 *   uint64 name count, names (uint64 byte length + UTF-8 bytes).
 *
 * V2 is what MXNet 1.x writes outside NumPy-shape mode, and what every 1.x loads; V3 records
 * (NumPy shapes) are refused by 1.x loaders outside `npx.set_np()`, so they are never written.
 * That costs two shapes V2 cannot say: a 0-d tensor (V2 ndim 0 means "no array") is written as
 * shape [1], and a tensor with no elements (a 0 dim is "unknown" to MXNet 1.x) as a "none"
 * record; both with a warning. Tensor data are streamed in chunks, never gathered in memory.
 */
import { byteLengthOf } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import { MAX_NAME_LENGTH, MAX_RANK, MAX_TENSORS } from '../../core/limits.js';
import { elementCount, readChunks, type Tensor } from '../../core/tensor.js';
import type { ByteSink } from '../../io/byte-sink.js';
import { encodeUtf8 } from '../../io/cursor.js';
import { BufferedWriter } from '../../io/writer.js';
import { MXNET_LIST_MAGIC, NDARRAY_V2_MAGIC, typeFlagOf } from './params.js';

/** The format id errors carry. */
const FORMAT = 'mxnet-params';

/** Bytes of tensor data read per step: large enough for throughput, small enough for memory. */
export const PARAMS_COPY_CHUNK_BYTES = 1 << 22;

/** `Context::kCPU`: MXNet saves every array with a CPU context (`as_in_context(cpu())`). */
const DEV_TYPE_CPU = 1;

/** One array to write and the name it is stored under (`arg:fc1_weight`, or a bare Gluon name). */
export interface ParamsEntry {
  /** The stored name, prefixes included. */
  readonly name: string;
  /** The tensor; its dtype must have an mshadow type flag. */
  readonly tensor: Tensor;
}

/** What one record holds once checked: the stored shape (after the V2 adjustments) and flag. */
interface PlannedRecord {
  readonly entry: ParamsEntry;
  readonly nameBytes: Uint8Array;
  /** The shape written; `undefined` for a "none" record (ndim 0, nothing more). */
  readonly shape: readonly number[] | undefined;
  readonly flag: number;
}

/**
 * Checks every entry before a byte is written, so a refused tensor never leaves half a file:
 * UNREPRESENTABLE for a dtype with no type flag (naming the tensor) or a duplicate name,
 * INVALID_STRUCTURE for data whose length disagrees with the shape, LIMIT_EXCEEDED for too many
 * arrays, too long names or too high ranks.
 */
function plan(entries: readonly ParamsEntry[], warn: (m: string) => void): PlannedRecord[] {
  if (entries.length > MAX_TENSORS) {
    throw new NnportError('LIMIT_EXCEEDED', `${entries.length} arrays exceed MAX_TENSORS`, {
      format: FORMAT,
    });
  }
  const seen = new Set<string>();
  return entries.map((entry) => {
    const { name, tensor: t } = entry;
    const at = { tensor: name };
    if (seen.has(name)) {
      throw new NnportError('UNREPRESENTABLE', `two arrays would be named ${JSON.stringify(name)}`, {
        format: FORMAT,
        at,
      });
    }
    seen.add(name);
    const nameBytes = encodeUtf8(name);
    if (nameBytes.length > MAX_NAME_LENGTH) {
      throw new NnportError('LIMIT_EXCEEDED', `name of ${nameBytes.length} bytes exceeds MAX_NAME_LENGTH`, {
        format: FORMAT,
        at,
      });
    }
    const flag = typeFlagOf(t.dtype);
    if (flag === undefined) {
      throw new NnportError(
        'UNREPRESENTABLE',
        `tensor '${t.name}' is ${t.dtype}, which MXNet has no type flag for (float32, float64, float16, bfloat16, uint8, int8, int16, int32, int64, uint16, uint32, uint64, bool)`,
        { format: FORMAT, at },
      );
    }
    if (t.shape.length > MAX_RANK) {
      throw new NnportError('LIMIT_EXCEEDED', `rank ${t.shape.length} exceeds MAX_RANK ${MAX_RANK}`, {
        format: FORMAT,
        at,
      });
    }
    const count = elementCount(t.shape);
    const expected = byteLengthOf(t.dtype, count);
    if (t.data.byteLength !== expected) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `${t.data.byteLength} bytes of data for ${t.dtype}[${t.shape.join(', ')}], which needs ${expected}`,
        { format: FORMAT, at },
      );
    }
    let shape: readonly number[] | undefined = t.shape;
    if (t.shape.length === 0) {
      warn(
        `tensor '${name}' is 0-d; MXNet 1.x arrays have at least one dimension, so it is stored as shape [1]`,
      );
      shape = [1];
    } else if (count === 0) {
      warn(
        `tensor '${name}' has no elements (shape [${t.shape.join(', ')}]); MXNet 1.x reads a 0 dimension as unknown, so it is stored as a "none" array`,
      );
      shape = undefined;
    }
    return { entry, nameBytes, shape, flag };
  });
}

/** Little-endian scalar writers into a BufferedWriter (headers are a few dozen bytes each). */
class HeaderWriter {
  readonly #bytes = new Uint8Array(8);
  readonly #view = new DataView(this.#bytes.buffer);
  constructor(readonly w: BufferedWriter) {}

  u32(v: number): Promise<void> {
    this.#view.setUint32(0, v, true);
    return this.w.bytes(this.#bytes.slice(0, 4));
  }
  i32(v: number): Promise<void> {
    this.#view.setInt32(0, v, true);
    return this.w.bytes(this.#bytes.slice(0, 4));
  }
  u64(v: number): Promise<void> {
    this.#view.setBigUint64(0, BigInt(v), true);
    return this.w.bytes(this.#bytes.slice(0, 8));
  }
  i64(v: number): Promise<void> {
    this.#view.setBigInt64(0, BigInt(v), true);
    return this.w.bytes(this.#bytes.slice(0, 8));
  }
}

/**
 * Writes `entries` as one MXNet NDArray list into `sink` and closes it. Names are stored as given
 * (a Module checkpoint wants `arg:`/`aux:` prefixes; a bare list keeps tensor names). Warnings
 * (0-d and empty tensors) go to `options.onWarning`; progress to `options.onProgress`.
 */
export async function writeParamsRecords(
  sink: ByteSink,
  entries: readonly ParamsEntry[],
  options: WriteOptions = {},
): Promise<void> {
  const records = plan(entries, (m) => options.onWarning?.(m));
  const total = records.reduce((s, r) => s + (r.shape === undefined ? 0 : r.entry.tensor.data.byteLength), 0);
  const w = new BufferedWriter(sink);
  const h = new HeaderWriter(w);
  await h.u64(MXNET_LIST_MAGIC);
  await h.u64(0);
  await h.u64(records.length);
  let done = 0;
  for (const r of records) {
    await h.u32(NDARRAY_V2_MAGIC);
    await h.i32(0); // storage type: default (dense)
    if (r.shape === undefined) {
      await h.i32(0); // ndim 0: a "none" array, nothing more is stored
      continue;
    }
    await h.i32(r.shape.length);
    for (const d of r.shape) await h.i64(d);
    await h.i32(DEV_TYPE_CPU);
    await h.i32(0); // dev_id
    await h.i32(r.flag);
    const t = r.entry.tensor;
    let copied = 0;
    for await (const chunk of readChunks(t, PARAMS_COPY_CHUNK_BYTES, 1)) {
      await w.bytes(chunk);
      copied += chunk.byteLength;
      options.onProgress?.(done + copied, total);
    }
    if (copied !== t.data.byteLength) {
      // A source returning short reads would shift every later record: fail loudly.
      throw new NnportError('INVALID_STRUCTURE', `read ${copied} of ${t.data.byteLength} bytes`, {
        format: FORMAT,
        at: { tensor: r.entry.name },
      });
    }
    done += copied;
  }
  await h.u64(records.length);
  for (const r of records) {
    await h.u64(r.nameBytes.length);
    await w.bytes(r.nameBytes);
  }
  await w.close();
}

/**
 * The `mxnet-params` writer: every tensor of the model, named as stored (no prefix is added or
 * removed), in the model's order. The graph, if any, is not written (write `--to mxnet` for a
 * symbol file and its parameters).
 */
export async function writeMxnetParamsModel(
  tensors: readonly Tensor[],
  sink: ByteSink,
  options: WriteOptions,
): Promise<void> {
  await writeParamsRecords(
    sink,
    tensors.map((t) => ({ name: t.name, tensor: t })),
    options,
  );
}
