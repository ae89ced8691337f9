/**
 * HDF5 through h5wasm (the HDF5 C library compiled to WebAssembly): open from any `ByteSource`,
 * walk groups, read attributes and numeric datasets. No HDF5 parsing happens in nnport itself.
 */
export {
  jsonAttribute,
  numberAttribute,
  parseJson,
  stringAttribute,
  stringListAttribute,
} from './attributes.js';
export { dtypeOfHdf5, hdf5TypeName } from './dtype.js';
export { hdf5Error, summarizeHdf5Message } from './errors.js';
export { Hdf5File, isSyncByteSource, type SyncByteSource } from './file.js';
export { findHdf5Signature, HDF5_SIGNATURE, locateHdf5Signature } from './signature.js';
export type { Hdf5DatasetInfo, Hdf5Kind, Hdf5View } from './view.js';
