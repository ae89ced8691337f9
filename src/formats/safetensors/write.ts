/**
 * Writes one `.safetensors` file the way the reference writer does (huggingface/safetensors
 * `tensor.rs`, `prepare` + `serialize_to_file`), so that for the same tensors and metadata the
 * bytes equal `safetensors.torch.save_file` / `safetensors.numpy.save_file` output:
 *
 * - tensors sorted by dtype rank descending (the enum's alignment order: U64, I64, F64, F32, ...),
 *   then by name (byte order), and laid out contiguously in that order;
 * - header `{"__metadata__":{...},"name":{"dtype":"F32","shape":[..],"data_offsets":[b,e]},...}`,
 *   compact serde_json (no spaces), `__metadata__` first and only when there is metadata;
 * - header padded with spaces to a multiple of 8 bytes so every tensor starts 8-aligned;
 * - refused when the header passes 100 MB (the reference's HeaderTooLarge).
 *
 * Only the metadata order can differ from the reference, whose HashMap order is random: nnport
 * sorts metadata keys. Data is streamed tensor by tensor, in chunks.
 */
import { byteLengthOf } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import { MAX_HEADER_BYTES } from '../../core/limits.js';
import type { JsonValue } from '../../core/model.js';
import { elementCount, readChunks, type Tensor } from '../../core/tensor.js';
import type { ByteSink } from '../../io/byte-sink.js';
import { encodeUtf8 } from '../../io/cursor.js';
import { BufferedWriter } from '../../io/writer.js';
import { TO_SAFETENSORS } from './dtypes.js';
import { compareCodePoints, encodeMetadata, jsonString } from './metadata.js';
import { METADATA_KEY, N_LEN } from './read.js';

/** Bytes of tensor data read per step when copying: large enough for throughput, small enough for memory. */
export const COPY_CHUNK_BYTES = 1 << 22;

/** A prepared file: the header bytes (padded) and the tensors in data order. */
export interface PreparedFile {
  /** `u64 N` + the padded header. */
  readonly head: Uint8Array;
  /** Tensors in the order their data follows the header. */
  readonly order: readonly Tensor[];
  /** Bytes of the data buffer. */
  readonly dataBytes: number;
}

/**
 * Builds the header. Throws UNREPRESENTABLE for names the format cannot hold (duplicates,
 * `__metadata__`, lone surrogates), INVALID_STRUCTURE for a tensor whose data length
 * disagrees with its shape, LIMIT_EXCEEDED for a header over 100 MB.
 */
