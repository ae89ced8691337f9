/**
 * Shared test plumbing for the convolution / pooling / normalisation / resize kernels: a
 * single-node ONNX model written with nnport's own writer, run by onnxruntime-node, and the same
 * node run by the kernel on the same inputs.
 */
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { AttributeValue, GraphNode } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import type { ExecTensor, Kernel } from '../../src/exec/kernel.js';
import { writeOnnx } from '../../src/formats/onnx/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { applyDefaults, opSchema } from '../../src/ops/index.js';

export { A, rand } from './core-harness.js';

/** An int64 tensor from numbers. */
export function i64(
  values: readonly number[],
  shape: readonly number[] = [values.length],
): ExecTensor<'int64'> {
  return { dtype: 'int64', shape, data: BigInt64Array.from(values.map(BigInt)) };
}

/** A float32 tensor from numbers. */
export function f32(
  values: readonly number[],
  shape: readonly number[] = [values.length],
): ExecTensor<'float32'> {
  return { dtype: 'float32', shape, data: Float32Array.from(values) };
}

/** One case: an op, its opset, inputs (undefined = omitted) and attributes. */
export interface Case {
  readonly op: string;
  readonly opset: number;
  readonly inputs: readonly (ExecTensor | undefined)[];
  readonly attrs?: Record<string, AttributeValue>;
  /** How many outputs to request (default 1). */
  readonly outputs?: number;
  /** Tolerance (default 1e-5, relative above magnitude 1). */
  readonly tol?: number;
}

/** Runs the case under onnxruntime: the outputs as ExecTensor-like records. */
async function runOrt(
  c: Case,
  outNames: string[],
): Promise<{ shape: number[]; data: ArrayLike<number | bigint> }[]> {
  const names = c.inputs.map((t, i) => (t === undefined ? '' : `in${i}`));
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  const node: GraphNode = {
    name: 'n',
    op: c.op,
    inputs: names,
    outputs: outNames,
    attributes: c.attrs ?? {},
  };
  const model: Model = {
    format: 'memory',
    metadata: {},
    graph: {
      name: 'g',
      nodes: [node],
      inputs: c.inputs.flatMap((t, i) =>
        t === undefined ? [] : [{ name: `in${i}`, dtype: t.dtype, shape: [...t.shape] }],
      ),
      outputs: outNames.map((name, i) => ({
        name,
        dtype: i === 1 && c.op === 'MaxPool' ? 'int64' : c.inputs[0]?.dtype === 'int64' ? 'int64' : 'float32',
      })),
      opsets: { '': c.opset },
    },
    tensors: [],
  };
  const target = new MemoryTarget('m.onnx');
  await writeOnnx(model, target, {});
  const session = await ort.InferenceSession.create(target.bytes);
  const feeds: Record<string, ort.Tensor> = {};
  for (const [i, t] of c.inputs.entries()) {
    if (t === undefined) continue;
    const type = t.dtype === 'int64' ? 'int64' : 'float32';
    feeds[`in${i}`] = new ort.Tensor(type, t.data as Float32Array, [...t.shape]);
  }
  const res = await session.run(feeds);
  await session.release();
  return outNames.map((n) => {
    const t = res[n] as ort.Tensor;
    return { shape: [...t.dims], data: t.data as ArrayLike<number | bigint> };
  });
}

/** Runs the kernel and onnxruntime on one case and compares every requested output. */
export async function check(kernel: Kernel, c: Case): Promise<void> {
  const n = c.outputs ?? 1;
  const outNames = Array.from({ length: n }, (_, i) => `out${i}`);
  const expected = await runOrt(c, outNames);
  const schema = opSchema('', c.op, c.opset);
  assert.ok(schema, `${c.op}-${c.opset} schema`);
  const names = c.inputs.map((t, i) => (t === undefined ? '' : `in${i}`));
  const node: GraphNode = {
    name: 'n',
    op: c.op,
    inputs: names,
    outputs: outNames,
    attributes: c.attrs ?? {},
  };
  const got = kernel(c.inputs, {
    node,
    attrs: applyDefaults(schema, c.attrs ?? {}),
    opset: c.opset,
    since: schema.since,
  });
  const tol = c.tol ?? 1e-5;
  for (let o = 0; o < n; o++) {
    const e = expected[o];
    const g = got[o];
    assert.ok(e && g, `output ${o} present`);
    assert.deepEqual([...g.shape], e.shape, `output ${o} shape`);
    assert.equal(g.data.length, e.data.length);
    for (let i = 0; i < e.data.length; i++) {
      const ev = Number(e.data[i]);
      const gv: number = Number(g.data[i] as number | bigint);
      const err = Math.abs(ev - gv) / Math.max(1, Math.abs(ev));
      if (!(err <= tol) && !(Number.isNaN(ev) && Number.isNaN(gv))) {
        assert.fail(
          `${c.op} output ${o}[${i}]: kernel ${gv}, onnxruntime ${ev} (${JSON.stringify(c.attrs)})`,
        );
      }
    }
  }
}
