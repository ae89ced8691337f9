/**
 * The CSV reader's entry: a folder (or its manifest.json) is the matrix layout, anything else
 * the long layout or, without the `#nnport-csv` magic line, a plain numeric table.
 */
import type { ReadInput, ReadOptions } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import { readCsvLong } from './read-long.js';
import { readCsvMatrix } from './read-matrix.js';
import { MANIFEST } from './write-matrix.js';

/** True when the input is a CSV matrix folder or its manifest file. */
export function isMatrixInput(input: ReadInput): boolean {
  if (input.isFolder) return true;
  const base = input.name.slice(Math.max(input.name.lastIndexOf('/'), input.name.lastIndexOf('\\')) + 1);
  return base === MANIFEST;
}

/** Reads any nnport CSV input. */
export function readCsv(input: ReadInput, options: ReadOptions): Promise<Model> {
  return isMatrixInput(input) ? readCsvMatrix(input, options) : readCsvLong(input, options);
}
