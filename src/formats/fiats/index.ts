/**
 * Fiats network JSON (github.com/BerkeleyLab/fiats): the dense layers of a network with one
 * activation, input/output normalisation maps and nexport-style metadata, in the line layout that
 * Fiats' Fortran reader requires (docs/formats/fiats.md). Detected by its tag line, the root
 * object's first member (`minimum_acceptable_tag`, or `acceptable_engine_tag` in older files).
 */
import type { FormatPlugin } from '../../core/format.js';
import { detectFiats } from '../nexport/detect.js';
import { readFiats } from './read.js';
import { writeFiats } from './write.js';

/**
 * Fiats network JSON. Holds the dense layers, the activation, the maps and the five metadata
 * members; the model's graph and other metadata are not written.
 */
export const fiatsFormat: FormatPlugin = {
  id: 'fiats',
  title: 'Fiats network JSON (BerkeleyLab Fortran inference engine)',
  extensions: ['.json'],
  output: 'file',
  // The graph it can hold (a chain of dense layers, one activation) it keeps; any other graph is refused.
  keeps: { metadata: false, graph: true, metadataKeys: ['fiats', 'nexport'] },
  detect: detectFiats,
  read: readFiats,
  write: writeFiats,
};
