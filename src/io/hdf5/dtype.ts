/**
 * HDF5 datatypes (as h5wasm describes them) to nnport element types. Numeric data is always read
 * through HDF5 itself into a little-endian copy of the file's type, so byte order is handled by
 * the library; this module only names the result.
 */

import type { Metadata } from 'h5wasm';
import type { DType } from '../../core/dtype.js';

/** HDF5 type classes (H5Tpublic.h `H5T_class_t`), as h5wasm reports them in `Metadata.type`. */
export const H5T_INTEGER = 0;
export const H5T_FLOAT = 1;
export const H5T_STRING = 3;
export const H5T_COMPOUND = 6;
export const H5T_ENUM = 8;

const CLASS_NAMES: Readonly<Record<number, string>> = {
  0: 'integer',
  1: 'float',
  2: 'time',
  3: 'string',
  4: 'bitfield',
  5: 'opaque',
  6: 'compound',
  7: 'reference',
  8: 'enum',
  9: 'vlen',
  10: 'array',
};

const INTS: Readonly<Record<number, readonly [DType, DType]>> = {
  1: ['int8', 'uint8'],
  2: ['int16', 'uint16'],
  4: ['int32', 'uint32'],
  8: ['int64', 'uint64'],
};

const FLOATS: Readonly<Record<number, DType>> = {
  // h5wasm has no float16 accessor (its typed-array reader throws "Float16 not supported"), but
  // the library reads the two bytes fine; nnport reads them raw and names them float16. A 2-byte
  // HDF5 float is IEEE half in every writer nnport knows (h5py maps numpy float16 to it); HDF5
  // does not expose the exponent/mantissa split through h5wasm, so bfloat16 cannot be told apart.
  2: 'float16',
  4: 'float32',
  8: 'float64',
};

/**
 * The nnport dtype of an HDF5 datatype, or undefined when it is not a plain number: strings,
 * compounds, references, enums other than h5py's bool (`enum {FALSE=0, TRUE=1}` over int8).
 */
export function dtypeOfHdf5(meta: Metadata): DType | undefined {
  if (meta.type === H5T_INTEGER) {
    const pair = INTS[meta.size];
    return pair === undefined ? undefined : pair[meta.signed ? 0 : 1];
  }
  if (meta.type === H5T_FLOAT) return FLOATS[meta.size];
  if (meta.type === H5T_ENUM && meta.size === 1 && isBoolEnum(meta)) return 'bool';
  return undefined;
}

function isBoolEnum(meta: Metadata): boolean {
  const members = meta.enum_type?.members;
  if (members === undefined) return false;
  const names = Object.keys(members);
  return names.length === 2 && members.FALSE === 0 && members.TRUE === 1;
}

/**
 * A short, numpy-like name of the stored type for messages and `meta`: `<f2`, `>f4`, `<i8`,
 * `|u1`, `bool`, or the HDF5 class (`string`, `compound` …) for the rest.
 */
export function hdf5TypeName(meta: Metadata): string {
  if (meta.type === H5T_INTEGER || meta.type === H5T_FLOAT) {
    const order = meta.size === 1 ? '|' : meta.littleEndian ? '<' : '>';
    const kind = meta.type === H5T_FLOAT ? 'f' : meta.signed ? 'i' : 'u';
    return `${order}${kind}${meta.size}`;
  }
  if (meta.type === H5T_ENUM && isBoolEnum(meta)) return 'bool';
  const name = CLASS_NAMES[meta.type] ?? `class ${meta.type}`;
  return meta.vlen ? `vlen ${name}` : name;
}
