/**
 * nexport's two layouts (github.com/JordanWelsman/nexport, v0.4.6): JSON (`hidden_layers` and
 * `output_layer` of `{weights, bias}` neurons, optional `metadata`) and TXT (Python lists, one
 * neuron per line). nnport writes both the way nexport does (docs/formats/nexport.md) but finds a
 * model's dense layers by structure (analysis/dense-layers.ts) instead of by even/odd position,
 * and reads both back.
 */
import type { FormatPlugin } from '../../core/format.js';
import { detectNexportJson, detectNexportTxt } from './detect.js';
import { readNexportJson } from './read-json.js';
import { readNexportTxt } from './read-txt.js';
import { writeNexportJson } from './write-json.js';
import { writeNexportTxt } from './write-txt.js';

/**
 * nexport JSON. Holds the dense layers and nexport's metadata (one activation name); the
 * model's graph and other metadata are not written.
 */
export const nexportJsonFormat: FormatPlugin = {
  id: 'nexport-json',
  title: 'nexport JSON (dense layers as neurons {weights, bias})',
  extensions: ['.json'],
  output: 'file',
  // The graph it can hold (a chain of dense layers, one activation) it keeps; any other graph is refused.
  keeps: { metadata: false, graph: true, metadataKeys: ['fiats', 'nexport'] },
  detect: detectNexportJson,
  read: readNexportJson,
  write: writeNexportJson,
};

/** nexport TXT: the dense layers' weights and biases as Python lists, nothing else. */
export const nexportTxtFormat: FormatPlugin = {
  id: 'nexport-txt',
  title: 'nexport TXT (dense layers as Python lists)',
  extensions: ['.txt'],
  output: 'file',
  // Weights and biases only: no activation, so the graph's activations are dropped (and named).
  keeps: { metadata: false, graph: false },
  detect: detectNexportTxt,
  read: readNexportTxt,
  write: writeNexportTxt,
};
