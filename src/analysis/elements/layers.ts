/**
 * Layers: what a Wolfram or MXNet user calls one node of the net. A model read from an MXNet
 * symbol has canonical ONNX nodes that carry `meta.mxnet` (the MXNet node they come from); one
 * MXNet node may have become several ONNX nodes (FullyConnected → Flatten + Gemm), so nodes are
 * grouped back by `meta.mxnet.name`. Any other graph has one layer per node. Every element about
 * the graph (LayerAssociation, Net, NodeDataset, NodeGraph, NodeGraphPlot) is built on this view.
 */
import { NnportError } from '../../core/errors.js';
import type { AttributeValue, Graph, GraphNode, ValueInfo } from '../../core/graph.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { JsonExact } from '../../io/text/model-json.js';

/** Where a layer's input comes from. */
export interface LayerSource {
  /** 'layer': another layer's output; 'input': a graph input; 'value': a value nothing in the graph produces. */
  readonly kind: 'layer' | 'input' | 'value';
  /** The layer's name, the graph input's name, or the value's name. */
  readonly name: string;
  /** The value carried. */
  readonly value: string;
}

/** One layer of a graph. */
export interface Layer {
  /** Unique name: the MXNet node name, else the node name, else its first output. */
  readonly name: string;
  /** The MXNet op when known (`FullyConnected`), else the ONNX op (`domain:op` outside the default domain). */
  readonly type: string;
  /** The canonical nodes it consists of, in graph order. */
  readonly nodes: readonly GraphNode[];
  /** Its inputs from outside the layer (arrays excluded), first use first, each once. */
  readonly sources: readonly LayerSource[];
  /** Names of the arrays (parameters) it uses, first use first. */
  readonly arrays: readonly string[];
  /** The values it produces that other layers use or that are graph outputs. */
  readonly outputs: readonly string[];
  /** The MXNet attributes (strings) when known, else the ONNX node's attributes as JSON. */
  readonly attributes: Readonly<Record<string, JsonExact>>;
}

/** A model's graph seen as layers. */
export interface LayerView {
  /** The graph. */
  readonly graph: Graph;
  /** Layers in graph order (of their first node). */
  readonly layers: readonly Layer[];
  /** Every array name with its shape (unknown dims as null or a symbol, as graph inputs have them). */
  readonly arrays: ReadonlyMap<string, readonly (number | string | null)[] | undefined>;
}

/** `meta.mxnet` of a node made from an MXNet node, when it is well formed. */
export function mxnetMeta(
  node: GraphNode,
): { name: string; op: string; attrs: Readonly<Record<string, JsonValue>> } | undefined {
  const m = node.meta?.mxnet;
  if (m === null || m === undefined || typeof m !== 'object' || Array.isArray(m)) return undefined;
  const o = m as Readonly<Record<string, JsonValue>>;
  if (typeof o.name !== 'string' || typeof o.op !== 'string') return undefined;
  const attrs = o.attrs;
  const a = attrs !== null && typeof attrs === 'object' && !Array.isArray(attrs) ? attrs : {};
  return { name: o.name, op: o.op, attrs: a as Readonly<Record<string, JsonValue>> };
}

/** An ONNX attribute's value as plain JSON (types are dropped: this is for reading, not round trips). */
export function attributeJson(a: AttributeValue): JsonExact {
  switch (a.type) {
    case 'graph':
      return { graph: a.value.name ?? '', nodes: a.value.nodes.length };
    case 'graphs':
      return a.value.map((g) => ({ graph: g.name ?? '', nodes: g.nodes.length }));
    case 'sparse_tensor':
      return a.value.name;
    case 'sparse_tensors':
      return a.value.map((s) => s.name);
    default:
      return a.value as JsonExact;
  }
}

/** The layer's type label: the MXNet op, or the ONNX op qualified by a non-default domain. */
function nodeType(node: GraphNode): string {
  const mx = mxnetMeta(node);
  if (mx !== undefined) return mx.op;
  const d = node.domain ?? '';
  return d === '' || d === 'ai.onnx' ? node.op : `${d}:${node.op}`;
}

/** A shape as JSON metadata may hold it: dims that are sizes, symbols or null. */
function jsonShape(v: JsonValue | undefined): (number | string | null)[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const dims = v as readonly JsonValue[];
  return dims.every((d) => d === null || typeof d === 'number' || typeof d === 'string')
    ? (dims as (number | string | null)[])
    : undefined;
}

/**
 * The parameters the MXNet reader lists in `metadata.mxnet.arrays` (`{name, role, shape}`): for
 * a net read without arrays they are graph inputs, and this list is what tells them from data.
 */
function mxnetArrays(model: Model): Map<string, (number | string | null)[] | undefined> {
  const out = new Map<string, (number | string | null)[] | undefined>();
  const mx = model.metadata.mxnet;
  if (mx === null || typeof mx !== 'object' || Array.isArray(mx)) return out;
  const list = (mx as Readonly<Record<string, JsonValue>>).arrays;
  if (!Array.isArray(list)) return out;
  for (const a of list as readonly JsonValue[]) {
    if (a === null || typeof a !== 'object' || Array.isArray(a)) continue;
    const o = a as Readonly<Record<string, JsonValue>>;
    if (typeof o.name === 'string') out.set(o.name, jsonShape(o.shape));
  }
  return out;
}

