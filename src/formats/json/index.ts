/**
 * nnport's own JSON format: one self-describing document with metadata, an optional graph and
 * every tensor as nested arrays that follow its shape (docs/formats/json.md, JSON Schema in
 * docs/formats/nnport.schema.json). Lossless in every dtype, readable by any JSON parser.
 */
import type { FormatPlugin } from '../../core/format.js';
import { detectJson } from './detect.js';
import { readJson } from './read.js';
import { writeJson } from './write.js';

/** The nnport JSON format plug-in. */
export const jsonFormat: FormatPlugin = {
  id: 'json',
  title: 'nnport JSON (nested arrays, lossless)',
  extensions: ['.json'],
  output: 'file',
  keeps: { metadata: true, graph: true },
  detect: detectJson,
  read: readJson,
  write: writeJson,
};
