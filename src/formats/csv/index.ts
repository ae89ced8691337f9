/**
 * nnport CSV, two layouts (docs/formats/csv.md):
 * - `csv` — the long layout, one file: a row per element with tensor, layer, param, dtype, shape,
 *   index and value columns, what spreadsheet users and "weights to CSV" scripts expect;
 * - `csv-matrix` — a folder: one header-less CSV per tensor (rows × flattened columns) that NumPy,
 *   MATLAB and Excel open directly, plus `manifest.json` with names, dtypes and shapes.
 * The `csv` writer also writes the matrix layout when given the option `layout: 'matrix'`.
 */
import type { Detection, FormatPlugin, Probe, WriteOptions } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { afterBom, startsWithWord } from '../../io/text/header-line.js';
import { readCsv } from './read.js';
import { readCsvMatrix } from './read-matrix.js';
import { CSV_MAGIC, writeCsvLong } from './write-long.js';
import { MANIFEST, MATRIX_FORMAT, writeCsvMatrix } from './write-matrix.js';

/** Content: the `#nnport-csv` magic line; name: `.csv`. */
function detectCsv(probe: Probe): Detection {
  if (probe.isFolder) return undefined;
  if (startsWithWord(probe.head, CSV_MAGIC)) return 'content';
  return probe.name.toLowerCase().endsWith('.csv') ? 'name' : undefined;
}

/** True when a probe's head is a JSON object naming the matrix format near its start. */
function looksLikeManifest(head: Uint8Array): boolean {
  const at = afterBom(head);
  let s = '';
  for (let k = at; k < Math.min(head.length, at + 200); k++) s += String.fromCharCode(head[k]);
  return /^\s*\{\s*"format"\s*:\s*"nnport-csv-matrix"/.test(s);
}

/**
 * A folder is claimed by content when `manifest.json` is inside it, and by name when it ends in
 * `.csvdir` (the reader then reports the missing manifest); the manifest file itself by content.
 */
function detectCsvMatrix(probe: Probe): Detection {
  if (probe.isFolder) {
    if (probe.entries?.includes('manifest.json')) return 'content';
    return probe.name
      .toLowerCase()
      .replace(/[\\/]+$/, '')
      .endsWith('.csvdir')
      ? 'name'
      : undefined;
  }
  if (looksLikeManifest(probe.head)) return 'content';
  return undefined;
}

/** Writes the long layout, or the matrix layout with `layout: 'matrix'`. */
function writeCsv(model: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  return options.layout === 'matrix'
    ? writeCsvMatrix(model, target, options)
    : writeCsvLong(model, target, options);
}

/** The CSV long-layout plug-in (reads every nnport CSV input, plain numeric tables too). */
export const csvFormat: FormatPlugin = {
  id: 'csv',
  title: 'nnport CSV, long layout (one row per element)',
  extensions: ['.csv'],
  output: 'file',
  keeps: { metadata: true, graph: true },
  detect: detectCsv,
  read: readCsv,
  write: writeCsv,
};

/** The CSV matrix-layout plug-in: a folder of one CSV per tensor plus manifest.json. */
export const csvMatrixFormat: FormatPlugin = {
  id: 'csv-matrix',
  title: `nnport CSV, matrix layout (folder of CSV files + ${MANIFEST}, "${MATRIX_FORMAT}")`,
  extensions: ['.csvdir'],
  output: 'folder',
  keeps: { metadata: true, graph: true },
  detect: detectCsvMatrix,
  read: readCsvMatrix,
  write: writeCsvMatrix,
};
