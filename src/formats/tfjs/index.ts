/**
 * The TensorFlow.js plug-in: `model.json` with its weight shards, layers-models and graph-models
 * alike (reading only). See docs/formats/tfjs.md.
 */
import type { FormatPlugin } from '../../core/format.js';
import { detectTfjs } from './detect.js';
import { readTfjs } from './read.js';
import { writeTfjs } from './write.js';

/** TensorFlow.js models (`model.json` + `*.bin` shards). */
export const tfjsFormat: FormatPlugin = {
  id: 'tfjs',
  title: 'TensorFlow.js (model.json + weight shards)',
  extensions: ['model.json'],
  keeps: { metadata: false, graph: false, metadataKeys: ['tfjs', 'keras'], graphFrom: ['tfjs', 'keras'] },
  detect: detectTfjs,
  // `skipUnsupported` (true or "true"): leave out string and complex64 weights instead of refusing.
  read: (input, options) =>
    readTfjs(input, {
      skipUnsupported: options.skipUnsupported === true || options.skipUnsupported === 'true',
    }),
  write: writeTfjs,
};

export { detectTfjs } from './detect.js';
export { readTfjs, TFJS_FORMAT, type TfjsReadOptions } from './read.js';
