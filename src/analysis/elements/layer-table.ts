/**
 * InputNames, LayerAssociation and NodeDataset: the net's inputs, and its layers keyed by name
 * (Wolfram's association of layers) or as rows (its Dataset of symbol nodes).
 */
import type { Model } from '../../core/model.js';
import type { JsonExact } from '../../io/text/model-json.js';
import { graphLayers, sourceNames } from './layers.js';

/**
 * InputNames: the graph inputs a caller feeds — declared inputs that no initializer supplies
 * (ONNX IR "Graphs": an input with an initializer of its name has a default value). In a net read
 * without arrays the parameters are inputs too, as Wolfram's uninitialized net has extra inputs
 * for its missing arrays.
 */
export function inputNames(model: Model): string[] {
  const graph = model.graph;
  if (graph === undefined) return [];
  const inits = new Set(graph.initializers ?? model.tensors.map((t) => t.name));
  return graph.inputs.filter((v) => !inits.has(v.name)).map((v) => v.name);
}

/** One layer as LayerAssociation shows it. */
export interface LayerEntry {
  /** MXNet op when known, else ONNX op. */
  readonly type: string;
  /** Source layers and graph inputs. */
  readonly inputs: readonly string[];
  /** The arrays it uses with their shapes (null when unknown). */
  readonly arrays: Readonly<Record<string, readonly (number | string | null)[] | null>>;
  /** Its attributes. */
  readonly attributes: Readonly<Record<string, JsonExact>>;
}

/** LayerAssociation: layers keyed by name, in graph order (own data properties, whatever the names). */
export function layerAssociation(model: Model): Record<string, LayerEntry> {
  const view = graphLayers(model);
  return Object.fromEntries(
    view.layers.map((l) => [
      l.name,
      {
        type: l.type,
        inputs: sourceNames(l),
        arrays: Object.fromEntries(l.arrays.map((a) => [a, view.arrays.get(a) ?? null])),
        attributes: l.attributes,
      },
    ]),
  );
}

/** One row of NodeDataset. */
export interface NodeRow {
  readonly name: string;
  readonly type: string;
  readonly inputs: readonly string[];
  readonly arrays: readonly string[];
  readonly attributes: Readonly<Record<string, JsonExact>>;
}

/** NodeDataset: one row per layer, in graph order. */
export function nodeDataset(model: Model): NodeRow[] {
  return graphLayers(model).layers.map((l) => ({
    name: l.name,
    type: l.type,
    inputs: sourceNames(l),
    arrays: l.arrays,
    attributes: l.attributes,
  }));
}
