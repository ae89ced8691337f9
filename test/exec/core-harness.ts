/**
 * Test plumbing for the core kernels and the executor: a single-node ONNX model written with
 * nnport's own writer, run by onnxruntime-node and by `runGraph` on the same inputs, compared
 * element by element (shape, dtype, values within 1e-5, relative above magnitude 1).
 */
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { AttributeValue, GraphNode } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecDType, ExecTensor } from '../../src/exec/kernel.js';
import { allocArray, isBig } from '../../src/exec/tensors.js';
import { writeOnnx } from '../../src/formats/onnx/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';

/** Deterministic pseudo-random values in [-scale, scale) (a 32-bit LCG) as float32. */
export function rand(shape: readonly number[], seed: number, scale = 1): ExecTensor<'float32'> {
  const n = shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 31 - 1) * scale;
  }
  return { dtype: 'float32', shape, data: out };
}

/** Random integers in [lo, hi] of an integer dtype. */
export function randInt(
  dtype: ExecDType,
  shape: readonly number[],
  seed: number,
  lo: number,
  hi: number,
): ExecTensor {
  const r = rand(shape, seed);
  const vals = Array.from(r.data, (v) => Math.floor(lo + ((v + 1) / 2) * (hi - lo + 1)));
  return tensor(dtype, vals, shape);
}

/** A tensor of `dtype` from numbers. */
export function tensor(
  dtype: ExecDType,
  values: readonly number[],
  shape: readonly number[] = [values.length],
): ExecTensor {
  const data = allocArray(dtype, values.length);
  values.forEach((v, k) => {
    if (isBig(dtype)) (data as BigInt64Array)[k] = BigInt(v);
    else (data as Float64Array)[k] = v;
  });
  return { dtype, shape, data } as ExecTensor;
}

/** An int64 tensor. */
export const i64 = (values: readonly number[], shape?: readonly number[]): ExecTensor =>
  tensor('int64', values, shape);

/** Attribute shorthands. */
export const A = {
  i: (value: number): AttributeValue => ({ type: 'int', value }),
  f: (value: number): AttributeValue => ({ type: 'float', value }),
  s: (value: string): AttributeValue => ({ type: 'string', value }),
  is: (value: number[]): AttributeValue => ({ type: 'ints', value }),
  fs: (value: number[]): AttributeValue => ({ type: 'floats', value }),
};

/** One case: an op at an opset, inputs (undefined = omitted), attributes, output dtypes. */
export interface Case {
  readonly op: string;
  readonly opset: number;
  readonly inputs: readonly (ExecTensor | undefined)[];
  readonly attrs?: Record<string, AttributeValue>;
  /** The output dtypes (default: one output of the first input's dtype). */
  readonly out?: readonly ExecDType[];
  /** Tolerance (default 1e-5). */
  readonly tol?: number;
}

/** The single-node model of a case. */
export function caseModel(c: Case): Model {
  const names = c.inputs.map((t, i) => (t === undefined ? '' : `in${i}`));
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  const outTypes = c.out ?? [c.inputs[0]?.dtype ?? 'float32'];
  const outNames = outTypes.map((_, i) => `out${i}`);
  const node: GraphNode = {
    name: 'n',
    op: c.op,
    inputs: names,
    outputs: outNames,
    attributes: c.attrs ?? {},
  };
  return {
    format: 'memory',
    metadata: {},
    graph: {
      name: 'g',
      nodes: [node],
      inputs: c.inputs.flatMap((t, i) =>
        t === undefined ? [] : [{ name: `in${i}`, dtype: t.dtype, shape: [...t.shape] }],
      ),
      outputs: outNames.map((name, i) => ({ name, dtype: outTypes[i] })),
      opsets: { '': c.opset },
    },
    tensors: [],
  };
}

/** Runs a model under onnxruntime. */
export async function runOrt(
  model: Model,
  feeds: Record<string, ExecTensor>,
): Promise<Record<string, ExecTensor>> {
  const target = new MemoryTarget('m.onnx');
  await writeOnnx(model, target, {});
  const session = await ort.InferenceSession.create(target.bytes);
  const f: Record<string, ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) {
    f[name] = new ort.Tensor(t.dtype === 'float64' ? 'float64' : t.dtype, t.data as Float32Array, [
      ...t.shape,
    ]);
  }
  const res = await session.run(f);
  await session.release();
  const out: Record<string, ExecTensor> = {};
  for (const [name, t] of Object.entries(res)) {
    out[name] = { dtype: t.type as ExecDType, shape: [...t.dims], data: t.data as Float32Array };
  }
  return out;
}

/** Asserts two tensors agree: dtype, shape, values (NaN = NaN). */
export function assertClose(got: ExecTensor, want: ExecTensor, tol: number, label: string): void {
  assert.equal(got.dtype, want.dtype, `${label}: dtype`);
  assert.deepEqual([...got.shape], [...want.shape], `${label}: shape`);
  assert.equal(got.data.length, want.data.length, `${label}: length`);
  for (let i = 0; i < want.data.length; i++) {
    const w = want.data[i];
    const g = got.data[i];
    if (typeof w === 'bigint') {
      if (g !== w) assert.fail(`${label}[${i}]: nnport ${g}, onnxruntime ${w}`);
      continue;
    }
    const wv = Number(w);
    const gv = Number(g);
    if (Number.isNaN(wv) && Number.isNaN(gv)) continue;
    if (wv === gv) continue;
    const err = Math.abs(wv - gv) / Math.max(1, Math.abs(wv));
    if (!(err <= tol)) assert.fail(`${label}[${i}]: nnport ${gv}, onnxruntime ${wv}`);
  }
}

/** Runs a case under onnxruntime and nnport's executor and compares every output. */
export async function check(c: Case): Promise<void> {
  const model = caseModel(c);
  const feeds: Record<string, ExecTensor> = {};
  c.inputs.forEach((t, i) => {
    if (t !== undefined) feeds[`in${i}`] = t;
  });
  const want = await runOrt(model, feeds);
  const got = await runGraph(model, feeds);
  const label = `${c.op}-${c.opset} ${JSON.stringify(c.attrs ?? {})}`;
  for (const name of Object.keys(want)) {
    const g = got[name];
    assert.ok(g, `${label}: ${name} produced`);
    assertClose(g, want[name] as ExecTensor, c.tol ?? 1e-5, `${label} ${name}`);
  }
}
