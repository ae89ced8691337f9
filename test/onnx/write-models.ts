/**
 * Models built in test code for the ONNX writer tests: each is something nnport must write as a
 * file onnx.checker accepts (and onnxruntime runs, where it has ops).
 */
import type { Graph, ValueInfo } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import { type Tensor, tensorFromArray } from '../../src/core/tensor.js';

/** Deterministic pseudo-random float32 values in [-1, 1). */
export function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

function f32(name: string, shape: number[], seed: number): Tensor {
  return tensorFromArray(
    name,
    'float32',
    shape,
    values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
  );
}

function io(
  name: string,
  shape: (number | string | null)[],
  dtype: 'float32' | 'bool' = 'float32',
): ValueInfo {
  return { name, dtype, shape };
}

function model(graph: Graph, tensors: Tensor[]): Model {
  return { format: 'memory', metadata: {}, graph, tensors };
}

/** A weights-only model (no graph), several dtypes. */
export function weightsOnly(): Model {
  return {
    format: 'safetensors',
    metadata: { safetensors: { note: 'kept as JSON text' } },
    tensors: [
      f32('layer.weight', [4, 3], 1),
      tensorFromArray('layer.bias', 'float64', [3], new Float64Array([1.5, -2, 3.25])),
      tensorFromArray('steps', 'int64', [], new BigInt64Array([42n])),
      tensorFromArray('mask', 'bool', [4], new Uint8Array([1, 0, 0, 1])),
      tensorFromArray('half', 'float16', [2], new Uint16Array([0x3c00, 0xc000])),
      tensorFromArray('bytes', 'uint8', [0], new Uint8Array(0)),
    ],
  };
}

/** x[1,4] → Gemm(transB) → Relu → Gemm → y[1,3]. */
export function mlp(): Model {
  return model(
    {
      name: 'mlp',
      nodes: [
        {
          name: 'fc1',
          op: 'Gemm',
          inputs: ['x', 'w1', 'b1'],
          outputs: ['h'],
          attributes: { transB: { type: 'int', value: 1 } },
        },
        { name: 'relu', op: 'Relu', inputs: ['h'], outputs: ['r'], attributes: {} },
        {
          name: 'fc2',
          op: 'Gemm',
          inputs: ['r', 'w2', 'b2'],
          outputs: ['y'],
          attributes: { transB: { type: 'int', value: 1 }, alpha: { type: 'float', value: 1 } },
        },
      ],
      inputs: [io('x', ['batch', 4])],
      outputs: [io('y', ['batch', 3])],
      opsets: { '': 17 },
    },
    [f32('w1', [8, 4], 2), f32('b1', [8], 3), f32('w2', [3, 8], 4), f32('b2', [3], 5)],
  );
}

/** A 3x3 convolution with padding. */
export function conv(): Model {
  return model(
    {
      name: 'conv',
      nodes: [
        {
          name: 'conv',
          op: 'Conv',
          inputs: ['X', 'W', 'B'],
          outputs: ['Y'],
          attributes: {
            kernel_shape: { type: 'ints', value: [3, 3] },
            pads: { type: 'ints', value: [1, 1, 1, 1] },
            strides: { type: 'ints', value: [1, 1] },
          },
        },
      ],
      inputs: [io('X', [1, 1, 5, 5])],
      outputs: [io('Y', [1, 2, 5, 5])],
      opsets: { '': 13 },
    },
    [f32('W', [2, 1, 3, 3], 6), f32('B', [2], 7)],
  );
}

/**
 * If(cond) with two subgraphs: `then` returns its own initializer, `else` a Constant whose value is
 * an unnamed attribute tensor; plus a main-graph Constant added to x.
 */
