/**
 * model-json.ts, the graph and metadata ⇄ JSON code CSV and TXT share: exact one-line text
 * (bigints, -0, non-finite floats), graphs with every attribute type through one line and back,
 * the pretty layout rules, and errors with JSON paths or the host file's line:column.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import {
  graphFromJson,
  graphToJson,
  metadataFromJson,
  parseJsonExact,
  prettyJson,
  stringifyJson,
} from '../../src/io/text/model-json.js';
import { graphArb, jsonObjectArb, normalizeGraph, SAMPLE_GRAPH } from './json-fixtures.js';

function throwsAt(f: () => unknown, code: string, at: unknown): void {
  assert.throws(f, (e) => {
    assert.ok(e instanceof NnportError, String(e));
    assert.equal(e.code, code, e.message);
    assert.deepEqual(e.at, at, e.message);
    return true;
  });
}

describe('model-json', () => {
  it('writes one-line JSON exactly', () => {
    assert.equal(
      stringifyJson({
        a: [1, -0, 0.1, 1e21, 2 ** 60, 9223372036854775807n],
        b: 'é"\n',
        c: null,
        d: true,
        e: {},
      }),
      '{"a":[1,-0,0.1,1e+21,1152921504606847000,9223372036854775807],"b":"é\\"\\n","c":null,"d":true,"e":{}}',
    );
    assert.equal(
      stringifyJson([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]),
      '["NaN","Infinity","-Infinity"]',
    );
  });

  it('parses exactly: big integers as bigint, -0 signed', () => {
    assert.deepEqual(parseJsonExact('{"a": [18446744073709551615, -0, 1.5]}'), {
      a: [18446744073709551615n, -0, 1.5],
    });
  });

  it('round-trips the sample graph through one line of text', () => {
    const line = stringifyJson(graphToJson(SAMPLE_GRAPH));
    assert.ok(!line.includes('\n'));
    assert.deepEqual(graphFromJson(parseJsonExact(line), '$'), normalizeGraph(SAMPLE_GRAPH));
  });

  it('round-trips random graphs and metadata', () => {
    fc.assert(
      fc.property(graphArb, jsonObjectArb, (graph, metadata) => {
        const g = graphFromJson(parseJsonExact(stringifyJson(graphToJson(graph))), '$');
        assert.deepEqual(g, normalizeGraph(graph));
        const pretty = graphFromJson(parseJsonExact(prettyJson(graphToJson(graph), 2, true)), '$');
        assert.deepEqual(pretty, normalizeGraph(graph));
        assert.deepEqual(metadataFromJson(parseJsonExact(stringifyJson(metadata)), '$'), metadata);
      }),
      { numRuns: 300 },
    );
  });

  it('lays out pretty JSON: flat containers on one line, others one member per line', () => {
    const v = { a: [1, 2], b: { c: 1, d: [3] }, e: [{ f: 1 }, [1, [2]]], g: {}, h: [] };
    assert.equal(
      prettyJson(v, 2),
      '{\n    "a": [1, 2],\n    "b": {"c": 1, "d": [3]},\n    "e": [\n      {"f": 1},\n      [1, [2]]\n    ],\n    "g": {},\n    "h": []\n  }',
    );
    assert.equal(prettyJson({ a: 1 }, 0, true), '{\n  "a": 1\n}');
    assert.equal(prettyJson({}, 0, true), '{}');
  });

  it('reports bad graphs at their JSON paths', () => {
    const node = (attributes: unknown) => ({
      inputs: [],
      outputs: [],
      nodes: [{ name: 'n', op: 'X', inputs: [], outputs: [], attributes }],
    });
    throwsAt(() => graphFromJson([], '$.graph'), 'INVALID_STRUCTURE', { path: '$.graph' });
    throwsAt(() => graphFromJson({ inputs: [], outputs: [] }, '$.graph'), 'INVALID_STRUCTURE', {
      path: '$.graph.nodes',
    });
    throwsAt(() => graphFromJson({ ...node({}), x: 1 }, '$.graph'), 'INVALID_STRUCTURE', {
      path: '$.graph.x',
    });
    throwsAt(
      () => graphFromJson(node({ 'a b': { type: 'complex', value: 1 } }), '$.g'),
      'INVALID_STRUCTURE',
      {
        path: '$.g.nodes[0].attributes["a b"].type',
      },
    );
    throwsAt(
      () => graphFromJson(node({ a: { type: 'floats', value: [1, 'nan'] } }), '$.g'),
      'INVALID_STRUCTURE',
      {
        path: '$.g.nodes[0].attributes.a.value[1]',
      },
    );
    throwsAt(
      () => graphFromJson(node({ a: { type: 'ints', value: [2 ** 60] } }), '$.g'),
      'INVALID_STRUCTURE',
      {
        path: '$.g.nodes[0].attributes.a.value[0]',
      },
    );
    throwsAt(() => graphFromJson(node({ a: { type: 'int' } }), '$.g'), 'INVALID_STRUCTURE', {
      path: '$.g.nodes[0].attributes.a',
    });
    throwsAt(
      () => graphFromJson({ inputs: [{ name: 'x', shape: [-1] }], outputs: [], nodes: [] }, '$.g'),
      'INVALID_STRUCTURE',
      { path: '$.g.inputs[0].shape[0]' },
    );
    throwsAt(
      () => graphFromJson({ inputs: [], outputs: [], nodes: [], opsets: { '': 1.5 } }, '$.g'),
      'INVALID_STRUCTURE',
      {
        path: '$.g.opsets[""]',
      },
    );
    throwsAt(() => metadataFromJson([1], '$.metadata'), 'INVALID_STRUCTURE', { path: '$.metadata' });
  });

  it('reports syntax errors at the host file line:column', () => {
    throwsAt(() => parseJsonExact('{"a": 1,}', { line: 3, column: 12 }), 'INVALID_STRUCTURE', {
      line: 3,
      column: 20,
    });
    throwsAt(() => parseJsonExact('{"a": [1', { line: 1, column: 1 }), 'TRUNCATED', { line: 1, column: 9 });
    throwsAt(() => parseJsonExact('{"a": 1, "a": 2}'), 'INVALID_STRUCTURE', { path: '$.a' });
  });
});
