/**
 * The extended graph (issue 4) through model-json.ts: every attribute kind with `ref`/`doc`,
 * nested subgraphs, sparse and string tensors, value infos with TypeProto JSON and meta, graph and
 * node meta, per-graph initializers — graphToJson → text (one line, and the pretty layout) → parse →
 * graphFromJson gives a deep-equal graph; the documented encoding of each member; graphs without
 * the new members keep their old text; documents with such graphs pass the JSON Schema; and each
 * bad new member is refused at its JSON path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import type { Graph } from '../../src/core/graph.js';
import {
  graphFromJson,
  graphToJson,
  parseJsonExact,
  prettyJson,
  stringifyJson,
} from '../../src/io/text/model-json.js';
import { fullGraphArb, onnxLikeModel } from './graph-fixtures.js';
import { SAMPLE_GRAPH } from './json-fixtures.js';
import { schemaValidator, writeJsonText } from './json-helpers.js';

function throwsAt(f: () => unknown, code: string, at: unknown): void {
  assert.throws(f, (e) => {
    assert.ok(e instanceof NnportError, String(e));
    assert.equal(e.code, code, e.message);
    assert.deepEqual(e.at, at, e.message);
    return true;
  });
}

/** The graph as it comes back from one-line text and from the pretty layout. */
function throughText(g: Graph): [Graph, Graph] {
  const line = stringifyJson(graphToJson(g));
  assert.ok(!line.includes('\n') && !line.includes('\r'), 'one line');
  const pretty = prettyJson(graphToJson(g), 2, true);
  return [graphFromJson(parseJsonExact(line), '$'), graphFromJson(parseJsonExact(pretty), '$')];
}

const ONNX_LIKE = onnxLikeModel().graph as Graph;

