/**
 * Finds the chain of dense (fully connected) layers of a model by its structure, for formats that
 * can only say "a stack of dense layers" (nexport's JSON and TXT, Fiats' network JSON).
 *
 * nexport pairs `model.state_dict()` entries by position (even index = weights, odd = biases;
 * nexport/pytorch/exporting.py `create_paramater_arrays`), which silently mispairs any model with
 * a buffer, a bias-free layer or a normalisation layer. Here a layer is found by what it is:
 *
 * - with a graph (ONNX-style canonical ops): the path from the graph's one input through `Gemm`
 *   (or `MatMul` + `Add`) nodes whose weights and biases are tensors, with the activation node
 *   after each (Relu, Sigmoid, Tanh, Gelu, ..., or a node of domain `fiats`/`nexport`);
 * - without one, by tensor names and shapes, in model order: PyTorch `P.weight` [out, in] with
 *   `P.bias` [out] (nnport's own read-back naming `layers.i.weight` is one case of it);
 *   scikit-learn MLP `coefs_.i` [in, out] with `intercepts_.i` [out]; Keras `P/kernel` [in, out]
 *   with `P/bias`.
 *
 * Everything a chain of dense layers cannot express is refused with UNREPRESENTABLE naming the
 * tensor or node: convolution kernels (rank 3 and up), a weight without a bias, batch
 * normalisation statistics, embeddings, other tensors, and dimensions that do not chain (out of
 * layer i must be in of layer i + 1). Platform-neutral: no Node APIs.
 */
import { byteLengthOf, DTYPES, itemSize } from '../core/dtype.js';
import { NnportError } from '../core/errors.js';
import type { Graph, GraphNode } from '../core/graph.js';
import type { JsonValue, Model } from '../core/model.js';
import { elementCount, readTensorBytes, type Tensor } from '../core/tensor.js';

/** One dense layer: `outputs = activation(weight · inputs + bias)`. */
export interface DenseLayer {
  /** Position in the chain, from 0. */
  readonly index: number;
  /** The weight tensor as the model stores it. */
  readonly weight: Tensor;
  /** The bias tensor, shape [outputs]. */
  readonly bias: Tensor;
  /** Inputs of the layer (columns of the [outputs, inputs] matrix). */
  readonly inputs: number;
  /** Outputs (neurons) of the layer. */
  readonly outputs: number;
  /**
   * True when `weight` is stored transposed, [inputs, outputs]: scikit-learn `coefs_`, Keras
   * kernels, `Gemm` without transB, `MatMul`. `readRows` undoes it.
   */
  readonly transposed: boolean;
  /**
   * The activation the model applies after this layer, as a canonical lower-case name
   * (`canonicalActivation`; `linear` for none), or undefined when the model does not say.
   */
  readonly activation: string | undefined;
  /**
   * Reads the weights of neurons `first .. first + count − 1` as canonical bytes of
   * `weight.dtype`, laid out [count, inputs] (one neuron's weights after another), transposing
   * a transposed weight. Reads only those rows when the weight is stored [outputs, inputs].
   */
  readRows(first: number, count: number): Promise<Uint8Array>;
}

/** The dense layers of a model, first to last, and what is known of their activations. */
export interface DenseChain {
  /** At least one layer; layer i's outputs equal layer i + 1's inputs. */
  readonly layers: readonly DenseLayer[];
  /**
   * The activation every hidden layer (all but the last) applies, when the model says and they
   * agree; for a one-layer chain, that layer's. Undefined otherwise.
   */
  readonly activation: string | undefined;
  /** Where the structure came from: the model's graph, or tensor names. */
  readonly source: 'graph' | 'names';
  /**
   * Tensors set aside as not part of the network: the rest of a scikit-learn estimator (optimizer
   * state, random state, class labels). Writers report them; every other stray tensor is refused.
   */
  readonly ignored: readonly string[];
}

/**
 * Activation names as models and tools spell them → nnport's canonical names. Fiats knows gelu,
 * relu, sigmoid, step, swish (src/fiats/activation_m.f90 `activation_name`); scikit-learn says
 * logistic and identity (MLPRegressor `activation`, `out_activation_`); nexport's importer says
 * binary_step (nexport/pytorch/importing.py `get_activation`).
 */
const ACTIVATION_ALIASES: Readonly<Record<string, string>> = {
  logistic: 'sigmoid',
  identity: 'linear',
  none: 'linear',
  binary_step: 'step',
  heaviside: 'step',
  silu: 'swish',
  leakyrelu: 'leaky_relu',
  hardsigmoid: 'hard_sigmoid',
};

