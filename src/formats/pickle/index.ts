/**
 * The pickle format plug-in: Python pickles and joblib dumps of scikit-learn estimators, NumPy
 * arrays and plain containers, read through nnport's own pickle machine (nothing is ever run).
 * See docs/formats/pickle.md.
 */
import type { FormatPlugin } from '../../core/format.js';
import { type GlobalTable, PYTHON_GLOBALS } from '../../io/pickle/allow-list.js';
import { NUMPY_GLOBALS } from '../../io/pickle/numpy-globals.js';
import { detectPickle, PICKLE_EXTENSIONS } from './detect.js';
import { JOBLIB_GLOBALS } from './joblib.js';
import { readPickle } from './read.js';
import { SKLEARN_GLOBALS } from './sklearn-globals.js';

/** Python pickle / joblib: read only (nnport never writes pickles). */
export const pickleFormat: FormatPlugin = {
  id: 'pickle',
  title: 'Python pickle / joblib (scikit-learn estimators, NumPy arrays)',
  extensions: PICKLE_EXTENSIONS,
  detect: detectPickle,
  read: (input) => readPickle(input),
};

/**
 * Every allow-list table the pickle format uses, for `nnport scan` to classify imports: Python's
 * plain containers, NumPy, scikit-learn and joblib's wrappers. (`joblibGlobals(stream)` gives the
 * joblib table that can also read object arrays' nested pickles.)
 */
export const PICKLE_TABLES: readonly GlobalTable[] = [
  PYTHON_GLOBALS,
  NUMPY_GLOBALS,
  SKLEARN_GLOBALS,
  JOBLIB_GLOBALS,
];

export { type Compression, compressionOf, openPickleStream, type PickleStream } from './compression.js';
export {
  JOBLIB_GLOBALS,
  JOBLIB_NESTED_REFUSALS,
  JoblibArray,
  JoblibFileArray,
  type JoblibStream,
  joblibGlobals,
} from './joblib.js';
export { readPickle } from './read.js';
export { SKLEARN_CLASS_NAMES, SKLEARN_GLOBALS } from './sklearn-globals.js';
