/**
 * The Wolfram Language "MXNet" Import elements computed for any model (names.ts lists them): one
 * function per element, each giving plain JSON-able data, and `computeElement` choosing by name.
 * Nothing here touches Node APIs; the CLI (`inspect --element`) only prints the results.
 */
import type { ValueInfo } from '../../core/graph.js';
import type { Model } from '../../core/model.js';
import { type ArrayEntry, arrayAssociation, arrayList, arrayNames } from './arrays.js';
import { inputNames, type LayerEntry, layerAssociation, type NodeRow, nodeDataset } from './layer-table.js';
import type { ElementName } from './names.js';
import { type NetSummary, netSummary } from './net.js';
import { type NodeGraphData, nodeGraph } from './node-graph.js';
import { nodeGraphPlot } from './plot.js';

export { type ArrayEntry, arrayAssociation, arrayData, arrayList, arrayNames } from './arrays.js';
export {
  inputNames,
  type LayerEntry,
  layerAssociation,
  type NodeRow,
  nodeDataset,
} from './layer-table.js';
export { graphLayers, type Layer, type LayerSource, type LayerView } from './layers.js';
export { ELEMENT_NAMES, type ElementName, resolveElement } from './names.js';
export {
  type ArraySummary,
  type LayerSummary,
  type NetSummary,
  netSummary,
  type ValueSummary,
} from './net.js';
export {
  type NodeGraphData,
  type NodeGraphEdge,
  type NodeGraphNode,
  nodeGraph,
  toDot,
} from './node-graph.js';
export { nodeGraphPlot, xmlEscape } from './plot.js';

/** An element's value, tagged with its name so printers can switch on it. */
export type ElementValue =
  | { readonly element: 'ArrayNames' | 'InputNames'; readonly value: string[] }
  | { readonly element: 'ArrayList'; readonly value: ArrayEntry[] }
  | { readonly element: 'ArrayAssociation'; readonly value: Record<string, Omit<ArrayEntry, 'name'>> }
  | { readonly element: 'LayerAssociation'; readonly value: Record<string, LayerEntry> }
  | { readonly element: 'Net' | 'UninitializedNet'; readonly value: NetSummary }
  | { readonly element: 'NodeDataset'; readonly value: NodeRow[] }
  | { readonly element: 'NodeGraph'; readonly value: NodeGraphData }
  | { readonly element: 'NodeGraphPlot'; readonly value: string };

/** Options of `computeElement`. */
export interface ElementOptions {
  /** Input shapes replacing the declared ones (`--input`), for Net and UninitializedNet. */
  readonly given?: readonly ValueInfo[];
}

/** Computes one element of a model. Graph elements throw USAGE for a model without a graph. */
export async function computeElement(
  model: Model,
  element: ElementName,
  options: ElementOptions = {},
): Promise<ElementValue> {
  const given = options.given ?? [];
  switch (element) {
    case 'ArrayNames':
      return { element, value: arrayNames(model) };
    case 'ArrayList':
      return { element, value: await arrayList(model) };
    case 'ArrayAssociation':
      return { element, value: await arrayAssociation(model) };
    case 'InputNames':
      return { element, value: inputNames(model) };
    case 'LayerAssociation':
      return { element, value: layerAssociation(model) };
    case 'Net':
      return { element, value: await netSummary(model, { given }) };
    case 'UninitializedNet':
      return { element, value: await netSummary(model, { given, uninitialized: true }) };
    case 'NodeDataset':
      return { element, value: nodeDataset(model) };
    case 'NodeGraph':
      return { element, value: nodeGraph(model) };
    case 'NodeGraphPlot':
      return { element, value: nodeGraphPlot(nodeGraph(model)) };
  }
}