/** The canonical lower-case name of an activation (`Logistic` → `sigmoid`, `identity` → `linear`). */
export function canonicalActivation(name: string): string {
  const lower = name.trim().toLowerCase();
  return ACTIVATION_ALIASES[lower] ?? lower;
}

/** ONNX activation operators (default domain) → canonical names. */
const ONNX_ACTIVATIONS: Readonly<Record<string, string>> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Gelu: 'gelu',
  Softmax: 'softmax',
  Elu: 'elu',
  Selu: 'selu',
  Softplus: 'softplus',
  LeakyRelu: 'leaky_relu',
  HardSigmoid: 'hard_sigmoid',
  Swish: 'swish',
};

/** Domains whose nodes are activations named by their op (nnport's nexport and Fiats readers). */
const ACTIVATION_DOMAINS = new Set(['fiats', 'nexport']);

/** Nodes that pass their input through unchanged at inference (ONNX Identity; Dropout in inference mode). */
const PASS_THROUGH = new Set(['Identity', 'Dropout']);

/** The canonical activation a graph node applies, or undefined when it is not an activation. */
export function activationOfNode(node: GraphNode): string | undefined {
  const domain = node.domain ?? '';
  if (ACTIVATION_DOMAINS.has(domain)) return canonicalActivation(node.op);
  if (domain !== '' && domain !== 'ai.onnx') return undefined;
  if (node.op === 'Gelu') {
    const approximate = node.attributes.approximate;
    if (approximate?.type === 'string' && approximate.value === 'tanh') return 'gelu_tanh';
  }
  return ONNX_ACTIVATIONS[node.op];
}

function refuse(detail: string, at: { tensor: string } | { node: string }): never {
  throw new NnportError('UNREPRESENTABLE', detail, { at });
}

/** Checks a tensor a layer uses: float elements, a valid shape, data sized to the shape (a model may come from code). */
function checkFloat(t: Tensor): void {
  // Whole-byte floats only: rows of a sub-byte float4e2m1 matrix do not start on byte boundaries.
  if (DTYPES[t.dtype].kind !== 'float' || DTYPES[t.dtype].bits < 8) {
    refuse(`a dense layer holds floats of 8 bits or more; this tensor is ${t.dtype}`, { tensor: t.name });
  }
  const expected = byteLengthOf(t.dtype, elementCount(t.shape));
  if (t.data.byteLength !== expected) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `${t.data.byteLength} bytes of data, the shape needs ${expected}`,
      {
        at: { tensor: t.name },
      },
    );
  }
}

/** Builds a layer after checking its shapes. `weight` is [out, in], or [in, out] when transposed. */
function makeLayer(
  index: number,
  weight: Tensor,
  bias: Tensor,
  transposed: boolean,
  activation: string | undefined,
): DenseLayer {
  checkFloat(weight);
  checkFloat(bias);
  if (weight.shape.length !== 2) {
    refuse(`a dense layer's weight has rank 2; this one has rank ${weight.shape.length}`, {
      tensor: weight.name,
    });
  }
  const [rows, cols] = weight.shape;
  const outputs = transposed ? cols : rows;
  const inputs = transposed ? rows : cols;
  if (bias.shape.length !== 1 || bias.shape[0] !== outputs) {
    refuse(`bias of shape [${bias.shape.join(', ')}] does not fit ${outputs} outputs of ${weight.name}`, {
      tensor: bias.name,
    });
  }
  if (inputs === 0 || outputs === 0) {
    refuse(`a dense layer with ${inputs} inputs and ${outputs} outputs holds no weights`, {
      tensor: weight.name,
    });
  }
  return {
    index,
    weight,
    bias,
    inputs,
    outputs,
    transposed,
    activation,
    readRows: rowReader(weight, inputs, outputs, transposed),
  };
}

/** `readRows` for a weight: a window read when stored [out, in], a gather from the whole tensor otherwise. */
function rowReader(
  weight: Tensor,
  inputs: number,
  outputs: number,
  transposed: boolean,
): (first: number, count: number) => Promise<Uint8Array> {
  const size = itemSize(weight.dtype);
  if (!transposed) return (first, count) => weight.data.read(first * inputs * size, count * inputs * size);
  let whole: Promise<Uint8Array> | undefined;
  return async (first, count) => {
    whole ??= readTensorBytes(weight);
    const src = await whole;
    const out = new Uint8Array(count * inputs * size);
    for (let r = 0; r < count; r++) {
      for (let c = 0; c < inputs; c++) {
        const from = (c * outputs + first + r) * size;
        out.set(src.subarray(from, from + size), (r * inputs + c) * size);
      }
    }
    return out;
  };
}

