/**
 * Shared by the TF.js graph-model tests: writes hermetic graph-models (model.json + weights.bin,
 * GraphDef attributes spelled as tfjs-converter writes them) and runs read models three ways —
 * onnxruntime-node on the ONNX nnport writes (onnx.checker first), nnport's executor on the read
 * graph, and the NumPy reference of TF's ops (test/peers/tf-graph-forward.py) on the original
 * model.json — with one Python process for all the cases of a test file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Model } from '../../src/core/model.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { runOrt } from '../exec/core-harness.js';
import { writeNpz } from '../mxnet/reader-helpers.js';
import { readNpzBytes } from '../npy/helpers.js';
import { onnxCheck, PYTHON, writeFile } from '../onnx/write-helpers.js';

/** GraphDef attribute values as JSON (attr_value.proto). */
export const T = {
  s: (v: string) => ({ s: Buffer.from(v, 'latin1').toString('base64') }),
  i: (v: number) => ({ i: String(v) }),
  f: (v: number) => ({ f: v }),
  b: (v: boolean) => ({ b: v }),
  type: (v: string) => ({ type: v }),
  ints: (v: readonly number[]) => ({ list: { i: v.map(String) } }),
  strs: (v: readonly string[]) => ({
    list: { s: v.map((x) => Buffer.from(x, 'latin1').toString('base64')) },
  }),
  shape: (dims: readonly number[]) => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } }),
};

type Attrs = Record<string, unknown>;

/** A deterministic pseudo-random float in [-1, 1). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
}

/** Builds a graph-model's GraphDef and weights. */
export class GraphModel {
  readonly nodes: Attrs[] = [];
  readonly #weights: { name: string; shape: number[]; dtype: string; bytes: Uint8Array }[] = [];
  #seed = 7;

  placeholder(name: string, shape: readonly number[]): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: T.type('DT_FLOAT'), shape: T.shape(shape) } });
    return name;
  }

  #const(name: string, dtype: string, shape: readonly number[], bytes: Uint8Array): string {
    const dt = dtype === 'float32' ? 'DT_FLOAT' : 'DT_INT32';
    const tensorShape = { dim: shape.map((d) => ({ size: String(d) })) };
    this.nodes.push({
      name,
      op: 'Const',
      attr: { value: { tensor: { dtype: dt, tensorShape } }, dtype: T.type(dt) },
    });
    this.#weights.push({ name, shape: [...shape], dtype, bytes });
    return name;
  }

  /** A float32 weight of random values (scaled), or of `values`. */
  weight(name: string, shape: readonly number[], scale = 0.5, values?: readonly number[]): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const r = lcg(this.#seed++);
    const a = Float32Array.from({ length: n }, (_, i) => values?.[i] ?? r() * scale);
    return this.#const(name, 'float32', shape, new Uint8Array(a.buffer));
  }

  /** An int32 weight (axes, perms, shapes). */
  ints(name: string, values: readonly number[], shape: readonly number[] = [values.length]): string {
    return this.#const(name, 'int32', shape, new Uint8Array(Int32Array.from(values).buffer));
  }

  /** A Const whose value is inline in the GraphDef (`intVal`), as the converter leaves scalars. */
  inlineInt(name: string, value: number): string {
    this.nodes.push({
      name,
      op: 'Const',
      attr: {
        value: { tensor: { dtype: 'DT_INT32', tensorShape: {}, intVal: [value] } },
        dtype: T.type('DT_INT32'),
      },
    });
    return name;
  }

  node(name: string, op: string, input: readonly string[], attr: Attrs = {}): string {
    this.nodes.push({ name, op, input: [...input], attr: { T: T.type('DT_FLOAT'), ...attr } });
    return name;
  }

  /** Writes model.json and weights.bin into `dir`; returns the model.json path. */
  write(
    dir: string,
    signatureOutputs?: readonly string[],
    signatureInputs?: Record<string, readonly number[]>,
  ): string {
    mkdirSync(dir, { recursive: true });
    const total = this.#weights.reduce((a, w) => a + w.bytes.byteLength, 0);
    const bin = new Uint8Array(total);
    let at = 0;
    for (const w of this.#weights) {
      bin.set(w.bytes, at);
      at += w.bytes.byteLength;
    }
    writeFileSync(join(dir, 'weights.bin'), bin);
    const root: Attrs = {
      format: 'graph-model',
      generatedBy: '2.15.0',
      convertedBy: 'nnport test',
      modelTopology: { node: this.nodes, versions: { producer: 1286 } },
      weightsManifest: [
        {
          paths: ['weights.bin'],
          weights: this.#weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype })),
        },
      ],
    };
    if (signatureOutputs !== undefined) {
      const outputs: Attrs = {};
      for (const o of signatureOutputs) outputs[o] = { name: o, dtype: 'DT_FLOAT' };
      root.signature = { outputs };
    }
    if (signatureInputs !== undefined) {
      const inputs: Attrs = {};
      for (const [name, dims] of Object.entries(signatureInputs))
        inputs[name] = { name, dtype: 'DT_FLOAT', tensorShape: T.shape(dims).shape };
      root.signature = { ...(root.signature as Attrs | undefined), inputs };
    }
    const path = join(dir, 'model.json');
    writeFileSync(path, JSON.stringify(root));
    return path;
  }
}

