/**
 * Keras weights as nnport tensors whose data stays in the HDF5 file until read. A read fetches
 * only the rows (first-dimension slices) covering the requested byte range, so writers that
 * stream a large kernel in pieces never hold it whole, in JS or in the WebAssembly heap.
 */

import { byteLengthOf } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import { checkDataRange, elementCount, type Tensor, type TensorData } from '../../core/tensor.js';
import type { Hdf5DatasetInfo, Hdf5File } from '../../io/hdf5/index.js';

/** The data of one numeric HDF5 dataset, read by rows. */
class Hdf5Data implements TensorData {
  readonly byteLength: number;
  readonly #file: Hdf5File;
  readonly #info: Hdf5DatasetInfo;
  readonly #rowBytes: number;
  readonly #rows: number;

  constructor(file: Hdf5File, info: Hdf5DatasetInfo, byteLength: number) {
    this.#file = file;
    this.#info = info;
    this.byteLength = byteLength;
    this.#rows = info.shape.length === 0 ? 1 : (info.shape[0] as number);
    this.#rowBytes = this.#rows === 0 ? 0 : byteLength / this.#rows;
  }

  async read(offset = 0, length = this.byteLength - offset): Promise<Uint8Array> {
    checkDataRange(this.byteLength, offset, length);
    if (length === 0) return new Uint8Array(0);
    const first = Math.floor(offset / this.#rowBytes);
    const end = Math.ceil((offset + length) / this.#rowBytes);
    const bytes = this.#file.session((view) => view.readRows(this.#info, first, end - first));
    const start = offset - first * this.#rowBytes;
    return bytes.subarray(start, start + length);
  }
}

/**
 * A tensor over dataset `info` of `file`. Non-numeric datasets (strings, compounds) are
 * UNSUPPORTED_DTYPE naming the HDF5 path.
 */
export function hdf5Tensor(
  file: Hdf5File,
  info: Hdf5DatasetInfo,
  name: string,
  keras: Record<string, JsonValue>,
): Tensor {
  const dtype = info.dtype;
  if (dtype === undefined) {
    throw new NnportError('UNSUPPORTED_DTYPE', `weight of type ${info.storedType} is not a numeric tensor`, {
      file: file.name,
      at: { path: info.path },
    });
  }
  const byteLength = byteLengthOf(dtype, elementCount(info.shape));
  const meta: Record<string, JsonValue> = { keras: { ...keras, storedType: info.storedType } };
  return { name, dtype, shape: info.shape, data: new Hdf5Data(file, info, byteLength), meta };
}