/** Checks that each layer's inputs are the previous layer's outputs. */
function checkChain(layers: readonly DenseLayer[]): void {
  if (layers.length === 0) throw new NnportError('UNREPRESENTABLE', 'the model has no dense layer');
  for (let i = 1; i < layers.length; i++) {
    const before = layers[i - 1];
    const layer = layers[i];
    if (layer.inputs !== before.outputs) {
      refuse(
        `${layer.weight.name} takes ${layer.inputs} inputs but ${before.weight.name} gives ${before.outputs} outputs: the layers do not chain`,
        { tensor: layer.weight.name },
      );
    }
  }
}

/** The hidden layers' shared activation (the only layer's for one layer), when known and common. */
function sharedActivation(layers: readonly DenseLayer[]): string | undefined {
  const hidden = layers.length === 1 ? layers : layers.slice(0, -1);
  const first = hidden[0].activation;
  return hidden.every((l) => l.activation === first) ? first : undefined;
}

/**
 * Finds the dense layers of `model` (see the module comment). Throws UNREPRESENTABLE, naming the
 * tensor or node, for anything a chain of dense layers cannot hold.
 */
export function findDenseLayers(model: Model): DenseChain {
  const { layers, ignored } =
    model.graph !== undefined && model.graph.nodes.length > 0
      ? { layers: layersFromGraph(model, model.graph), ignored: [] }
      : layersFromNames(model);
  checkChain(layers);
  return {
    layers,
    ignored,
    activation: sharedActivation(layers),
    source: model.graph !== undefined && model.graph.nodes.length > 0 ? 'graph' : 'names',
  };
}

// ---- names ----------------------------------------------------------------------------------

/** Batch-normalisation statistics (PyTorch BatchNorm*, Keras BatchNormalization): not a dense layer. */
const BATCH_NORM =
  /(?:^|[./])(?:running_mean|running_var|num_batches_tracked|moving_mean|moving_variance)(?::0)?$/;

/** What one tensor name says it is. */
type Role =
  | { readonly kind: 'weight'; readonly key: string; readonly transposed: boolean }
  | { readonly kind: 'bias'; readonly key: string };

/** Classifies a tensor name: a PyTorch/nnport, scikit-learn or Keras weight or bias, or nothing. */
function roleOf(name: string): Role | undefined {
  let m = /^coefs_\.(\d+)$/.exec(name);
  if (m !== null) return { kind: 'weight', key: `sklearn:${m[1]}`, transposed: true };
  m = /^intercepts_\.(\d+)$/.exec(name);
  if (m !== null) return { kind: 'bias', key: `sklearn:${m[1]}` };
  m = /^(.*)\.weight$/.exec(name);
  if (m !== null) return { kind: 'weight', key: `torch:${m[1]}`, transposed: false };
  m = /^(.*)\.bias$/.exec(name);
  if (m !== null) return { kind: 'bias', key: `torch:${m[1]}` };
  m = /^(.*)[./]kernel(?::0)?$/.exec(name);
  if (m !== null) return { kind: 'weight', key: `keras:${m[1]}`, transposed: true };
  m = /^(.*)[./]bias(?::0)?$/.exec(name);
  if (m !== null) return { kind: 'bias', key: `keras:${m[1]}` };
  return undefined;
}

/** A string member of a metadata object, if there is one at `path`. */
function metadataString(
  metadata: Readonly<Record<string, JsonValue>>,
  ...path: string[]
): string | undefined {
  let v: JsonValue | undefined = metadata;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return undefined;
    v = Object.hasOwn(v, key) ? (v as Record<string, JsonValue>)[key] : undefined;
  }
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * Activation hints from metadata when there is no graph: `fiats.activation` and
 * `nexport.activation` (every layer, as those formats apply one activation everywhere);
 * scikit-learn's `sklearn.params.activation` (hidden layers) and `sklearn.out_activation` (last).
 */
function metadataActivations(model: Model): { hidden: string | undefined; last: string | undefined } {
  const every =
    metadataString(model.metadata, 'fiats', 'activation') ??
    metadataString(model.metadata, 'nexport', 'activation');
  if (every !== undefined) return { hidden: canonicalActivation(every), last: canonicalActivation(every) };
  const hidden = metadataString(model.metadata, 'sklearn', 'params', 'activation');
  const last =
    metadataString(model.metadata, 'sklearn', 'out_activation') ??
    metadataString(model.metadata, 'sklearn', 'out_activation_');
  return {
    hidden: hidden === undefined ? undefined : canonicalActivation(hidden),
    last: last === undefined ? undefined : canonicalActivation(last),
  };
}

