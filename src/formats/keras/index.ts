/**
 * The keras format plug-in: legacy HDF5 models and weights (`.h5`), Keras 3 weights files
 * (`.weights.h5`) and `.keras` archives, read through h5wasm. Weights and configs only: the
 * config is kept as JSON, never executed. See docs/formats/keras.md.
 */
import type { FormatPlugin, Probe } from '../../core/format.js';
import { findHdf5Signature } from '../../io/hdf5/signature.js';
import { readKeras } from './read.js';
import { writeKeras } from './write.js';

/** First members a `.keras` archive starts with (Keras writes metadata.json first). */
const ARCHIVE_FIRST = /^(metadata\.json|config\.json|model\.weights\.h5)$/;

/**
 * Content: the HDF5 signature (at 0, 512, 1024 or 2048 within the probe), or a zip whose first
 * member is one a `.keras` archive holds. Name: `.h5`, `.hdf5`, `.keras`.
 */
export function detectKeras(probe: Probe): 'content' | 'name' | undefined {
  if (probe.isFolder) return undefined;
  const h = probe.head;
  if (findHdf5Signature(h) !== undefined) return 'content';
  if (h.length >= 30 && h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04) {
    const n = (h[26] as number) | ((h[27] as number) << 8);
    if (h.length >= 30 + n) {
      let name = '';
      for (let i = 30; i < 30 + n; i++) name += String.fromCharCode(h[i] as number);
      if (ARCHIVE_FIRST.test(name)) return 'content';
    }
  }
  return /\.(h5|hdf5|keras)$/i.test(probe.name) ? 'name' : undefined;
}

/** Keras (HDF5 and `.keras`). */
export const kerasFormat: FormatPlugin = {
  id: 'keras',
  title: 'Keras (.h5 HDF5, .keras archive)',
  extensions: ['.keras', '.h5', '.hdf5', '.weights.h5'],
  keeps: { metadata: false, graph: false, metadataKeys: ['keras', 'nnport'], graphFrom: ['keras'] },
  detect: detectKeras,
  read: (input) => readKeras(input),
  write: (model, target, options) => writeKeras(model, target, options),
};
