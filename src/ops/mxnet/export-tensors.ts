/**
 * Parameters the MXNet exporter derives from the model's tensors when an MXNet op wants a weight in
 * another layout than ONNX stores it: FullyConnected takes `[num_hidden, in]` where MatMul holds
 * `[in, out]`, LeakyReLU's prelu takes a 1-D gamma, LayerNorm needs a beta. Derived data are
 * computed on first read, so nothing is materialized unless the parameters are written.
 */
import { byteLengthOf, DTYPES, type DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import { DerivedData, elementCount, readTensorBytes, type Tensor } from '../../core/tensor.js';

/** The tensor with another name and shape over the same bytes (same element count). */
export function reshapedTensor(t: Tensor, name: string, shape: readonly number[]): Tensor {
  return { name, dtype: t.dtype, shape, data: t.data };
}

/** Bytes per element, refusing sub-byte types (MXNet has none of them anyway). */
function elementBytes(t: Tensor): number {
  const bits = DTYPES[t.dtype].bits;
  if (bits % 8 !== 0) {
    throw new NnportError(
      'UNREPRESENTABLE',
      `tensor '${t.name}' is ${t.dtype}, which MXNet has no type for`,
      {
        format: 'mxnet',
        at: { tensor: t.name },
      },
    );
  }
  return bits / 8;
}

/** The transpose of a 2-D tensor `[r, c]` as `[c, r]`, computed when read. */
export function transposedTensor(t: Tensor, name: string): Tensor {
  const [rows, cols] = t.shape as [number, number];
  const size = elementBytes(t);
  const data = new DerivedData(t.data.byteLength, async () => {
    const src = await readTensorBytes(t);
    const out = new Uint8Array(src.byteLength);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const from = (r * cols + c) * size;
        out.set(src.subarray(from, from + size), (c * rows + r) * size);
      }
    }
    return out;
  });
  return { name, dtype: t.dtype, shape: [cols, rows], data };
}

/** `t` (one element) repeated `n` times as a 1-D tensor. */
export function tiledTensor(t: Tensor, name: string, n: number): Tensor {
  const size = elementBytes(t);
  const data = new DerivedData(size * n, async () => {
    const one = await readTensorBytes(t);
    const out = new Uint8Array(size * n);
    for (let i = 0; i < n; i++) out.set(one.subarray(0, size), i * size);
    return out;
  });
  return { name, dtype: t.dtype, shape: [n], data };
}

/** A tensor of zeros (every MXNet dtype's zero is all-zero bytes). */
export function zerosTensor(name: string, dtype: DType, shape: readonly number[]): Tensor {
  const length = byteLengthOf(dtype, elementCount(shape));
  return { name, dtype, shape, data: new DerivedData(length, () => Promise.resolve(new Uint8Array(length))) };
}

/** A tensor holding `values` (folded constants) as `dtype`; undefined for a dtype it cannot hold. */
export { tensorFromNumbers as tensorOfValues } from './constants.js';