export function ifModel(): Model {
  const thenBranch: Graph = {
    name: 'then_branch',
    nodes: [{ name: 'then_id', op: 'Identity', inputs: ['then_c'], outputs: ['then_out'], attributes: {} }],
    inputs: [],
    outputs: [io('then_out', [2])],
    initializers: ['then_c'],
  };
  const elseBranch: Graph = {
    name: 'else_branch',
    nodes: [
      {
        name: 'else_const',
        op: 'Constant',
        inputs: [],
        outputs: ['else_out'],
        attributes: { value: { type: 'tensor', value: 'else_const:value' } },
      },
    ],
    inputs: [],
    outputs: [io('else_out', [2])],
  };
  const elseValue = tensorFromArray('else_const:value', 'float32', [2], new Float32Array([-1, -2]));
  const mainConst = tensorFromArray('c0', 'float32', [2], new Float32Array([10, 20]));
  return model(
    {
      name: 'if_model',
      nodes: [
        {
          name: 'if',
          op: 'If',
          inputs: ['cond'],
          outputs: ['branch'],
          attributes: {
            then_branch: { type: 'graph', value: thenBranch },
            else_branch: { type: 'graph', value: elseBranch },
          },
        },
        {
          name: 'k',
          op: 'Constant',
          inputs: [],
          outputs: ['k_out'],
          attributes: { value: { type: 'tensor', value: 'c0' } },
        },
        { name: 'add', op: 'Add', inputs: ['branch', 'k_out'], outputs: ['y'], attributes: {} },
      ],
      inputs: [io('cond', [], 'bool')],
      outputs: [io('y', [2])],
      opsets: { '': 17 },
    },
    [
      tensorFromArray('then_c', 'float32', [2], new Float32Array([1, 2])),
      { ...elseValue, meta: { onnx: { name: '' } } },
      { ...mainConst, meta: { onnx: { name: '' } } },
    ],
  );
}

/**
 * A sparse initializer (2 of 12 values, linearized indices) that is a graph output, and a Constant
 * whose `sparse_value` attribute is a sparse tensor with [NNZ, rank] indices.
 */
export function sparse(): Model {
  return model(
    {
      name: 'sparse',
      nodes: [
        {
          name: 'k',
          op: 'Constant',
          inputs: [],
          outputs: ['dense'],
          attributes: {
            sparse_value: {
              type: 'sparse_tensor',
              value: { name: 'cs', values: 'cs.values', indices: 'cs.indices', dims: [2, 2] },
            },
          },
        },
      ],
      inputs: [],
      outputs: [{ name: 'sp', type: { sparseTensor: { elemType: 1, shape: [3, 4] } } }, io('dense', [2, 2])],
      opsets: { '': 17 },
      sparseInitializers: [{ name: 'sp', values: 'sp.values', indices: 'sp.indices', dims: [3, 4] }],
    },
    [
      tensorFromArray('sp.values', 'float32', [2], new Float32Array([5, 7])),
      {
        ...tensorFromArray('sp.indices', 'int64', [2], new BigInt64Array([1n, 10n])),
        meta: { onnx: { name: '' } },
      },
      tensorFromArray('cs.values', 'float32', [1], new Float32Array([3])),
      {
        ...tensorFromArray('cs.indices', 'int64', [1, 2], new BigInt64Array([1n, 0n])),
        meta: { onnx: { name: '' } },
      },
    ],
  );
}

/** A STRING initializer read through Identity, plus a float one. */
export function strings(): Model {
  return model(
    {
      name: 'strings',
      nodes: [{ name: 'id', op: 'Identity', inputs: ['labels'], outputs: ['y'], attributes: {} }],
      inputs: [],
      outputs: [{ name: 'y', type: { tensor: { elemType: 8, shape: [3] } } }],
      opsets: { '': 17 },
      stringTensors: [{ name: 'labels', shape: [3], values: ['cat', 'dög', ''] }],
    },
    [f32('unused_weight', [2], 8)],
  );
}

/** An ai.onnx.ml Normalizer (opsets derived: the graph lists none). */
export function mlNode(): Model {
  return model(
    {
      name: 'ml',
      nodes: [
        {
          name: 'norm',
          op: 'Normalizer',
          domain: 'ai.onnx.ml',
          inputs: ['X'],
          outputs: ['Y'],
          attributes: { norm: { type: 'string', value: 'L2' } },
        },
      ],
      inputs: [io('X', [1, 3])],
      outputs: [io('Y', [1, 3])],
    },
    [],
  );
}
