/**
 * The npz format plug-in: NumPy's zip of npy members (`np.savez`, `np.savez_compressed`). See
 * docs/formats/npy.md for what is read and written.
 */
import type { FormatPlugin, Probe } from '../../core/format.js';
import { readNpz } from './read.js';
import { writeNpz } from './write.js';

/**
 * Content detection that does not claim every zip (PyTorch `.pt` and Keras `.keras` files are
 * zips too): the file must start with a local header `PK\x03\x04` (APPNOTE §4.3.7) and either be
 * named `.npz` or have a first member whose name ends in `.npy`. An empty npz (only the end
 * record `PK\x05\x06`) counts when named `.npz`.
 */
export function detectNpz(probe: Probe): 'content' | 'name' | undefined {
  if (probe.isFolder) return undefined;
  const h = probe.head;
  const named = probe.name.toLowerCase().endsWith('.npz');
  const pk = h.length >= 4 && h[0] === 0x50 && h[1] === 0x4b;
  if (pk && h[2] === 0x05 && h[3] === 0x06) return named ? 'content' : undefined;
  if (!(pk && h[2] === 0x03 && h[3] === 0x04)) return named ? 'name' : undefined;
  if (named) return 'content';
  if (h.length < 30) return undefined;
  const nameLength = h[26] | (h[27] << 8);
  if (nameLength < 4 || h.length < 30 + nameLength) return undefined;
  const end = 30 + nameLength;
  // '.npy' in ASCII
  return h[end - 4] === 0x2e && h[end - 3] === 0x6e && h[end - 2] === 0x70 && h[end - 1] === 0x79
    ? 'content'
    : undefined;
}

/** NumPy `.npz`: named arrays in a zip. */
export const npzFormat: FormatPlugin = {
  id: 'npz',
  title: 'NumPy archive (.npz)',
  extensions: ['.npz'],
  output: 'file',
  detect: detectNpz,
  read: (input) => readNpz(input),
  write: (model, target, options) => writeNpz(model, target, options),
};