/**
 * Names of the model's arrays with their shapes: its tensors, the graph's initializers (numeric,
 * string, sparse), and the parameters an MXNet reader listed.
 */
function declaredArrays(
  model: Model,
  graph: Graph,
): Map<string, readonly (number | string | null)[] | undefined> {
  const out = new Map<string, readonly (number | string | null)[] | undefined>();
  for (const t of model.tensors) out.set(t.name, t.shape);
  for (const n of graph.initializers ?? []) if (!out.has(n)) out.set(n, undefined);
  for (const s of graph.stringTensors ?? []) if (!out.has(s.name)) out.set(s.name, s.shape);
  for (const s of graph.sparseInitializers ?? []) if (!out.has(s.name)) out.set(s.name, s.dims);
  const inputShapes = new Map(graph.inputs.map((v) => [v.name, v.shape]));
  for (const [n, shape] of mxnetArrays(model)) if (!out.has(n)) out.set(n, inputShapes.get(n) ?? shape);
  return out;
}

/**
 * True when graph input `input` is an MXNet parameter variable of layer `layer` in a net read
 * without arrays whose reader did not list its parameters: MXNet names the variables it creates
 * for an op `NAME_ARG` (`fc1_weight`, `bn0_moving_mean`) and Wolfram's export `NAME.Arrays.X`.
 */
function ownParameter(layer: string, input: string): boolean {
  return (
    input.length > layer.length + 1 && input.startsWith(layer) && '_.'.includes(input[layer.length] as string)
  );
}

interface Group {
  name: string;
  type: string;
  mxnet: boolean;
  nodes: GraphNode[];
  attributes: Record<string, JsonExact>;
}

/** Groups the graph's nodes into layers (see the module comment). */
function groupNodes(graph: Graph): Group[] {
  const groups: Group[] = [];
  const byMxnetName = new Map<string, Group>();
  const taken = new Set<string>();
  const unique = (base: string): string => {
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}#${k}`;
    taken.add(name);
    return name;
  };
  graph.nodes.forEach((node, i) => {
    const mx = mxnetMeta(node);
    if (mx !== undefined) {
      const g = byMxnetName.get(mx.name);
      if (g !== undefined) {
        g.nodes.push(node);
        return;
      }
      const ng: Group = {
        name: unique(mx.name),
        type: mx.op,
        mxnet: true,
        nodes: [node],
        attributes: Object.fromEntries(Object.entries(mx.attrs)),
      };
      byMxnetName.set(mx.name, ng);
      groups.push(ng);
      return;
    }
    const base = node.name !== '' ? node.name : (node.outputs.find((o) => o !== '') ?? `#${i}`);
    groups.push({
      name: unique(base),
      type: nodeType(node),
      mxnet: false,
      nodes: [node],
      attributes: Object.fromEntries(Object.entries(node.attributes).map(([k, a]) => [k, attributeJson(a)])),
    });
  });
  return groups;
}

/**
 * The layers of a model's graph. Throws USAGE for a model without a graph (a bare tensor file
 * has no layers to show).
 */
export function graphLayers(model: Model): LayerView {
  const graph = model.graph;
  if (graph === undefined) {
    throw new NnportError(
      'USAGE',
      `this element needs a model with a graph; a ${model.format} model has only arrays`,
    );
  }
  const arrays = declaredArrays(model, graph);
  const groups = groupNodes(graph);
  const inputs = new Map<string, ValueInfo>(graph.inputs.map((v) => [v.name, v]));
  const producer = new Map<string, string>();
  for (const g of groups)
    for (const n of g.nodes) for (const o of n.outputs) if (o !== '') producer.set(o, g.name);
  const consumedElsewhere = new Set<string>(graph.outputs.map((v) => v.name));
  const layers: Layer[] = groups.map((g) => {
    const own = new Set(g.nodes.flatMap((n) => n.outputs));
    const sources: LayerSource[] = [];
    const used: string[] = [];
    const seen = new Set<string>();
    for (const n of g.nodes) {
      for (const v of n.inputs) {
        if (v === '' || own.has(v) || seen.has(v)) continue;
        seen.add(v);
        consumedElsewhere.add(v);
        const from = producer.get(v);
        if (from !== undefined) sources.push({ kind: 'layer', name: from, value: v });
        else if (arrays.has(v)) used.push(v);
        else if (inputs.has(v)) {
          if (g.mxnet && model.tensors.length === 0 && ownParameter(g.name, v)) {
            arrays.set(v, inputs.get(v)?.shape);
            used.push(v);
          } else sources.push({ kind: 'input', name: v, value: v });
        } else sources.push({ kind: 'value', name: v, value: v });
      }
    }
    return {
      name: g.name,
      type: g.type,
      nodes: g.nodes,
      sources,
      arrays: used,
      outputs: [],
      attributes: g.attributes,
    };
  });
  return {
    graph,
    arrays,
    layers: layers.map((l) => ({
      ...l,
      outputs: [...new Set(l.nodes.flatMap((n) => n.outputs))].filter(
        (o) => o !== '' && consumedElsewhere.has(o),
      ),
    })),
  };
}

/** A layer's input names as LayerAssociation and NodeDataset show them: source layers and graph inputs. */
export function sourceNames(layer: Layer): string[] {
  return [...new Set(layer.sources.map((s) => s.name))];
}
