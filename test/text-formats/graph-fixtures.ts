/**
 * Graphs with everything src/core/graph.ts can hold (every attribute kind with `ref`/`doc`,
 * If/Loop/Scan subgraphs, sparse and string tensors, value infos with TypeProto JSON, meta objects,
 * per-graph initializers) for the graph-*.test.ts files: one hand-written ONNX-like model and
 * fast-check arbitraries whose values already have the form graphFromJson gives back (safe
 * integers as numbers, others as bigints; plain-prototype objects), so round trips compare with
 * deepEqual directly.
 */
import fc from 'fast-check';
import type { DType } from '../../src/core/dtype.js';
import type {
  AttributeValue,
  Graph,
  GraphNode,
  SparseTensorRef,
  StringTensor,
  ValueInfo,
} from '../../src/core/graph.js';
import type { JsonValue, Model } from '../../src/core/model.js';
import { tensorFromArray } from '../../src/core/tensor.js';
import { textArb } from './json-fixtures.js';

/** The dtypes every text format had before issue 4 (the new ones are another helper's tests). */
export const CLASSIC_DTYPES: readonly DType[] = [
  'float64',
  'float32',
  'float16',
  'bfloat16',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'bool',
];

/** A JSON value rebuilt with ordinary-prototype objects and own `__proto__`-safe members, as parsing gives. */
export function plainJson(v: unknown): JsonValue {
  if (Array.isArray(v)) return v.map(plainJson);
  if (typeof v === 'object' && v !== null) {
    const out: Record<string, JsonValue> = {};
    for (const [k, x] of Object.entries(v)) {
      Object.defineProperty(out, k, {
        value: plainJson(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return v as JsonValue;
}

/** Any JSON value with finite numbers (-0 included), as metadata, meta and TypeProto JSON hold them. */
export const jsonArb: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 2 }).map(plainJson);

/** A `meta` object (graph, node, value info): any JSON object. */
export const metaArb: fc.Arbitrary<Record<string, JsonValue>> = fc
  .dictionary(textArb, jsonArb, { maxKeys: 3, noNullPrototype: true })
  .map((d) => plainJson(d) as Record<string, JsonValue>);

/** Int attribute values as they read back: safe integers as numbers, int64/uint64 beyond them as bigints. */
export const intArb: fc.Arbitrary<number | bigint> = fc.oneof(
  fc.integer(),
  fc.constantFrom(0, -1, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER),
  fc.bigInt({ min: BigInt(Number.MAX_SAFE_INTEGER) + 1n, max: 2n ** 64n - 1n }),
  fc.bigInt({ min: -(2n ** 63n), max: BigInt(Number.MIN_SAFE_INTEGER) - 1n }),
);

/** Floats with NaN, ±Infinity, -0, subnormals and extremes. */
const floatArb = fc.oneof(
  fc.double(),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    -0,
    5e-324,
    Number.MAX_VALUE,
  ),
);

/** TypeProto JSON the way the ONNX format writes it, or any JSON value (the text formats keep either). */
const typeProtoArb: fc.Arbitrary<JsonValue> = fc.oneof(
  jsonArb,
  fc
    .record({
      elemType: fc.integer({ min: 0, max: 25 }),
      shape: fc.array(fc.oneof(fc.nat(), textArb, fc.constant(null)), { maxLength: 3 }),
    })
    .map((tensor) => plainJson({ tensor })),
  fc.constant<JsonValue>({ sequence: { tensor: { elemType: 1 } } }),
  fc.constant<JsonValue>({ map: { keyType: 7, value: { tensor: { elemType: 1, shape: [] } } } }),
  fc.constant<JsonValue>({
    optional: { sparseTensor: { elemType: 1, shape: [3, 'N'] } },
    denotation: 'IMAGE',
  }),
);

const dimsArb = fc.array(fc.nat({ max: 1000 }), { maxLength: 3 });

/** A sparse tensor reference. */
export const sparseArb: fc.Arbitrary<SparseTensorRef> = fc.record(
  { name: textArb, values: textArb, indices: textArb, dims: dimsArb },
  { noNullPrototype: true },
);

/** A string tensor whose values fill its shape (strings with escapes, lone surrogates, astral characters). */
export const stringTensorArb: fc.Arbitrary<StringTensor> = fc
  .record({ name: textArb, shape: fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }) })
  .chain(({ name, shape }) => {
    const n = shape.reduce((a, b) => a * b, 1);
    return fc
      .array(textArb, { minLength: n, maxLength: n })
      .map((values): StringTensor => ({ name, shape, values }));
  });

