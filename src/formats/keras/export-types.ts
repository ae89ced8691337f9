/**
 * Shared types of the canonical graph → Keras model exporter (export-graph.ts): what each ONNX
 * value is on the Keras side, the layers being built and the context node converters get.
 */
import type { GraphNode } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import type { Dim } from '../../ops/types.js';

/**
 * An ONNX value as a Keras tensor: the layer whose (only) output it is, and whether Keras holds it
 * channels-last while ONNX holds it channels-first (`cl`: image values of rank 3-5, NCHW in the
 * graph, NHWC in Keras). Rank-2 values have the same order on both sides.
 */
export interface KValue {
  readonly layer: string;
  readonly cl: boolean;
  /** The ONNX shape (as inferred), when known. */
  readonly shape?: readonly Dim[];
  /** The ReLU that made it (fused or a layer): its values are >= 0, so zero padding is -inf padding for max pools. */
  readonly nonNegative?: boolean;
  /** The ONNX value a global pool layer made (Flatten right after it drops keepdims instead). */
  readonly pooled?: string;
}

/** One weight of a layer: the ONNX tensor it derives from and how its data moves. */
export interface KWeight {
  /** Keras's variable name in the layer (`kernel`, `bias`, `gamma` …). */
  readonly weight: string;
  readonly source: Tensor;
  /** Shape the source's bytes are read as before permuting (a reshape of the same bytes). */
  readonly viewShape?: readonly number[];
  /** Permutation of `viewShape ?? source.shape` (output axis i is input axis perm[i]). */
  readonly perm?: readonly number[];
  /** Why the data moves, for the change record. */
  readonly detail?: string;
}

/** A Keras layer in a Functional config. */
export interface KLayer {
  readonly className: string;
  readonly name: string;
  /** The layer config; converters patch it when they fuse a following node (activation, bias). */
  readonly config: Record<string, JsonValue>;
  readonly inbound: readonly string[];
  readonly weights: KWeight[];
  /** The ONNX nodes this layer stands for. */
  readonly nodes: string[];
}

/** Thrown by converters for a node Keras cannot express; the exporter then writes weights only. */
export class Refusal extends Error {
  readonly node: string;
  constructor(node: GraphNode, detail: string) {
    super(`${node.op} (${node.name || node.outputs[0] || '?'}): ${detail}`);
    this.node = node.name || (node.outputs[0] ?? '');
  }
}

/** What a node converter sees. */
export interface ExportCtx {
  /** The ONNX default-domain opset. */
  readonly opset: number;
  /** The Keras value of a graph value; refuses when it is a constant or unknown. */
  value(name: string): KValue;
  /** Whether a name is a graph value (not a constant). */
  isValue(name: string): boolean;
  /** The inferred ONNX shape of a value. */
  shape(name: string): readonly Dim[] | undefined;
  /** A constant's (initializer's or folded value's) numbers, when small. */
  numbers(name: string): readonly number[] | undefined;
  /** An initializer tensor by name. */
  tensor(name: string): Tensor | undefined;
  /** Adds a layer fed by `inputs`; returns it (its name is Keras-style: dense, dense_1 …). */
  addLayer(
    className: string,
    config: Record<string, JsonValue>,
    inputs: readonly KValue[],
    node: GraphNode,
  ): KLayer;
  /** Binds an ONNX value to a Keras value. */
  bind(output: string, v: KValue): void;
  /**
   * The single node consuming `value` when it has exactly one use and is no graph output (the
   * chance to fuse that node into the producing layer), else undefined.
   */
  soleConsumer(value: string): GraphNode | undefined;
  /** Marks a node as taken by a fusion, so the walk skips it. */
  consume(node: GraphNode): void;
  /** The layer of a name. */
  layer(name: string): KLayer;
}

/** A node converter. */
export type NodeExporter = (ctx: ExportCtx, node: GraphNode) => void;
