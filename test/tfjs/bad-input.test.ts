/**
 * TF.js layers-models that are broken or ask for more than nnport does, through the library and
 * the CLI (dist/src/cli/main.js): a missing and a short weight shard, a layer class nnport does
 * not know, and weights whose manifest shapes disagree with the topology. Each is a coded error
 * naming the shard or the layer, exit status 2, and nothing written.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';
import { type ErrorCode, isNnportError, type NnportError } from '../../src/core/errors.js';
import { openModel } from '../../src/node.js';
import { buildModel, bytesOf, type ModelSpec, writeBuilt } from './build.js';

const CLI = resolve('dist/src/cli/main.js');

function nnport(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A Sequential topology: Dense 'd' (4 → 3) then the given layers. */
function topology(more: unknown[] = []): Record<string, unknown> {
  return {
    format: 'layers-model',
    generatedBy: 'keras v2.7.0',
    convertedBy: 'TensorFlow.js Converter v3.11.0',
    modelTopology: {
      class_name: 'Sequential',
      config: {
        name: 'seq',
        layers: [
          {
            class_name: 'Dense',
            config: {
              name: 'd',
              units: 3,
              activation: 'linear',
              use_bias: true,
              batch_input_shape: [null, 4],
            },
          },
          ...more,
        ],
      },
    },
  };
}

/** Dense 'd' weights: kernel `kernelShape` and bias [3], in one group cut into `cuts`. */
function spec(kernelShape: number[], more: unknown[] = [], cuts?: number[]): ModelSpec {
  const n = kernelShape.reduce((a, b) => a * b, 1);
  const data = bytesOf(Float32Array.from({ length: n + 3 }, (_, i) => i / 10));
  const weights = [
    { name: 'd/kernel', shape: kernelShape, dtype: 'float32' },
    { name: 'd/bias', shape: [3], dtype: 'float32' },
  ];
  return { groups: [cuts === undefined ? { data, weights } : { data, weights, cuts }], top: topology(more) };
}

async function rejects(path: string, code: ErrorCode): Promise<NnportError> {
  let caught: unknown;
  await openModel(path).catch((e: unknown) => {
    caught = e;
  });
  assert.ok(isNnportError(caught), String(caught));
  assert.equal(caught.code, code, caught.message);
  return caught;
}

/** `nnport convert MODEL out.onnx` exits 2, stderr matching `why`, nothing written. */
function convertFails(model: string, why: RegExp): void {
  const target = join(dirname(model), 'out.onnx');
  const r = nnport('convert', model, target);
  assert.equal(r.code, 2, r.stderr);
  assert.match(r.stderr, /^nnport: error: /);
  assert.match(r.stderr, why);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  assert.equal(existsSync(target), false, 'output written');
}

test('the model converts when nothing is wrong (the cases below differ from it in one thing)', async () => {
  const model = writeBuilt(buildModel(spec([4, 3], [], [24])));
  const m = await openModel(model);
  assert.ok(m.graph !== undefined);
  const target = join(dirname(model), 'ok.onnx');
  const r = nnport('convert', model, target);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(target));
});

test('a missing shard: MISSING_FILE naming it; exit 2, nothing written', async () => {
  const model = writeBuilt(buildModel(spec([4, 3], [], [24])));
  rmSync(join(dirname(model), 'group1-shard2of2.bin'));
  const e = await rejects(model, 'MISSING_FILE');
  assert.match(`${e.file} ${e.message}`, /group1-shard2of2\.bin/);
  convertFails(model, /group1-shard2of2\.bin/);
  assert.notEqual(nnport('inspect', model).code, 0);
});

test('a short shard: TRUNCATED naming it; exit 2, nothing written', async () => {
  const built = buildModel(spec([4, 3], [], [24]));
  const files = {
    ...built.files,
    'group1-shard2of2.bin': (built.files['group1-shard2of2.bin'] as Uint8Array).slice(0, 9),
  };
  const model = writeBuilt({ json: built.json, files });
  const e = await rejects(model, 'TRUNCATED');
  assert.match(`${e.file} ${e.message}`, /group1-shard2of2\.bin/);
  convertFails(model, /group1-shard2of2\.bin/);
});

test('a layer class nnport does not know: kept as a node; convert refuses naming the layer', async () => {
  const model = writeBuilt(buildModel(spec([4, 3], [{ class_name: 'Mystery', config: { name: 'odd' } }])));
  const m = await openModel(model);
  assert.deepEqual((m.metadata.tfjs as { unsupported?: unknown }).unsupported, [
    { name: 'odd', class: 'Mystery' },
  ]);
  convertFails(model, /Mystery \(odd\)/);
});

test('weights whose shapes disagree with the topology: INVALID_STRUCTURE naming the layer', async () => {
  const model = writeBuilt(buildModel(spec([5, 3])));
  const e = await rejects(model, 'INVALID_STRUCTURE');
  assert.deepEqual(e.at, { node: 'd' });
  assert.match(e.message, /Dense 'd': weight 'd\/kernel' has shape \[5, 3\] where the config needs \[4, 3\]/);
  convertFails(model, /Dense 'd'/);
});
