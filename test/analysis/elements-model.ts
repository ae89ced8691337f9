/** Hand-built models for the element tests: an MXNet-like net as the MXNet symbol reader makes them. */
import type { GraphNode, ValueInfo } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import { type Tensor, tensorFromArray } from '../../src/core/tensor.js';

/** A canonical node made from MXNet node `name` (op `op`), as the reader's contract says. */
export function mxNode(
  mx: { name: string; op: string; attrs?: Record<string, string> },
  node: Omit<GraphNode, 'meta' | 'attributes'> & { attributes?: GraphNode['attributes'] },
): GraphNode {
  return {
    ...node,
    attributes: node.attributes ?? {},
    meta: { mxnet: { name: mx.name, op: mx.op, attrs: mx.attrs ?? {} } },
  };
}

const FC1 = { name: 'fc1', op: 'FullyConnected', attrs: { num_hidden: '3' } };
const FC2 = { name: 'fc2', op: 'FullyConnected', attrs: { num_hidden: '2' } };

/** data[1,4] → fc1 (Flatten + Gemm) → relu1 (Activation → Relu) → fc2 (Flatten + Gemm). */
export const MLP_NODES: GraphNode[] = [
  mxNode(FC1, { name: 'fc1_flatten', op: 'Flatten', inputs: ['data'], outputs: ['fc1_flat'] }),
  mxNode(FC1, {
    name: 'fc1',
    op: 'Gemm',
    inputs: ['fc1_flat', 'fc1_weight', 'fc1_bias'],
    outputs: ['fc1_output'],
    attributes: { transB: { type: 'int', value: 1 } },
  }),
  mxNode(
    { name: 'relu1', op: 'Activation', attrs: { act_type: 'relu' } },
    { name: 'relu1', op: 'Relu', inputs: ['fc1_output'], outputs: ['relu1_output'] },
  ),
  mxNode(FC2, { name: 'fc2_flatten', op: 'Flatten', inputs: ['relu1_output'], outputs: ['fc2_flat'] }),
  mxNode(FC2, {
    name: 'fc2',
    op: 'Gemm',
    inputs: ['fc2_flat', 'fc2_weight', 'fc2_bias'],
    outputs: ['fc2_output'],
    attributes: { transB: { type: 'int', value: 1 } },
  }),
];

const DATA: ValueInfo = { name: 'data', dtype: 'float32', shape: [1, 4] };

function arg(t: Tensor): Tensor {
  return { ...t, meta: { mxnet: { role: 'arg' } } };
}

/** The MLP with its arrays (an initialized net), plus an int64 aux array beyond 2^53. */
export function mlpModel(): Model {
  const tensors = [
    arg(
      tensorFromArray(
        'fc1_weight',
        'float32',
        [3, 4],
        new Float32Array(12).map((_, i) => i / 10),
      ),
    ),
    arg(tensorFromArray('fc1_bias', 'float32', [3], new Float32Array([0.1, -0, 1e-7]))),
    arg(tensorFromArray('fc2_weight', 'float32', [2, 3], new Float32Array([1, 2, 3, 4, 5, 6]))),
    arg(
      tensorFromArray('fc2_bias', 'float32', [2], new Float32Array([Number.NaN, Number.NEGATIVE_INFINITY])),
    ),
    tensorFromArray('step', 'int64', [1], new BigInt64Array([2n ** 60n + 1n])),
  ];
  return {
    format: 'mxnet',
    metadata: { mxnet: { symbolFile: 'mlp-symbol.json', paramsFile: 'mlp-0001.params', version: 10600 } },
    graph: {
      nodes: MLP_NODES,
      inputs: [DATA],
      outputs: [{ name: 'fc2_output' }],
    },
    tensors,
  };
}

/** The same symbol read with `--arrays none`: no tensors; the parameters are graph inputs with shapes. */
export function uninitializedMlp(): Model {
  return {
    format: 'mxnet',
    metadata: { mxnet: { symbolFile: 'mlp-symbol.json', paramsFile: null, version: null } },
    graph: {
      nodes: MLP_NODES,
      inputs: [
        DATA,
        { name: 'fc1_weight', shape: [3, 4] },
        { name: 'fc1_bias', shape: [3] },
        { name: 'fc2_weight', shape: [2, 3] },
        { name: 'fc2_bias', shape: [null] },
      ],
      outputs: [{ name: 'fc2_output' }],
    },
    tensors: [],
  };
}

/** Names no format would check: markup characters, a control character, a lone surrogate. */
export const EVIL_LAYER = 'x<&">\'y\u0001\ud800';
export const EVIL_INPUT = 'in&<put>"';

/** A two-node ONNX-like graph (no meta.mxnet) whose names need escaping everywhere. */
export function evilModel(): Model {
  return {
    format: 'memory',
    metadata: {},
    graph: {
      nodes: [
        { name: EVIL_LAYER, op: 'Relu', inputs: [EVIL_INPUT], outputs: ['a\\b"c'], attributes: {} },
        { name: '', op: 'Neg', inputs: ['a\\b"c'], outputs: ['out\nput'], attributes: {} },
      ],
      inputs: [{ name: EVIL_INPUT, dtype: 'float32', shape: [2] }],
      outputs: [{ name: 'out\nput' }],
    },
    tensors: [tensorFromArray('__proto__', 'float32', [1], new Float32Array([1]))],
  };
}

/**
 * A Gluon export read without arrays: op nodes are named `NAME_fwd` and parameters `NAME_weight`,
 * so only the reader's `metadata.mxnet.arrays` list tells the parameters from data.
 */
export function uninitializedGluon(): Model {
  const dense = { name: 'dense0_fwd', op: 'FullyConnected', attrs: { num_hidden: '3' } };
  return {
    format: 'mxnet',
    metadata: {
      mxnet: {
        symbolFile: 'net-symbol.json',
        paramsFile: null,
        version: 10500,
        arrays: [
          { name: 'dense0_weight', role: 'arg', shape: [3, null] },
          { name: 'dense0_bias', role: 'arg', shape: [3] },
        ],
      },
    },
    graph: {
      nodes: [
        mxNode(dense, { name: 'dense0_flatten', op: 'Flatten', inputs: ['data'], outputs: ['d_flat'] }),
        mxNode(dense, {
          name: 'dense0_fwd',
          op: 'Gemm',
          inputs: ['d_flat', 'dense0_weight', 'dense0_bias'],
          outputs: ['dense0_fwd_output'],
        }),
      ],
      inputs: [
        { name: 'data', dtype: 'float32' },
        { name: 'dense0_weight', dtype: 'float32' },
        { name: 'dense0_bias' },
      ],
      outputs: [{ name: 'dense0_fwd_output' }],
    },
    tensors: [],
  };
}
