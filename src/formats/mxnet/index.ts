/**
 * The MXNet plug-ins: symbol files with their parameters (`mxnet`, a graph model) and NDArray list
 * files alone (`mxnet-params`). See docs/formats/mxnet.md.
 */
import type { Detection, FormatPlugin, Probe } from '../../core/format.js';
import { MXNET_LIST_MAGIC, readMxnetParams } from './params.js';
import { writeMxnetParamsModel } from './params-write.js';
import { readMxnet } from './read.js';
import { writeMxnet } from './write.js';

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
  write: async (model, target, options) =>
    writeMxnetParamsModel(model.tensors, await target.create(), options),
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

/**
 * Content detection of a symbol file: a JSON object whose first bytes show MXNet's node list
 * (`"nodes"` with `"op"` and `"inputs"`, or the `"arg_nodes"`/`"heads"` members); by name,
 * `X-symbol.json`.
 */
export function detectMxnetSymbol(probe: Probe): Detection {
  if (probe.isFolder) return undefined;
  let text = '';
  for (let i = 0; i < probe.head.length; i += 4096) {
    text += String.fromCharCode(...probe.head.subarray(i, i + 4096));
  }
  const body = text.replace(/^(?:\xef\xbb\xbf)?\s*/, '');
  if (body.startsWith('{') && /"nodes"\s*:\s*\[/.test(body)) {
    if (/"arg_nodes"\s*:|"heads"\s*:/.test(body) || (/"op"\s*:/.test(body) && /"inputs"\s*:/.test(body))) {
      return 'content';
    }
  }
  return /-symbol\.json$/i.test(probe.name) ? 'name' : undefined;
}

/** MXNet symbol files (`X-symbol.json`) with their parameters: a graph model. */
export const mxnetFormat: FormatPlugin = {
  id: 'mxnet',
  title: 'MXNet symbol + parameters (-symbol.json, .params)',
  extensions: ['-symbol.json'],
  keeps: { metadata: false, graph: true },
  detect: detectMxnetSymbol,
  read: (input, options) => readMxnet(input, options),
  write: (model, target, options) => writeMxnet(model, target, options),
};
