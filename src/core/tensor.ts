/**
 * Tensors: a name, a dtype, a shape and lazily read data. The canonical layout of tensor data is
 * dense, row-major (C order) and little-endian; readers of other layouts (Fortran order,
 * big-endian) convert when the data is read.
 */

import { type ByteSource, BytesSource } from '../io/byte-source.js';
import { byteLengthOf, type DType, type TypedArrayOf, viewAs } from './dtype.js';
import { NnportError } from './errors.js';
import { MAX_ELEMENTS, MAX_RANK, MAX_TENSOR_BYTES_IN_MEMORY } from './limits.js';
import type { JsonValue } from './model.js';

/** A tensor's bytes, in the canonical layout, read on demand. */
export interface TensorData {
  /** Total bytes: `byteLengthOf(dtype, elements)`. */
  readonly byteLength: number;
  /** Reads `length` bytes at `offset` of the canonical layout (default: everything). */
  read(offset?: number, length?: number): Promise<Uint8Array>;
}

/** One named tensor. */
export interface Tensor {
  /** The tensor's name, unique in its model. */
  readonly name: string;
  /** Element type. */
  readonly dtype: DType;
  /** Dimensions; `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The data, read on demand. */
  readonly data: TensorData;
  /** Format-specific facts kept for round trips (e.g. the source's own dtype name). */
  readonly meta?: Readonly<Record<string, JsonValue>>;
}

/**
 * Number of elements of a shape, checked: every dimension a non-negative safe integer, the rank
 * at most MAX_RANK, the product at most MAX_ELEMENTS (checked before each multiplication so it
 * cannot overflow). Throws INVALID_STRUCTURE or LIMIT_EXCEEDED.
 */
export function elementCount(shape: readonly number[]): number {
  if (shape.length > MAX_RANK) {
    throw new NnportError('LIMIT_EXCEEDED', `rank ${shape.length} exceeds MAX_RANK ${MAX_RANK}`);
  }
  let n = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) {
      throw new NnportError('INVALID_STRUCTURE', `bad dimension ${String(d)} in shape [${shape.join(', ')}]`);
    }
    if (d !== 0 && n > MAX_ELEMENTS / d) {
      throw new NnportError('LIMIT_EXCEEDED', `shape [${shape.join(', ')}] has more than 2^53 elements`);
    }
    n *= d;
  }
  return n;
}

/**
 * Checks a read of `length` bytes at `offset` against a tensor's `byteLength` (overflow-safe);
 * every `TensorData.read` calls it first. Throws INVALID_OFFSET.
 */
export function checkDataRange(byteLength: number, offset: number, length: number): void {
  if (
    !Number.isSafeInteger(offset) ||
    !Number.isSafeInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset > byteLength - length
  ) {
    throw new NnportError(
      'INVALID_OFFSET',
      `read of ${length} bytes at ${offset} outside tensor of ${byteLength}`,
    );
  }
}

/** Data that is a window of a byte source, already in the canonical layout (zero-copy reads). */
export class SourceData implements TensorData {
  readonly byteLength: number;
  readonly #source: ByteSource;
  readonly #offset: number;

  constructor(source: ByteSource, offset: number, byteLength: number) {
    this.#source = source;
    this.#offset = offset;
    this.byteLength = byteLength;
  }

  read(offset = 0, length = this.byteLength - offset): Promise<Uint8Array> {
    checkDataRange(this.byteLength, offset, length);
    return this.#source.read(this.#offset + offset, length);
  }
}

/** Data computed once on first read (e.g. a Fortran-order array transposed to C order). */
export class DerivedData implements TensorData {
  readonly byteLength: number;
  readonly #compute: () => Promise<Uint8Array>;
  #cached: Promise<Uint8Array> | undefined;

  constructor(byteLength: number, compute: () => Promise<Uint8Array>) {
    this.byteLength = byteLength;
    this.#compute = compute;
  }

  async read(offset = 0, length = this.byteLength - offset): Promise<Uint8Array> {
    checkDataRange(this.byteLength, offset, length);
    this.#cached ??= this.#compute();
    const all = await this.#cached;
    return all.subarray(offset, offset + length);
  }
}

/** Makes a tensor over bytes in memory (canonical layout). Checks the byte count against the shape. */
export function tensorFromBytes(
  name: string,
  dtype: DType,
  shape: readonly number[],
  bytes: Uint8Array,
  meta?: Record<string, JsonValue>,
): Tensor {
  const expected = byteLengthOf(dtype, elementCount(shape));
  if (bytes.byteLength !== expected) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `${bytes.byteLength} bytes for ${dtype}[${shape.join(', ')}], which needs ${expected}`,
      { at: { tensor: name } },
    );
  }
  const data = new SourceData(new BytesSource(bytes, name), 0, bytes.byteLength);
  return meta === undefined ? { name, dtype, shape, data } : { name, dtype, shape, data, meta };
}

/** Makes a tensor from a typed array (copied views are not taken: the array's bytes are used). */
export function tensorFromArray<D extends DType>(
  name: string,
  dtype: D,
  shape: readonly number[],
  values: TypedArrayOf[D],
): Tensor {
  return tensorFromBytes(
    name,
    dtype,
    shape,
    new Uint8Array(values.buffer, values.byteOffset, values.byteLength),
  );
}

/** Reads a whole tensor into memory (refusing tensors over MAX_TENSOR_BYTES_IN_MEMORY). */
export async function readTensorBytes(t: Tensor): Promise<Uint8Array> {
  if (t.data.byteLength > MAX_TENSOR_BYTES_IN_MEMORY) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `tensor of ${t.data.byteLength} bytes is too large to hold at once`,
      {
        at: { tensor: t.name },
      },
    );
  }
  return t.data.read(0, t.data.byteLength);
}

/** Reads a whole tensor as its typed array. */
export async function readTensor<D extends DType>(t: Tensor & { dtype: D }): Promise<TypedArrayOf[D]> {
  return viewAs(t.dtype, await readTensorBytes(t));
}

/**
 * Reads a tensor's data in pieces of at most `maxBytes` (rounded down to whole elements), for
 * writers that stream tensors larger than memory.
 */
export async function* readChunks(
  t: Tensor,
  maxBytes: number,
  elementBytes: number,
): AsyncGenerator<Uint8Array> {
  const step = Math.max(elementBytes, maxBytes - (maxBytes % elementBytes));
  for (let off = 0; off < t.data.byteLength; off += step) {
    yield await t.data.read(off, Math.min(step, t.data.byteLength - off));
  }
}
