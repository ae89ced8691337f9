/**
 * Fiats network JSON (src/formats/fiats): the two real Fiats files read to the values Python's
 * json module reads; written back line for line (here: byte for byte) as the 0.15.0 file; every
 * written file walked the way Fiats' Fortran reader walks it; the activation, maps and metadata
 * rules; refusals that write nothing; warnings about a linear output layer; reader errors and
 * any-bytes property.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import type { Probe } from '../../src/core/format.js';
import type { Graph } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { fiatsFormat } from '../../src/formats/fiats/index.js';
import { jsonFormat } from '../../src/formats/json/index.js';
import { nexportJsonFormat } from '../../src/formats/nexport/index.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import {
  FIATS_CURRENT,
  FIATS_OLD,
  floats,
  mlp,
  readWith,
  rejectsWith,
  runPython,
  sha256,
  utf8,
  writeWith,
} from '../nexport/helpers.js';
import { readLikeFiats } from './line-reader.js';

function probeOf(bytes: Uint8Array, name = 'model.json'): Probe {
  return { name, head: bytes.subarray(0, 4096), size: bytes.length, isFolder: false };
}

/** SHA-256 of each layer's weights and biases as float64 little-endian, as Python's json reads them. */
const PYTHON_DIGESTS = `
import json, struct, hashlib, sys
d = json.load(open(sys.argv[1]))
for L in d['hidden_layers'] + [d['output_layer']]:
    w = b''.join(struct.pack('<d', x) for n in L for x in n['weights'])
    b = b''.join(struct.pack('<d', n['bias']) for n in L)
    print(hashlib.sha256(w).hexdigest(), hashlib.sha256(b).hexdigest())
`;

for (const [label, path, tagKey, tag] of [
  ['0.15.0', FIATS_CURRENT, 'minimum_acceptable_tag', '0.15.0'],
  ['nexport 0.4.7', FIATS_OLD, 'acceptable_engine_tag', '0.4.7'],
] as const) {
  test(`fixture ${label}: 4 → 64 → 20, gelu, values as Python's json reads them, written back as the 0.15.0 file`, async (t) => {
    if (!existsSync(path)) {
      t.skip('../shared/fixtures absent');
      return;
    }
    const bytes = new Uint8Array(readFileSync(path));
    assert.equal(fiatsFormat.detect(probeOf(bytes)), 'content');
    assert.equal(nexportJsonFormat.detect(probeOf(bytes)), undefined);
    assert.equal(jsonFormat.detect(probeOf(bytes)), undefined);
    const model = await readWith(fiatsFormat, bytes);
    assert.deepEqual(
      model.tensors.map((x) => [x.name, x.dtype, x.shape]),
      [
        ['layers.0.weight', 'float64', [64, 4]],
        ['layers.0.bias', 'float64', [64]],
        ['layers.1.weight', 'float64', [20, 64]],
        ['layers.1.bias', 'float64', [20]],
      ],
    );
    const fiats = model.metadata.fiats as Record<string, unknown>;
    assert.equal(fiats[tagKey], tag);
    assert.equal(fiats.activation, 'gelu');
    assert.deepEqual((fiats.metadata as Record<string, unknown>).modelName, 'E3SM2_trunknet');
    assert.deepEqual(
      model.graph?.nodes.map((n) => n.op),
      ['Gemm', 'Gelu', 'Gemm', 'Gelu'],
    );
    const digests = runPython(PYTHON_DIGESTS, { args: [path], modules: [] })
      .trim()
      .split('\n');
    const ours: string[] = [];
    for (let i = 0; i < model.tensors.length; i += 2) {
      ours.push(
        `${sha256(await readTensorBytes(model.tensors[i]))} ${sha256(await readTensorBytes(model.tensors[i + 1]))}`,
      );
    }
    assert.deepEqual(ours, digests);

    const { text, warnings } = await writeWith(fiatsFormat, model);
    assert.deepEqual(warnings, []);
    const current = existsSync(FIATS_CURRENT) ? readFileSync(FIATS_CURRENT, 'utf8') : '';
    assert.equal(text, current, 'line for line, number for number, the 0.15.0 file');
    const walked = readLikeFiats(text);
    assert.deepEqual(walked.nodes, [4, 64, 20]);
    const back = await readWith(fiatsFormat, text);
    for (const [i, x] of model.tensors.entries()) {
      assert.deepEqual(await readTensorBytes(back.tensors[i]), await readTensorBytes(x), x.name);
    }
  });
}