/**
 * Whether the names are scikit-learn's: an estimator pickle holds `coefs_.i` and `intercepts_.i`
 * beside arrays that are not part of the network (the optimizer's moments `_optimizer.ms.i`,
 * `_random_state...`, `_label_binarizer.classes_`, `best_loss_`), which are then set aside.
 */
function isSklearn(model: Model): boolean {
  return model.tensors.some((t) => /^coefs_\.\d+$/.test(t.name));
}

function layersFromNames(model: Model): { layers: DenseLayer[]; ignored: string[] } {
  const sklearn = isSklearn(model);
  const candidates = sklearn
    ? model.tensors.filter((t) => /^(?:coefs|intercepts)_\.\d+$/.test(t.name))
    : model.tensors;
  const ignored = sklearn ? model.tensors.filter((t) => !candidates.includes(t)).map((t) => t.name) : [];
  for (const t of candidates) {
    if (BATCH_NORM.test(t.name))
      refuse('batch normalisation has no place in a chain of dense layers', { tensor: t.name });
  }
  const biases = new Map<string, Tensor>();
  for (const t of candidates) {
    const role = roleOf(t.name);
    if (role?.kind === 'bias') biases.set(role.key, t);
  }
  const used = new Set<string>();
  const found: { weight: Tensor; bias: Tensor; transposed: boolean }[] = [];
  for (const t of candidates) {
    const role = roleOf(t.name);
    if (role?.kind !== 'weight') continue;
    if (/embed/i.test(t.name)) refuse('an embedding table is not a dense layer', { tensor: t.name });
    if (t.shape.length >= 3) {
      refuse(`a rank-${t.shape.length} weight is a convolution kernel, not a dense layer`, {
        tensor: t.name,
      });
    }
    if (t.shape.length < 2) {
      refuse(
        `a rank-${t.shape.length} weight belongs to a normalisation or scaling layer, not a dense layer`,
        {
          tensor: t.name,
        },
      );
    }
    const bias = biases.get(role.key);
    if (bias === undefined) {
      refuse('a weight without a bias: the layout needs one bias per neuron', { tensor: t.name });
    }
    used.add(t.name).add(bias.name);
    found.push({ weight: t, bias, transposed: role.transposed });
  }
  // scikit-learn's arrays are ordered by their index (a pickle's order is that order already).
  found.sort((a, b) => sklearnIndex(a.weight.name) - sklearnIndex(b.weight.name));
  for (const t of candidates) {
    if (used.has(t.name)) continue;
    if (/embed/i.test(t.name)) refuse('an embedding table is not a dense layer', { tensor: t.name });
    if (roleOf(t.name)?.kind === 'bias') refuse('a bias without a weight', { tensor: t.name });
    refuse('this tensor is not part of a dense layer', { tensor: t.name });
  }
  const hints = metadataActivations(model);
  const layers = found.map((f, i) =>
    makeLayer(i, f.weight, f.bias, f.transposed, i === found.length - 1 ? hints.last : hints.hidden),
  );
  return { layers, ignored };
}

/** The index of a scikit-learn `coefs_.i` name; 0 for other names (a stable sort keeps model order). */
function sklearnIndex(name: string): number {
  const m = /^coefs_\.(\d+)$/.exec(name);
  return m === null ? 0 : Number(m[1]);
}

// ---- graph ----------------------------------------------------------------------------------

function nodeLabel(node: GraphNode): string {
  return node.name === '' ? node.op : node.name;
}

function intAttribute(node: GraphNode, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === 'int' ? Number(a.value) : fallback;
}

function floatAttribute(node: GraphNode, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === 'float' ? a.value : fallback;
}

/**
 * Walks the graph from its one input: each step consumes the current value with exactly one node,
 * which must be a dense layer (Gemm, MatMul + Add), an activation after a layer, or a node that
 * passes its input through; the walk ends at a graph output. Nodes off the path are refused.
 */
