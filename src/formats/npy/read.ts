/**
 * Reading `.npy` files (one array each) into a one-tensor Model. The header is parsed and
 * checked up front; the data stays in the source and is read on demand: a zero-copy window when
 * it is already C-order little-endian, byte-swapped per read when big-endian, transposed once on
 * first read when in Fortran order.
 */
import type { ReadInput } from '../../core/format.js';
import type { JsonValue, Model } from '../../core/model.js';
import { DerivedData, SourceData, type Tensor, type TensorData } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import { readNpyHeader } from './header.js';
import { ByteSwappedData, fortranToC, sameInBothOrders } from './layout.js';

/**
 * Reads one npy array from a source as a tensor named `name`. The tensor's `meta` records the
 * source `descr` and `fortran_order` only when the data was not already canonical (big-endian or
 * Fortran order), so the conversion is visible; canonical arrays carry no meta.
 */
export async function readNpyTensor(source: ByteSource, name: string): Promise<Tensor> {
  const h = await readNpyHeader(source);
  const fortran = h.fortranOrder && !sameInBothOrders(h.shape);
  let data: TensorData;
  if (fortran) {
    data = new DerivedData(
      h.byteLength,
      fortranToC(source, h.dataOffset, h.byteLength, h.shape, h.itemSize, h.bigEndian),
    );
  } else if (h.bigEndian) {
    data = new ByteSwappedData(source, h.dataOffset, h.byteLength, h.itemSize);
  } else {
    data = new SourceData(source, h.dataOffset, h.byteLength);
  }
  const tensor: Tensor = { name, dtype: h.dtype, shape: h.shape, data };
  if (h.bigEndian || h.fortranOrder) {
    const meta: Record<string, JsonValue> = { descr: h.descr, fortran_order: h.fortranOrder };
    return { ...tensor, meta };
  }
  return tensor;
}

/** Reads an npy file as a Model with one tensor named after the file (`weights.npy` → `weights`). */
export async function readNpy(input: ReadInput): Promise<Model> {
  const tensor = await readNpyTensor(input.source, tensorNameFromFile(input.name));
  return { format: 'npy', metadata: {}, tensors: [tensor] };
}

/**
 * The tensor name for a file: its last path component without the extension. A name that would
 * be empty (a file called `.npy`) falls back to `array`.
 */
export function tensorNameFromFile(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : dot === 0 ? '' : base;
  return stem === '' ? 'array' : stem;
}
