/**
 * Shared by the MXNet symbol reader tests: symbol JSON builders for each generation (so hermetic
 * tests need no fixtures), an NDArray list builder for `.params`, in-memory reading through the
 * plug-in, and the NumPy peer (test/peers/mxnet-forward.py, written from MXNet's operator docs)
 * run over npz files.
 */

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { ReadOptions } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { type Tensor, tensorFromArray } from '../../src/core/tensor.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { mxnetFormat } from '../../src/formats/mxnet/index.js';
import { assertClose, rand, runOrt } from '../exec/core-harness.js';
import { modelOf, PYTHON, readNpzBytes, writeNpzBytes } from '../npy/helpers.js';
import { memoryInput } from '../onnx/helpers.js';

/** ../shared/fixtures/mxnet (tests run from the repository root), or undefined when absent. */
export function mxnetFixtures(): string | undefined {
  const d = resolve(process.cwd(), '../shared/fixtures/mxnet');
  return existsSync(d) ? d : undefined;
}

/** One node of a symbol under construction: inputs are [node, output] (output defaults to 0). */
export interface NodeSpec {
  readonly op: string;
  readonly name: string;
  readonly attrs?: Record<string, string>;
  readonly inputs?: readonly (readonly [number, number?])[];
  /** Hidden keys (`__shape__` ...), written where the generation keeps them. */
  readonly hidden?: Record<string, string>;
}

/** How to lay a symbol out. */
export interface SymbolLayout {
  /** `legacy` (MXNet 0.8: param/attr, 2-element inputs) or `nnvm` (1.x: attrs, 3-element inputs). */
  readonly generation?: 'legacy' | 'nnvm';
  /** Heads (default: output 0 of the last node). */
  readonly heads?: readonly (readonly [number, number?])[];
  /** Write `node_row_ptr` (nnvm only; values are not checked by readers). */
  readonly rowPtr?: boolean;
  /** `mxnet_version` (nnvm only; default 10500). */
  readonly version?: number;
}

/** A symbol file's bytes from node specs. */
export function symbolJson(nodes: readonly NodeSpec[], layout: SymbolLayout = {}): Uint8Array {
  const legacy = layout.generation === 'legacy';
  const entry = (e: readonly [number, number?]): number[] =>
    legacy ? [e[0], e[1] ?? 0] : [e[0], e[1] ?? 0, 0];
  const out = nodes.map((n) => {
    const inputs = (n.inputs ?? []).map(entry);
    if (legacy) {
      // 0.8 writes hidden keys into `attr` without their underscores.
      const attr: Record<string, string> = {};
      for (const [k, v] of Object.entries(n.hidden ?? {})) attr[k.replace(/^__(.*)__$/, '$1')] = v;
      return { op: n.op, param: n.attrs ?? {}, name: n.name, inputs, backward_source_id: -1, attr };
    }
    const attrs = { ...(n.attrs ?? {}), ...(n.hidden ?? {}) };
    return Object.keys(attrs).length === 0
      ? { op: n.op, name: n.name, inputs }
      : { op: n.op, name: n.name, attrs, inputs };
  });
  const root: Record<string, unknown> = {
    nodes: out,
    arg_nodes: nodes.flatMap((n, i) => (n.op === 'null' ? [i] : [])),
    heads: (layout.heads ?? [[nodes.length - 1, 0]]).map(entry),
  };
  if (!legacy) {
    if (layout.rowPtr) root.node_row_ptr = nodes.map((_, i) => i).concat([nodes.length]);
    root.attrs = { mxnet_version: ['int', layout.version ?? 10500] };
  }
  return new TextEncoder().encode(JSON.stringify(root, null, 2));
}

/** One array for an NDArray list file. */
export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

function u64(v: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt(v), true);
  return [...b];
}

function u32(v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, v >>> 0, true);
  return [...b];
}

/**
 * An MXNet NDArray list (`mx.nd.save`): magic 0x112, reserved 0, count, V2 records (magic
 * 0xF993FAC9, storage 0, int32 ndim, int64 dims, cpu context, type flag 0 float32, data), names.
 */