/** An attribute of any kind, with `ref` and `doc` sometimes; subgraphs through `graph`. */
function attributeArb(graph: fc.Arbitrary<Graph>): fc.Arbitrary<AttributeValue> {
  const of = <T extends AttributeValue['type'], V>(type: T, value: fc.Arbitrary<V>) =>
    fc.record({ type: fc.constant(type), value }, { noNullPrototype: true });
  const kinds = fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    of('int', intArb),
    of('float', floatArb),
    of('string', textArb),
    of('ints', fc.array(intArb, { maxLength: 4 })),
    of('floats', fc.array(floatArb, { maxLength: 4 })),
    of('strings', fc.array(textArb, { maxLength: 3 })),
    of('tensor', textArb),
    of('tensors', fc.array(textArb, { maxLength: 3 })),
    of('sparse_tensor', sparseArb),
    of('sparse_tensors', fc.array(sparseArb, { maxLength: 2 })),
    of('type_proto', typeProtoArb),
    of('type_protos', fc.array(typeProtoArb, { maxLength: 2 })),
    of('graph', graph),
    of('graphs', fc.array(graph, { maxLength: 2 })),
  );
  return fc
    .tuple(kinds, fc.option(textArb, { nil: undefined }), fc.option(textArb, { nil: undefined }))
    .map(([a, ref, doc]) => {
      const out: Record<string, unknown> = { ...a };
      if (ref !== undefined) out.ref = ref;
      if (doc !== undefined) out.doc = doc;
      return out as AttributeValue;
    });
}

/** A value info: a tensor type (dtype, shape) or a TypeProto JSON `type`, sometimes `meta`. */
const valueInfoArb: fc.Arbitrary<ValueInfo> = fc.record(
  {
    name: textArb,
    dtype: fc.constantFrom(...CLASSIC_DTYPES),
    shape: fc.array(fc.oneof(fc.nat(), textArb, fc.constant(null)), { maxLength: 4 }),
    type: typeProtoArb,
    meta: metaArb,
  },
  { requiredKeys: ['name'], noNullPrototype: true },
);

/** Random graphs with every member of src/core/graph.ts, nested through graph/graphs attributes. */
export const fullGraphArb: fc.Arbitrary<Graph> = fc.letrec<{ graph: Graph; node: GraphNode }>((tie) => ({
  node: fc.record(
    {
      name: textArb,
      op: fc.oneof(fc.constantFrom('If', 'Loop', 'Scan', 'Constant', 'Conv'), textArb),
      domain: fc.oneof(fc.constantFrom('', 'ai.onnx.ml'), textArb),
      inputs: fc.array(textArb, { maxLength: 3 }),
      outputs: fc.array(textArb, { maxLength: 3 }),
      attributes: fc.dictionary(textArb, attributeArb(tie('graph')), { maxKeys: 3, noNullPrototype: true }),
      meta: metaArb,
    },
    { requiredKeys: ['name', 'op', 'inputs', 'outputs', 'attributes'], noNullPrototype: true },
  ),
  graph: fc.record(
    {
      name: textArb,
      opsets: fc.dictionary(textArb, fc.integer({ min: 0, max: 1000 }), {
        maxKeys: 3,
        noNullPrototype: true,
      }),
      inputs: fc.array(valueInfoArb, { maxLength: 2 }),
      outputs: fc.array(valueInfoArb, { maxLength: 2 }),
      valueInfo: fc.array(valueInfoArb, { maxLength: 2 }),
      initializers: fc.array(textArb, { maxLength: 3 }),
      sparseInitializers: fc.array(sparseArb, { maxLength: 2 }),
      stringTensors: fc.array(stringTensorArb, { maxLength: 2 }),
      nodes: fc.array(tie('node'), { maxLength: 3 }),
      meta: metaArb,
    },
    { requiredKeys: ['inputs', 'outputs', 'nodes'], noNullPrototype: true },
  ),
})).graph;

/** An If node's branch: adds `x` and a constant from the outer scope. */
const THEN_BRANCH: Graph = {
  name: 'then',
  inputs: [],
  outputs: [{ name: 'y_then', dtype: 'float32', shape: [2] }],
  initializers: ['then.bias'],
  nodes: [{ name: 'add', op: 'Add', inputs: ['x', 'then.bias'], outputs: ['y_then'], attributes: {} }],
};

/**
 * A hand-written ONNX-like model using every new member: an If with two branches, a Loop body, a
 * Constant with a sparse value, string tensors, a sequence-typed value info, meta everywhere,
 * int64 attributes beyond 2^53 and non-finite floats.
 */
