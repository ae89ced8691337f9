/**
 * Keras model config → canonical graph (ONNX ops, opset 17). Each layer call goes through its
 * importer (import-*.ts), which emits ONNX nodes carrying `meta.keras = {name, class, config}`.
 * Layers without an importer — Lambda (never run), custom layers, nested models — are kept as
 * nodes of domain `keras` whose `config` attribute is the layer's config as JSON, and listed in
 * `unsupported`. Weights are the stored tensors themselves: layout changes (HWIO → OIHW, gate
 * order) are nodes, never rewritten arrays. See docs/formats/keras.md, "Graphs".
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { Graph, GraphNode, ValueInfo } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { ShapeState } from '../infer.js';
import { NameSet } from '../names.js';
import { batchShape, isObject, type KerasLayer, modelCalls } from './config.js';
import { type KerasServices, LayerContext } from './context.js';
import { layerImporter } from './import-table.js';

/** The opset the imported graph declares. */
export const KERAS_IMPORT_OPSET = 17;

/** What the importer needs besides the config. */
export interface KerasImportOptions {
  /** The layer's weights in Keras's variable order (see weights.ts). */
  readonly weights: (layer: string) => Tensor[];
  /** Keras 3 semantics (hard_sigmoid slope 1/6); Keras 2 and TF.js otherwise. */
  readonly keras3: boolean;
  /** Every tensor name of the model: values the import makes never take one. */
  readonly tensorNames?: readonly string[];
  /** Turns a layer's stored weights into the ones its importer reads (Keras 1: keras1-weights.ts). */
  readonly adaptWeights?: (layer: string, stored: Tensor[], b: KerasServices) => Tensor[];
}

/** The translated graph and what the translation found. */
export interface KerasImportResult {
  readonly graph: Graph;
  /** Layers kept as `keras`-domain nodes: name and class. */
  readonly unsupported: { readonly name: string; readonly class: string }[];
}

const DTYPES: Readonly<Record<string, DType>> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  bool: 'bool',
};

class Builder implements KerasServices {
  readonly shapes = new ShapeState({ opsets: { '': KERAS_IMPORT_OPSET }, inputs: [] });
  readonly keras3: boolean;
  readonly nodes: GraphNode[] = [];
  readonly initializers: string[] = [];
  readonly #used = new Set<string>();
  /** Tensor names, which only the tensors themselves may use. */
  readonly #reserved = new Set<string>();
  readonly #nodeNames = new NameSet();
  readonly #options: KerasImportOptions;

  constructor(options: KerasImportOptions) {
    this.#options = options;
    this.keras3 = options.keras3;
    for (const n of options.tensorNames ?? []) this.#reserved.add(n);
  }

  unique(base: string): string {
    let name = base;
    for (let i = 1; this.#used.has(name) || this.#reserved.has(name); i++) name = `${base}_${i}`;
    this.#used.add(name);
    return name;
  }

  nodeName(base: string): string {
    return this.#nodeNames.take(base);
  }

  add(node: GraphNode): void {
    this.nodes.push(node);
    this.shapes.visit(node);
  }

  weights(layer: string): Tensor[] {
    const ws = this.#options.weights(layer);
    for (const t of ws) {
      if (!this.#used.has(t.name)) {
        this.#used.add(t.name);
        this.initializers.push(t.name);
        this.shapes.declare({ name: t.name, dtype: t.dtype, shape: t.shape });
      }
    }
    return this.#options.adaptWeights?.(layer, ws, this) ?? ws;
  }
}

/** How many outputs of each call something reads (at least one). */
function outputCounts(keys: Iterable<string>): Map<string, number> {
  const out = new Map<string, number>();
  for (const k of keys) {
    const at = k.lastIndexOf(':');
    const prefix = k.slice(0, at + 1);
    out.set(prefix, Math.max(out.get(prefix) ?? 1, Number(k.slice(at + 1)) + 1));
  }
  return out;
}

/** Translates a Keras model config (see the module comment). */
export function importKeras(config: JsonValue, options: KerasImportOptions): KerasImportResult {
  const model = modelCalls(config);
  const b = new Builder(options);
  const values = new Map<string, string>();
  const inputs: ValueInfo[] = [];
  for (const { key, layer } of model.inputs) {
    const shape = batchShape(layer.config);
    const dt = layer.config.dtype;
    const dtype = (typeof dt === 'string' ? DTYPES[dt] : undefined) ?? 'float32';
    const name = b.unique(layer.name);
    const v: ValueInfo = shape === undefined ? { name, dtype } : { name, dtype, shape };
    inputs.push(v);
    b.shapes.declare(v);
    values.set(key, name);
  }
  const counts = outputCounts([...model.calls.flatMap((c) => c.inputs), ...model.outputs]);
  const unsupported: { name: string; class: string }[] = [];
  for (const call of model.calls) {
    const ins = call.inputs.map((k) => values.get(k) as string);
    const n = counts.get(call.outputPrefix) ?? 1;
    const node = call.outputPrefix.split(':')[1];
    const base = node === '0' ? call.layer.name : `${call.layer.name}_${node}`;
    const outs = Array.from({ length: n }, (_, k) => b.unique(k === 0 ? base : `${base}_${k}`));
    const ctx = new LayerContext(call.layer, ins, outs, b);
    const importer = layerImporter(call.layer.className);
    if (importer === undefined) {
      unsupported.push({ name: call.layer.name, class: call.layer.className });
      keepAsIs(ctx, call.layer, outs);
    } else importer(ctx);
    outs.forEach((o, k) => {
      if (!b.shapes.known.has(o)) throw ctx.error(`made no output ${k}`);
      values.set(`${call.outputPrefix}${k}`, o);
    });
  }
  const outputs = model.outputs.map((k) => {
    const v = values.get(k);
    if (v === undefined)
      throw new NnportError('INVALID_STRUCTURE', `model output ${k} is made by no layer`, {
        at: { path: '$.config.output_layers' },
      });
    return b.shapes.known.get(v) ?? { name: v };
  });
  const opsets: Record<string, number> = { '': KERAS_IMPORT_OPSET };
  if (unsupported.length > 0) opsets.keras = 1;
  const graph: Graph = { nodes: b.nodes, inputs, outputs, opsets, initializers: b.initializers };
  return { graph, unsupported };
}

/** A layer without an importer: one `keras`-domain node, its config as a JSON string attribute. */
function keepAsIs(ctx: LayerContext, layer: KerasLayer, outs: readonly string[]): void {
  const ws = isObject(layer.config) ? ctx.weights().map((t) => t.name) : [];
  ctx.emit(
    layer.className,
    [...ctx.inputs, ...ws],
    { config: { type: 'string', value: JSON.stringify(layer.config) } },
    outs,
    'keras',
  );
  const dtype = ctx.inputs[0] === undefined ? 'float32' : ctx.dtype(ctx.inputs[0]);
  for (const o of outs) ctx.assume({ name: o, dtype });
}
