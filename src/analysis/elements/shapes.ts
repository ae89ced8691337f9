/**
 * Inferred value types for the Net summaries: the same inference `inspect --shapes` runs (the op
 * set's shape functions over the graph, small constant tensors read so that Reshape's shape and
 * Slice's starts are known), with caller-given input shapes replacing what the file declares.
 */
import type { ValueInfo } from '../../core/graph.js';
import type { Model } from '../../core/model.js';
import { elementCount, readTensor } from '../../core/tensor.js';
import { MAX_FOLDED_ELEMENTS } from '../../ops/fold.js';
import { inferShapes } from '../../ops/index.js';

/** Dtypes whose small tensors are read as constants for shape inference (shape vectors, scales). */
const CONSTANT_DTYPES = new Set(['int64', 'int32', 'float32', 'float64']);

/**
 * The inferred type of every value of the model's graph, by name. `readValues` false skips reading
 * tensor data (UninitializedNet promises not to touch values), at the price of shapes computed
 * from constants (Reshape targets) staying unknown.
 */
export async function inferredValues(
  model: Model,
  given: readonly ValueInfo[],
  readValues: boolean,
): Promise<Map<string, ValueInfo>> {
  const graph = model.graph;
  if (graph === undefined) return new Map();
  const known = new Map<string, ValueInfo>();
  const values = new Map<string, ArrayLike<number | bigint>>();
  for (const t of model.tensors) {
    known.set(t.name, { name: t.name, dtype: t.dtype, shape: t.shape });
    if (readValues && CONSTANT_DTYPES.has(t.dtype) && elementCount(t.shape) <= MAX_FOLDED_ELEMENTS) {
      values.set(t.name, await readTensor(t));
    }
  }
  for (const v of given) known.set(v.name, v);
  return inferShapes(graph, known, (n) => values.get(n));
}
