/**
 * NodeGraph: the net as a directed graph of layers. Graph inputs and outputs are nodes of their
 * own (as MXNet's variables and heads are), an edge joins the layer (or input) producing a value
 * to each layer using it, once per pair however many values they share. `toDot` writes it as
 * Graphviz DOT for `dot -Tsvg`; NodeGraphPlot (plot.ts) draws the same graph without Graphviz.
 */
import type { Model } from '../../core/model.js';
import { graphLayers } from './layers.js';

/** A node of the NodeGraph. */
export interface NodeGraphNode {
  /** Unique in the graph: the layer's, input's or output's name, suffixed on a clash (`x#output`). */
  readonly id: string;
  /** 'input' and 'output': the graph's; 'value': a value no layer produces and the graph does not declare. */
  readonly kind: 'input' | 'layer' | 'output' | 'value';
  /** The name as in the model. */
  readonly name: string;
  /** The layer's type; null for the other kinds. */
  readonly type: string | null;
}

/** An edge: `from` produces the values `to` uses. */
export interface NodeGraphEdge {
  readonly from: string;
  readonly to: string;
  /** The values it carries, in first-use order. */
  readonly values: readonly string[];
}

/** The NodeGraph element. */
export interface NodeGraphData {
  readonly nodes: readonly NodeGraphNode[];
  readonly edges: readonly NodeGraphEdge[];
}

/** NodeGraph: layers, graph inputs and outputs as nodes; producer → consumer edges. */
export function nodeGraph(model: Model): NodeGraphData {
  const view = graphLayers(model);
  const graph = view.graph;
  const taken = new Set(view.layers.map((l) => l.name));
  const unique = (name: string, kind: string): string => {
    let id = name;
    for (let k = 1; taken.has(id); k++) id = k === 1 ? `${name}#${kind}` : `${name}#${kind}${k}`;
    taken.add(id);
    return id;
  };
  const inits = new Set(graph.initializers ?? model.tensors.map((t) => t.name));
  const inputs: NodeGraphNode[] = graph.inputs
    .filter((v) => !inits.has(v.name) && !view.arrays.has(v.name))
    .map((v) => ({ id: unique(v.name, 'input'), kind: 'input', name: v.name, type: null }));
  const inputId = new Map(inputs.map((n) => [n.name, n.id]));
  const layers: NodeGraphNode[] = view.layers.map((l) => ({
    id: l.name,
    kind: 'layer',
    name: l.name,
    type: l.type,
  }));
  const values: NodeGraphNode[] = [];
  const valueId = new Map<string, string>();
  const edges = new Map<string, { from: string; to: string; values: string[] }>();
  const link = (from: string, to: string, value: string): void => {
    const key = JSON.stringify([from, to]);
    const e = edges.get(key);
    if (e === undefined) edges.set(key, { from, to, values: [value] });
    else if (!e.values.includes(value)) e.values.push(value);
  };
  const sourceId = (kind: 'layer' | 'input' | 'value', name: string): string => {
    if (kind === 'layer') return name;
    if (kind === 'input') {
      const id = inputId.get(name);
      if (id !== undefined) return id;
    }
    let id = valueId.get(name);
    if (id === undefined) {
      id = unique(name, 'value');
      valueId.set(name, id);
      values.push({ id, kind: 'value', name, type: null });
    }
    return id;
  };
  const producer = new Map<string, string>();
  for (const l of view.layers) for (const o of l.outputs) producer.set(o, l.name);
  for (const l of view.layers) for (const s of l.sources) link(sourceId(s.kind, s.name), l.name, s.value);
  const outputs: NodeGraphNode[] = graph.outputs.map((v) => {
    const id = unique(v.name, 'output');
    const from = producer.get(v.name);
    link(from ?? sourceId(inputId.has(v.name) ? 'input' : 'value', v.name), id, v.name);
    return { id, kind: 'output', name: v.name, type: null };
  });
  return { nodes: [...inputs, ...values, ...layers, ...outputs], edges: [...edges.values()] };
}

/** A DOT label string: backslash, quote and line breaks escaped (escString), other characters as they are. */
function dotLabel(text: string): string {
  return `"${text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\r\n|\r|\n/g, '\\n')}"`;
}

/**
 * Graphviz DOT: nodes get ids `n0, n1, ...` and the names only as labels, so no name from a file
 * can break out of its quotes; one line per node and one per edge.
 */
export function toDot(g: NodeGraphData, title = 'net'): string {
  const ids = new Map(g.nodes.map((n, i) => [n.id, `n${i}`]));
  const lines = [
    `digraph ${dotLabel(title)} {`,
    '  node [shape=box, fontname="monospace"];',
    ...g.nodes.map((n) => {
      const id = ids.get(n.id) as string;
      if (n.kind === 'layer') return `  ${id} [label=${dotLabel(`${n.name}\n${n.type ?? ''}`)}];`;
      const shape = n.kind === 'value' ? 'plaintext' : 'ellipse';
      return `  ${id} [label=${dotLabel(n.name)}, shape=${shape}];`;
    }),
    ...g.edges.map((e) => `  ${ids.get(e.from)} -> ${ids.get(e.to)};`),
    '}',
  ];
  return `${lines.join('\n')}\n`;
}
