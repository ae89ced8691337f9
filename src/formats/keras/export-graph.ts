import type { Graph, GraphNode, ValueInfo } from '../../core/graph.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { type GraphConstants, graphConstants, isFolded } from '../../ops/graph-constants.js';
import type { ShapeState } from '../../ops/infer.js';
import { isDefaultDomain, opsetOf } from '../../ops/registry.js';
import type { Dim } from '../../ops/types.js';
import { CONV_EXPORTERS } from './export-conv.js';
import { DENSE_EXPORTERS } from './export-dense.js';
import { type ExportCtx, type KLayer, type KValue, type NodeExporter, Refusal } from './export-types.js';
import { kerasTensors, snakeCase } from './export-weights.js';

/** The Keras version the exported config is written for (tf.keras 2.15's spelling). */
const KERAS_VERSION = '2.15.0';

/** Every ONNX op the exporter converts. */
const EXPORTERS: Readonly<Record<string, NodeExporter>> = { ...DENSE_EXPORTERS, ...CONV_EXPORTERS };

/** A Keras model made from a graph, with notes on what was chosen. */
export interface KerasExport {
  readonly model: Model;
  readonly notes: readonly string[];
}

/** Why no Keras model could be made (the first node, or input, Keras cannot express). */
export interface KerasRefusal {
  readonly refused: string;
}

/**
 * A Keras functional model equivalent to `model`'s graph, or the reason there is none. Only for a
 * model with a graph and no Keras config of its own (`metadata.keras`).
 */
export async function kerasModelFromGraph(model: Model): Promise<KerasExport | KerasRefusal> {
  const graph = model.graph;
  if (graph === undefined) return { refused: 'the model has no graph' };
  let constants: GraphConstants;
  try {
    constants = await graphConstants(model.tensors, graph);
  } catch (e) {
    return { refused: `shape inference failed: ${(e as Error).message}` };
  }
  const { tensors, state } = constants;
  try {
    return new Exporter(graph, tensors, state).run(model);
  } catch (e) {
    if (e instanceof Refusal) return { refused: e.message };
    throw e;
  }
}

