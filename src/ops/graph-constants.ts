/**
 * What exporters that turn a canonical graph into another framework's layers need before they
 * start (the MXNet writer, the Keras export): the model's tensors by value name, with each
 * Constant node's output bound to its tensor; the small constants' numbers; and shapes inferred
 * over the whole graph with those numbers, so shape arithmetic (torch's Shape → Gather → Concat →
 * Reshape chains) folds into plain values the exporters can write as attributes.
 */
import { DTYPES, viewAs } from '../core/dtype.js';
import type { Graph, GraphNode, ValueInfo } from '../core/graph.js';
import { elementCount, readTensorBytes, type Tensor } from '../core/tensor.js';
import { MAX_FOLDED_ELEMENTS } from './fold.js';
import { ShapeState } from './infer.js';
import { isDefaultDomain } from './registry.js';

/** Reads a tensor's values as numbers, undefined for dtypes without plain numbers (float16, sub-byte, complex). */
export async function numbersOf(t: Tensor): Promise<number[] | undefined> {
  const { kind, bits } = DTYPES[t.dtype];
  if (kind !== 'float' && kind !== 'int' && kind !== 'uint' && kind !== 'bool') return undefined;
  if (bits % 8 !== 0 || t.dtype === 'float16' || t.dtype === 'bfloat16') return undefined;
  const values = viewAs(t.dtype, (await readTensorBytes(t)).slice());
  return Array.from(values as ArrayLike<number | bigint>, (v) => Number(v));
}

/** A graph's constants and the shapes inferred with them. */
export interface GraphConstants {
  /** Tensors by value name: the model's, and each default-domain Constant node's output. */
  readonly tensors: Map<string, Tensor>;
  /** Every value's inferred type, small integer results folded to constants. */
  readonly state: ShapeState;
}

/**
 * The constants of `model`'s `graph` and a ShapeState run over every node. Shape inference errors
 * propagate (the caller decides whether they refuse the export).
 */
export async function graphConstants(tensorList: readonly Tensor[], graph: Graph): Promise<GraphConstants> {
  const tensors = new Map<string, Tensor>(tensorList.map((t) => [t.name, t]));
  for (const node of graph.nodes) {
    const v = node.attributes.value;
    if (node.op === 'Constant' && isDefaultDomain(node.domain) && v?.type === 'tensor' && node.outputs[0]) {
      const t = tensors.get(v.value);
      if (t !== undefined) tensors.set(node.outputs[0], { ...t, name: node.outputs[0] });
    }
  }
  const small = new Map<string, number[]>();
  const declared = new Map<string, ValueInfo>();
  for (const [name, t] of tensors) {
    declared.set(name, { name, dtype: t.dtype, shape: t.shape });
    if (elementCount(t.shape) > MAX_FOLDED_ELEMENTS) continue;
    const values = await numbersOf(t);
    if (values !== undefined) small.set(name, values);
  }
  const state = new ShapeState(graph, declared, (n) => small.get(n));
  for (const node of graph.nodes) state.visit(node);
  return { tensors, state };
}

/**
 * True when every output of `node` is a small integer constant shape inference folded: shape
 * arithmetic an exporter writes as values, not as a layer or op.
 */
export function isFolded(node: GraphNode, state: ShapeState): boolean {
  const outs = node.outputs.filter((o) => o !== '');
  return (
    outs.length > 0 &&
    outs.every((o) => {
      const d = state.known.get(o)?.dtype;
      const kind = d === undefined ? undefined : DTYPES[d].kind;
      return (kind === 'int' || kind === 'uint' || kind === 'bool') && state.constant(o) !== undefined;
    })
  );
}
