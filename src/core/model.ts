/**
 * The one model every reader produces and every writer consumes (DESIGN §2): metadata, an
 * optional graph and named tensors.
 */
import type { Graph } from './graph.js';
import type { Tensor } from './tensor.js';

/** Any JSON value; metadata and tensor `meta` are restricted to these so every text format can carry them. */
export type JsonValue =
  | null
  | boolean
  | number
  | string
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A model in nnport's one representation. */
export interface Model {
  /** The format id the model was read from (`'npy'`, `'safetensors'`, ...), or `'memory'`. */
  readonly format: string;
  /**
   * Metadata: the source's own (safetensors `__metadata__`, ONNX metadata_props, ...) and the
   * conversion manifest under the key `nnport` (DESIGN §4 Manifest).
   */
  readonly metadata: Readonly<Record<string, JsonValue>>;
  /** The computation graph, when the format has one. */
  readonly graph?: Graph;
  /** Named tensors, in the source's order. */
  readonly tensors: readonly Tensor[];
}

/** Finds a tensor by name. */
export function findTensor(model: Model, name: string): Tensor | undefined {
  return model.tensors.find((t) => t.name === name);
}
