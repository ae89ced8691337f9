/**
 * Reading a Python pickle or joblib file (a scikit-learn estimator, NumPy arrays, containers of
 * them) into a Model. The file is loaded (inflated when joblib compressed it), run through
 * nnport's pickle machine with the allow-list of Python, NumPy, scikit-learn and joblib globals —
 * anything else is refused with UNSAFE before it could matter, and nothing is ever run — then
 * the object becomes tensors and metadata (structure.ts).
 */
import { NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import { MAX_PICKLE_FILE_BYTES } from '../../core/limits.js';
import type { Model } from '../../core/model.js';
import { readAll } from '../../io/byte-source.js';
import { allowList, type GlobalTable, PYTHON_GLOBALS } from '../../io/pickle/allow-list.js';
import { unpickle } from '../../io/pickle/machine.js';
import { NUMPY_GLOBALS } from '../../io/pickle/numpy-globals.js';
import { openPickleStream } from './compression.js';
import { JOBLIB_NESTED_REFUSALS, type JoblibStream, joblibGlobals, loadJoblibFiles } from './joblib.js';
import { SKLEARN_GLOBALS } from './sklearn-globals.js';
import { modelFromPickle } from './structure.js';

/** The tables every pickle nnport reads may use, joblib's wrappers aside (they need the stream). */
export const BASE_TABLES: readonly GlobalTable[] = [PYTHON_GLOBALS, NUMPY_GLOBALS, SKLEARN_GLOBALS];

/** Reads a pickle or joblib file. */
export async function readPickle(input: ReadInput): Promise<Model> {
  const size = input.source.size;
  if (size > MAX_PICKLE_FILE_BYTES) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `pickle file of ${size} bytes, over MAX_PICKLE_FILE_BYTES ${MAX_PICKLE_FILE_BYTES}`,
    );
  }
  if (size === 0)
    throw new NnportError('TRUNCATED', 'empty file: a pickle has at least a STOP opcode', {
      at: { byte: 0 },
    });
  const file = await readAll(input.source);
  const { bytes, compression } = openPickleStream(file);
  const stream: JoblibStream = {
    bytes,
    nested: { resolve: allowList(...BASE_TABLES, JOBLIB_NESTED_REFUSALS) },
    files: [],
  };
  const resolve = allowList(...BASE_TABLES, joblibGlobals(stream));
  // In a compressed file, byte offsets in errors are offsets in the inflated stream: say so.
  const r = unpickle(
    bytes,
    compression === undefined ? { resolve } : { resolve, label: `the ${compression}-inflated stream` },
  );
  await loadJoblibFiles(stream, input);
  return modelFromPickle(r.value, {
    name: input.name,
    protocol: r.protocol,
    bytes: { file: input.source, stream: bytes, compression },
  });
}
