/** The translator of each TF op the importer knows (import-*.ts). */
import { ARRAY } from './import-array.js';
import { EINSUM } from './import-einsum.js';
import { LOGIC } from './import-logic.js';
import { MATH, type TfImporter } from './import-math.js';
import { MISC } from './import-misc.js';
import { NN } from './import-nn.js';
import { NN3D } from './import-nn3d.js';
import { RESIZE } from './import-resize.js';
import { SHAPE } from './import-shape.js';
import { SPACE } from './import-space.js';

const TABLE: ReadonlyMap<string, TfImporter> = new Map([
  ...MATH,
  ...NN,
  ...SHAPE,
  ...RESIZE,
  ...ARRAY,
  ...LOGIC,
  ...NN3D,
  ...EINSUM,
  ...MISC,
  ...SPACE,
]);

/** The translator of a TF op, undefined when nnport keeps it as a `tfjs` node. */
export function importerOf(op: string): TfImporter | undefined {
  return TABLE.get(op);
}

/** Every TF op with a translator (docs and tests list them). */
export function translatedOps(): string[] {
  return [...TABLE.keys()];
}
