/**
 * The JSON writer: golden text for a tiny model (layout, key order, value spellings, a 3-level
 * tensor with innermost rows on one line, empty and scalar tensors, meta, metadata, graph), JSON
 * Schema validity (ajv, draft 2020-12), determinism, and identical bytes with workers.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Model } from '../../src/core/model.js';
import { tensorFromArray } from '../../src/core/tensor.js';
import { tinyModel } from './json-fixtures.js';
import {
  assertSameTensors,
  fakeParallel,
  readJsonBytes,
  schemaValidator,
  writeJsonBytes,
  writeJsonText,
} from './json-helpers.js';

/** The tiny model's text, byte for byte (json-fixtures.ts). */
const GOLDEN = String.raw`{
  "format": "nnport",
  "version": 1,
  "metadata": {
    "producer": "nnport tests",
    "nnport": {
      "steps": ["read", "write"],
      "flags": {}
    }
  },
  "graph": {
    "name": "main",
    "opsets": {"": 13, "ai.onnx.ml": 2},
    "inputs": [
      {"name": "x", "dtype": "float32", "shape": [null, 3, "N"]}
    ],
    "outputs": [
      {"name": "y"}
    ],
    "nodes": [
      {
        "name": "fc",
        "op": "Gemm",
        "inputs": ["x", "fc.weight", ""],
        "outputs": ["h"],
        "attributes": {
          "alpha": {"type": "float", "value": 1},
          "beta": {"type": "float", "value": "Infinity"},
          "transB": {"type": "int", "value": 1},
          "big": {"type": "int", "value": 9007199254740993},
          "pads": {"type": "ints", "value": [0, -1, 9223372036854775807]},
          "scales": {"type": "floats", "value": [0.5, "NaN", -0]},
          "mode": {"type": "string", "value": "a \"quoted\" name"},
          "names": {"type": "strings", "value": ["é", ""]},
          "init": {"type": "tensor", "value": "fc.weight"}
        }
      },
      {
        "name": "loop",
        "op": "If",
        "domain": "",
        "inputs": ["h"],
        "outputs": ["y"],
        "attributes": {
          "then_branch": {
            "type": "graph",
            "value": {
              "inputs": [],
              "outputs": [
                {"name": "y", "dtype": "float32", "shape": []}
              ],
              "nodes": []
            }
          }
        }
      }
    ]
  },
  "tensors": [
    {
      "name": "fc.weight",
      "dtype": "float32",
      "shape": [2, 2, 3],
      "data": [
        [
          [0.1, 0.2, 0.3],
          [1e-7, 100, 3.4028235e+38]
        ],
        [
          ["NaN", -0, "-Infinity"],
          [1e-45, -1.5, 7]
        ]
      ]
    },
    {
      "name": "step",
      "dtype": "int64",
      "shape": [],
      "meta": {
        "torch": "long"
      },
      "data": 9007199254740993
    },
    {
      "name": "mask",
      "dtype": "bool",
      "shape": [3],
      "data": [true, false, true]
    },
    {
      "name": "half",
      "dtype": "float16",
      "shape": [1, 4],
      "data": [
        [1, "NaN", "NaN(0x7e01)", "-Infinity"]
      ]
    },
    {
      "name": "none",
      "dtype": "uint64",
      "shape": [2, 0, 3],
      "data": [
        [],
        []
      ]
    },
    {
      "name": "nil",
      "dtype": "int8",
      "shape": [0],
      "data": []
    }
  ]
}
`;

/** A large rank-3 tensor whose rows do not divide the chunk size, so chunks end mid-row. */
function bigModel(): Model {
  const n = 3 * 1000 * 129;
  const values = new Float32Array(n);
  for (let i = 0; i < n; i++) values[i] = Math.fround(Math.sin(i) * 10 ** ((i % 17) - 8));
  values[5] = Number.NaN;
  return {
    format: 'memory',
    metadata: {},
    tensors: [
      tensorFromArray('small', 'int32', [2], new Int32Array([1, 2])),
      tensorFromArray('big', 'float32', [3, 1000, 129], values),
      tensorFromArray('tail', 'float64', [1], new Float64Array([0.1])),
    ],
  };
}

describe('JSON writer', () => {
  it('writes the golden text for a tiny model', async () => {
    assert.equal(await writeJsonText(tinyModel()), GOLDEN);
  });

  it('writes a document the JSON Schema accepts', async () => {
    const validate = schemaValidator();
    validate(JSON.parse(await writeJsonText(tinyModel())));
    validate(JSON.parse(await writeJsonText({ format: 'memory', metadata: {}, tensors: [] })));
  });

  it('the schema refuses documents that break its rules', () => {
    const validate = schemaValidator();
    const good = {
      format: 'nnport',
      version: 1,
      tensors: [{ name: 'a', dtype: 'int8', shape: [1], data: [1] }],
    };
    validate(good);
    const bad = [
      { ...good, format: 'other' },
      { ...good, version: 2 },
      { ...good, extra: 1 },
      { ...good, tensors: [{ name: 'a', dtype: 'int9', shape: [1], data: [1] }] },
      { ...good, tensors: [{ name: 'a', dtype: 'int8', shape: [1], data: [1.5] }] },
      { ...good, tensors: [{ name: 'a', dtype: 'float32', shape: [1], data: ['nan'] }] },
      { ...good, tensors: [{ name: 'a', dtype: 'bool', shape: [1], data: [1] }] },
      {
        ...good,
        graph: {
          inputs: [],
          outputs: [],
          nodes: [
            { name: 'n', op: 'X', inputs: [], outputs: [], attributes: { a: { type: 'int', value: 1.5 } } },
          ],
        },
      },
    ];
    for (const doc of bad) assert.throws(() => validate(doc));
  });

  it('is deterministic and reads back what it wrote', async () => {
    const a = await writeJsonBytes(tinyModel());
    const b = await writeJsonBytes(tinyModel());
    assert.deepEqual(a, b);
    const back = await readJsonBytes(a);
    await assertSameTensors(back, tinyModel());
    assert.deepEqual(await writeJsonBytes(back), a);
  });

  it('writes identical bytes with workers, results used in request order', async () => {
    const plain = await writeJsonBytes(bigModel());
    const parallel = fakeParallel(3);
    const withWorkers = await writeJsonBytes(bigModel(), { parallel });
    assert.ok(parallel.formats >= 3, `only ${parallel.formats} chunks went to workers`);
    assert.deepEqual(withWorkers, plain);
    const back = await readJsonBytes(plain);
    await assertSameTensors(back, bigModel());
  });

  it('reports progress in bytes of tensor data', async () => {
    const seen: [number, number][] = [];
    await writeJsonBytes(bigModel(), {
      onProgress: (done: number, total: number) => seen.push([done, total]),
    });
    const total = 8 + 3 * 1000 * 129 * 4 + 8;
    assert.ok(seen.length > 0);
    assert.deepEqual(seen[seen.length - 1], [total, total]);
  });
});
