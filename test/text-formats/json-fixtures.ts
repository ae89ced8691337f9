/**
 * Models used by several JSON tests: a tiny model touching every part of the document (golden
 * text), a graph with every attribute type, and fast-check arbitraries for random models.
 */
import fc from 'fast-check';
import { byteLengthOf, DTYPES, type DType } from '../../src/core/dtype.js';
import type { AttributeValue, Graph, GraphNode, ValueInfo } from '../../src/core/graph.js';
import type { JsonValue, Model } from '../../src/core/model.js';
import { elementCount, type Tensor, tensorFromArray, tensorFromBytes } from '../../src/core/tensor.js';

/** A graph with every attribute type, a subgraph, symbolic shapes and opsets. */
export const SAMPLE_GRAPH: Graph = {
  name: 'main',
  opsets: { '': 13, 'ai.onnx.ml': 2 },
  inputs: [{ name: 'x', dtype: 'float32', shape: [null, 3, 'N'] }],
  outputs: [{ name: 'y' }],
  nodes: [
    {
      name: 'fc',
      op: 'Gemm',
      inputs: ['x', 'fc.weight', ''],
      outputs: ['h'],
      attributes: {
        alpha: { type: 'float', value: 1 },
        beta: { type: 'float', value: Number.POSITIVE_INFINITY },
        transB: { type: 'int', value: 1 },
        big: { type: 'int', value: 9007199254740993n },
        pads: { type: 'ints', value: [0, -1, 9223372036854775807n] },
        scales: { type: 'floats', value: [0.5, Number.NaN, -0] },
        mode: { type: 'string', value: 'a "quoted" name' },
        names: { type: 'strings', value: ['é', ''] },
        init: { type: 'tensor', value: 'fc.weight' },
      },
    },
    {
      name: 'loop',
      op: 'If',
      domain: '',
      inputs: ['h'],
      outputs: ['y'],
      attributes: {
        then_branch: {
          type: 'graph',
          value: { inputs: [], outputs: [{ name: 'y', dtype: 'float32', shape: [] }], nodes: [] },
        },
      },
    },
  ],
};

/** The tiny model whose JSON text is the golden text in json-write.test.ts. */
export function tinyModel(): Model {
  return {
    format: 'memory',
    metadata: { producer: 'nnport tests', nnport: { steps: ['read', 'write'], flags: {} } },
    graph: SAMPLE_GRAPH,
    tensors: [
      tensorFromArray(
        'fc.weight',
        'float32',
        [2, 2, 3],
        new Float32Array([
          0.1,
          0.2,
          0.3,
          1e-7,
          100,
          3.4028234663852886e38,
          Number.NaN,
          -0,
          Number.NEGATIVE_INFINITY,
          1.401298464324817e-45,
          -1.5,
          7,
        ]),
      ),
      {
        ...tensorFromArray('step', 'int64', [], new BigInt64Array([9007199254740993n])),
        meta: { torch: 'long' },
      },
      tensorFromArray('mask', 'bool', [3], new Uint8Array([1, 0, 1])),
      tensorFromArray('half', 'float16', [1, 4], new Uint16Array([0x3c00, 0x7e00, 0x7e01, 0xfc00])),
      tensorFromArray('none', 'uint64', [2, 0, 3], new BigUint64Array([])),
      tensorFromArray('nil', 'int8', [0], new Int8Array([])),
    ],
  };
}

// ---- fast-check arbitraries shared by the property tests ----

/** Characters that stress JSON escaping and UTF-8: quotes, backslashes, controls, lone surrogates, astral. */
const SPECIAL_CHARS = [
  '"',
  '\\',
  '/',
  '\n',
  '\t',
  '\u0000',
  '\u001f',
  '\u007f',
  '\u2028',
  '\ud800',
  '\udfff',
  'é',
  '😀',
  '.',
  ':0',
];

