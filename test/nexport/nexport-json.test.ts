/**
 * nexport JSON (src/formats/nexport): the writer's text is what Python's `json.dumps(indent=4)`
 * makes of the same object (checked with live Python), both layouts read back bit for bit, the
 * reader refuses malformed documents with coded errors, and any bytes give a model or an
 * NnportError.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import type { Probe } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { fiatsFormat } from '../../src/formats/fiats/index.js';
import { jsonFormat } from '../../src/formats/json/index.js';
import { nexportJsonFormat } from '../../src/formats/nexport/index.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { floats, mlp, readWith, rejectsWith, runPython, utf8, writeWith } from './helpers.js';

async function sameTensors(a: Model, b: Model): Promise<void> {
  assert.deepEqual(
    a.tensors.map((t) => [t.name, t.dtype, t.shape]),
    b.tensors.map((t) => [t.name, t.dtype, t.shape]),
  );
  for (const [i, t] of a.tensors.entries()) {
    assert.deepEqual(await readTensorBytes(t), await readTensorBytes(b.tensors[i]), t.name);
  }
}

function probe(text: string, name = 'm.json'): Probe {
  const head = utf8(text);
  return { name, head: head.subarray(0, 4096), size: head.length, isFolder: false };
}

const DUMPS = 'import json, sys\nd = json.load(sys.stdin)\nsys.stdout.write(json.dumps(d, indent=4))';

test("the text is json.dumps(indent=4) of itself: Python's layout, key order and float repr", async () => {
  for (const model of [
    mlp([3, 5, 4, 2], { metadata: { nexport: { activation: 'relu' } } }),
    mlp([2, 1], { dtype: 'float32' }),
    mlp([1, 3, 1], { metadata: { fiats: { metadata: { modelName: 'café "net"', modelAuthor: null } } } }),
  ]) {
    const { text } = await writeWith(nexportJsonFormat, model, { activation: 'sigmoid' });
    assert.equal(runPython(DUMPS, { modules: [], input: text }), text);
  }
});

test('round trip: read(write(m)) holds the same float64 tensors, metadata and a graph of the activation', async () => {
  const model = mlp([3, 5, 4, 2], { metadata: { nexport: { activation: 'tanh' } } });
  const { text } = await writeWith(nexportJsonFormat, model);
  const back = await readWith(nexportJsonFormat, text);
  await sameTensors(back, model);
  assert.equal(back.format, 'nexport-json');
  const section = back.metadata.nexport as Record<string, unknown>;
  assert.equal(section.activation, 'tanh');
  assert.deepEqual(section.metadata, {
    modelName: null,
    modelAuthor: null,
    compilationDate: null,
    activationFunction: 'tanh',
    usingSkipConnections: null,
  });
  assert.deepEqual(
    back.graph?.nodes.map((n) => n.op),
    ['Gemm', 'Tanh', 'Gemm', 'Tanh', 'Gemm', 'Tanh'],
  );
  assert.deepEqual(back.graph?.inputs, [{ name: 'inputs', dtype: 'float64', shape: [null, 3] }]);
  assert.deepEqual(back.graph?.outputs, [{ name: 'outputs', dtype: 'float64', shape: [null, 2] }]);
  assert.deepEqual(back.graph?.opsets, { '': 20 });
});

test('no activation known: no metadata object, no graph', async () => {
  const { text } = await writeWith(nexportJsonFormat, mlp([2, 2, 1]));
  assert.ok(text.startsWith('{\n    "hidden_layers": [\n'));
  const back = await readWith(nexportJsonFormat, text);
  assert.equal(back.graph, undefined);
  assert.deepEqual(back.metadata, { nexport: {} });
});

test('json_exp layout (nexport export_to_json_experimental): one neuron per four lines, read back the same', async () => {
  const model = mlp([2, 3, 1]);
  const { text } = await writeWith(nexportJsonFormat, model, { layout: 'json_exp', activation: 'relu' });
  const lines = text.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['{', '    "metadata": {', '        "modelName": null,']);
  assert.match(lines[11], /^ {16}"weights": \[[^\]]+, [^\]]+\],$/);
  assert.equal(lines[lines.length - 1], '}');
  await sameTensors(await readWith(nexportJsonFormat, text), model);
  await rejectsWith(writeWith(nexportJsonFormat, model, { layout: 'pretty' }), 'USAGE');
});

test('a single dense layer writes "hidden_layers": [] as json.dumps does', async () => {
  const { text } = await writeWith(nexportJsonFormat, mlp([3, 2]));
  assert.ok(text.startsWith('{\n    "hidden_layers": [],\n    "output_layer": [\n'));
  assert.equal(runPython(DUMPS, { modules: [], input: text }), text);
  assert.equal((await readWith(nexportJsonFormat, text)).tensors.length, 2);
});

test("non-finite values use Python json's NaN / Infinity and read back", async () => {
  const model = {
    format: 'memory',
    metadata: {},
    tensors: [
      floats('a.weight', [1, 3], [Number.NaN, Number.POSITIVE_INFINITY, -0]),
      floats('a.bias', [1], [Number.NEGATIVE_INFINITY]),
    ],
  };
  const { text } = await writeWith(nexportJsonFormat, model);
  assert.match(text, /NaN,\n\s+Infinity,\n\s+-0\.0\n/);
  assert.match(text, /"bias": -Infinity/);
  const back = await readWith(nexportJsonFormat, text);
  assert.deepEqual(
    [...new Float64Array((await readTensorBytes(back.tensors[0])).slice().buffer)],
    [Number.NaN, Number.POSITIVE_INFINITY, -0],
  );
  const python = runPython(
    'import json, sys\nd = json.load(sys.stdin)\nprint(d["output_layer"][0]["weights"])',
    { modules: [], input: text },
  );
  assert.equal(python.trim(), '[nan, inf, -0.0]');
});

test('a linear output layer is reported when an activation is written for every layer', async () => {
  const model = mlp([2, 3, 1], {
    metadata: { sklearn: { params: { activation: 'relu' }, out_activation: 'identity' } },
  });
  const { warnings } = await writeWith(nexportJsonFormat, model);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0], /output layer .* linear/);
});

test('nexport before v0.4.6 named its metadata "model"; that is read too', async () => {
  const text =
    '{"model": {"modelName": "x", "modelAuthor": null, "compilationDate": "d"}, "hidden_layers": [], "output_layer": [{"weights": [1.5], "bias": 0.5}]}';
  const back = await readWith(nexportJsonFormat, text);
  assert.deepEqual((back.metadata.nexport as Record<string, unknown>).model, {
    modelName: 'x',
    modelAuthor: null,
    compilationDate: 'd',
  });
  assert.equal(back.graph, undefined);
});

test('detection: nexport documents by content; nnport JSON and Fiats files are not claimed', async () => {
  assert.equal(nexportJsonFormat.detect(probe('{\n    "hidden_layers": [')), 'content');
  assert.equal(nexportJsonFormat.detect(probe('{"output_layer": []}')), 'content');
  assert.equal(nexportJsonFormat.detect(probe('{\n    "metadata": {\n        "modelName": "x",')), 'content');
  assert.equal(nexportJsonFormat.detect(probe('{"metadata": {}, "tensors": []}')), undefined);
  assert.equal(
    nexportJsonFormat.detect(probe('{"format": "nnport", "metadata": {"hidden_layers": 1}}')),
    undefined,
  );
  assert.equal(nexportJsonFormat.detect(probe('{\n    "minimum_acceptable_tag": "0.15.0",')), undefined);
  assert.equal(nexportJsonFormat.detect(probe('[1, 2]')), undefined);
  const nnport = new MemoryTarget('x.json');
  // biome-ignore lint/style/noNonNullAssertion: the JSON plug-in writes
  await jsonFormat.write!(mlp([2, 1]), nnport, {});
  const text = new TextDecoder().decode(nnport.bytes);
  assert.equal(nexportJsonFormat.detect(probe(text)), undefined);
  assert.equal(fiatsFormat.detect(probe(text)), undefined);
  const { text: ours } = await writeWith(nexportJsonFormat, mlp([2, 1]), { activation: 'relu' });
  assert.equal(nexportJsonFormat.detect(probe(ours)), 'content');
  assert.equal(jsonFormat.detect(probe(ours)), undefined);
});

test('INVALID_STRUCTURE: the layout is checked, with JSON paths', async () => {
  const neuron = '{"weights": [1, 2], "bias": 0}';
  const cases: [string, string][] = [
    ['[1, 2]', '$'],
    [`{"hidden_layers": []}`, '$'],
    [`{"output_layer": [${neuron}]}`, '$'],
    [`{"hidden_layers": [], "output_layer": [{"weights": [1, 2]}]}`, '$.output_layer[0]'],
    [`{"hidden_layers": [], "output_layer": [{"bias": 1}]}`, '$.output_layer[0]'],
    [`{"hidden_layers": [], "output_layer": [${neuron}, {"weights": [1], "bias": 0}]}`, '$.output_layer[1]'],
    [`{"hidden_layers": [[${neuron}]], "output_layer": [${neuron}]}`, '$.output_layer'],
    [
      `{"hidden_layers": [], "output_layer": [{"weights": ["1"], "bias": 0}]}`,
      '$.output_layer[0].weights[0]',
    ],
    [
      `{"hidden_layers": [], "output_layer": [{"weights": [1], "bias": 0, "extra": 1}]}`,
      '$.output_layer[0].extra',
    ],
    [`{"hidden_layers": [], "hidden_layers": [], "output_layer": []}`, '$.hidden_layers'],
    [`{"hidden_layers": [[]], "output_layer": [${neuron}]}`, '$.hidden_layers[0]'],
    [`{"hidden_layers": [], "output_layer": [{"weights": [], "bias": 0}]}`, '$.output_layer[0].weights'],
    [`{"hidden_layers": {}, "output_layer": []}`, '$.hidden_layers'],
    [`{"hidden_layers": [], "output_layer": [[1]]}`, '$.output_layer[0]'],
  ];
  for (const [text, path] of cases) {
    await rejectsWith(readWith(nexportJsonFormat, text), 'INVALID_STRUCTURE', { path });
  }
  // The scanner's own errors have a line and column.
  const e = await rejectsWith(
    readWith(nexportJsonFormat, '{"hidden_layers": [], "output_layer": [nan]}'),
    'INVALID_STRUCTURE',
  );
  assert.deepEqual(e.at, { line: 1, column: 40 });
});

test('TRUNCATED: a document cut short', async () => {
  const { text } = await writeWith(nexportJsonFormat, mlp([2, 3, 1]));
  await rejectsWith(readWith(nexportJsonFormat, text.slice(0, text.length - 20)), 'TRUNCATED');
});

test('LIMIT_EXCEEDED: metadata nested beyond MAX_JSON_DEPTH', async () => {
  const deep = `${'['.repeat(300)}${']'.repeat(300)}`;
  await rejectsWith(
    readWith(nexportJsonFormat, `{"metadata": ${deep}, "hidden_layers": [], "output_layer": []}`),
    'LIMIT_EXCEEDED',
  );
});

test('property: any bytes give a model or an NnportError', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.json().map((s) => utf8(s)),
        fc
          .constantFrom(
            '{"hidden_layers": [[{"weights": [1',
            '{"output_layer": [{"bias": 1, "weights": [1e400]}], "hidden_layers": []}',
          )
          .map(utf8),
      ),
      async (bytes) => {
        try {
          await readWith(nexportJsonFormat, bytes);
        } catch (e) {
          assert.ok(e instanceof NnportError, String(e));
        }
      },
    ),
    { numRuns: 400 },
  );
});

test('property: random chains of dense layers round-trip bit for bit, both layouts', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 5 }),
      fc.integer(),
      fc.constantFrom('json', 'json_exp'),
      async (widths, seed, layout) => {
        const model = mlp(widths, { seed });
        const { text } = await writeWith(nexportJsonFormat, model, { layout });
        await sameTensors(await readWith(nexportJsonFormat, text), model);
      },
    ),
    { numRuns: 60 },
  );
});