export function onnxLikeModel(): Model {
  const graph: Graph = {
    name: 'main',
    opsets: { '': 17, 'ai.onnx.ml': 3 },
    inputs: [
      { name: 'x', dtype: 'float32', shape: ['N', 2], meta: { doc: 'the input', denotation: 'TENSOR' } },
      { name: 'cond', dtype: 'bool', shape: [] },
    ],
    outputs: [
      { name: 'y', dtype: 'float32', shape: [null, 2] },
      { name: 'seq', type: { sequence: { tensor: { elemType: 1, shape: ['N'] } } } },
    ],
    valueInfo: [
      { name: 'h', dtype: 'float32', shape: ['N', 2] },
      { name: 'words', type: { tensor: { elemType: 8 } } },
    ],
    initializers: ['w', 'labels'],
    sparseInitializers: [{ name: 'sp', values: 'sp.values', indices: 'sp.indices', dims: [4, 4] }],
    stringTensors: [{ name: 'labels', shape: [2], values: ['cat', 'chat "ê" \u{1f408}'] }],
    meta: { doc: 'a test graph', quantizationAnnotation: [], metadataProps: [['k', 'v']] },
    nodes: [
      {
        name: 'mm',
        op: 'MatMul',
        domain: '',
        inputs: ['x', 'w'],
        outputs: ['h'],
        attributes: {},
        meta: { doc: 'x·w', overload: '' },
      },
      {
        name: 'sp_const',
        op: 'Constant',
        inputs: [],
        outputs: ['dense'],
        attributes: {
          sparse_value: {
            type: 'sparse_tensor',
            value: { name: 'c', values: 'c.values', indices: 'c.indices', dims: [3] },
          },
        },
      },
      {
        name: 'branch',
        op: 'If',
        inputs: ['cond'],
        outputs: ['y'],
        attributes: {
          then_branch: { type: 'graph', value: THEN_BRANCH, doc: 'taken when cond' },
          else_branch: {
            type: 'graph',
            value: {
              name: 'else',
              inputs: [],
              outputs: [{ name: 'h' }],
              nodes: [],
            },
          },
        },
      },
      {
        name: 'loop',
        op: 'Loop',
        inputs: ['', 'cond', 'h'],
        outputs: ['h_final', 'seq'],
        attributes: {
          body: {
            type: 'graph',
            value: {
              name: 'body',
              inputs: [
                { name: 'i', dtype: 'int64', shape: [] },
                { name: 'c', dtype: 'bool', shape: [] },
                { name: 'h_in' },
              ],
              outputs: [{ name: 'c_out', dtype: 'bool', shape: [] }, { name: 'h_out' }, { name: 'scan_out' }],
              nodes: [
                {
                  name: 'inner',
                  op: 'Identity',
                  inputs: ['h_in'],
                  outputs: ['h_out'],
                  attributes: {
                    unused: { type: 'graphs', value: [THEN_BRANCH, { inputs: [], outputs: [], nodes: [] }] },
                  },
                },
              ],
            },
          },
        },
      },
      {
        name: 'kinds',
        op: 'Custom',
        domain: 'com.example',
        inputs: ['h'],
        outputs: ['z'],
        attributes: {
          big: { type: 'int', value: 9223372036854775807n },
          small: { type: 'ints', value: [-9223372036854775808n, 0, 1] },
          f: { type: 'floats', value: [Number.NaN, -0, Number.NEGATIVE_INFINITY, 1.5] },
          ts: { type: 'tensors', value: ['w', 'labels'] },
          sps: {
            type: 'sparse_tensors',
            value: [{ name: 'sp', values: 'sp.values', indices: 'sp.indices', dims: [4, 4] }],
          },
          tp: { type: 'type_proto', value: { map: { keyType: 8, value: { tensor: { elemType: 1 } } } } },
          tps: { type: 'type_protos', value: [{ optional: { tensor: { elemType: 7 } } }, null] },
          alpha: { type: 'float', value: 0.1, ref: 'alpha' },
          s: { type: 'string', value: 'bytes\u0000and\ud800lone' },
        },
      },
    ],
  };
  return {
    format: 'memory',
    metadata: { onnx: { irVersion: 8, producerName: 'tests' }, note: 'graph round trip' },
    graph,
    tensors: [
      tensorFromArray('w', 'float32', [2, 2], new Float32Array([1, -0, Number.NaN, 3.4028234663852886e38])),
      tensorFromArray('then.bias', 'float32', [2], new Float32Array([0.5, -1.5])),
      tensorFromArray('sp.values', 'float32', [2], new Float32Array([1, 2])),
      tensorFromArray('sp.indices', 'int64', [2], new BigInt64Array([0n, 15n])),
      tensorFromArray('c.values', 'float64', [1], new Float64Array([Number.MIN_VALUE])),
      tensorFromArray('c.indices', 'int64', [1], new BigInt64Array([2n])),
    ],
  };
}
