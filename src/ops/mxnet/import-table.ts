/**
 * The MXNet → canonical op table: every importer by MXNet op name (ops registered under several
 * names, such as `Concat`/`concat` and the pre-1.0 `_Plus`, share one importer).
 */
import type { MxNode } from '../../formats/mxnet/symbol.js';
import type { OpContext } from './context.js';
import { ACT_IMPORTERS } from './import-act.js';
import { MATH_IMPORTERS } from './import-math.js';
import { NN_IMPORTERS } from './import-nn.js';
import { RNN_IMPORTERS } from './import-rnn.js';
import { SHAPE_IMPORTERS } from './import-shape.js';

/** How one MXNet op becomes canonical nodes. */
export interface Importer {
  /** Emits the canonical nodes; must produce `ctx.out(k)` for every output it has. */
  run(ctx: OpContext): void;
  /** How many outputs the op has (default 1). */
  outputs?(node: MxNode): number;
  /** Inputs that are training labels (loss heads): not graph inputs. */
  labels?(node: MxNode): readonly number[];
}

/** Every importer by MXNet op name. */
export const IMPORTERS: ReadonlyMap<string, Importer> = new Map([
  ...NN_IMPORTERS,
  ...ACT_IMPORTERS,
  ...MATH_IMPORTERS,
  ...SHAPE_IMPORTERS,
  ...RNN_IMPORTERS,
]);

/** The MXNet ops nnport translates, sorted (for docs and `nnport formats`). */
export function importableOps(): string[] {
  return [...IMPORTERS.keys()].sort();
}