export function paramsBytes(arrays: readonly ParamSpec[]): Uint8Array {
  const out: number[] = [...u64(0x112), ...u64(0), ...u64(arrays.length)];
  for (const a of arrays) {
    out.push(...u32(0xf993fac9), ...u32(0), ...u32(a.shape.length));
    for (const d of a.shape) out.push(...u64(d));
    out.push(...u32(1), ...u32(0), ...u32(0));
    out.push(...new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength));
  }
  out.push(...u64(arrays.length));
  for (const a of arrays) {
    const name = new TextEncoder().encode(a.name);
    out.push(...u64(name.length), ...name);
  }
  return Uint8Array.from(out);
}

/** Reads a symbol from bytes with the plug-in, siblings by name (params files ...). */
export function readSymbol(
  bytes: Uint8Array,
  options: ReadOptions = {},
  siblings: Record<string, Uint8Array> = {},
  name = 'net-symbol.json',
): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the mxnet plug-in has a reader
  return mxnetFormat.read!(memoryInput(bytes, siblings, name), options);
}

/** Shapes for `inputShapes` from a plain object. */
export function shapes(s: Record<string, readonly number[]>): Map<string, readonly number[]> {
  return new Map(Object.entries(s));
}

/** A temporary folder for peer files. */
export function peerDir(): string {
  return mkdtempSync(join(tmpdir(), 'nnport-mxnet-peer-'));
}

/** Writes float32 tensors as an npz file (for the peer). */
export async function writeNpz(path: string, tensors: Record<string, ExecTensor>): Promise<void> {
  const list = Object.entries(tensors).map(([name, t]) =>
    tensorFromArray(name, 'float32', t.shape, Float32Array.from(t.data as ArrayLike<number>)),
  );
  writeFileSync(path, await writeNpzBytes(modelOf(...list)));
}

/**
 * Runs the NumPy peer on a symbol file: `arrays` is an npz or .params path, `inputs` the data
 * inputs. Returns the heads in order (float32).
 */
export async function peerForward(
  symbolPath: string,
  arraysPath: string,
  inputs: Record<string, ExecTensor>,
  dir: string,
): Promise<ExecTensor[]> {
  const inPath = join(dir, 'inputs.npz');
  const outPath = join(dir, 'out.npz');
  await writeNpz(inPath, inputs);
  execFileSync(
    PYTHON,
    [resolve(process.cwd(), 'test/peers/mxnet-forward.py'), symbolPath, arraysPath, inPath, outPath],
    {
      stdio: 'pipe',
      maxBuffer: 1 << 26,
    },
  );
  const model = await readNpzBytes(new Uint8Array(readFileSync(outPath)));
  const out: ExecTensor[] = [];
  for (let i = 0; ; i++) {
    const t = model.tensors.find((x) => x.name === `out${i}` || x.name === `out${i}.npy`);
    if (t === undefined) break;
    const bytes = t.data.byteLength;
    const data = new Float32Array(bytes / 4);
    const raw = await t.data.read(0, bytes);
    new Uint8Array(data.buffer).set(raw);
    out.push({ dtype: 'float32', shape: [...t.shape], data });
  }
  return out;
}

/**
 * Seeded random values for every graph input that is not a data input (`data`): the uninitialized
 * parameters, scaled by fan-in so deep nets stay in range; variances and gammas are kept in
 * (0.5, 1.5) so BatchNorm stays well defined.
 */
export function randomArrays(
  model: Model,
  seed: number,
  data: readonly string[],
): Record<string, ExecTensor> {
  const out: Record<string, ExecTensor> = {};
  for (const input of model.graph?.inputs ?? []) {
    if (data.includes(input.name)) continue;
    const shape = (input.shape ?? []) as number[];
    assert.ok(
      shape.every((d) => typeof d === 'number'),
      `${input.name}: shape known`,
    );
    const fan = shape.slice(1).reduce((p, d) => p * d, 1);
    const r = rand(shape, seed++, shape.length > 1 ? 1 / Math.sqrt(fan) : 0.2);
    if (/(_var|_gamma)$/.test(input.name)) {
      for (let i = 0; i < r.data.length; i++) r.data[i] = 1 + (r.data[i] as number) * 2.5;
    }
    out[input.name] = r;
  }
  return out;
}

