/**
 * Every format plug-in, in one explicit list (STYLE habit 1: no registration by side effect).
 * Order matters only as a tie-break between equally ranked candidates.
 */
import type { FormatPlugin } from '../core/format.js';
import { Registry } from '../core/registry.js';
import { csvFormat, csvMatrixFormat } from './csv/index.js';
import { fiatsFormat } from './fiats/index.js';
import { jsonFormat } from './json/index.js';
import { kerasFormat } from './keras/index.js';
import { mxnetFormat, mxnetParamsFormat } from './mxnet/index.js';
import { nexportJsonFormat, nexportTxtFormat } from './nexport/index.js';
import { npyFormat } from './npy/index.js';
import { npzFormat } from './npz/index.js';
import { onnxFormat } from './onnx/index.js';
import { pickleFormat } from './pickle/index.js';
import { pytorchFormat } from './pytorch/index.js';
import { safetensorsFormat } from './safetensors/index.js';
import { tfjsFormat } from './tfjs/index.js';
import { txtFormat } from './txt/index.js';

/** All built-in formats. */
export const ALL_FORMATS: readonly FormatPlugin[] = [
  safetensorsFormat,
  pytorchFormat,
  onnxFormat,
  npyFormat,
  npzFormat,
  jsonFormat,
  csvFormat,
  csvMatrixFormat,
  txtFormat,
  nexportJsonFormat,
  nexportTxtFormat,
  fiatsFormat,
  pickleFormat,
  mxnetParamsFormat,
  mxnetFormat,
  kerasFormat,
  tfjsFormat,
];

/** A registry of all built-in formats. */
export function defaultRegistry(): Registry {
  return new Registry(ALL_FORMATS);
}
