/**
 * From a pickled torch tensor (a strided view of a storage) to an nnport tensor: the storage's
 * bytes are checked to cover the view, and the data is a zero-copy window when the view is
 * contiguous and little-endian, otherwise gathered (and byte-swapped) on first read.
 */
import { itemSize } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import { MAX_TENSOR_BYTES_IN_MEMORY } from '../../core/limits.js';
import type { JsonValue } from '../../core/model.js';
import { DerivedData, elementCount, SourceData, type Tensor, tensorFromBytes } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import type { TorchTensor } from './torch-globals.js';

/** A storage's bytes as the file holds them. */
export interface StorageBytes {
  /** The bytes (a zip record or a window of a legacy file). */
  readonly source: ByteSource;
  /** The record's name, for messages (`archive/data/3`). */
  readonly record: string;
}

/** True when `stride` is the C-order (row-major) stride of `shape`; size-1 dims may have any stride. */
export function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const d = shape[i] as number;
    if (d !== 1 && stride[i] !== expected) return false;
    expected *= d;
  }
  return true;
}

/** Reverses the bytes of every `size`-byte element in place (big-endian files). */
function swapBytes(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  for (let i = 0; i + size <= bytes.length; i += size) bytes.subarray(i, i + size).reverse();
}

/**
 * Copies a strided view out of `span` (whose first element is storage element `base`) into a
 * dense C-order buffer.
 */
export function gather(
  span: Uint8Array,
  base: number,
  offset: number,
  shape: readonly number[],
  stride: readonly number[],
  size: number,
): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  const out = new Uint8Array(count * size);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  let src = offset - base;
  for (let n = 0; n < count; n++) {
    out.set(span.subarray(src * size, src * size + size), n * size);
    // Advance the multi-index like an odometer, adjusting the source position by the strides.
    for (let d = rank - 1; d >= 0; d--) {
      const i = (index[d] as number) + 1;
      if (i < (shape[d] as number)) {
        index[d] = i;
        src += stride[d] as number;
        break;
      }
      index[d] = 0;
      src -= (i - 1) * (stride[d] as number);
    }
  }
  return out;
}

/**
 * The nnport tensor for `t`, named `name`. Throws UNSUPPORTED_DTYPE for element types nnport does
 * not have, INVALID_OFFSET when the view reaches past the storage record.
 */
export function buildTensor(
  name: string,
  t: TorchTensor,
  storage: StorageBytes,
  bigEndian: boolean,
  meta?: Record<string, JsonValue>,
): Tensor {
  if (!('dtype' in t.dtype)) {
    throw new NnportError(
      'UNSUPPORTED_DTYPE',
      `tensor '${name}' has dtype torch.${t.dtype.unsupported}, which nnport does not read`,
      {
        at: { tensor: name },
      },
    );
  }
  const dtype = t.dtype.dtype;
  const size = itemSize(dtype);
  const count = elementCount(t.shape);
  if (count === 0) return tensorFromBytes(name, dtype, t.shape, new Uint8Array(0), meta);
  // The last element the view touches, in storage elements (strides are non-negative in torch).
  let last = t.offset;
  for (let i = 0; i < t.shape.length; i++) last += ((t.shape[i] as number) - 1) * (t.stride[i] as number);
  const end = (last + 1) * size;
  if (!Number.isSafeInteger(end) || end > storage.source.size) {
    throw new NnportError(
      'INVALID_OFFSET',
      `tensor '${name}' ${dtype}[${t.shape.join(', ')}] at element ${t.offset} needs ${end} bytes of record ${storage.record}, which has ${storage.source.size}`,
      { at: { tensor: name } },
    );
  }
  const bytes = count * size;
  let data: DerivedData | SourceData;
  if (isContiguous(t.shape, t.stride) && !bigEndian) {
    data = new SourceData(storage.source, t.offset * size, bytes);
  } else {
    const contiguous = isContiguous(t.shape, t.stride);
    data = new DerivedData(bytes, async () => {
      // Gathered in one buffer: an expanded view (stride 0) of one stored element can claim terabytes.
      if (bytes > MAX_TENSOR_BYTES_IN_MEMORY) {
        throw new NnportError(
          'LIMIT_EXCEEDED',
          `tensor '${name}' is a ${bytes}-byte strided or big-endian view, more than MAX_TENSOR_BYTES_IN_MEMORY (${MAX_TENSOR_BYTES_IN_MEMORY}) to gather`,
          { at: { tensor: name } },
        );
      }
      const span = await storage.source.read(t.offset * size, end - t.offset * size);
      const dense = contiguous ? span.slice() : gather(span, t.offset, t.offset, t.shape, t.stride, size);
      if (bigEndian) swapBytes(dense, size);
      return dense;
    });
  }
  return meta === undefined
    ? { name, dtype, shape: t.shape, data }
    : { name, dtype, shape: t.shape, data, meta };
}
