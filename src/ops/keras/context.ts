/**
 * What a Keras layer importer works with: the layer's config, its input values, its weights in
 * Keras's variable order, the shapes known so far and `emit` to add canonical (ONNX opset 17)
 * nodes, each carrying `meta.keras = {name, class, config}`. One context per layer call.
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { AttributeValue, GraphNode, ValueInfo } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import type { ShapeState } from '../infer.js';
import type { Dim } from '../types.js';
import { isObject, type JsonObject, type KerasLayer } from './config.js';

/**
 * Errors about weights that disagree with the config: the file is inconsistent, so reading fails.
 * Any other translation failure only leaves the model without a graph (attach.ts).
 */
export const WEIGHT_ERRORS = new WeakSet<Error>();

/** The builder services a context needs (implemented by import.ts). */
export interface KerasServices {
  readonly shapes: ShapeState;
  /** Whether the config is Keras 3's (activations such as hard_sigmoid changed definitions). */
  readonly keras3: boolean;
  unique(base: string): string;
  nodeName(base: string): string;
  add(node: GraphNode): void;
  /** The layer's weights in Keras's variable order (marks them used). */
  weights(layer: string): Tensor[];
}

/** A canonical attribute from a plain value (`float` for float kinds). */
export function attr(v: number | string | readonly number[], float = false): AttributeValue {
  if (typeof v === 'string') return { type: 'string', value: v };
  if (typeof v === 'number') return float ? { type: 'float', value: v } : { type: 'int', value: v };
  return float ? { type: 'floats', value: v } : { type: 'ints', value: v };
}

/** The context of one layer call. */
export class LayerContext {
  readonly layer: KerasLayer;
  readonly inputs: readonly string[];
  readonly #b: KerasServices;
  readonly #outputs: string[];
  #weights: Tensor[] | undefined;

  constructor(layer: KerasLayer, inputs: readonly string[], outputs: string[], b: KerasServices) {
    this.layer = layer;
    this.inputs = inputs;
    this.#outputs = outputs;
    this.#b = b;
  }

  get keras3(): boolean {
    return this.#b.keras3;
  }

  /** An error about this layer. */
  error(detail: string, code: 'INVALID_STRUCTURE' | 'UNSUPPORTED_OP' = 'INVALID_STRUCTURE'): NnportError {
    return new NnportError(code, `${this.layer.className} '${this.layer.name}': ${detail}`, {
      at: { node: this.layer.name },
    });
  }

  /** Input `i` (data). */
  input(i = 0): string {
    const v = this.inputs[i];
    if (v === undefined) throw this.error(`needs at least ${i + 1} inputs, has ${this.inputs.length}`);
    return v;
  }

  /** The name reserved for output `k`. */
  out(k = 0): string {
    const v = this.#outputs[k];
    if (v === undefined) throw this.error(`has no output ${k}`);
    return v;
  }

  /** A fresh value name. */
  tmp(suffix: string): string {
    return this.#b.unique(`${this.layer.name}/${suffix}`);
  }

