/**
 * Conversions from npy layouts to nnport's canonical one (dense, C order, little-endian):
 * byte swapping of big-endian data, done per read so large tensors still stream, and the
 * Fortran-to-C transpose, done once over the whole array (a transpose needs all of it).
 */
import { NnportError } from '../../core/errors.js';
import { MAX_TENSOR_BYTES_IN_MEMORY } from '../../core/limits.js';
import { checkDataRange, type TensorData } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';

/** Reverses the bytes of each `size`-byte element of `bytes`, in place. */
export function swapBytes(bytes: Uint8Array, size: number): void {
  const n = bytes.length - (bytes.length % size);
  if (size === 2) {
    for (let i = 0; i < n; i += 2) {
      const a = bytes[i];
      bytes[i] = bytes[i + 1];
      bytes[i + 1] = a;
    }
  } else if (size === 4) {
    for (let i = 0; i < n; i += 4) {
      const a = bytes[i];
      const b = bytes[i + 1];
      bytes[i] = bytes[i + 3];
      bytes[i + 1] = bytes[i + 2];
      bytes[i + 2] = b;
      bytes[i + 3] = a;
    }
  } else if (size === 8) {
    for (let i = 0; i < n; i += 8) {
      for (let k = 0; k < 4; k++) {
        const a = bytes[i + k];
        bytes[i + k] = bytes[i + 7 - k];
        bytes[i + 7 - k] = a;
      }
    }
  }
}

/**
 * Big-endian data read through a byte swap. Each read fetches the whole elements covering the
 * range, swaps a copy (never the source's own bytes, which may be shared) and returns the range,
 * so a tensor larger than memory still streams through `readChunks`.
 */
export class ByteSwappedData implements TensorData {
  readonly byteLength: number;
  readonly #source: ByteSource;
  readonly #offset: number;
  readonly #itemSize: number;

  constructor(source: ByteSource, offset: number, byteLength: number, itemSize: number) {
    this.#source = source;
    this.#offset = offset;
    this.byteLength = byteLength;
    this.#itemSize = itemSize;
  }

  async read(offset = 0, length = this.byteLength - offset): Promise<Uint8Array> {
    checkDataRange(this.byteLength, offset, length);
    const size = this.#itemSize;
    const start = offset - (offset % size);
    const end = Math.min(this.byteLength, Math.ceil((offset + length) / size) * size);
    const raw = await this.#source.read(this.#offset + start, end - start);
    const copy = raw.slice();
    swapBytes(copy, size);
    return copy.subarray(offset - start, offset - start + length);
  }
}

/**
 * True when Fortran and C order lay out the same bytes: at most one dimension longer than 1
 * (vectors, scalars, `(1, n)`), or no elements at all.
 */
export function sameInBothOrders(shape: readonly number[]): boolean {
  if (shape.includes(0)) return true;
  return shape.filter((d) => d > 1).length <= 1;
}

/**
 * Data of a Fortran-order array, transposed to C order (and byte-swapped when big-endian) on
 * first read. Needs the whole array in memory at once, so it is limited to
 * MAX_TENSOR_BYTES_IN_MEMORY (LIMIT_EXCEEDED at read time).
 */
export function fortranToC(
  source: ByteSource,
  offset: number,
  byteLength: number,
  shape: readonly number[],
  itemSize: number,
  bigEndian: boolean,
): () => Promise<Uint8Array> {
  return async () => {
    if (byteLength > MAX_TENSOR_BYTES_IN_MEMORY) {
      throw new NnportError(
        'LIMIT_EXCEEDED',
        `Fortran-order array of ${byteLength} bytes is too large to transpose in memory`,
        { at: { byte: offset } },
      );
    }
    const raw = await source.read(offset, byteLength);
    const out = transposeFortranToC(raw, shape, itemSize);
    if (bigEndian) swapBytes(out, itemSize);
    return out;
  };
}

/**
 * Reorders a column-major array into row-major. Walks the output in order with an odometer over
 * the dimensions; the input position moves by each dimension's Fortran stride (1 for the first
 * dimension, the product of the earlier dimensions for the others). Elements move as whole
 * 1-, 2- or 4-byte words (8- and 16-byte elements as 4-byte words), so float bits are never touched.
 */
export function transposeFortranToC(raw: Uint8Array, shape: readonly number[], itemSize: number): Uint8Array {
  const out = new Uint8Array(raw.length);
  const rank = shape.length;
  const count = raw.length / itemSize;
  if (rank === 0) {
    out.set(raw);
    return out;
  }
  if (count === 0) return out;
  const words = itemSize >= 8 ? itemSize / 4 : 1;
  const wordSize = itemSize >= 8 ? 4 : itemSize;
  // An aligned copy of the input when needed: typed views require aligned offsets.
  const src = raw.byteOffset % wordSize === 0 ? raw : raw.slice();
  const view = (b: Uint8Array) =>
    wordSize === 1
      ? b
      : wordSize === 2
        ? new Uint16Array(b.buffer, b.byteOffset, b.length / 2)
        : new Uint32Array(b.buffer, b.byteOffset, b.length / 4);
  const from = view(src);
  const to = view(out);
  const stride: number[] = [];
  let s = 1;
  for (let k = 0; k < rank; k++) {
    stride.push(s);
    s *= shape[k];
  }
  const index = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const lastLength = shape[last];
  const lastStride = stride[last] * words;
  let base = 0; // input element offset of the current output row
  for (let o = 0; o < count * words; ) {
    let p = base * words;
    if (words === 1) {
      for (let j = 0; j < lastLength; j++, p += lastStride) to[o++] = from[p];
    } else {
      for (let j = 0; j < lastLength; j++, p += lastStride) {
        for (let w = 0; w < words; w++) to[o++] = from[p + w];
      }
    }
    for (let k = last - 1; k >= 0; k--) {
      index[k]++;
      base += stride[k];
      if (index[k] < shape[k]) break;
      base -= stride[k] * shape[k];
      index[k] = 0;
    }
  }
  return out;
}
