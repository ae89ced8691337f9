/**
 * The ONNX writer: every model nnport writes passes onnx.checker (full check) via the onnx package
 * (test/peers/onnx-check.py), initializer bytes equal the model's (sha256 of what
 * numpy_helper.to_array gives), output is deterministic, external data follows the options.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { DType } from '../../src/core/dtype.js';
import type { Model } from '../../src/core/model.js';
import { tensorFromArray } from '../../src/core/tensor.js';
import { rejectsWith as assertCode } from '../assert-errors.js';
import { onnxCheck, tempDir, tensorSha, writeFile, writeMemory } from './write-helpers.js';
import { conv, ifModel, mlNode, mlp, sparse, strings, weightsOnly } from './write-models.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

async function checkInitializers(
  model: Model,
  report: ReturnType<typeof onnxCheck>,
  names: string[],
): Promise<void> {
  assert.deepEqual(
    report.initializers.map((i) => i.name),
    names,
  );
  for (const i of report.initializers) {
    const t = model.tensors.find((x) => x.name === i.name);
    if (t === undefined) continue; // string tensors: checked by name
    assert.equal(i.sha256, await tensorSha(t), i.name);
    assert.deepEqual(i.dims, [...t.shape], i.name);
  }
}

describe('onnx writer: onnx.checker accepts what nnport writes', () => {
  it('a weights-only model: graph nnport, no nodes, the tensors as initializers, IR 8, opset 17', async () => {
    const m = weightsOnly();
    const report = onnxCheck(await writeFile(m, dir, 'weights.onnx'));
    assert.equal(report.ir_version, 8);
    assert.deepEqual(report.opsets, { '': 17 });
    assert.deepEqual(report.nodes, []);
    await checkInitializers(
      m,
      report,
      m.tensors.map((t) => t.name),
    );
    assert.equal(report.metadata.safetensors, '{"note":"kept as JSON text"}');
  });

  it('option opset sets the default domain version (and IR follows)', async () => {
    const report = onnxCheck(await writeFile(weightsOnly(), dir, 'opset13.onnx', { opset: 13 }));
    assert.deepEqual(report.opsets, { '': 13 });
    assert.equal(report.ir_version, 8);
  });

  it('an MLP (Gemm + Relu) with symbolic batch dimensions', async () => {
    const m = mlp();
    const report = onnxCheck(await writeFile(m, dir, 'mlp.onnx'));
    assert.deepEqual(report.nodes, ['Gemm', 'Relu', 'Gemm']);
    await checkInitializers(m, report, ['w1', 'b1', 'w2', 'b2']);
  });

  it('a Conv with ints attributes, opset 13', async () => {
    const m = conv();
    const report = onnxCheck(await writeFile(m, dir, 'conv.onnx'));
    assert.deepEqual(report.opsets, { '': 13 });
    await checkInitializers(m, report, ['W', 'B']);
  });

  it('an If with two subgraphs, a subgraph initializer and Constant tensor attributes', async () => {
    const m = ifModel();
    const report = onnxCheck(await writeFile(m, dir, 'if.onnx'));
    assert.deepEqual(report.nodes, ['If', 'Constant', 'Add']);
    await checkInitializers(m, report, []); // every tensor is used by a subgraph or an attribute
  });

  it('a sparse initializer', async () => {
    const report = onnxCheck(await writeFile(sparse(), dir, 'sparse.onnx'));
    assert.deepEqual(report.sparse, [{ name: 'sp', dims: [3, 4] }]);
    assert.deepEqual(report.nodes, ['Constant']);
    assert.deepEqual(report.initializers, []);
  });

  it('a STRING initializer (string_data) beside a numeric one', async () => {
    const m = strings();
    const report = onnxCheck(await writeFile(m, dir, 'strings.onnx'));
    await checkInitializers(m, report, ['unused_weight', 'labels']);
    const labels = report.initializers.find((i) => i.name === 'labels');
    assert.equal(labels?.dtype, 8);
  });

  it('an ai.onnx.ml node: the domain is imported although the graph lists no opsets', async () => {
    const report = onnxCheck(await writeFile(mlNode(), dir, 'ml.onnx'));
    assert.deepEqual(report.opsets, { '': 17, 'ai.onnx.ml': 3 });
  });
});

describe('onnx writer: external data', () => {
  it("'all' moves every initializer of at least the threshold to <name>.data", async () => {
    const m = mlp();
    const path = await writeFile(m, dir, 'ext-all.onnx', { externalData: 'all', externalThreshold: 16 });
    const data = `${path}.data`;
    assert.ok(existsSync(data));
    // w1 (128 B), b1 (32 B), w2 (96 B) move; b2 (12 B) stays inline. Contiguous: all under 1 MiB.
    assert.equal(statSync(data).size, 128 + 32 + 96);
    const report = onnxCheck(path);
    assert.equal(report.external, true);
    await checkInitializers(m, report, ['w1', 'b1', 'w2', 'b2']);
  });

  it('a large tensor starts 4096-aligned in the data file', async () => {
    const big = tensorFromArray('big', 'float32', [300_000], new Float32Array(300_000).fill(0.5));
    const m: Model = {
      format: 'memory',
      metadata: {},
      tensors: [tensorFromArray('small', 'float32', [300], new Float32Array(300).fill(1)), big],
    };
    const path = await writeFile(m, dir, 'ext-align.onnx', { externalData: 'all' });
    assert.equal(statSync(`${path}.data`).size, 4096 + 1_200_000);
    const report = onnxCheck(path);
    await checkInitializers(m, report, ['small', 'big']);
  });

  it("'auto' moves the largest tensors out only when the file would pass the limit", async () => {
    const m = mlp();
    const inline = await writeMemory(m, { externalData: 'auto' });
    assert.deepEqual([...inline.files.keys()], ['']);
    const size = inline.bytes.byteLength;
    const moved = await writeMemory(m, {
      externalData: 'auto',
      maxModelBytes: size - 30,
      externalThreshold: 16,
    });
    // w1 (128 bytes) is enough to get under the limit, despite its external_data entries.
    assert.equal(moved.files.get('model.onnx.data')?.byteLength, 128);
    const path = await writeFile(m, dir, 'ext-auto.onnx', {
      maxModelBytes: size - 30,
      externalThreshold: 16,
    });
    await checkInitializers(m, onnxCheck(path), ['w1', 'b1', 'w2', 'b2']);
  });

  it("'none' refuses a model over the limit with UNREPRESENTABLE, and writes nothing", async () => {
    const m = mlp();
    const target = new (await import('../../src/io/byte-sink.js')).MemoryTarget('m.onnx');
    const { writeOnnx } = await import('../../src/formats/onnx/write.js');
    await assertCode(writeOnnx(m, target, { externalData: 'none', maxModelBytes: 100 }), 'UNREPRESENTABLE');
    assert.equal(target.files.size, 0);
    await assertCode(
      writeMemory(m, { externalData: 'auto', maxModelBytes: 100, externalThreshold: 1 << 20 }),
      'UNREPRESENTABLE',
    );
  });

  it('bad options are USAGE errors', async () => {
    await assertCode(writeMemory(mlp(), { externalData: 'some' }), 'USAGE');
    await assertCode(writeMemory(mlp(), { externalThreshold: -1 }), 'USAGE');
    await assertCode(writeMemory(mlp(), { opset: 0 }), 'USAGE');
    await assertCode(writeMemory(mlp(), { externalLocation: '../x.data' }), 'UNSAFE_PATH');
  });
});

describe('onnx writer: determinism and refusals', () => {
  it('the same model gives the same bytes', async () => {
    for (const make of [weightsOnly, mlp, conv, ifModel, sparse, strings, mlNode]) {
      const a = await writeMemory(make());
      const b = await writeMemory(make());
      assert.deepEqual(a.bytes, b.bytes, make.name);
    }
    const path = await writeFile(mlp(), dir, 'det.onnx');
    assert.deepEqual(new Uint8Array(readFileSync(path)), (await writeMemory(mlp())).bytes);
  });

  it('a dtype ONNX lacks is UNREPRESENTABLE', async () => {
    const t = tensorFromArray('x', 'uint8', [1], new Uint8Array([1]));
    const m: Model = { format: 'memory', metadata: {}, tensors: [{ ...t, dtype: 'int3' as DType }] };
    await assertCode(writeMemory(m), 'UNREPRESENTABLE');
  });

  it('a tensor whose bytes disagree with its shape is INVALID_STRUCTURE', async () => {
    const t = tensorFromArray('x', 'float32', [2], new Float32Array([1, 2]));
    const m: Model = { format: 'memory', metadata: {}, tensors: [{ ...t, shape: [3] }] };
    await assertCode(writeMemory(m), 'INVALID_STRUCTURE');
  });

  it('a graph naming a tensor the model lacks is INVALID_STRUCTURE', async () => {
    const m = mlp();
    await assertCode(
      writeMemory({ ...m, graph: { ...(m.graph as NonNullable<Model['graph']>), initializers: ['nope'] } }),
      'INVALID_STRUCTURE',
    );
  });

  it('a failed write leaves no file behind', async () => {
    const t = tensorFromArray('x', 'float32', [2], new Float32Array([1, 2]));
    const m: Model = { format: 'memory', metadata: {}, tensors: [{ ...t, shape: [3] }] };
    await assertCode(writeFile(m, dir, 'failed.onnx', { externalData: 'all' }), 'INVALID_STRUCTURE');
    assert.equal(existsSync(join(dir, 'failed.onnx')), false);
    assert.equal(existsSync(join(dir, 'failed.onnx.data')), false);
  });
});
