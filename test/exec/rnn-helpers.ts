/**
 * Shared by the recurrent kernel tests: run one LSTM/GRU/RNN node through onnxruntime-node (a
 * single-node model written by nnport's ONNX writer) and through the kernel on the same inputs,
 * and compare every output (max abs error 1e-5, relative above magnitude 1). onnxruntime's CPU
 * kernels reject layout 1 ("Batchwise recurrent operations (layout == 1) are not supported"), so a
 * layout-1 case runs onnxruntime on the layout-0 node with X and the initial states transposed,
 * and its outputs are transposed back to batch-first.
 */
import assert from 'node:assert/strict';
import * as ort from 'onnxruntime-node';
import type { AttributeValue, GraphNode } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import type { Kernel } from '../../src/exec/kernel.js';
import { writeOnnx } from '../../src/formats/onnx/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { values } from '../onnx/write-models.js';

/** One input: float32 random values of a shape, int32 values, or absent. */
export type Input = { shape: number[]; seed: number; scale?: number } | { int32: number[] } | undefined;

/** A test case: the node's attributes, inputs by position and output names ('' = not wanted). */
export interface RnnCase {
  readonly name: string;
  readonly opset: number;
  readonly attrs: Record<string, AttributeValue>;
  readonly inputs: readonly Input[];
  readonly outputs: readonly string[];
}

/** Attribute shorthands. */
export const int = (value: number): AttributeValue => ({ type: 'int', value });
export const float = (value: number): AttributeValue => ({ type: 'float', value });
export const str = (value: string): AttributeValue => ({ type: 'string', value });
export const floats = (value: number[]): AttributeValue => ({ type: 'floats', value });
export const strings = (value: string[]): AttributeValue => ({ type: 'strings', value });

const INPUT_NAMES: Record<string, string[]> = {
  LSTM: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h', 'initial_c', 'P'],
  GRU: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h'],
  RNN: ['X', 'W', 'R', 'B', 'sequence_lens', 'initial_h'],
};

/** The `since` version of op at opset (src/ops/defs-rnn.ts). */
function sinceOf(op: string, opset: number): number {
  const versions = op === 'GRU' ? [1, 3, 7, 14, 22] : [1, 7, 14, 22];
  return versions.filter((v) => v <= opset).pop() ?? 1;
}

function materialise(input: Input): ort.Tensor | undefined {
  if (input === undefined) return undefined;
  if ('int32' in input) return new ort.Tensor('int32', Int32Array.from(input.int32), [input.int32.length]);
  const n = input.shape.reduce((a, b) => a * b, 1);
  const data = values(n, input.seed).map((v) => v * (input.scale ?? 1));
  return new ort.Tensor('float32', data, input.shape);
}

/** Permutes a dense tensor's axes: out axis i is input axis perm[i]. */
function transpose(t: ort.Tensor, perm: readonly number[]): ort.Tensor {
  const dims = t.dims;
  const outDims = perm.map((p) => dims[p] as number);
  const strides = dims.map((_, i) => dims.slice(i + 1).reduce((a, b) => a * b, 1));
  const src = t.data as Float32Array;
  const out = new Float32Array(src.length);
  const idx = outDims.map(() => 0);
  for (let o = 0; o < out.length; o++) {
    let from = 0;
    for (let i = 0; i < perm.length; i++) from += (idx[i] as number) * (strides[perm[i] as number] as number);
    out[o] = src[from] as number;
    for (let i = idx.length - 1; i >= 0; i--) {
      idx[i] = (idx[i] as number) + 1;
      if ((idx[i] as number) < (outDims[i] as number)) break;
      idx[i] = 0;
    }
  }
  return new ort.Tensor('float32', out, outDims);
}

/** Runs the node in onnxruntime; a layout-1 node goes through its layout-0 twin. */
async function runOrt(node: GraphNode, opset: number, names: string[], tensors: (ort.Tensor | undefined)[]) {
  const batchFirst = node.attributes.layout?.value === 1;
  const ortNode: GraphNode = batchFirst
    ? { ...node, attributes: { ...node.attributes, layout: { type: 'int', value: 0 } } }
    : node;
  const ortTensors = tensors.map((t, i) =>
    !batchFirst || t === undefined
      ? t
      : i === 0
        ? transpose(t, [1, 0, 2])
        : i >= 5 && i <= 6
          ? transpose(t, [1, 0, 2])
          : t,
  );
  const model: Model = {
    format: 'memory',
    metadata: {},
    tensors: [],
    graph: {
      name: 'rnn',
      nodes: [ortNode],
      inputs: ortTensors.flatMap((t, i) =>
        t === undefined
          ? []
          : [
              {
                name: names[i] as string,
                dtype: t.type === 'int32' ? 'int32' : 'float32',
                shape: [...t.dims],
              },
            ],
      ),
      outputs: node.outputs.filter((o) => o !== '').map((name) => ({ name, dtype: 'float32' as const })),
      opsets: { '': opset },
    },
  };
  const target = new MemoryTarget('rnn.onnx');
  await writeOnnx(model, target, {});
  const session = await ort.InferenceSession.create(target.bytes);
  const feeds: Record<string, ort.Tensor> = {};
  ortTensors.forEach((t, i) => {
    if (t !== undefined) feeds[names[i] as string] = t;
  });
  const out = await session.run(feeds);
  await session.release();
  if (!batchFirst) return out;
  const back: Record<string, ort.Tensor> = {};
  node.outputs.forEach((o, i) => {
    const t = out[o];
    if (o !== '' && t !== undefined) back[o] = transpose(t, i === 0 ? [2, 0, 1, 3] : [1, 0, 2]);
  });
  return back;
}

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i] as number, want[i] as number];
    assert.ok(
      Math.abs(g - w) <= 1e-5 * Math.max(1, Math.abs(w)),
      `${what}[${i}]: got ${g}, onnxruntime ${w}`,
    );
  }
}

/** Runs the case through onnxruntime and the kernel and compares every wanted output. */
export async function check(op: string, kernel: Kernel, c: RnnCase): Promise<void> {
  const names = INPUT_NAMES[op] as string[];
  const tensors = c.inputs.map(materialise);
  const nodeInputs = tensors.map((t, i) => (t === undefined ? '' : (names[i] as string)));
  while (nodeInputs.length > 0 && nodeInputs[nodeInputs.length - 1] === '') nodeInputs.pop();
  const node: GraphNode = { name: c.name, op, inputs: nodeInputs, outputs: c.outputs, attributes: c.attrs };
  const want = await runOrt(node, c.opset, names, tensors);
  const got = kernel(
    tensors.map((t) =>
      t === undefined
        ? undefined
        : t.type === 'int32'
          ? { dtype: 'int32', shape: [...t.dims], data: t.data as Int32Array }
          : { dtype: 'float32', shape: [...t.dims], data: t.data as Float32Array },
    ),
    { node, attrs: c.attrs, opset: c.opset, since: sinceOf(op, c.opset) },
  );
  c.outputs.forEach((o, i) => {
    const g = got[i];
    if (o === '') {
      assert.equal(g, undefined, `${c.name}: output ${i} not wanted`);
      return;
    }
    const w = want[o] as ort.Tensor;
    assert.ok(g !== undefined, `${c.name}: output ${o} missing`);
    assert.deepEqual(g.shape, [...w.dims], `${c.name}: ${o} shape`);
    close(g.data as Float32Array, w.data as Float32Array, `${c.name}: ${o}`);
  });
}
