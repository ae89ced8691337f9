/** The Keras layer importers by class name. */
import type { LayerContext } from './context.js';
import { CONV } from './import-conv.js';
import { CORE } from './import-core.js';
import { RNN } from './import-rnn.js';

/** Translates one layer call: emits canonical nodes that make the call's outputs. */
export type LayerImporter = (ctx: LayerContext) => void;

/** Every layer class nnport translates. */
export function layerImporter(className: string): LayerImporter | undefined {
  return CORE.get(className) ?? CONV.get(className) ?? RNN.get(className);
}