/** The permutation NC… → N…C of a rank. */
function toLast(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

class Exporter implements ExportCtx {
  readonly opset: number;
  readonly #values = new Map<string, KValue>();
  readonly #layers: KLayer[] = [];
  readonly #byName = new Map<string, KLayer>();
  readonly #counts = new Map<string, number>();
  readonly #uses = new Map<string, GraphNode[]>();
  readonly #outputs: Set<string>;
  readonly #consumed = new Set<GraphNode>();
  readonly #inputRecords: JsonValue[] = [];

  constructor(
    readonly graph: Graph,
    readonly tensors: ReadonlyMap<string, Tensor>,
    readonly state: ShapeState,
  ) {
    this.opset = opsetOf(graph, '');
    this.#outputs = new Set(graph.outputs.map((o) => o.name));
    for (const node of graph.nodes) {
      for (const i of new Set(node.inputs)) {
        if (i === '') continue;
        const list = this.#uses.get(i) ?? [];
        list.push(node);
        this.#uses.set(i, list);
      }
    }
  }

  run(model: Model): KerasExport {
    const notes: string[] = [];
    const inputLayers: JsonValue[] = [];
    for (const v of this.graph.inputs) {
      if (this.tensors.has(v.name)) continue;
      inputLayers.push([this.#input(v), 0, 0]);
    }
    for (const node of this.graph.nodes) {
      if (this.#consumed.has(node)) continue;
      if (!isDefaultDomain(node.domain)) throw new Refusal(node, `domain ${node.domain} has no Keras layer`);
      if (node.op === 'Constant' || isFolded(node, this.state)) continue;
      const f = EXPORTERS[node.op];
      if (f === undefined) throw new Refusal(node, 'no Keras layer does this');
      f(this, node);
    }
    const outputLayers: JsonValue[] = [];
    const outputRecords: JsonValue[] = [];
    for (const o of this.graph.outputs) {
      const v = this.#values.get(o.name);
      if (v === undefined)
        throw new Refusal(
          { name: o.name, op: 'output', inputs: [], outputs: [], attributes: {} },
          'the graph output is a constant',
        );
      if (this.#byName.get(v.layer)?.className === 'InputLayer') {
        throw new Refusal(
          { name: o.name, op: 'output', inputs: [], outputs: [], attributes: {} },
          'the graph output is an input',
        );
      }
      outputLayers.push([v.layer, 0, 0]);
      if (v.cl && v.shape !== undefined) outputRecords.push(shapeRecord(o.name, v.shape));
    }
    const config = {
      class_name: 'Functional',
      config: {
        name: 'model',
        trainable: true,
        layers: this.#layers.map((l) => ({
          class_name: l.className,
          config: l.config,
          name: l.name,
          inbound_nodes: l.inbound.length === 0 ? [] : [l.inbound.map((s) => [s, 0, 0, {}])],
        })),
        input_layers: inputLayers,
        output_layers: outputLayers,
      },
    };
    const { tensors, layers, changes } = kerasTensors(this.#layers);
    if (this.#inputRecords.length > 0 || outputRecords.length > 0) {
      const layout: Record<string, JsonValue> = { change: 'layout', to: 'NHWC', inputs: this.#inputRecords };
      if (outputRecords.length > 0) layout.outputs = outputRecords;
      layout.detail =
        'Keras runs images channels-last: the Keras model takes NHWC (channels-last) where the graph had NCHW';
      changes.unshift(layout);
      const dims = (v: JsonValue | undefined): string => `[${(v as JsonValue[]).map(String).join(', ')}]`;
      const moved = [...this.#inputRecords, ...outputRecords].map((r) => {
        const { name, from, to } = r as { name: string; from: JsonValue[]; to: JsonValue[] };
        return `${name} ${dims(to)} (the graph's ${dims(from)})`;
      });
      notes.push(`the Keras model is channels-last (NHWC), as Keras runs images: ${moved.join(', ')}`);
    }
    const before = model.metadata.nnport;
    const nnport: Record<string, JsonValue> =
      typeof before === 'object' && before !== null && !Array.isArray(before)
        ? { ...(before as Record<string, JsonValue>) }
        : {};
    const prior = Array.isArray(nnport.changes) ? (nnport.changes as JsonValue[]) : [];
    nnport.changes = [...prior, ...changes];
    const metadata: Record<string, JsonValue> = {
      ...model.metadata,
      keras: { modelConfig: config, kerasVersion: KERAS_VERSION, backend: 'tensorflow', layers },
      nnport,
    };
    return { model: { format: model.format, metadata, tensors }, notes };
  }

  #input(v: ValueInfo): string {
    const shape = v.shape;
    if (shape === undefined || shape.length < 2 || shape.length > 5) {
      throw new Refusal(
        { name: v.name, op: 'input', inputs: [], outputs: [], attributes: {} },
        'a Keras input needs a known rank of 2 to 5',
      );
    }
    if (v.dtype !== undefined && v.dtype !== 'float32' && v.dtype !== 'float64') {
      throw new Refusal(
        { name: v.name, op: 'input', inputs: [], outputs: [], attributes: {} },
        `input of type ${v.dtype}`,
      );
    }
    const cl = shape.length >= 3;
    const inner = (cl ? toLast(shape.length).map((p) => shape[p] as Dim) : [...shape]).slice(1);
    const name = this.#name('input', /^[A-Za-z][A-Za-z0-9_]*$/.test(v.name) ? v.name : undefined);
    const layer: KLayer = {
      className: 'InputLayer',
      name,
      config: {
        batch_input_shape: [null, ...inner.map((d) => (typeof d === 'number' ? d : null))],
        dtype: v.dtype ?? 'float32',
        sparse: false,
        ragged: false,
        name,
      },
      inbound: [],
      weights: [],
      nodes: [],
    };
    this.#push(layer);
    this.#values.set(v.name, { layer: name, cl, shape });
    if (cl) this.#inputRecords.push(shapeRecord(v.name, shape));
    return name;
  }

  /** A unique Keras-style layer name: `dense`, `dense_1` … (`input_1` … for inputs). */
  #name(base: string, wanted?: string): string {
    if (wanted !== undefined && !this.#byName.has(wanted)) return wanted;
    for (;;) {
      const n = this.#counts.get(base) ?? (base === 'input' ? 1 : 0);
      this.#counts.set(base, n + 1);
      const name = n === 0 ? base : `${base}_${n}`;
      if (!this.#byName.has(name)) return name;
    }
  }

  #push(layer: KLayer): void {
    this.#layers.push(layer);
    this.#byName.set(layer.name, layer);
  }

  value(name: string): KValue {
    const v = this.#values.get(name);
    if (v === undefined) {
      throw new Refusal(
        { name, op: 'value', inputs: [], outputs: [], attributes: {} },
        'a constant where Keras needs a layer output',
      );
    }
    return v;
  }

  isValue(name: string): boolean {
    return this.#values.has(name);
  }

  shape(name: string): readonly Dim[] | undefined {
    return this.state.known.get(name)?.shape;
  }

  numbers(name: string): readonly number[] | undefined {
    return this.state.constant(name);
  }

  tensor(name: string): Tensor | undefined {
    return this.tensors.get(name);
  }

  addLayer(
    className: string,
    config: Record<string, JsonValue>,
    inputs: readonly KValue[],
    node: GraphNode,
  ): KLayer {
    const name = this.#name(snakeCase(className));
    const layer: KLayer = {
      className,
      name,
      config: { name, trainable: true, dtype: 'float32', ...config },
      inbound: inputs.map((v) => v.layer),
      weights: [],
      nodes: [node.name],
    };
    this.#push(layer);
    return layer;
  }

  bind(output: string, v: KValue): void {
    this.#values.set(output, v);
  }

  soleConsumer(value: string): GraphNode | undefined {
    if (this.#outputs.has(value)) return undefined;
    const uses = this.#uses.get(value) ?? [];
    if (uses.length !== 1) return undefined;
    const node = uses[0] as GraphNode;
    return node.inputs.filter((i) => i === value).length === 1 ? node : undefined;
  }

  consume(node: GraphNode): void {
    this.#consumed.add(node);
  }

  layer(name: string): KLayer {
    return this.#byName.get(name) as KLayer;
  }
}

/** A layout record entry: the ONNX shape, the Keras shape and the permutation between them. */
function shapeRecord(name: string, shape: readonly Dim[]): JsonValue {
  const perm = toLast(shape.length);
  return { name, from: [...shape], to: perm.map((p) => shape[p] as Dim), perm };
}
