/**
 * The Keras-named weights of an exported model (export-graph.ts): one tensor per Keras variable,
 * `conv2d/kernel` …, in each layer's variable order, whose data is the ONNX tensor's, permuted on
 * first read when Keras keeps it in another layout (DerivedData: nothing is computed unless the
 * weights are written). Every permutation and rename is a `metadata.nnport.changes` entry.
 */
import { itemSize } from '../../core/dtype.js';
import type { JsonValue } from '../../core/model.js';
import { permuteBytes } from '../../core/permute.js';
import { DerivedData, readTensorBytes, type Tensor } from '../../core/tensor.js';
import type { KLayer, KWeight } from './export-types.js';

/** Keras's `to_snake_case` of a class name, the prefix of its automatic layer names (`Conv2D` → `conv2d`). */
export function snakeCase(className: string): string {
  return className
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

function derived(w: KWeight, name: string, layerName: string): Tensor {
  const src = w.source;
  const meta = { keras: { path: `/model_weights/${layerName}/${name}:0` } };
  if (w.perm === undefined) {
    const shape = w.viewShape ?? src.shape;
    return { name, dtype: src.dtype, shape: [...shape], data: src.data, meta };
  }
  const view = w.viewShape ?? src.shape;
  const perm = w.perm;
  const data = new DerivedData(src.data.byteLength, async () =>
    permuteBytes(await readTensorBytes(src), view, perm, itemSize(src.dtype)),
  );
  return { name, dtype: src.dtype, shape: perm.map((p) => view[p] as number), data, meta };
}

/** The tensors, `metadata.keras.layers` and change records of the exported layers. */
export function kerasTensors(layers: readonly KLayer[]): {
  tensors: Tensor[];
  layers: JsonValue[];
  changes: Record<string, JsonValue>[];
} {
  const tensors: Tensor[] = [];
  const list: JsonValue[] = [];
  const changes: Record<string, JsonValue>[] = [];
  for (const layer of layers) {
    const names: string[] = [];
    for (const w of layer.weights) {
      const name = `${layer.name}/${w.weight}`;
      tensors.push(derived(w, name, layer.name));
      names.push(name);
      const change: Record<string, JsonValue> = {
        change: w.perm === undefined ? 'rename' : 'transpose',
        tensor: w.source.name,
        to: name,
      };
      if (w.viewShape !== undefined) change.reshape = [...w.viewShape];
      if (w.perm !== undefined) change.perm = [...w.perm];
      if (w.detail !== undefined) change.detail = w.detail;
      changes.push(change);
    }
    list.push({ name: layer.name, weights: names });
  }
  return { tensors, layers: list, changes };
}
