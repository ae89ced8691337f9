/**
 * Shared by the Keras graph tests: runs a read Keras/TF.js model three ways on the same seeded
 * inputs — onnxruntime-node on the ONNX nnport writes (checked by onnx.checker first), nnport's
 * executor on the read graph, and the NumPy reference of Keras's layers (test/peers/keras-forward.py)
 * on the original file — and compares every output.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Model } from '../../src/core/model.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { assertClose, rand, runOrt } from '../exec/core-harness.js';
import { writeNpz } from '../mxnet/reader-helpers.js';
import { readNpzBytes } from '../npy/helpers.js';
import { onnxCheck, PYTHON, writeFile } from '../onnx/write-helpers.js';

/** The shared Keras and TF.js fixtures, or undefined when absent. */
export function sharedFixtures(kind: 'keras' | 'tfjs'): string | undefined {
  const dir = resolve(process.cwd(), '../shared/fixtures', kind);
  return existsSync(dir) ? dir : undefined;
}

/** Seeded inputs for every graph input: unknown dims as `fill` (batch 2, time 5 …), ints for ids. */
export function seededInputs(
  model: Model,
  seed: number,
  fill: readonly number[] = [2, 5],
  ids?: Record<string, number>,
): Record<string, ExecTensor> {
  const out: Record<string, ExecTensor> = {};
  for (const v of model.graph?.inputs ?? []) {
    let k = 0;
    const shape = (v.shape ?? []).map((d) => (typeof d === 'number' ? d : (fill[k++] ?? 3)));
    const t = rand(shape, seed++);
    const vocab = ids?.[v.name];
    if (vocab !== undefined)
      for (let i = 0; i < t.data.length; i++)
        t.data[i] = Math.floor(Math.abs(t.data[i] as number) * 997) % vocab;
    out[v.name] = v.dtype === 'int32' ? { dtype: 'int32', shape: t.shape, data: Int32Array.from(t.data) } : t;
  }
  return out;
}

async function peer(
  path: string,
  model: Model,
  feeds: Record<string, ExecTensor>,
  dir: string,
): Promise<ExecTensor[]> {
  const inPath = join(dir, 'inputs.npz');
  const outPath = join(dir, 'out.npz');
  const ordered: Record<string, ExecTensor> = {};
  (model.graph?.inputs ?? []).forEach((v, i) => {
    ordered[`in${i}`] = feeds[v.name] as ExecTensor;
  });
  await writeNpz(inPath, ordered);
  try {
    execFileSync(PYTHON, [resolve(process.cwd(), 'test/peers/keras-forward.py'), path, inPath, outPath], {
      stdio: 'pipe',
      maxBuffer: 1 << 26,
    });
  } catch (e) {
    return assert.fail(
      `keras-forward.py failed on ${path}:\n${(e as { stderr?: string }).stderr ?? String(e)}`,
    );
  }
  const npz = await readNpzBytes(new Uint8Array(readFileSync(outPath)));
  const out: ExecTensor[] = [];
  for (let i = 0; ; i++) {
    const t = npz.tensors.find((x) => x.name === `out${i}` || x.name === `out${i}.npy`);
    if (t === undefined) break;
    const raw = await t.data.read(0, t.data.byteLength);
    const data = new Float32Array(raw.byteLength / 4);
    new Uint8Array(data.buffer).set(raw);
    out.push({ dtype: 'float32', shape: [...t.shape], data });
  }
  return out;
}

/** Tolerances: executor and onnxruntime against the float64 peer, and against each other. */
export interface Tol {
  readonly peer?: number;
  readonly ort?: number;
  readonly exec?: number;
}

/**
 * onnx.checker on the written ONNX, then onnxruntime == executor == NumPy peer on `feeds` for
 * every output. `path` is the file the peer reads (the .h5, .keras or model.json).
 */
export async function threeWayKeras(
  model: Model,
  path: string,
  feeds: Record<string, ExecTensor>,
  tol: Tol = {},
): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'nnport-keras-graph-'));
  try {
    onnxCheck(await writeFile(model, dir, 'model.onnx'));
    const want = await runOrt(model, feeds);
    const got = await runGraph(model, feeds);
    const ref = await peer(path, model, feeds, dir);
    const outputs = model.graph?.outputs ?? [];
    assert.equal(ref.length, outputs.length, 'output count');
    outputs.forEach((o, i) => {
      const mine = got[o.name] as ExecTensor;
      const ort = want[o.name] as ExecTensor;
      const r = ref[i] as ExecTensor;
      assertClose(mine, r, tol.peer ?? 1e-4, `${o.name}: executor (got) vs NumPy peer (want)`);
      assertClose(ort, r, tol.ort ?? 1e-4, `${o.name}: onnxruntime (got) vs NumPy peer (want)`);
      assertClose(mine, ort, tol.exec ?? 1e-4, `${o.name}: executor (got) vs onnxruntime (want)`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
