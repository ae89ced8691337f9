/**
 * Shape inference over a whole graph: nodes are visited in the graph's (topological) order, each
 * through its schema's inference; values outside the op set get unknown types, never errors, so
 * that a model with custom ops still shows what can be known. Small integer values are folded on
 * the way (fold.ts) so that Reshape, Slice, Expand and friends see shapes computed in the graph.
 */
import type { DType } from '../core/dtype.js';
import { NnportError } from '../core/errors.js';
import type { Graph, ValueInfo } from '../core/graph.js';
import { foldNode, MAX_FOLDED_ELEMENTS } from './fold.js';
import { applyDefaults, opSchema, opsetOf } from './registry.js';
import type { Dim, InferContext, TensorInfo } from './types.js';

/** A typed array (or plain array) of constant values, as a tensor reader gives them. */
export type ConstantValues = ArrayLike<number | bigint>;

function tensorInfoOf(v: ValueInfo | undefined): TensorInfo | undefined {
  if (v === undefined) return undefined;
  const out: { dtype?: DType; shape?: readonly Dim[] } = {};
  if (v.dtype !== undefined) out.dtype = v.dtype;
  if (v.shape !== undefined) out.shape = v.shape;
  return out;
}

function toNumbers(a: ConstantValues | undefined): readonly number[] | undefined {
  if (a === undefined || a.length > MAX_FOLDED_ELEMENTS) return undefined;
  return Array.from(a, (x) => Number(x));
}

/**
 * The type of every value of `graph`: its inputs, the entries of `inputShapes` (which override
 * the graph's inputs and may describe initializers and attribute tensors by name), and every node
 * output. `constants(name)` gives a value's data when it is a constant (an initializer); it is
 * consulted for the inputs that decide shapes (Reshape's shape, Slice's starts ...). Inferred
 * shapes win over the graph's `valueInfo`, which fills in what inference cannot know.
 * Throws NnportError INVALID_STRUCTURE naming the node when shapes are inconsistent.
 */
export function inferShapes(
  graph: Graph,
  inputShapes?: ReadonlyMap<string, ValueInfo>,
  constants?: (name: string) => ConstantValues | undefined,
): Map<string, ValueInfo> {
  const known = new Map<string, ValueInfo>();
  for (const v of graph.inputs) known.set(v.name, inputShapes?.get(v.name) ?? v);
  for (const [name, v] of inputShapes ?? []) if (!known.has(name)) known.set(name, { ...v, name });
  const declared = new Map<string, ValueInfo>();
  for (const v of graph.valueInfo ?? []) declared.set(v.name, v);
  const folded = new Map<string, readonly number[] | undefined>();
  const constantOf = (name: string): readonly number[] | undefined => {
    if (folded.has(name)) return folded.get(name);
    const v = toNumbers(constants?.(name));
    folded.set(name, v);
    return v;
  };
  for (const node of graph.nodes) {
    const opset = opsetOf(graph, node.domain);
    const schema = opSchema(node.domain ?? '', node.op, opset);
    const inputs = node.inputs.map((n) => (n === '' ? undefined : tensorInfoOf(known.get(n))));
    let results: readonly (TensorInfo | undefined)[] = [];
    let values: readonly (readonly number[] | undefined)[] = [];
    if (schema !== undefined) {
      const ctx: InferContext = {
        node,
        opset,
        since: schema.since,
        inputs,
        attrs: applyDefaults(schema, node.attributes),
        value: (i) => {
          const n = node.inputs[i];
          return n === undefined || n === '' ? undefined : constantOf(n);
        },
        tensorInfo: (name) => tensorInfoOf(known.get(name) ?? inputShapes?.get(name)),
      };
      try {
        results = schema.infer(ctx);
        values = foldNode(ctx, results);
      } catch (e) {
        if (e instanceof NnportError) throw e;
        throw new NnportError('INVALID_STRUCTURE', `${node.op}: shape inference failed: ${String(e)}`, {
          at: { node: node.name !== '' ? node.name : (node.outputs[0] ?? node.op) },
          cause: e,
        });
      }
    }
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      const r = results[i];
      const d = declared.get(name);
      const dtype = r?.dtype ?? d?.dtype;
      const shape = r?.shape ?? d?.shape;
      const v: { name: string; dtype?: DType; shape?: readonly Dim[] } = { name };
      if (dtype !== undefined) v.dtype = dtype;
      if (shape !== undefined) v.shape = shape;
      known.set(name, v);
      const value = values[i];
      if (value !== undefined) folded.set(name, value);
    });
  }
  return known;
}