test("fixture: nexport's experimental JSON layout is the Fiats file without the tag line and maps", async (t) => {
  if (!existsSync(FIATS_CURRENT)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const fixture = readFileSync(FIATS_CURRENT, 'utf8').split('\n');
  const model = await readWith(fiatsFormat, readFileSync(FIATS_CURRENT));
  const { text } = await writeWith(nexportJsonFormat, model, { layout: 'json_exp' });
  assert.equal(text, [fixture[0], ...fixture.slice(2, 9), ...fixture.slice(19)].join('\n'));
});

test('written files have the structure Fiats reads, for many shapes, and read back bit for bit', async () => {
  for (const widths of [
    [1, 1, 1],
    [3, 5, 4, 2],
    [2, 1, 7, 1, 3],
    [6, 2, 2, 2, 2, 1],
  ]) {
    const model = mlp(widths, { seed: widths.length });
    const { text } = await writeWith(fiatsFormat, model, { activation: 'swish' });
    const walked = readLikeFiats(text);
    assert.deepEqual(walked.nodes, widths);
    assert.equal(walked.activation, 'swish');
    const back = await readWith(fiatsFormat, text);
    for (const [i, x] of model.tensors.entries()) {
      assert.deepEqual(await readTensorBytes(back.tensors[i]), await readTensorBytes(x), x.name);
    }
    assert.deepEqual(
      back.graph?.nodes.slice(0, 2).map((n) => [n.op, n.domain]),
      [
        ['Gemm', undefined],
        ['swish', 'fiats'],
      ],
    );
    assert.deepEqual(back.graph?.opsets, { '': 20, fiats: 1 });
  }
});

test('float32 weights are written with float32-shortest digits and read back to the same float32 values', async () => {
  const model = mlp([3, 4, 2], { dtype: 'float32' });
  const { text } = await writeWith(fiatsFormat, model, { activation: 'relu' });
  assert.ok(!/\d{10}/.test(text.split('\n').slice(20).join('\n')), 'no float64 expansions of float32 values');
  const back = await readWith(fiatsFormat, text);
  for (const [i, x] of model.tensors.entries()) {
    const want = new Float32Array((await readTensorBytes(x)).slice().buffer);
    const got = new Float64Array((await readTensorBytes(back.tensors[i])).slice().buffer);
    assert.deepEqual(Float32Array.from(got), want);
  }
});

test("the source's maps and metadata are kept; otherwise identity maps and empty strings", async () => {
  const source = mlp([2, 3, 1], {
    metadata: {
      fiats: {
        activation: 'sigmoid',
        metadata: {
          modelName: 'n',
          modelAuthor: 'a',
          compilationDate: 'd',
          activationFunction: 'sigmoid',
          usingSkipConnections: 'false',
        },
        inputs_map: { layer: 'inputs', intercept: [1.5, -2], slope: [0.5, 4] },
        outputs_map: { layer: 'outputs', intercept: [10], slope: [2] },
      },
    },
  });
  const { text } = await writeWith(fiatsFormat, source);
  const lines = text.split('\n');
  assert.deepEqual(lines.slice(2, 20), [
    '    "metadata": {',
    '        "modelName": "n",',
    '        "modelAuthor": "a",',
    '        "compilationDate": "d",',
    '        "activationFunction": "sigmoid",',
    '        "usingSkipConnections": "false"',
    '    },',
    '    "inputs_map": {',
    '        "layer": "inputs",',
    '        "intercept": [1.5, -2.0],',
    '        "slope": [0.5, 4.0]',
    '    },',
    '    "outputs_map": {',
    '        "layer": "outputs",',
    '        "intercept": [10.0],',
    '        "slope": [2.0]',
    '    },',
    '    "hidden_layers": [',
  ]);
  assert.deepEqual(readLikeFiats(text).inputsMap, { intercept: [1.5, -2], slope: [0.5, 4] });
  const plain = (await writeWith(fiatsFormat, mlp([2, 3, 1]), { activation: 'step' })).text.split('\n');
  assert.deepEqual(plain.slice(3, 8), [
    '        "modelName": "",',
    '        "modelAuthor": "",',
    '        "compilationDate": "",',
    '        "activationFunction": "step",',
    '        "usingSkipConnections": false',
  ]);
  assert.deepEqual(plain.slice(11, 13), ['        "intercept": [0.0, 0.0],', '        "slope": [1.0, 1.0]']);
});

/** Asserts that writing `model` fails with `code` and leaves no output. */
async function refusedWithoutOutput(
  model: Model,
  code: 'USAGE' | 'UNREPRESENTABLE',
  options: Record<string, unknown> = {},
) {
  const target = new MemoryTarget('out.json');
  try {
    // biome-ignore lint/style/noNonNullAssertion: the Fiats plug-in writes
    await fiatsFormat.write!(model, target, options);
  } catch (e) {
    assert.ok(e instanceof NnportError, String(e));
    assert.equal(e.code, code, e.message);
    assert.equal(target.files.size, 0, 'nothing written');
    return e;
  }
  assert.fail(`expected ${code}`);
}

test('refusals write nothing: no activation, an activation Fiats lacks, one layer, bad metadata, bad maps, conv', async () => {
  await refusedWithoutOutput(mlp([2, 3, 1]), 'USAGE');
  await refusedWithoutOutput(mlp([2, 3, 1]), 'USAGE', { activation: 'tanh' });
  await refusedWithoutOutput(
    mlp([2, 3, 1], { metadata: { nexport: { activation: 'tanh' } } }),
    'UNREPRESENTABLE',
  );
  const one = await refusedWithoutOutput(mlp([2, 3]), 'UNREPRESENTABLE', { activation: 'relu' });
  assert.deepEqual(one.at, { tensor: 'layers.0.weight' });
  await refusedWithoutOutput(
    mlp([2, 3, 1], { metadata: { fiats: { metadata: { modelName: 'say "hi"' } } } }),
    'UNREPRESENTABLE',
    { activation: 'relu' },
  );
  await refusedWithoutOutput(
    mlp([2, 3, 1], { metadata: { fiats: { inputs_map: { layer: 'inputs', intercept: [0], slope: [1] } } } }),
    'UNREPRESENTABLE',
    { activation: 'relu' },
  );
  const conv = await refusedWithoutOutput(
    {
      format: 'memory',
      metadata: {},
      tensors: [floats('c.weight', [1, 1, 1, 2], [1, 2]), floats('c.bias', [1], [0])],
    },
    'UNREPRESENTABLE',
    { activation: 'relu' },
  );
  assert.deepEqual(conv.at, { tensor: 'c.weight' });
});

function gemmGraph(
  widths: number[],
  activation: string | undefined,
  lastActivation: string | undefined,
): Graph {
  const nodes: Graph['nodes'][number][] = [];
  let value = 'x';
  for (let i = 0; i + 1 < widths.length; i++) {
    nodes.push({
      name: `g${i}`,
      op: 'Gemm',
      inputs: [value, `layers.${i}.weight`, `layers.${i}.bias`],
      outputs: [`z${i}`],
      attributes: { transB: { type: 'int', value: 1 } },
    });
    value = `z${i}`;
    const act = i + 2 === widths.length ? lastActivation : activation;
    if (act !== undefined) {
      nodes.push({ name: `a${i}`, op: act, inputs: [value], outputs: [`a${i}`], attributes: {} });
      value = `a${i}`;
    }
  }
  return { nodes, inputs: [{ name: 'x' }], outputs: [{ name: value }] };
}

test('warnings: a linear output layer (graph, sklearn identity), other differing layers, an overridden activation', async () => {
  const linearOut = mlp([2, 3, 1], { graph: gemmGraph([2, 3, 1], 'Relu', undefined) });
  const a = await writeWith(fiatsFormat, linearOut);
  assert.equal(a.warnings.length, 1);
  assert.match(a.warnings[0], /output layer \(layers\.1\.weight\) is linear/);
  assert.match(readLikeFiats(a.text).activation, /^relu$/);

  const sklearn: Model = {
    format: 'memory',
    metadata: { sklearn: { params: { activation: 'logistic' }, out_activation: 'identity' } },
    tensors: [
      floats('coefs_.0', [2, 3], [1, 2, 3, 4, 5, 6]),
      floats('coefs_.1', [3, 1], [1, 2, 3]),
      floats('intercepts_.0', [3], [0, 0, 0]),
      floats('intercepts_.1', [1], [0]),
      floats('_optimizer.vs.0', [2, 3], [0, 0, 0, 0, 0, 0]),
    ],
  };
  const b = await writeWith(fiatsFormat, sklearn);
  const walked = readLikeFiats(b.text);
  assert.equal(walked.activation, 'sigmoid');
  assert.deepEqual(walked.weights[0], [
    [1, 4],
    [2, 5],
    [3, 6],
  ]);
  assert.equal(b.warnings.length, 2);
  assert.match(b.warnings[0], /not part of the network, not written: _optimizer\.vs\.0/);
  assert.match(b.warnings[1], /output layer \(coefs_\.1\) is linear/);

  const overridden = await writeWith(
    fiatsFormat,
    mlp([2, 3, 1], { graph: gemmGraph([2, 3, 1], 'Sigmoid', 'Sigmoid') }),
    { activation: 'gelu' },
  );
  assert.equal(overridden.warnings.length, 2);
  assert.match(overridden.warnings[0], /--activation gelu replaces the model's sigmoid/);

  const same = await writeWith(fiatsFormat, mlp([2, 3, 1], { graph: gemmGraph([2, 3, 1], 'Relu', 'Relu') }));
  assert.deepEqual(same.warnings, []);
});

test('reader: INVALID_STRUCTURE for maps that do not fit, TRUNCATED for a cut file', async () => {
  const { text } = await writeWith(fiatsFormat, mlp([2, 3, 1]), { activation: 'relu' });
  await rejectsWith(
    readWith(fiatsFormat, text.replace('"intercept": [0.0, 0.0]', '"intercept": [0.0]')),
    'INVALID_STRUCTURE',
    {
      path: '$.inputs_map.intercept',
    },
  );
  await rejectsWith(
    readWith(fiatsFormat, text.replace('"slope": [1.0]', '"slope": ["1"]')),
    'INVALID_STRUCTURE',
    {
      path: '$.outputs_map.slope',
    },
  );
  await rejectsWith(readWith(fiatsFormat, text.slice(0, -30)), 'TRUNCATED');
});

test('property: any bytes give a model or an NnportError', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 300 }),
        fc.json().map((s) => utf8(`{"minimum_acceptable_tag": "0.15.0", "x": ${s}}`)),
        fc
          .string()
          .map((s) =>
            utf8(
              `{"minimum_acceptable_tag": "0.15.0", "inputs_map": {"intercept": ${s}}, "hidden_layers": [], "output_layer": [{"weights": [1], "bias": 0}]}`,
            ),
          ),
      ),
      async (bytes) => {
        try {
          await readWith(fiatsFormat, bytes);
        } catch (e) {
          assert.ok(e instanceof NnportError, String(e));
        }
      },
    ),
    { numRuns: 400 },
  );
});