/** Tolerances of one three-way comparison. */
export interface Tolerances {
  /** nnport's executor against the NumPy peer (default 1e-4). */
  readonly peer?: number;
  /** onnxruntime against the peer (default 1e-4). */
  readonly ort?: number;
  /** nnport's executor against onnxruntime (default 1e-5; undefined skips when `ort` is given). */
  readonly exec?: number;
}

/**
 * Runs a read model three ways on the same inputs and compares every head: onnxruntime on the
 * ONNX nnport writes, nnport's executor, and the NumPy peer on the symbol file itself. `arrays` is
 * the parameter file the peer reads; omitted, the seeded random arrays are written for it.
 */
export async function threeWay(
  model: Model,
  symbolPath: string,
  data: Record<string, ExecTensor>,
  dir: string,
  arrays?: string,
  tol: Tolerances = {},
): Promise<void> {
  const feeds: Record<string, ExecTensor> = { ...randomArrays(model, 11, Object.keys(data)), ...data };
  const want = await runOrt(model, feeds);
  const got = await runGraph(model, feeds);
  let arraysPath = arrays;
  if (arraysPath === undefined) {
    arraysPath = join(dir, 'arrays.npz');
    await writeNpz(arraysPath, feeds);
  }
  const peer = await peerForward(symbolPath, arraysPath, data, dir);
  const outputs = model.graph?.outputs ?? [];
  assert.equal(peer.length, outputs.length, 'head count');
  outputs.forEach((o, i) => {
    const mine = got[o.name] as ExecTensor;
    const ref = peer[i] as ExecTensor;
    const ort = want[o.name] as ExecTensor;
    assertClose(mine, ref, tol.peer ?? 1e-4, `${o.name}: executor (got) vs NumPy peer (want)`);
    assertClose(ort, ref, tol.ort ?? 1e-4, `${o.name}: onnxruntime (got) vs NumPy peer (want)`);
    if (tol.ort === undefined || tol.exec !== undefined) {
      assertClose(mine, ort, tol.exec ?? 1e-5, `${o.name}: executor (got) vs onnxruntime (want)`);
    }
  });
}

// ---- the smallest Module-era net, shared by the hermetic reader tests ----

/** data → FullyConnected(3) → relu → SoftmaxOutput(label): the smallest Module-era net. */
export function mlp(hiddenShape?: string): NodeSpec[] {
  return [
    {
      op: 'null',
      name: 'data',
      ...(hiddenShape === undefined ? {} : { hidden: { __shape__: hiddenShape } }),
    },
    { op: 'null', name: 'fc_weight', hidden: { __lr_mult__: '2.0' } },
    { op: 'null', name: 'fc_bias' },
    { op: 'FullyConnected', name: 'fc', attrs: { num_hidden: '3' }, inputs: [[0], [1], [2]] },
    { op: 'Activation', name: 'relu', attrs: { act_type: 'relu' }, inputs: [[3]] },
    { op: 'null', name: 'softmax_label' },
    { op: 'SoftmaxOutput', name: 'softmax', inputs: [[4], [5]] },
  ];
}

/** The graph's structure without names of helper values: ops, then input names of graph inputs. */
export function outline(m: Model): unknown {
  const g = m.graph;
  assert.ok(g);
  return {
    ops: g.nodes.map((n) => `${n.domain ?? ''}${n.op}`),
    inputs: g.inputs.map((i) => [i.name, i.shape ?? null]),
    outputs: g.outputs.map((o) => [o.name, o.shape ?? null]),
  };
}

/** A tensor's `meta.mxnet` (role and stored name, which the reader records). */
export function mxMeta(t: Tensor): { role: string; stored: string } {
  return (t.meta?.mxnet ?? {}) as { role: string; stored: string };
}

export const f32 = (n: number, seed = 1): Float32Array =>
  Float32Array.from({ length: n }, (_, i) => ((i * 7 + seed) % 11) / 10 - 0.5);

/** Parameters for mlp() with data [2, 5] (arg: names unless `prefix` says otherwise). */
export function mlpParams(prefix: { w: string; b: string } = { w: 'arg:', b: 'arg:' }): Uint8Array {
  return paramsBytes([
    { name: `${prefix.w}fc_weight`, shape: [3, 5], data: f32(15) },
    { name: `${prefix.b}fc_bias`, shape: [3], data: f32(3, 4) },
  ]);
}