/** One model to run three ways. */
export interface Job {
  readonly label: string;
  readonly model: Model;
  readonly path: string;
  readonly feeds: Record<string, ExecTensor>;
}

/** The TF node output (`node:k`) a graph output value stands for. */
function tfRef(model: Model, value: string): string {
  const node = model.graph?.nodes.find((n) => n.outputs.includes(value));
  const name = (node?.meta?.tfjs as { name?: string } | undefined)?.name ?? value;
  const k = /:(\d+)$/.exec(value);
  return `${name}:${k?.[1] ?? 0}`;
}

/** |got - want| ≤ atol + rtol·|want| everywhere, shapes equal. */
function assertNear(got: ExecTensor, want: ArrayLike<number>, shape: readonly number[], label: string): void {
  assert.deepEqual([...got.shape], [...shape], `${label}: shape`);
  for (let i = 0; i < want.length; i++) {
    const g = Number(got.data[i]);
    const w = want[i] as number;
    if (g !== w && !(Math.abs(g - w) <= 1e-5 + 1e-5 * Math.abs(w)))
      assert.fail(`${label}[${i}]: got ${g}, want ${w}`);
  }
}

/**
 * For every job: onnx.checker on the written ONNX, then onnxruntime == executor == NumPy peer on
 * its feeds for every graph output (rtol 1e-5, atol 1e-5). One peer process for all jobs.
 */
export async function threeWayTf(jobs: readonly Job[], dir: string): Promise<void> {
  const peerJobs: unknown[] = [];
  const mine: { ort: Record<string, ExecTensor>; exec: Record<string, ExecTensor> }[] = [];
  for (const [i, j] of jobs.entries()) {
    onnxCheck(await writeFile(j.model, dir, `m${i}.onnx`));
    mine.push({ ort: await runOrt(j.model, j.feeds), exec: await runGraph(j.model, j.feeds) });
    const inputs = join(dir, `in${i}.npz`);
    const feeds: Record<string, string> = {};
    const arrays: Record<string, ExecTensor> = {};
    (j.model.graph?.inputs ?? []).forEach((v, k) => {
      feeds[v.name] = `in${k}`;
      arrays[`in${k}`] = j.feeds[v.name] as ExecTensor;
    });
    await writeNpz(inputs, arrays);
    const outputs = (j.model.graph?.outputs ?? []).map((o) => tfRef(j.model, o.name));
    peerJobs.push({ model: j.path, inputs, feeds, outputs, out: join(dir, `out${i}.npz`) });
  }
  const jobsPath = join(dir, 'jobs.json');
  writeFileSync(jobsPath, JSON.stringify(peerJobs));
  try {
    execFileSync(PYTHON, [resolve(process.cwd(), 'test/peers/tf-graph-forward.py'), jobsPath], {
      stdio: 'pipe',
    });
  } catch (e) {
    assert.fail(`tf-graph-forward.py failed:\n${(e as { stderr?: string }).stderr ?? String(e)}`);
  }
  for (const [i, j] of jobs.entries()) {
    const npz = await readNpzBytes(new Uint8Array(readFileSync(join(dir, `out${i}.npz`))));
    const { ort, exec } = mine[i] as (typeof mine)[number];
    const outs = j.model.graph?.outputs ?? [];
    assert.ok(outs.length > 0, `${j.label}: has outputs`);
    for (const [k, o] of outs.entries()) {
      const t = npz.tensors.find((x) => x.name === `out${k}` || x.name === `out${k}.npy`);
      assert.ok(t !== undefined, `${j.label}: peer output ${k}`);
      const raw = await t.data.read(0, t.data.byteLength);
      const want = new Float64Array(raw.slice().buffer);
      const label = `${j.label} ${o.name}`;
      assertNear(exec[o.name] as ExecTensor, want, t.shape, `${label}: executor vs NumPy peer`);
      assertNear(ort[o.name] as ExecTensor, want, t.shape, `${label}: onnxruntime vs NumPy peer`);
    }
  }
}
