/**
 * The model nnport reads back from a nexport or Fiats file: tensors `layers.i.weight` [out, in]
 * and `layers.i.bias` [out] in float64, and — when the file names its activation — a graph in
 * canonical ONNX operators: input `inputs` [batch, n_in] → per layer `Gemm` (transB = 1, weight
 * and bias as tensors) → the activation → … → output `outputs`.
 *
 * float64 because the files hold Python floats (nexport prints `float(w)` / `tensor.item()`,
 * which are float64 `repr`s: a float32 weight appears as its exact float64 expansion, e.g.
 * `-1.2132499285671521e-05` in the Fiats demo network) and Fiats reads them as `double
 * precision` too; nothing in either layout records a narrower source dtype.
 *
 * Fiats and nexport apply one activation to every layer, the output layer included
 * (fiats src/fiats/neural_network_s.F90 `infer`: `a = activation(matmul(w, a) + b)` for each
 * layer), so the graph does too.
 */
import type { DType } from '../../core/dtype.js';
import type { Graph, GraphNode } from '../../core/graph.js';
import type { JsonValue, Model } from '../../core/model.js';
import { type Tensor, tensorFromBytes } from '../../core/tensor.js';

/** One layer as parsed from text: row-major weights [outputs, inputs] and biases [outputs]. */
export interface ParsedLayer {
  /** outputs × inputs values, one neuron's weights after another. */
  readonly weights: Float64Array;
  /** One bias per neuron. */
  readonly biases: Float64Array;
  /** Inputs per neuron. */
  readonly inputs: number;
  /** Neurons. */
  readonly outputs: number;
}

/** A float64 array that grows by doubling, for values parsed from text before their count is known. */
export class Float64Growable {
  #values = new Float64Array(256);
  /** Values so far. */
  length = 0;

  /** Appends a value. */
  push(v: number): void {
    if (this.length === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.length++] = v;
  }

  /** The values, in an array of exactly their length. */
  take(): Float64Array {
    return this.#values.slice(0, this.length);
  }
}

/** ONNX operators (default domain, opset 20) for canonical activation names; others get a format-domain node. */
const ONNX_OPS: Readonly<Record<string, { op: string; approximate?: string }>> = {
  relu: { op: 'Relu' },
  sigmoid: { op: 'Sigmoid' },
  tanh: { op: 'Tanh' },
  gelu: { op: 'Gelu' }, // Gelu is in the default domain from opset 20 (erf form, as Fiats computes it)
  gelu_tanh: { op: 'Gelu', approximate: 'tanh' },
  softmax: { op: 'Softmax' },
  elu: { op: 'Elu' },
  selu: { op: 'Selu' },
  softplus: { op: 'Softplus' },
  leaky_relu: { op: 'LeakyRelu' },
  hard_sigmoid: { op: 'HardSigmoid' },
};

/** The opset of the default domain the read-back graphs use (Gelu needs 20). */
export const READ_BACK_OPSET = 20;

const FLOAT64: DType = 'float64';

function bytesOf(values: Float64Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/**
 * The read-back graph for `layers` with `activation` (canonical name) after every layer; nodes
 * for activations without an ONNX operator (Fiats' `step`, `swish`) are kept in `domain`.
 */
export function readBackGraph(layers: readonly ParsedLayer[], activation: string, domain: string): Graph {
  const nodes: GraphNode[] = [];
  let value = 'inputs';
  let usesDomain = false;
  const last = layers.length - 1;
  for (let i = 0; i <= last; i++) {
    const linear = activation === 'linear';
    const gemmOut = linear && i === last ? 'outputs' : `layers.${i}.linear`;
    nodes.push({
      name: `layers.${i}`,
      op: 'Gemm',
      inputs: [value, `layers.${i}.weight`, `layers.${i}.bias`],
      outputs: [gemmOut],
      attributes: { transB: { type: 'int', value: 1 } },
    });
    value = gemmOut;
    if (linear) continue;
    const out = i === last ? 'outputs' : `layers.${i}.output`;
    const onnx = ONNX_OPS[activation];
    if (onnx === undefined) usesDomain = true;
    nodes.push({
      name: `layers.${i}.${activation}`,
      op: onnx === undefined ? activation : onnx.op,
      ...(onnx === undefined ? { domain } : {}),
      inputs: [value],
      outputs: [out],
      attributes:
        onnx?.approximate === undefined ? {} : { approximate: { type: 'string', value: onnx.approximate } },
    });
    value = out;
  }
  return {
    nodes,
    inputs: [{ name: 'inputs', dtype: FLOAT64, shape: [null, layers[0].inputs] }],
    outputs: [{ name: 'outputs', dtype: FLOAT64, shape: [null, layers[last].outputs] }],
    opsets: usesDomain ? { '': READ_BACK_OPSET, [domain]: 1 } : { '': READ_BACK_OPSET },
  };
}

/** Builds the read-back model (see the module comment); `activation` undefined means no graph. */
export function layersModel(
  format: string,
  layers: readonly ParsedLayer[],
  activation: string | undefined,
  metadata: Record<string, JsonValue>,
  domain: string,
): Model {
  const tensors: Tensor[] = [];
  for (const [i, layer] of layers.entries()) {
    tensors.push(
      tensorFromBytes(`layers.${i}.weight`, FLOAT64, [layer.outputs, layer.inputs], bytesOf(layer.weights)),
    );
    tensors.push(tensorFromBytes(`layers.${i}.bias`, FLOAT64, [layer.outputs], bytesOf(layer.biases)));
  }
  return activation === undefined
    ? { format, metadata, tensors }
    : { format, metadata, graph: readBackGraph(layers, activation, domain), tensors };
}