  /** Adds one node; returns its first output. */
  emit(
    op: string,
    inputs: readonly string[],
    attributes: Readonly<Record<string, AttributeValue>> = {},
    outputs: string | readonly string[] = this.tmp(op),
    domain?: string,
  ): string {
    const outs = typeof outputs === 'string' ? [outputs] : [...outputs];
    const main = outs.includes(this.#outputs[0] as string);
    const name = this.#b.nodeName(main ? this.layer.name : `${this.layer.name}/${op}`);
    const keras: Record<string, JsonValue> = { name: this.layer.name, class: this.layer.className };
    if (main) keras.config = this.layer.config;
    const node: GraphNode = { name, op, inputs, outputs: outs, attributes, meta: { keras } };
    this.#b.add(domain === undefined ? node : { ...node, domain });
    return outs[0] as string;
  }

  /** The layer's weights, in Keras's order, checked to be at least `min` of them. */
  weights(min = 0): Tensor[] {
    this.#weights ??= this.#b.weights(this.layer.name);
    if (this.#weights.length < min)
      throw this.error(`needs ${min} weights, the file has ${this.#weights.length} for it`);
    return this.#weights;
  }

  /** Weight `i` as a graph value, its shape checked against `shape` (null: any). */
  weight(i: number, shape: readonly (number | null)[]): string {
    const t = this.weights(i + 1)[i] as Tensor;
    this.weightShape(t, shape);
    return t.name;
  }

  /** Checks a weight's shape against what the config needs (null: any). */
  weightShape(t: Tensor, shape: readonly (number | null)[]): void {
    if (t.shape.length !== shape.length || shape.some((d, k) => d !== null && d !== t.shape[k])) {
      const e = this.error(
        `weight '${t.name}' has shape [${t.shape.join(', ')}] where the config needs [${shape.map((d) => d ?? '?').join(', ')}]`,
      );
      WEIGHT_ERRORS.add(e);
      throw e;
    }
  }

  /** An int64 vector as a Constant node (value_ints), so the model's tensors stay the file's. */
  int64(suffix: string, values: readonly number[]): string {
    return this.emit('Constant', [], { value_ints: attr(values) }, this.tmp(suffix));
  }

  /** A float32 scalar (`shape` []) or vector as a Constant node (value_float / value_floats). */
  floats(suffix: string, shape: readonly number[], values: readonly number[]): string {
    const a =
      shape.length === 0 ? { value_float: attr(values[0] ?? 0, true) } : { value_floats: attr(values, true) };
    return this.emit('Constant', [], a, this.tmp(suffix));
  }

  /** What is known of a value. */
  info(value: string): ValueInfo | undefined {
    return this.#b.shapes.known.get(value);
  }

  /** A value's shape (dims may be unknown); an error when even the rank is unknown. */
  shape(value: string): readonly Dim[] {
    const s = this.info(value)?.shape;
    if (s === undefined) throw this.error(`the rank of '${value}' is unknown`);
    return s;
  }

  /** A value's dimension `i` when known. */
  dim(value: string, i: number): number {
    const s = this.shape(value);
    const d = s[i < 0 ? s.length + i : i];
    if (typeof d !== 'number') throw this.error(`dimension ${i} of '${value}' is unknown`);
    return d;
  }

  dtype(value: string): DType {
    return this.info(value)?.dtype ?? 'float32';
  }

  /** Records what is assumed of a value inference cannot know (a kept `keras` node's output). */
  assume(v: ValueInfo): void {
    this.#b.shapes.declare(v);
  }

  // ---- config values ----

  get config(): JsonObject {
    return this.layer.config;
  }

  num(key: string, fallback: number): number {
    const v = this.config[key];
    return typeof v === 'number' ? v : fallback;
  }

  str(key: string, fallback: string): string {
    const v = this.config[key];
    return typeof v === 'string' ? v : fallback;
  }

  bool(key: string, fallback: boolean): boolean {
    const v = this.config[key];
    return typeof v === 'boolean' ? v : fallback;
  }

  /** An int tuple (a single int repeated `n` times). */
  ints(key: string, n: number, fallback: number): number[] {
    const v = this.config[key];
    if (typeof v === 'number') return Array<number>(n).fill(v);
    if (Array.isArray(v) && v.length === n && v.every((x) => typeof x === 'number')) return v as number[];
    if (v === undefined || v === null) return Array<number>(n).fill(fallback);
    throw this.error(`${key} must be ${n} integers`);
  }

  /** An activation's name from the config (`{class_name, config}` in Keras 3 serializations too). */
  activation(key = 'activation', fallback = 'linear'): string {
    const v = this.config[key];
    if (typeof v === 'string') return v;
    if (isObject(v)) {
      if (typeof v.class_name === 'string') return v.class_name;
      if (isObject(v.config) && typeof v.config.name === 'string') return v.config.name;
    }
    return fallback;
  }
}
