/**
 * The MXNet parameters plug-in: NDArray list files (`.params`), read only for now. See
 * docs/formats/mxnet.md.
 */
import type { Detection, FormatPlugin, Probe } from '../../core/format.js';
import { MXNET_LIST_MAGIC, readMxnetParams } from './params.js';

/**
 * Content detection: the list magic 0x112 as a uint64 LE at offset 0 followed by the reserved
 * uint64 0 (c_api.cc `MXNDArraySave`). A `.params` that is a zip (MXNet 2.x saves npz) is left to
 * the npz reader, so this only claims it by name.
 */
export function detectMxnetParams(probe: Probe): Detection {
  if (probe.isFolder) return undefined;
  const h = probe.head;
  if (
    h.length >= 16 &&
    h[0] === MXNET_LIST_MAGIC % 256 &&
    h[1] === MXNET_LIST_MAGIC >> 8 &&
    h.subarray(2, 16).every((b) => b === 0)
  ) {
    return 'content';
  }
  return probe.name.toLowerCase().endsWith('.params') ? 'name' : undefined;
}

/** MXNet NDArray lists (`mx.nd.save`, Module checkpoints, Gluon `save_parameters`). */
export const mxnetParamsFormat: FormatPlugin = {
  id: 'mxnet-params',
  title: 'MXNet parameters (.params, NDArray list)',
  extensions: ['.params'],
  detect: detectMxnetParams,
  read: (input) => readMxnetParams(input),
};

export {
  MXNET_LIST_MAGIC,
  NDARRAY_V1_MAGIC,
  NDARRAY_V2_MAGIC,
  NDARRAY_V3_MAGIC,
  type ParamsRecord,
  type RecordVersion,
  readMxnetParams,
  readParamsRecords,
  typeFlagOf,
} from './params.js';
