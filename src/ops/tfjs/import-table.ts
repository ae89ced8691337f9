/** The translator of each TF op the importer knows (import-*.ts). */
import { MATH, type TfImporter } from './import-math.js';
import { NN } from './import-nn.js';
import { RESIZE } from './import-resize.js';
import { SHAPE } from './import-shape.js';

const TABLE: ReadonlyMap<string, TfImporter> = new Map([...MATH, ...NN, ...SHAPE, ...RESIZE]);

/** The translator of a TF op, undefined when nnport keeps it as a `tfjs` node. */
export function importerOf(op: string): TfImporter | undefined {
  return TABLE.get(op);
}

/** Every TF op with a translator (docs and tests list them). */
export function translatedOps(): string[] {
  return [...TABLE.keys()];
}
