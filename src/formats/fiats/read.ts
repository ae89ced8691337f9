/**
 * Reads a Fiats network JSON file: current files (`"minimum_acceptable_tag": "0.15.0"` on line 2)
 * and older ones (`"acceptable_engine_tag"`), both as JSON — more leniently than Fiats' own line
 * reader, which needs the exact line structure write.ts produces. The model: float64 tensors
 * `layers.i.weight` [out, in] and `layers.i.bias` [out]; metadata `fiats` holding the tag line's
 * member, `metadata`, `inputs_map`, `outputs_map` as in the file, and `activation`; a graph with
 * the activation after every layer (Fiats applies it to the output layer too). The graph is the
 * network between the maps: `inputs_map` and `outputs_map` stay in the metadata.
 */
import type { ReadInput } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import { readLayersJson } from '../nexport/layers-json.js';
import { documentModel } from '../nexport/read-json.js';

/** Reads a Fiats network JSON file. */
export async function readFiats(input: ReadInput): Promise<Model> {
  return documentModel(await readLayersJson(input), 'fiats', 'fiats');
}