export function prepareFile(
  tensors: readonly Tensor[],
  metadata: Readonly<Record<string, JsonValue>>,
): PreparedFile {
  const seen = new Set<string>();
  for (const t of tensors) {
    if (seen.has(t.name)) {
      throw new NnportError('UNREPRESENTABLE', `two tensors are named ${JSON.stringify(t.name)}`, {
        at: { tensor: t.name },
      });
    }
    if (t.name === METADATA_KEY) {
      throw new NnportError('UNREPRESENTABLE', `a safetensors tensor cannot be named ${METADATA_KEY}`, {
        at: { tensor: t.name },
      });
    }
    seen.add(t.name);
    if (TO_SAFETENSORS[t.dtype] === undefined) {
      throw new NnportError(
        'UNREPRESENTABLE',
        `tensor '${t.name}' is ${t.dtype}, which safetensors has no dtype for: write ONNX, JSON or another format instead`,
        { at: { tensor: t.name } },
      );
    }
    const expected = byteLengthOf(t.dtype, elementCount(t.shape));
    if (t.dtype === 'float4e2m1' && elementCount(t.shape) % 2 !== 0) {
      // The reference refuses a sub-byte tensor that ends mid-byte (MisalignedSlice).
      throw new NnportError(
        'UNREPRESENTABLE',
        `tensor '${t.name}' is float4e2m1 with an odd element count, which safetensors cannot hold (F4 ends mid-byte)`,
        { at: { tensor: t.name } },
      );
    }
    if (t.data.byteLength !== expected) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `${t.data.byteLength} bytes of data for ${t.dtype}[${t.shape.join(', ')}], which needs ${expected}`,
        { at: { tensor: t.name } },
      );
    }
  }

  const order = sortForLayout(tensors);

  const parts: string[] = [];
  let length = 0;
  const push = (s: string): void => {
    // Characters bound UTF-8 bytes from below; stop long before a string too big for V8.
    length += s.length;
    if (length > MAX_HEADER_BYTES) {
      throw new NnportError('LIMIT_EXCEEDED', `the header would exceed MAX_HEADER_BYTES ${MAX_HEADER_BYTES}`);
    }
    parts.push(s);
  };
  push('{');
  const meta = encodeMetadata(metadata);
  if (meta.length > 0) {
    push(`"${METADATA_KEY}":{`);
    meta.forEach(([k, v], i) => {
      const path = `$.__metadata__[${JSON.stringify(k)}]`;
      push(`${i > 0 ? ',' : ''}${jsonString(k, path)}:${jsonString(v, path)}`);
    });
    push('}');
  }
  let offset = 0;
  order.forEach((t, i) => {
    const begin = offset;
    offset += t.data.byteLength;
    if (!Number.isSafeInteger(offset)) {
      throw new NnportError('LIMIT_EXCEEDED', 'the tensors together pass 2^53 bytes', {
        at: { tensor: t.name },
      });
    }
    const sep = i > 0 || meta.length > 0 ? ',' : '';
    const name = jsonString(t.name, `$[${JSON.stringify(t.name)}]`);
    // biome-ignore lint/style/noNonNullAssertion: checked for every tensor above
    const info = TO_SAFETENSORS[t.dtype]!;
    push(
      `${sep}${name}:{"dtype":"${info.name}","shape":[${t.shape.join(',')}],"data_offsets":[${begin},${offset}]}`,
    );
  });
  push('}');

  const json = encodeUtf8(parts.join(''));
  const padded = Math.ceil(json.byteLength / N_LEN) * N_LEN;
  if (padded > MAX_HEADER_BYTES) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `the header of ${padded} bytes exceeds MAX_HEADER_BYTES ${MAX_HEADER_BYTES}`,
    );
  }
  const head = new Uint8Array(N_LEN + padded);
  new DataView(head.buffer).setBigUint64(0, BigInt(padded), true);
  head.set(json, N_LEN);
  head.fill(0x20, N_LEN + json.byteLength);
  return { head, order, dataBytes: offset };
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * The reference data order: dtype rank descending, then name in UTF-8 byte order. Native `<`
 * (UTF-16 order) equals it unless a name holds a surrogate pair, so only those take the slower
 * code-point comparison.
 */
function sortForLayout(tensors: readonly Tensor[]): Tensor[] {
  const keyed = tensors.map((t) => ({
    t,
    rank: TO_SAFETENSORS[t.dtype]?.rank ?? 0,
    astral: SURROGATE.test(t.name),
  }));
  keyed.sort((a, b) => {
    if (a.rank !== b.rank) return b.rank - a.rank;
    if (a.astral || b.astral) return compareCodePoints(a.t.name, b.t.name);
    return a.t.name < b.t.name ? -1 : a.t.name > b.t.name ? 1 : 0;
  });
  return keyed.map((k) => k.t);
}

/** Writes one safetensors file into `sink` and closes it. */
export async function writeSafetensorsFile(
  tensors: readonly Tensor[],
  metadata: Readonly<Record<string, JsonValue>>,
  sink: ByteSink,
  options: WriteOptions,
): Promise<void> {
  const { head, order, dataBytes } = prepareFile(tensors, metadata);
  const w = new BufferedWriter(sink);
  await w.bytes(head);
  let done = 0;
  for (const t of order) {
    let copied = 0;
    if (t.data.byteLength <= COPY_CHUNK_BYTES) {
      // Most tensors are small: one read, without the chunk generator's per-step awaits.
      const bytes = await t.data.read(0, t.data.byteLength);
      await w.bytes(bytes);
      copied = bytes.byteLength;
    } else {
      for await (const chunk of readChunks(t, COPY_CHUNK_BYTES, 1)) {
        await w.bytes(chunk);
        copied += chunk.byteLength;
        options.onProgress?.(done + copied, dataBytes);
      }
    }
    done += copied;
    options.onProgress?.(done, dataBytes);
    if (copied !== t.data.byteLength) {
      // A data source that returns short reads would shift every later tensor: fail loudly.
      throw new NnportError('INVALID_STRUCTURE', `read ${copied} of ${t.data.byteLength} bytes`, {
        at: { tensor: t.name },
      });
    }
  }
  await w.close();
}
