/**
 * The npy format plug-in: NumPy's single-array file (`np.save` / `np.load`). See
 * docs/formats/npy.md for what is read and written.
 */
import type { FormatPlugin, Probe } from '../../core/format.js';
import { NPY_MAGIC } from './header.js';
import { readNpy } from './read.js';
import { writeNpy } from './write.js';

/** True when `head` starts with the npy magic `\x93NUMPY`. */
export function hasNpyMagic(head: Uint8Array): boolean {
  if (head.length < NPY_MAGIC.length) return false;
  for (let i = 0; i < NPY_MAGIC.length; i++) if (head[i] !== NPY_MAGIC[i]) return false;
  return true;
}

/** NumPy `.npy`: one array per file. */
export const npyFormat: FormatPlugin = {
  id: 'npy',
  title: 'NumPy array (.npy)',
  extensions: ['.npy'],
  output: 'file',
  detect(probe: Probe) {
    if (probe.isFolder) return undefined;
    if (hasNpyMagic(probe.head)) return 'content';
    return probe.name.toLowerCase().endsWith('.npy') ? 'name' : undefined;
  },
  read: (input) => readNpy(input),
  write: (model, target, options) => writeNpy(model, target, options),
};

export { buildNpyHeader, type NpyHeader, readNpyHeader } from './header.js';
export { readNpyTensor, tensorNameFromFile } from './read.js';
export { type NpyWriteOptions, npyOptions, type PreparedNpy, prepareNpy } from './write.js';
