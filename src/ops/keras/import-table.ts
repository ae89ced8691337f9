/** The Keras layer importers by class name. */
import type { LayerContext } from './context.js';
import { CONV } from './import-conv.js';
import { CORE } from './import-core.js';
import { CROP } from './import-crop.js';
import { DECONV } from './import-deconv.js';
import { MORE } from './import-more.js';
import { RNN } from './import-rnn.js';
import { WRAP } from './import-wrap.js';

/** Translates one layer call: emits canonical nodes that make the call's outputs. */
export type LayerImporter = (ctx: LayerContext) => void;

const TABLES = [CORE, CONV, DECONV, CROP, MORE, RNN, WRAP];

/** Every layer class nnport translates. */
export function layerImporter(className: string): LayerImporter | undefined {
  for (const t of TABLES) {
    const f = t.get(className);
    if (f !== undefined) return f;
  }
  return undefined;
}
