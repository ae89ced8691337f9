/**
 * The Keras and TF.js writers' hook (write.ts of each): a graph from elsewhere becomes a Keras
 * config (export-graph.ts) before they write, or, when it has none, a warning and weights only.
 */
import type { Graph } from '../../core/graph.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { type KerasExport, type KerasRefusal, kerasModelFromGraph } from './export-graph.js';

/**
 * For the Keras and TF.js writers: `model` with a Keras config made from its graph when it has a
 * graph and no Keras or TF.js config of its own; otherwise `model` itself. When the graph has no
 * Keras equivalent (`onWarning` says why): `model` without its graph and without the graph's own
 * constants, so its weights are written alone.
 */
export async function withKerasConfig(
  model: Model,
  options: { readonly onWarning?: (message: string) => void },
  target: 'keras' | 'tfjs' = 'keras',
): Promise<Model> {
  const m = model.metadata;
  if (model.graph === undefined || m.keras !== undefined || m.tfjs !== undefined) return model;
  const made = await kerasModelFromGraph(model);
  const gap = target === 'tfjs' && !('refused' in made) ? tfjsGap(made.model) : undefined;
  const r: KerasExport | KerasRefusal = gap === undefined ? made : { refused: gap };
  if ('refused' in r) {
    const weights = graphWeights(model);
    const left = model.tensors.length - weights.length;
    options.onWarning?.(
      `the graph has no Keras equivalent (${r.refused}); only the weights are written${left > 0 ? ` (${left} constant${left === 1 ? '' : 's'} of the graph left out)` : ''}`,
    );
    const { graph: _dropped, ...rest } = model;
    return { ...rest, tensors: weights };
  }
  for (const note of r.notes) options.onWarning?.(note);
  return r.model;
}

/**
 * The model's weights without the graph's own constants (Constant nodes' and other attributes'
 * tensors): a weights file holds what `load_weights` assigns to layers, and those are no layer's.
 */
function graphWeights(model: Model): Tensor[] {
  const graph = model.graph as Graph;
  if (graph.initializers !== undefined) {
    const keep = new Set(graph.initializers);
    return model.tensors.filter((t) => keep.has(t.name));
  }
  const attrs = new Set<string>();
  for (const node of graph.nodes) {
    for (const a of Object.values(node.attributes)) {
      if (a.type === 'tensor') attrs.add(a.value);
      if (a.type === 'tensors') for (const v of a.value) attrs.add(v);
    }
  }
  return model.tensors.filter((t) => !attrs.has(t.name));
}

/** Layer classes Keras has and tfjs-layers does not. */
const NOT_IN_TFJS = new Set([
  'ZeroPadding1D',
  'ZeroPadding3D',
  'GlobalAveragePooling3D',
  'GlobalMaxPooling3D',
]);

/**
 * The first layer of an exported model tfjs-layers would not run as Keras does: a class it lacks,
 * or a global pool with `keepdims` (tfjs-layers ignores the flag and drops the axes).
 */
function tfjsGap(model: Model): string | undefined {
  const keras = model.metadata.keras as { modelConfig: { config: { layers: JsonValue[] } } };
  for (const l of keras.modelConfig.config.layers) {
    const {
      class_name: cls,
      name,
      config,
    } = l as { class_name: string; name: string; config: Record<string, JsonValue> };
    if (NOT_IN_TFJS.has(cls)) return `TF.js has no ${cls} layer (${name})`;
    if (cls.startsWith('Global') && config.keepdims === true) {
      return `TF.js's ${cls} has no keepdims (${name}, not followed by a Flatten)`;
    }
  }
  return undefined;
}