describe('graph JSON: the extended graph', () => {
  it('round-trips random graphs with every member and attribute kind, through one line and pretty text', () => {
    fc.assert(
      fc.property(fullGraphArb, (graph) => {
        const [line, pretty] = throughText(graph);
        assert.deepEqual(line, graph);
        assert.deepEqual(pretty, graph);
        // Writing what was read gives the same text: the encoding is deterministic.
        assert.equal(stringifyJson(graphToJson(line)), stringifyJson(graphToJson(graph)));
      }),
      { numRuns: 400 },
    );
  });

  it('round-trips the ONNX-like graph (If/Loop bodies, sparse and string tensors, meta)', () => {
    const [line, pretty] = throughText(ONNX_LIKE);
    assert.deepEqual(line, ONNX_LIKE);
    assert.deepEqual(pretty, ONNX_LIKE);
  });

  it('encodes each new member as docs/formats/json.md says', () => {
    const g: Graph = {
      inputs: [{ name: 's', type: { sequence: { tensor: { elemType: 1 } } }, meta: { doc: 'd' } }],
      outputs: [],
      valueInfo: [{ name: 'v', dtype: 'int64', shape: [] }],
      initializers: ['w'],
      sparseInitializers: [{ name: 'sp', values: 'sp.v', indices: 'sp.i', dims: [2, 3] }],
      stringTensors: [{ name: 'st', shape: [1], values: ['a'] }],
      nodes: [
        {
          name: 'n',
          op: 'X',
          inputs: [],
          outputs: [],
          attributes: {
            a: { type: 'tensors', value: ['w'] },
            b: { type: 'graphs', value: [{ inputs: [], outputs: [], nodes: [] }] },
            c: { type: 'sparse_tensor', value: { name: 'c', values: 'c.v', indices: 'c.i', dims: [] } },
            d: { type: 'sparse_tensors', value: [] },
            e: { type: 'type_proto', value: { tensor: { elemType: 1 } } },
            f: { type: 'type_protos', value: [{ tensor: { elemType: 2 } }] },
            g: { type: 'int', value: 2 ** 60, ref: 'r', doc: 'why' },
          },
          meta: { overload: 'o' },
        },
      ],
      meta: { doc: 'top' },
    };
    assert.equal(
      stringifyJson(graphToJson(g)),
      '{"inputs":[{"name":"s","type":{"sequence":{"tensor":{"elemType":1}}},"meta":{"doc":"d"}}],"outputs":[],' +
        '"valueInfo":[{"name":"v","dtype":"int64","shape":[]}],"initializers":["w"],' +
        '"sparseInitializers":[{"name":"sp","values":"sp.v","indices":"sp.i","dims":[2,3]}],' +
        '"stringTensors":[{"name":"st","shape":[1],"values":["a"]}],' +
        '"nodes":[{"name":"n","op":"X","inputs":[],"outputs":[],"attributes":{' +
        '"a":{"type":"tensors","value":["w"]},' +
        '"b":{"type":"graphs","value":[{"inputs":[],"outputs":[],"nodes":[]}]},' +
        '"c":{"type":"sparse_tensor","value":{"name":"c","values":"c.v","indices":"c.i","dims":[]}},' +
        '"d":{"type":"sparse_tensors","value":[]},' +
        '"e":{"type":"type_proto","value":{"tensor":{"elemType":1}}},' +
        '"f":{"type":"type_protos","value":[{"tensor":{"elemType":2}}]},' +
        // An integer-valued double beyond 2^53 is written by its exact digits (not 1152921504606847000).
        '"g":{"type":"int","value":1152921504606846976,"ref":"r","doc":"why"}},' +
        '"meta":{"overload":"o"}}],"meta":{"doc":"top"}}',
    );
    // ...and reads back as the exact bigint.
    const back = graphFromJson(parseJsonExact(stringifyJson(graphToJson(g))), '$');
    assert.deepEqual(back.nodes[0]?.attributes.g, { type: 'int', value: 2n ** 60n, ref: 'r', doc: 'why' });
  });

  it('keeps the old encoding of graphs without the new members, and reads old text', () => {
    const old =
      '{"name":"main","opsets":{"":13,"ai.onnx.ml":2},"inputs":[{"name":"x","dtype":"float32","shape":[null,3,"N"]}],' +
      '"outputs":[{"name":"y"}],"nodes":[{"name":"fc","op":"Gemm","inputs":["x","fc.weight",""],"outputs":["h"],' +
      '"attributes":{"alpha":{"type":"float","value":1},"beta":{"type":"float","value":"Infinity"},' +
      '"transB":{"type":"int","value":1},"big":{"type":"int","value":9007199254740993},' +
      '"pads":{"type":"ints","value":[0,-1,9223372036854775807]},"scales":{"type":"floats","value":[0.5,"NaN",-0]},' +
      '"mode":{"type":"string","value":"a \\"quoted\\" name"},"names":{"type":"strings","value":["é",""]},' +
      '"init":{"type":"tensor","value":"fc.weight"}}},{"name":"loop","op":"If","domain":"","inputs":["h"],' +
      '"outputs":["y"],"attributes":{"then_branch":{"type":"graph","value":{"inputs":[],' +
      '"outputs":[{"name":"y","dtype":"float32","shape":[]}],"nodes":[]}}}}]}';
    assert.equal(stringifyJson(graphToJson(SAMPLE_GRAPH)), old);
    const back = graphFromJson(parseJsonExact(old), '$');
    assert.equal(stringifyJson(graphToJson(back)), old);
    assert.equal(Object.hasOwn(back, 'valueInfo') || Object.hasOwn(back, 'meta'), false);
  });

  it('keeps a null TypeProto and an empty meta distinct from absent members', () => {
    const g: Graph = {
      inputs: [{ name: 'a', type: null }, { name: 'b', meta: {} }, { name: 'c' }],
      outputs: [],
      nodes: [],
      valueInfo: [],
      initializers: [],
      sparseInitializers: [],
      stringTensors: [],
      meta: {},
    };
    const [line] = throughText(g);
    assert.deepEqual(line, g);
    assert.equal(Object.hasOwn(line.inputs[2] ?? {}, 'type'), false);
  });

  it('writes JSON documents the JSON Schema accepts, for random and ONNX-like graphs', async () => {
    const validate = schemaValidator();
    validate(JSON.parse(await writeJsonText(onnxLikeModel())));
    await fc.assert(
      fc.asyncProperty(fullGraphArb, async (graph) => {
        validate(JSON.parse(await writeJsonText({ format: 'memory', metadata: {}, graph, tensors: [] })));
      }),
      { numRuns: 150 },
    );
  });

  it('the schema refuses bad new members', () => {
    const validate = schemaValidator();
    const graph = (extra: Record<string, unknown>, attr?: unknown) => ({
      format: 'nnport',
      version: 1,
      tensors: [],
      graph: {
        inputs: [],
        outputs: [],
        nodes:
          attr === undefined
            ? []
            : [{ name: 'n', op: 'X', inputs: [], outputs: [], attributes: { a: attr } }],
        ...extra,
      },
    });
    validate(graph({ meta: {}, initializers: ['a'] }, { type: 'graphs', value: [], ref: 'x', doc: 'y' }));
    const bad = [
      graph({ meta: [] }),
      graph({ initializers: [1] }),
      graph({ sparseInitializers: [{ name: 's', values: 'v', indices: 'i' }] }),
      graph({ stringTensors: [{ name: 's', shape: [1], values: [1] }] }),
      graph({ valueInfo: [{ name: 'v', meta: 1 }] }),
      graph({}, { type: 'graphs', value: [{ inputs: [] }] }),
      graph({}, { type: 'tensors', value: 'w' }),
      graph({}, { type: 'sparse_tensor', value: { name: 's', values: 'v', indices: 'i', dims: [-1] } }),
      graph({}, { type: 'int', value: 1, ref: 2 }),
      graph({}, { type: 'int', value: 1, extra: 2 }),
      graph({}, { type: 'complex', value: 1 }),
    ];
    for (const doc of bad) assert.throws(() => validate(doc), JSON.stringify(doc));
  });

  it('reports bad new members at their JSON paths', () => {
    const withAttr = (a: unknown) => ({
      inputs: [],
      outputs: [],
      nodes: [{ name: 'n', op: 'X', inputs: [], outputs: [], attributes: { a } }],
    });
    const base = { inputs: [], outputs: [], nodes: [] };
    const cases: [unknown, string][] = [
      [withAttr({ type: 'int', value: 1, x: 1 }), '$.g.nodes[0].attributes.a.x'],
      [withAttr({ type: 'int', value: 1, ref: 1 }), '$.g.nodes[0].attributes.a.ref'],
      [withAttr({ type: 'int', value: 1, doc: null }), '$.g.nodes[0].attributes.a.doc'],
      [withAttr({ type: 'tensors', value: ['a', 1] }), '$.g.nodes[0].attributes.a.value[1]'],
      [withAttr({ type: 'graphs', value: [base, []] }), '$.g.nodes[0].attributes.a.value[1]'],
      [
        withAttr({ type: 'graphs', value: [base, { ...base, x: 1 }] }),
        '$.g.nodes[0].attributes.a.value[1].x',
      ],
      [
        withAttr({ type: 'sparse_tensor', value: { name: 's', values: 'v', indices: 'i' } }),
        '$.g.nodes[0].attributes.a.value.dims',
      ],
      [
        withAttr({ type: 'sparse_tensors', value: [{ name: 's', values: 'v', indices: 'i', dims: [1.5] }] }),
        '$.g.nodes[0].attributes.a.value[0].dims[0]',
      ],
      [withAttr({ type: 'type_protos', value: {} }), '$.g.nodes[0].attributes.a.value'],
      [withAttr({ type: 'type_proto' }), '$.g.nodes[0].attributes.a'],
      [
        {
          ...withAttr({ type: 'int', value: 1 }),
          nodes: [{ ...withAttr(1).nodes[0], attributes: {}, meta: [] }],
        },
        '$.g.nodes[0].meta',
      ],
      [{ ...base, meta: 'doc' }, '$.g.meta'],
      [{ ...base, valueInfo: {} }, '$.g.valueInfo'],
      [{ ...base, valueInfo: [{ name: 'v', meta: [] }] }, '$.g.valueInfo[0].meta'],
      [{ ...base, outputs: [{ name: 'v', typo: 1 }] }, '$.g.outputs[0].typo'],
      [{ ...base, initializers: ['a', null] }, '$.g.initializers[1]'],
      [
        { ...base, sparseInitializers: [{ name: 's', values: 'v', indices: 'i', dims: [], x: 0 }] },
        '$.g.sparseInitializers[0].x',
      ],
      [
        { ...base, sparseInitializers: [{ name: 's', values: 1, indices: 'i', dims: [] }] },
        '$.g.sparseInitializers[0].values',
      ],
      [
        { ...base, stringTensors: [{ name: 's', shape: [2, 2], values: ['a', 'b', 'c'] }] },
        '$.g.stringTensors[0].values',
      ],
      [
        { ...base, stringTensors: [{ name: 's', shape: [2 ** 40, 2 ** 40], values: [] }] },
        '$.g.stringTensors[0].values',
      ],
      [{ ...base, stringTensors: [{ name: 's', shape: [-1], values: [] }] }, '$.g.stringTensors[0].shape[0]'],
      [
        { ...base, stringTensors: [{ name: 's', shape: [1], values: [7] }] },
        '$.g.stringTensors[0].values[0]',
      ],
    ];
    for (const [value, path] of cases)
      throwsAt(() => graphFromJson(value, '$.g'), 'INVALID_STRUCTURE', { path });
  });
  it('any JSON value, or a valid graph with one member replaced: a Graph or an NnportError', () => {
    const check = (value: unknown): void => {
      try {
        graphFromJson(value, '$');
      } catch (e) {
        if (!(e instanceof NnportError)) throw e;
      }
    };
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), (v) => check(v)),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fullGraphArb, fc.nat(), fc.jsonValue({ maxDepth: 2 }), (graph, pick, replacement) => {
        const tree = parseJsonExact(stringifyJson(graphToJson(graph)));
        const slots: [Record<string, unknown>, string][] = [];
        const visit = (v: unknown): void => {
          if (typeof v !== 'object' || v === null) return;
          for (const [k, x] of Object.entries(v)) {
            slots.push([v as Record<string, unknown>, k]);
            visit(x);
          }
        };
        visit(tree);
        const slot = slots[pick % Math.max(1, slots.length)];
        if (slot !== undefined) {
          Object.defineProperty(slot[0], slot[1], { value: replacement, enumerable: true, writable: true });
        }
        check(tree);
      }),
      { numRuns: 300 },
    );
  });
});