/** Any string, often with characters JSON must escape. */
export const textArb = fc.string({
  unit: fc.oneof(
    fc.constantFrom(...SPECIAL_CHARS),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 12,
});

/** A JSON object (metadata, tensor meta). */
export const jsonObjectArb = fc.dictionary(textArb, fc.jsonValue({ maxDepth: 3 }), {
  maxKeys: 4,
  noNullPrototype: true,
}) as fc.Arbitrary<Record<string, JsonValue>>;

const intArb = fc.oneof(fc.integer(), fc.bigInt({ min: -(2n ** 63n), max: 2n ** 64n - 1n }));

/** Any attribute value, graphs nested a little. */
const { graph: graphArb } = fc.letrec<{
  graph: Graph;
  node: GraphNode;
  attr: AttributeValue;
  info: ValueInfo;
}>((tie) => ({
  info: fc.record(
    {
      name: textArb,
      dtype: fc.constantFrom(...(Object.keys(DTYPES) as DType[])),
      shape: fc.array(fc.oneof(fc.nat(), textArb, fc.constant(null)), { maxLength: 4 }),
    },
    { requiredKeys: ['name'], noNullPrototype: true },
  ),
  attr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ type: fc.constant('int' as const), value: intArb }, { noNullPrototype: true }),
    fc.record({ type: fc.constant('float' as const), value: fc.double() }, { noNullPrototype: true }),
    fc.record({ type: fc.constant('string' as const), value: textArb }, { noNullPrototype: true }),
    fc.record(
      { type: fc.constant('ints' as const), value: fc.array(intArb, { maxLength: 4 }) },
      { noNullPrototype: true },
    ),
    fc.record(
      { type: fc.constant('floats' as const), value: fc.array(fc.double(), { maxLength: 4 }) },
      { noNullPrototype: true },
    ),
    fc.record(
      { type: fc.constant('strings' as const), value: fc.array(textArb, { maxLength: 3 }) },
      { noNullPrototype: true },
    ),
    fc.record({ type: fc.constant('tensor' as const), value: textArb }, { noNullPrototype: true }),
    fc.record({ type: fc.constant('graph' as const), value: tie('graph') }, { noNullPrototype: true }),
  ),
  node: fc.record(
    {
      name: textArb,
      op: textArb,
      domain: textArb,
      inputs: fc.array(textArb, { maxLength: 3 }),
      outputs: fc.array(textArb, { maxLength: 3 }),
      attributes: fc.dictionary(textArb, tie('attr'), { maxKeys: 4, noNullPrototype: true }),
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
      inputs: fc.array(tie('info'), { maxLength: 3 }),
      outputs: fc.array(tie('info'), { maxLength: 3 }),
      nodes: fc.array(tie('node'), { maxLength: 3 }),
    },
    { requiredKeys: ['inputs', 'outputs', 'nodes'], noNullPrototype: true },
  ),
}));

export { graphArb };

/** A graph as it reads back: int attribute values that are safe integers become numbers. */
export function normalizeGraph(g: Graph): Graph {
  const int = (v: number | bigint): number | bigint =>
    typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(v)
      : v;
  const attr = (a: AttributeValue): AttributeValue => {
    switch (a.type) {
      case 'int':
        return { type: 'int', value: int(a.value) };
      case 'ints':
        return { type: 'ints', value: a.value.map(int) };
      case 'graph':
        return { type: 'graph', value: normalizeGraph(a.value) };
      default:
        return a;
    }
  };
  return {
    ...g,
    nodes: g.nodes.map((n) => {
      const attributes: Record<string, AttributeValue> = {};
      for (const [k, a] of Object.entries(n.attributes)) {
        Object.defineProperty(attributes, k, {
          value: attr(a),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return { ...n, attributes };
    }),
  };
}

/** Canonical bytes of `count` random elements of `dtype` (bool as 0/1). */
export function bytesArb(dtype: DType, count: number): fc.Arbitrary<Uint8Array> {
  const n = byteLengthOf(dtype, count);
  if (dtype === 'bool') return fc.uint8Array({ min: 0, max: 1, minLength: n, maxLength: n });
  const bits = DTYPES[dtype].bits;
  const padding = (8 - ((bits * count) % 8)) % 8;
  if (bits >= 8 || padding === 0) return fc.uint8Array({ minLength: n, maxLength: n });
  // Sub-byte dtypes: the padding bits of the last byte are 0 in canonical bytes.
  return fc.uint8Array({ minLength: n, maxLength: n }).map((b) => {
    b[n - 1] &= 0xff >> padding;
    return b;
  });
}

/** A tensor with a random dtype, shape (scalars, zero-size), name, bits and sometimes meta. */
export const tensorArb: fc.Arbitrary<Tensor> = fc
  .record({
    name: textArb,
    dtype: fc.constantFrom(...(Object.keys(DTYPES) as DType[])),
    shape: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 4 }),
    meta: fc.option(jsonObjectArb, { nil: undefined }),
  })
  .chain(({ name, dtype, shape, meta }) =>
    bytesArb(dtype, elementCount(shape)).map((bytes) => tensorFromBytes(name, dtype, shape, bytes, meta)),
  );

/** A random model: unique tensor names, random metadata, sometimes a graph. */
export const modelArb: fc.Arbitrary<Model> = fc
  .record({
    metadata: jsonObjectArb,
    graph: fc.option(graphArb, { nil: undefined }),
    tensors: fc.uniqueArray(tensorArb, { maxLength: 5, selector: (t) => t.name }),
  })
  .map(({ metadata, graph, tensors }) =>
    graph === undefined
      ? { format: 'memory', metadata, tensors }
      : { format: 'memory', metadata, graph, tensors },
  );
