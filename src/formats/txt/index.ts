/**
 * nnport TXT: a line-oriented text format that plain C, Fortran or awk code reads with a loop
 * over lines (docs/formats/txt.md). Detection: the `nnport-txt` first line is a content match;
 * a `.txt` name alone is a weaker claim, read as a plain numeric table when the magic is absent.
 */
import type { Detection, FormatPlugin, Probe } from '../../core/format.js';
import { startsWithWord } from '../../io/text/header-line.js';
import { readTxt } from './read.js';
import { writeTxt } from './write.js';

/** Content first (`nnport-txt` magic word), then the `.txt` extension. */
function detectTxt(probe: Probe): Detection {
  if (probe.isFolder) return undefined;
  if (startsWithWord(probe.head, 'nnport-txt')) return 'content';
  return probe.name.toLowerCase().endsWith('.txt') ? 'name' : undefined;
}

/** The nnport TXT format plug-in. */
export const txtFormat: FormatPlugin = {
  id: 'txt',
  title: 'nnport TXT (line-oriented text, one row per line)',
  extensions: ['.txt'],
  output: 'file',
  keeps: { metadata: true, graph: true },
  detect: detectTxt,
  read: readTxt,
  write: writeTxt,
};
