/**
 * Shape inference over a whole graph: nodes are visited in the graph's (topological) order, each
 * through its schema's inference; values outside the op set get unknown types, never errors, so
 * that a model with custom ops still shows what can be known. Small integer values are folded on
 * the way (fold.ts) so that Reshape, Slice, Expand and friends see shapes computed in the graph.
 */
import type { DType } from '../core/dtype.js';
import { NnportError } from '../core/errors.js';
import type { Graph, GraphNode, ValueInfo } from '../core/graph.js';
import { foldNode, MAX_FOLDED_ELEMENTS } from './fold.js';
import { applyDefaults, opSchema, opsetOf } from './registry.js';
import { foldDims } from './shape-vectors.js';
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
  const state = new ShapeState(graph, inputShapes, constants);
  for (const node of graph.nodes) state.visit(node);
  return state.known;
}

/**
 * Shape inference one node at a time, for callers that build a graph and need the shapes of what
 * they built so far (format importers). `inferShapes` is this over a whole graph.
 */
export class ShapeState {
  /** Every value's type so far, by name. */
  readonly known = new Map<string, ValueInfo>();
  readonly #graph: Pick<Graph, 'opsets'>;
  readonly #inputShapes: ReadonlyMap<string, ValueInfo> | undefined;
  readonly #constants: ((name: string) => ConstantValues | undefined) | undefined;
  readonly #declared = new Map<string, ValueInfo>();
  readonly #folded = new Map<string, readonly number[] | undefined>();
  /** Shape vectors with symbolic entries (shape-vectors.ts `foldDims`), by value name. */
  readonly #dims = new Map<string, readonly Dim[]>();

  constructor(
    graph: Pick<Graph, 'opsets' | 'inputs' | 'valueInfo'>,
    inputShapes?: ReadonlyMap<string, ValueInfo>,
    constants?: (name: string) => ConstantValues | undefined,
  ) {
    this.#graph = graph;
    this.#inputShapes = inputShapes;
    this.#constants = constants;
    for (const v of graph.inputs) this.known.set(v.name, inputShapes?.get(v.name) ?? v);
    for (const [name, v] of inputShapes ?? [])
      if (!this.known.has(name)) this.known.set(name, { ...v, name });
    for (const v of graph.valueInfo ?? []) this.#declared.set(v.name, v);
  }

  /** Declares a value (a graph input or constant added after construction). */
  declare(v: ValueInfo): void {
    this.known.set(v.name, v);
  }

  /** The folded constant value of `name`, when known and small. */
  constant(name: string): readonly number[] | undefined {
    if (this.#folded.has(name)) return this.#folded.get(name);
    const v = toNumbers(this.#constants?.(name));
    this.#folded.set(name, v);
    return v;
  }

  /** Infers one node's outputs from what is known of its inputs (nodes must come producers first). */
  visit(node: GraphNode): void {
    const known = this.known;
    const inputShapes = this.#inputShapes;
    const opset = opsetOf(this.#graph, node.domain);
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
          return n === undefined || n === '' ? undefined : this.constant(n);
        },
        dims: (i) => {
          const n = node.inputs[i];
          if (n === undefined || n === '') return undefined;
          return this.constant(n) ?? this.#dims.get(n);
        },
        tensorInfo: (name) => tensorInfoOf(known.get(name) ?? inputShapes?.get(name)),
      };
      try {
        results = schema.infer(ctx);
        values = foldNode(ctx, results);
        const dims = values[0] === undefined ? foldDims(ctx) : undefined;
        const out0 = node.outputs[0];
        if (dims !== undefined && out0 !== undefined && out0 !== '') this.#dims.set(out0, dims);
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
      const d = this.#declared.get(name);
      const dtype = r?.dtype ?? d?.dtype;
      const shape = r?.shape ?? d?.shape;
      const v: { name: string; dtype?: DType; shape?: readonly Dim[] } = { name };
      if (dtype !== undefined) v.dtype = dtype;
      if (shape !== undefined) v.shape = shape;
      known.set(name, v);
      const value = values[i];
      if (value !== undefined) this.#folded.set(name, value);
    });
  }
}
