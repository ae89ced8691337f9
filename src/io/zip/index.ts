/**
 * The zip container shared by npz, PyTorch and Keras files: a lazy reader, a streaming
 * deterministic writer and the CRC-32 both use.
 */
export { crc32 } from './crc32.js';
export { InflatedSource, PREFIX_INFLATE_BYTES } from './inflate-source.js';
export { type OpenEntryOptions, openZip, ZipArchive, type ZipEntry } from './reader.js';
export { checkEntryPath } from './records.js';
export {
  type DeflateLevel,
  type ZipMemberOptions,
  ZipMemberWriter,
  type ZipMethod,
  ZipWriter,
  type ZipWriterOptions,
} from './writer.js';