test('property: random networks round-trip bit for bit and keep the Fiats line structure', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 3, maxLength: 6 }),
      fc.integer(),
      fc.constantFrom('gelu', 'relu', 'sigmoid', 'step', 'swish'),
      async (widths, seed, activation) => {
        const model = mlp(widths, { seed });
        const { text } = await writeWith(fiatsFormat, model, { activation });
        assert.deepEqual(readLikeFiats(text).nodes, widths);
        const back = await readWith(fiatsFormat, text);
        for (const [i, x] of model.tensors.entries()) {
          assert.deepEqual(await readTensorBytes(back.tensors[i]), await readTensorBytes(x));
        }
      },
    ),
    { numRuns: 60 },
  );
});

test('metadata options (as nexport.export takes them) override the source', async () => {
  const { text } = await writeWith(fiatsFormat, mlp([2, 3, 1]), {
    activation: 'relu',
    modelName: 'surrogate',
    modelAuthor: 'me',
    usingSkipConnections: true,
  });
  assert.deepEqual(text.split('\n').slice(3, 8), [
    '        "modelName": "surrogate",',
    '        "modelAuthor": "me",',
    '        "compilationDate": "",',
    '        "activationFunction": "relu",',
    '        "usingSkipConnections": true',
  ]);
  const nexport = await writeWith(nexportJsonFormat, mlp([2, 1]), { modelAuthor: 'me' });
  assert.match(nexport.text, /^\{\n {4}"metadata": \{\n {8}"modelName": null,\n {8}"modelAuthor": "me",/);
  await refusedWithoutOutput(mlp([2, 3, 1]), 'USAGE', { activation: 'relu', modelName: 3 });
});
