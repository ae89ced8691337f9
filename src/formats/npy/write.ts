/**
 * Writing `.npy`: one tensor per file, C order, little-endian, with exactly the header bytes
 * `np.save` writes. The data streams from the tensor in chunks; nothing is held whole. The npz
 * writer reuses `prepareNpy` for each member.
 */
import { byteLengthOf } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import { elementCount, readChunks, type Tensor } from '../../core/tensor.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { BufferedWriter, WRITE_CHUNK_BYTES } from '../../io/writer.js';
import { isNumpyDType, type NumpyDType } from './descr.js';
import { buildNpyHeader } from './header.js';

/** npy (and npz) writer options. */
export interface NpyWriteOptions {
  /**
   * NumPy has no bfloat16. By default a bfloat16 tensor is UNREPRESENTABLE; `'float32'` widens it
   * exactly (each bfloat16 is the upper half of a float32) and writes `<f4`.
   */
  readonly bfloat16?: 'float32';
}

/** A tensor ready to be written as npy: the header, the data size and the data in chunks. */
export interface PreparedNpy {
  /** The dtype written (bfloat16 widened to float32 when asked). */
  readonly dtype: NumpyDType;
  /** The header bytes, ending at a multiple of 64. */
  readonly header: Uint8Array;
  /** Bytes of data after the header. */
  readonly dataBytes: number;
  /** The data, in order, in chunks of about WRITE_CHUNK_BYTES. */
  chunks(): AsyncGenerator<Uint8Array>;
}

/** Reads the npy writer options out of generic write options (USAGE on a bad value). */
export function npyOptions(options: WriteOptions): NpyWriteOptions {
  const b = options.bfloat16;
  if (b === undefined) return {};
  if (b === 'float32') return { bfloat16: 'float32' };
  throw new NnportError('USAGE', `option bfloat16 must be 'float32' (got ${String(b)})`);
}

/**
 * Checks a tensor and prepares its npy form. Throws UNREPRESENTABLE for bfloat16 unless widening
 * was asked for, INVALID_STRUCTURE when the data length disagrees with dtype and shape.
 */
export function prepareNpy(tensor: Tensor, options: NpyWriteOptions): PreparedNpy {
  const count = elementCount(tensor.shape);
  const expected = byteLengthOf(tensor.dtype, count);
  if (tensor.data.byteLength !== expected) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `tensor has ${tensor.data.byteLength} bytes but ${tensor.dtype}[${tensor.shape.join(', ')}] needs ${expected}`,
      { at: { tensor: tensor.name } },
    );
  }
  if (tensor.dtype === 'bfloat16') {
    if (options.bfloat16 !== 'float32') {
      throw new NnportError(
        'UNREPRESENTABLE',
        `tensor '${tensor.name}' is bfloat16, which NumPy has no dtype for: write safetensors instead, or pass the option bfloat16=float32 to widen it exactly`,
        { at: { tensor: tensor.name } },
      );
    }
    return {
      dtype: 'float32',
      header: buildNpyHeader('float32', tensor.shape),
      dataBytes: count * 4,
      chunks: () => widenBfloat16(tensor),
    };
  }
  const dtype = tensor.dtype;
  if (!isNumpyDType(dtype)) {
    // float8, float4 and the sub-byte integers: NumPy has no dtype (ml_dtypes' are saved as void).
    throw new NnportError(
      'UNREPRESENTABLE',
      `tensor '${tensor.name}' is ${dtype}, which NumPy has no dtype for: write safetensors, ONNX or JSON instead`,
      { at: { tensor: tensor.name } },
    );
  }
  return {
    dtype,
    header: buildNpyHeader(dtype, tensor.shape),
    dataBytes: expected,
    chunks: () => readChunks(tensor, WRITE_CHUNK_BYTES, byteLengthOf(dtype, 1)),
  };
}

/** bfloat16 → float32: the 16 bits become the upper half of the float32, the lower half is zero. */
async function* widenBfloat16(tensor: Tensor): AsyncGenerator<Uint8Array> {
  for await (const chunk of readChunks(tensor, WRITE_CHUNK_BYTES >> 1, 2)) {
    const out = new Uint8Array(chunk.length * 2);
    for (let i = 0, o = 0; i < chunk.length; i += 2, o += 4) {
      out[o + 2] = chunk[i];
      out[o + 3] = chunk[i + 1];
    }
    yield out;
  }
}

/**
 * Writes a one-tensor model as npy. A model with any other number of tensors is NO_WRITER
 * (npz holds several).
 */
export async function writeNpy(model: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  if (model.tensors.length !== 1) {
    throw new NnportError(
      'NO_WRITER',
      `npy holds exactly one array but the model has ${model.tensors.length} tensors: write .npz instead`,
    );
  }
  const npy = prepareNpy(model.tensors[0], npyOptions(options));
  const out = new BufferedWriter(await target.create());
  await out.bytes(npy.header);
  let done = 0;
  for await (const chunk of npy.chunks()) {
    await out.bytes(chunk);
    done += chunk.length;
    options.onProgress?.(done, npy.dataBytes);
  }
  await out.close();
}
