import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { Graph, GraphNode, ValueInfo } from '../../core/graph.js';
import type { Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import type { ParamsEntry } from '../../formats/mxnet/params-write.js';
import { graphConstants, isFolded } from '../graph-constants.js';
import type { ShapeState } from '../infer.js';
import { applyDefaults, isDefaultDomain, opSchema, opsetOf } from '../registry.js';
import { ACT_CONVERTERS, MXNET_DOMAIN_CONVERTER } from './export-act.js';
import { mxDtypeFlag, mxShape, mxTuple } from './export-attrs.js';
import type { SymbolJson, SymbolJsonNode } from './export-json.js';
import { NN_CONVERTERS } from './export-nn.js';
import { RNN_CONVERTERS } from './export-rnn.js';
import { TENSOR_CONVERTERS } from './export-tensor.js';
import { tensorOfValues } from './export-tensors.js';
import {
  type Converter,
  type ExportContext,
  entryOf,
  type MxEntry,
  type MxNode,
  nodeLabel,
} from './export-types.js';

/**
 * `mxnet_version` written into symbol files: 1.6.0. MXNet's loader (src/nnvm/legacy_json_util.cc)
 * only upgrades files older than that, and none of those upgrades concern what this writer emits.
 */
export const MXNET_EXPORT_VERSION = 10600;

/** The symbol graph attribute that keeps the canonical output names (nnvm's `list_str` any type). */
export const OUTPUT_NAMES_ATTR = 'nnport_output_names';

/** Every ONNX op the exporter converts, by name. */
export const EXPORT_CONVERTERS: Readonly<Record<string, Converter>> = {
  ...NN_CONVERTERS,
  ...ACT_CONVERTERS,
  ...RNN_CONVERTERS,
  ...TENSOR_CONVERTERS,
};

/** The exported symbol and its parameters (`arg:`/`aux:` names, in MXNet's save order). */
export interface MxnetExport {
  readonly symbol: SymbolJson;
  readonly params: readonly ParamsEntry[];
}

/** The converter for a node, `'constant'` for a node that becomes constants, or undefined. */
function converterOf(node: GraphNode, state: ShapeState): Converter | 'constant' | undefined {
  if (node.domain === 'mxnet') return MXNET_DOMAIN_CONVERTER;
  if (!isDefaultDomain(node.domain)) return undefined;
  if (node.op === 'Constant') return 'constant';
  if (isFolded(node, state)) return 'constant';
  return EXPORT_CONVERTERS[node.op];
}

/**
 * Converts `model`'s graph. Throws UNSUPPORTED_OP listing every node no converter takes,
 * UNREPRESENTABLE for a form of an op MXNet cannot express, INVALID_STRUCTURE for a graph that
 * uses a value nothing produces.
 */
export async function exportMxnet(model: Model, options: WriteOptions = {}): Promise<MxnetExport> {
  const graph = model.graph as Graph;
  const warn = (m: string): void => options.onWarning?.(m);
  const { tensors, state } = await graphConstants(model.tensors, graph);

  const converters = graph.nodes.map((n) => converterOf(n, state));
  const missing = graph.nodes.filter((_, i) => converters[i] === undefined);
  if (missing.length > 0) {
    const list = missing
      .map((n) => `${isDefaultDomain(n.domain) ? '' : `${n.domain}.`}${n.op} (${nodeLabel(n)})`)
      .join(', ');
    throw new NnportError(
      'UNSUPPORTED_OP',
      `MXNet export does not support ${missing.length} node(s): ${list}`,
      {
        format: 'mxnet',
        at: { node: nodeLabel(missing[0] as GraphNode) },
      },
    );
  }

  const b = new SymbolBuilder(graph, tensors, state, warn);
  graph.nodes.forEach((node, i) => {
    const c = converters[i] as Converter | 'constant';
    if (c !== 'constant') c(b.contextFor(node));
    else b.consumeInputs(node);
  });
  const heads = graph.outputs.map((o) => b.resolve(o.name));
  return b.finish(heads, graph.outputs, model.tensors);
}

/** Builds the MXNet node graph and lays it out. */
class SymbolBuilder {
  readonly #values = new Map<string, MxEntry>();
  readonly #names = new Set<string>();
  readonly #consumed = new Set<string>();
  readonly #used = new Set<string>();
  readonly #inputs: Map<string, ValueInfo>;
  readonly #opset: number;
  #counter = new Map<string, number>();

  constructor(
    readonly graph: Graph,
    readonly tensors: ReadonlyMap<string, Tensor>,
    readonly state: ShapeState,
    readonly warn: (m: string) => void,
  ) {
    this.#inputs = new Map(graph.inputs.map((v) => [v.name, v]));
    this.#opset = opsetOf(graph, '');
    for (const name of [...tensors.keys(), ...this.#inputs.keys()]) this.#names.add(name);
    for (const n of graph.nodes) for (const i of n.inputs) this.#used.add(i);
    for (const o of graph.outputs) this.#used.add(o.name);
  }

  /** A name no other node has: `base`, else `base_1`, `base_2`, … */
  unique(base: string): string {
    let name = base;
    for (let k = 1; this.#names.has(name); k++) name = `${base}_${k}`;
    this.#names.add(name);
    return name;
  }

  /** The entry for a value: what a converted node produced, or a variable. */
  resolve(name: string, aux = false): MxEntry {
    const produced = this.#values.get(name);
    if (produced !== undefined) {
      if (aux && produced.node.param === undefined) {
        throw new NnportError(
          'UNREPRESENTABLE',
          `'${name}' is an auxiliary state in MXNet, which must be a parameter, not computed`,
          {
            format: 'mxnet',
            at: { tensor: name },
          },
        );
      }
      return aux ? { ...produced, version: 1 } : produced;
    }
    const entry = entryOf(this.#variable(name, aux));
    this.#values.set(name, entry);
    return aux ? { ...entry, version: 1 } : entry;
  }

  #variable(name: string, aux: boolean): MxNode {
    const input = this.#inputs.get(name);
    if (input !== undefined) {
      const attrs: Record<string, string> = {};
      if (input.shape !== undefined) attrs.__shape__ = mxShape(input.shape);
      const flag = input.dtype === undefined ? undefined : mxDtypeFlag(input.dtype);
      if (flag !== undefined) attrs.__dtype__ = flag;
      return { op: 'null', name, attrs, inputs: [], numOutputs: 1 };
    }
    let t = this.tensors.get(name);
    if (t === undefined) {
      const values = this.state.constant(name);
      const info = this.state.known.get(name);
      const shape = info?.shape;
      if (values !== undefined && info?.dtype !== undefined && shape?.every((d) => typeof d === 'number')) {
        // A computed value's name may be an op node's name too: keep variable names unique.
        t = tensorOfValues(this.unique(name), info.dtype, shape as number[], values);
      }
    }
    if (t === undefined) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `value '${name}' is used but neither a graph input, a constant nor computed`,
        {
          format: 'mxnet',
          at: { tensor: name },
        },
      );
    }
    return this.paramNode(t, aux);
  }

  /** A parameter variable for `t` named `name` (already unique or a model tensor's own name). */
  paramNode(t: Tensor, aux: boolean, name = t.name): MxNode {
    const attrs: Record<string, string> = {
      __shape__: t.shape.length === 0 ? mxTuple([1]) : mxTuple(t.shape),
    };
    const flag = mxDtypeFlag(t.dtype);
    if (flag !== undefined) attrs.__dtype__ = flag;
    const tensor = t.name === name ? t : { ...t, name };
    return { op: 'null', name, attrs, inputs: [], numOutputs: 1, param: { tensor, aux } };
  }

  /** Marks a folded node's inputs as represented (their values live on in the attributes). */
  consumeInputs(node: GraphNode): void {
    for (const name of node.inputs) if (name !== '') this.#consumed.add(name);
  }

  /** The converter's view of one node. */
  contextFor(node: GraphNode): ExportContext {
    const schema = opSchema(node.domain ?? '', node.op, this.#opset);
    const attrs = schema === undefined ? node.attributes : applyDefaults(schema, node.attributes);
    const opName = node.op.toLowerCase();
    const k = this.#counter.get(opName) ?? 0;
    this.#counter.set(opName, k + 1);
    const base = node.name !== '' ? node.name : `${opName}${k}`;
    let emitted = 0;
    const nameOf = (i: number): string => node.inputs[i] ?? '';
    return {
      node,
      opset: this.#opset,
      attrs,
      has: (i) => nameOf(i) !== '',
      input: (i, aux = false) => this.resolve(nameOf(i), aux),
      shape: (i) => this.state.known.get(nameOf(i))?.shape,
      outShape: (j) => this.state.known.get(node.outputs[j] ?? '')?.shape,
      dtype: (i) => this.state.known.get(nameOf(i))?.dtype,
      values: (i) => {
        const v = nameOf(i) === '' ? undefined : this.state.constant(nameOf(i));
        if (v !== undefined) this.#consumed.add(nameOf(i));
        return v;
      },
      tensor: (i) => this.tensors.get(nameOf(i)),
      modelTensor: (name) => {
        this.#consumed.add(name);
        return this.tensors.get(name);
      },
      consume: (i) => {
        this.#consumed.add(nameOf(i));
      },
      param: (t) => entryOf(this.paramNode(t, false, this.unique(t.name))),
      op: (op, opAttrs, inputs, options = {}) => {
        const suffix = options.suffix ?? String(emitted);
        const name = this.unique(emitted === 0 ? base : `${base}_${suffix}`);
        emitted++;
        return { op, name, attrs: opAttrs, inputs, numOutputs: options.outputs ?? 1 };
      },
      output: (j, entry) => {
        const out = node.outputs[j];
        if (out !== undefined && out !== '') this.#values.set(out, entry);
      },
      outputUsed: (j) => {
        const out = node.outputs[j];
        return out !== undefined && out !== '' && this.#used.has(out);
      },
      warn: this.warn,
    };
  }

  /** Lays the graph out as MXNet does and collects the parameters. */
  finish(heads: readonly MxEntry[], outputs: readonly ValueInfo[], all: readonly Tensor[]): MxnetExport {
    const index = new Map<MxNode, number>();
    const order: MxNode[] = [];
    // Iterative post-order DFS (nnvm DFSVisit): inputs in order, a node after all its inputs.
    for (const head of heads) {
      const stack: { node: MxNode; next: number }[] = [{ node: head.node, next: 0 }];
      const onStack = new Set<MxNode>();
      if (index.has(head.node)) continue;
      onStack.add(head.node);
      while (stack.length > 0) {
        const top = stack[stack.length - 1] as { node: MxNode; next: number };
        const child = top.node.inputs[top.next]?.node;
        if (child !== undefined) {
          top.next++;
          if (!index.has(child) && !onStack.has(child)) {
            onStack.add(child);
            stack.push({ node: child, next: 0 });
          }
          continue;
        }
        stack.pop();
        index.set(top.node, order.length);
        order.push(top.node);
      }
    }
    const ref = (e: MxEntry): [number, number, number] => [index.get(e.node) as number, e.index, e.version];
    const nodes: SymbolJsonNode[] = order.map((n) => ({
      op: n.op,
      name: n.name,
      attrs: n.attrs,
      inputs: n.inputs.map(ref),
    }));
    const rowPtr = [0];
    for (const n of order) rowPtr.push((rowPtr[rowPtr.length - 1] as number) + n.numOutputs);
    const symbol: SymbolJson = {
      nodes,
      arg_nodes: order.flatMap((n, i) => (n.op === 'null' ? [i] : [])),
      node_row_ptr: rowPtr,
      heads: heads.map(ref),
      attrs: [
        ['mxnet_version', ['int', MXNET_EXPORT_VERSION]],
        [OUTPUT_NAMES_ATTR, ['list_str', outputs.map((o) => o.name)]],
      ],
    };
    const vars = order.filter((n) => n.param !== undefined);
    const params: ParamsEntry[] = [
      ...vars
        .filter((n) => !n.param?.aux)
        .map((n) => ({ name: `arg:${n.name}`, tensor: n.param?.tensor as Tensor })),
      ...vars
        .filter((n) => n.param?.aux)
        .map((n) => ({ name: `aux:${n.name}`, tensor: n.param?.tensor as Tensor })),
    ];
    const written = new Set(vars.map((n) => n.name));
    for (const name of this.#inputs.keys()) {
      if (!order.some((n) => n.name === name)) {
        this.warn(`graph input '${name}' is not used by any output; an MXNet symbol cannot hold it`);
      }
    }
    const extra = all.filter(
      (t) => !written.has(t.name) && !this.#consumed.has(t.name) && !this.#isConstantAttr(t.name),
    );
    if (extra.length > 0) {
      this.warn(
        `${extra.length} tensor(s) the graph does not use are written as arg: parameters (load with allow_extra=True / ignore_extra=True): ${extra
          .map((t) => t.name)
          .join(', ')}`,
      );
      for (const t of extra) params.push({ name: `arg:${t.name}`, tensor: t });
    }
    return { symbol, params };
  }

  /** True when a model tensor is a Constant's value (written under the Constant's output name when used). */
  #isConstantAttr(name: string): boolean {
    return this.graph.nodes.some(
      (n) =>
        n.op === 'Constant' && n.attributes.value?.type === 'tensor' && n.attributes.value.value === name,
    );
  }
}