function layersFromGraph(model: Model, graph: Graph): DenseLayer[] {
  const tensors = new Map(model.tensors.map((t) => [t.name, t]));
  const consumers = new Map<string, GraphNode[]>();
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      if (input === '' || tensors.has(input)) continue;
      const list = consumers.get(input) ?? [];
      list.push(node);
      consumers.set(input, list);
    }
  }
  const inputs = graph.inputs.filter((v) => !tensors.has(v.name));
  if (inputs.length !== 1) {
    throw new NnportError(
      'UNREPRESENTABLE',
      `a chain of dense layers has one input; this graph has ${inputs.length}`,
    );
  }
  const outputs = new Set(graph.outputs.map((v) => v.name));
  const visited = new Set<GraphNode>();
  const found: { weight: Tensor; bias: Tensor; transposed: boolean; activation: string | undefined }[] = [];
  const tensorInput = (node: GraphNode, i: number, what: string): Tensor => {
    const t = tensors.get(node.inputs[i] ?? '');
    if (t === undefined) {
      refuse(`${node.op}'s ${what} must be a tensor of the model for a dense layer`, {
        node: nodeLabel(node),
      });
    }
    return t;
  };
  let value = inputs[0].name;
  for (;;) {
    const next = consumers.get(value) ?? [];
    if (next.length === 0) break;
    if (next.length > 1)
      refuse(`${value} feeds ${next.length} nodes: a chain feeds one`, { node: nodeLabel(next[1]) });
    const node = next[0];
    visited.add(node);
    const activation = activationOfNode(node);
    const domain = node.domain ?? '';
    if (activation !== undefined) {
      const last = found[found.length - 1];
      if (last === undefined) refuse('an activation before the first dense layer', { node: nodeLabel(node) });
      if (last.activation !== undefined)
        refuse('two activations after one dense layer', { node: nodeLabel(node) });
      last.activation = activation;
    } else if (domain === '' && PASS_THROUGH.has(node.op)) {
      // Nothing to record.
    } else if (domain === '' && node.op === 'Gemm') {
      if (node.inputs[0] !== value)
        refuse('Gemm must take the previous layer as its first input', { node: nodeLabel(node) });
      if (intAttribute(node, 'transA', 0) !== 0)
        refuse('Gemm with transA is not a dense layer', { node: nodeLabel(node) });
      if (floatAttribute(node, 'alpha', 1) !== 1 || floatAttribute(node, 'beta', 1) !== 1) {
        refuse('Gemm with alpha or beta other than 1 is not a plain dense layer', { node: nodeLabel(node) });
      }
      const weight = tensorInput(node, 1, 'weight (input B)');
      if ((node.inputs[2] ?? '') === '')
        refuse('a weight without a bias: the layout needs one bias per neuron', { tensor: weight.name });
      const bias = tensorInput(node, 2, 'bias (input C)');
      found.push({ weight, bias, transposed: intAttribute(node, 'transB', 0) === 0, activation: undefined });
    } else if (domain === '' && node.op === 'MatMul') {
      if (node.inputs[0] !== value)
        refuse('MatMul must take the previous layer as its first input', { node: nodeLabel(node) });
      const weight = tensorInput(node, 1, 'weight (input B)');
      const adds = consumers.get(node.outputs[0] ?? '') ?? [];
      const add =
        adds.length === 1 && adds[0].op === 'Add' && (adds[0].domain ?? '') === '' ? adds[0] : undefined;
      if (add === undefined)
        refuse('a weight without a bias: the layout needs one bias per neuron', { tensor: weight.name });
      visited.add(add);
      const biasName = add.inputs.find((n) => n !== node.outputs[0]) ?? '';
      const bias = tensors.get(biasName);
      if (bias === undefined)
        refuse("Add's other input must be a bias tensor of the model", { node: nodeLabel(add) });
      found.push({ weight, bias, transposed: true, activation: undefined });
      value = add.outputs[0] ?? '';
      continue;
    } else {
      refuse(`${domain === '' ? '' : `${domain}.`}${node.op} has no place in a chain of dense layers`, {
        node: nodeLabel(node),
      });
    }
    value = node.outputs[0] ?? '';
  }
  if (!outputs.has(value)) {
    throw new NnportError('UNREPRESENTABLE', `the chain ends at ${value}, which is not a graph output`);
  }
  for (const node of graph.nodes) {
    if (!visited.has(node))
      refuse('this node is not on the chain of dense layers', { node: nodeLabel(node) });
  }
  const usedTensors = new Set(found.flatMap((f) => [f.weight.name, f.bias.name]));
  for (const t of model.tensors) {
    if (!usedTensors.has(t.name)) refuse('this tensor is not part of a dense layer', { tensor: t.name });
  }
  return found.map((f, i) => makeLayer(i, f.weight, f.bias, f.transposed, f.activation ?? 'linear'));
}
