/**
 * Keras's legacy HDF5 layout (Keras 1 and 2, tf.keras, Keras 3 writing `.h5`):
 * - full model (`model.save('m.h5')`): root attributes `keras_version`, `backend`,
 *   `model_config` and `training_config` (JSON strings); weights under the group `model_weights`;
 * - weights only (`save_weights('w.h5')`): the weights layout at the root.
 * The weights layout: attribute `layer_names` lists the layers in order; each layer's group has
 * attribute `weight_names` (`dense/kernel:0`, or `sequential/dense/kernel` in Keras 3), each the
 * path of a dataset inside that group. Optimizer state (`optimizer_weights`) is not model weight
 * and is only counted.
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { type Hdf5File, type Hdf5View, jsonAttribute, stringAttribute } from '../../io/hdf5/index.js';
import { chunkedStringList } from './attrs.js';
import { findLambdas } from './config.js';
import { hdf5Tensor } from './tensors.js';

/** What a Keras file reader returns: the tensors and the `metadata.keras` section. */
export interface KerasRead {
  readonly tensors: Tensor[];
  readonly keras: Record<string, JsonValue>;
  /** nnport's own record (`{changes}`) when nnport wrote the file: the root attribute `nnport`. */
  readonly nnport?: JsonValue;
}

/** Joins an HDF5 group path and a member path. */
export function joinPath(group: string, member: string): string {
  return group === '/' ? `/${member}` : `${group}/${member}`;
}

/** Keras's own name for a weight: the stored name without TensorFlow's `:0` output suffix. */
function weightName(stored: string): string {
  return stored.endsWith(':0') ? stored.slice(0, -2) : stored;
}

/**
 * Reads a legacy Keras HDF5 file whose weights sit under `weightsRoot` (`/model_weights` for a
 * full model, `/` for weights only).
 */
export function readLegacy(file: Hdf5File, view: Hdf5View, weightsRoot: string): KerasRead {
  const full = weightsRoot !== '/';
  const layerNames = chunkedStringList(view, weightsRoot, 'layer_names');
  if (layerNames === undefined) {
    throw new NnportError('INVALID_STRUCTURE', 'Keras weights group without a layer_names attribute', {
      at: { path: weightsRoot },
    });
  }
  const tensors: Tensor[] = [];
  const layers: JsonValue[] = [];
  const seen = new Set<string>();
  const groups = view.children(weightsRoot);
  // Keras 3 keeps a model's own (non-layer) weights in this extra group, outside layer_names.
  const extra = groups.includes('top_level_model_weights') && !layerNames.includes('top_level_model_weights');
  for (const layer of extra ? [...layerNames, 'top_level_model_weights'] : layerNames) {
    const group = joinPath(weightsRoot, layer);
    if (view.kind(group) !== 'group') {
      throw new NnportError('INVALID_STRUCTURE', `layer_names lists '${layer}' but there is no such group`, {
        at: { path: group },
      });
    }
    const stored = chunkedStringList(view, group, 'weight_names') ?? [];
    const names: string[] = [];
    for (const w of stored) {
      const path = joinPath(group, w);
      const info = view.dataset(path);
      let name = weightName(w);
      if (seen.has(name)) name = `${layer}/${name}`;
      if (seen.has(name)) {
        throw new NnportError('INVALID_STRUCTURE', `two weights are named '${name}'`, { at: { path } });
      }
      seen.add(name);
      names.push(name);
      tensors.push(hdf5Tensor(file, info, name, { path, layer }));
    }
    if (stored.length > 0 || layer !== 'top_level_model_weights')
      layers.push({ name: layer, weights: names });
  }

  const keras: Record<string, JsonValue> = { format: full ? 'h5' : 'h5-weights' };
  const version =
    stringAttribute(view, '/', 'keras_version') ?? stringAttribute(view, weightsRoot, 'keras_version');
  if (version !== undefined) keras.kerasVersion = version;
  const backend = stringAttribute(view, '/', 'backend') ?? stringAttribute(view, weightsRoot, 'backend');
  if (backend !== undefined) keras.backend = backend;
  const modelConfig = jsonAttribute(view, '/', 'model_config');
  // Lambda code before the (long) config, so one-line metadata views show it
  const lambdas = findLambdas(modelConfig);
  if (Object.keys(lambdas).length > 0) keras.lambdas = lambdas;
  if (modelConfig !== undefined) keras.modelConfig = modelConfig;
  const trainingConfig = jsonAttribute(view, '/', 'training_config');
  if (trainingConfig !== undefined) keras.trainingConfig = trainingConfig;
  keras.layers = layers;
  const ignored = ignoredGroups(view, full ? ['model_weights'] : [...layerNames, 'top_level_model_weights']);
  if (ignored.length > 0) keras.ignored = ignored;
  const nnport = jsonAttribute(view, '/', 'nnport');
  return nnport === undefined ? { tensors, keras } : { tensors, keras, nnport };
}

/** Root groups that hold no model weights (`optimizer_weights`), for the record. */
function ignoredGroups(view: Hdf5View, used: readonly string[]): string[] {
  return view.children('/').filter((name) => !used.includes(name) && view.kind(`/${name}`) === 'group');
}
