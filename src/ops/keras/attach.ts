/**
 * Gives a Keras or TF.js layers-model its canonical graph: the readers call these with what they
 * read. Weights are found per layer in Keras's variable order under each naming scheme: legacy
 * HDF5 (`metadata.keras.layers[].weights`, `dense_1/kernel`), Keras 3 (`layers/<group>/vars/<i>`,
 * listed the same way) and TF.js (`<layer>/kernel` in manifest order).
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { isObject } from './config.js';
import { WEIGHT_ERRORS } from './context.js';
import { importKeras, type KerasImportOptions } from './import.js';
import { isKeras1, upgradeKeras1Config } from './keras1.js';
import { keras1Weights } from './keras1-weights.js';

/** Weights per layer name from a reader's `layers` list ({name, weights: [tensor names]}). */
function fromLayerList(list: JsonValue | undefined, tensors: readonly Tensor[]): (layer: string) => Tensor[] {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const byLayer = new Map<string, Tensor[]>();
  if (Array.isArray(list)) {
    for (const l of list) {
      if (!isObject(l) || typeof l.name !== 'string' || !Array.isArray(l.weights)) continue;
      const ws = l.weights.map((n) => byName.get(String(n))).filter((t): t is Tensor => t !== undefined);
      byLayer.set(l.name, ws);
    }
  }
  return (layer) => byLayer.get(layer) ?? [];
}

/** Weights per layer name from `<layer>/…` tensor names, in file order. */
function fromPrefix(tensors: readonly Tensor[]): (layer: string) => Tensor[] {
  return (layer) => tensors.filter((t) => t.name.startsWith(`${layer}/`));
}

function withGraph(
  model: Model,
  config: JsonValue,
  weights: (l: string) => Tensor[],
  keras3: boolean,
  adaptWeights?: KerasImportOptions['adaptWeights'],
): Model {
  let result: ReturnType<typeof importKeras>;
  try {
    const tensorNames = model.tensors.map((t) => t.name);
    const options = { weights, keras3, tensorNames };
    result = importKeras(config, adaptWeights === undefined ? options : { ...options, adaptWeights });
  } catch (e) {
    // A config nnport cannot make a graph of (an unsupported activation, a Sequential without an
    // input shape) leaves the weights readable: no graph, and why in `graphError`. Weights that
    // disagree with the config are a broken file and fail the read.
    if (e instanceof NnportError && !WEIGHT_ERRORS.has(e)) {
      const section = model.metadata.keras !== undefined ? 'keras' : 'tfjs';
      const meta = model.metadata[section];
      const m = isObject(meta) ? meta : {};
      const graphError = `${e.code}: ${e.detail}`;
      return { ...model, metadata: { ...model.metadata, [section]: { ...m, graphError } } };
    }
    throw e;
  }
  const metadata = { ...model.metadata };
  if (result.unsupported.length > 0) {
    const section = metadata.keras !== undefined ? 'keras' : 'tfjs';
    const m = isObject(metadata[section]) ? (metadata[section] as Record<string, JsonValue>) : {};
    metadata[section] = { ...m, unsupported: result.unsupported.map((u) => ({ ...u })) };
  }
  return { ...model, metadata, graph: result.graph };
}

/** The model with `graph` set when `metadata.keras.modelConfig` is there; unchanged otherwise. */
export function attachKerasGraph(model: Model): Model {
  const keras = model.metadata.keras;
  if (!isObject(keras) || keras.modelConfig === undefined) return model;
  const version = typeof keras.kerasVersion === 'string' ? keras.kerasVersion : '';
  const keras3 = /^3\./.test(version);
  const weights = fromLayerList(keras.layers, model.tensors);
  if (isKeras1(version, keras.modelConfig)) {
    // Keras 1: upgraded to Keras 2's spelling and weight layout first (docs/formats/keras1.md)
    const backend = typeof keras.backend === 'string' ? keras.backend : '';
    const adapt = keras1Weights({ config: keras.modelConfig, backend, version });
    return withGraph(model, upgradeKeras1Config(keras.modelConfig, backend), weights, false, adapt);
  }
  return withGraph(model, keras.modelConfig, weights, keras3);
}

/** The model with `graph` set for a TF.js layers-model (`modelTopology` is a Keras config). */
export function attachTfjsGraph(model: Model): Model {
  const tfjs = model.metadata.tfjs;
  if (!isObject(tfjs) || tfjs.kind !== 'layers-model' || !isObject(tfjs.modelTopology)) return model;
  const topology = tfjs.modelTopology;
  const config = isObject(topology.model_config) ? topology.model_config : topology;
  return withGraph(model, config, fromPrefix(model.tensors), false);
}
