/**
 * The TensorFlow.js plug-in: `model.json` with its weight shards, layers-models and graph-models
 * alike (reading only). See docs/formats/tfjs.md.
 */
import type { FormatPlugin } from '../../core/format.js';
import { detectTfjs } from './detect.js';
import { readTfjs } from './read.js';

/** TensorFlow.js models (`model.json` + `*.bin` shards). */
export const tfjsFormat: FormatPlugin = {
  id: 'tfjs',
  title: 'TensorFlow.js (model.json + weight shards)',
  extensions: ['model.json'],
  detect: detectTfjs,
  // `skipUnsupported` (true or "true"): leave out string and complex64 weights instead of refusing.
  read: (input, options) =>
    readTfjs(input, {
      skipUnsupported: options.skipUnsupported === true || options.skipUnsupported === 'true',
    }),
};

export { detectTfjs } from './detect.js';
export { readTfjs, TFJS_FORMAT, type TfjsReadOptions } from './read.js';
