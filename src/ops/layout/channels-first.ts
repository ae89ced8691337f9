/**
 * `--layout nchw`: a graph that takes channels-last images (Keras and TF.js keep NHWC, with a
 * Transpose to NCHW before each convolution) rewritten to take them channels-first, as PyTorch and
 * most ONNX consumers expect. A Transpose back to channels-last is put after each such input and
 * one to channels-first before each channels-last output; the optimizer then cancels them against
 * the graph's own Transposes, so what is left computes exactly what the source did.
 */
import { NnportError } from '../../core/errors.js';
import type { Graph, ValueInfo } from '../../core/graph.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { axisParam } from './axis-ops.js';
import { constantShape, permutedConstantShape } from './constants.js';
import { BROADCAST_ELEMENTWISE, countTransposes, optimizeTransposes, UNARY_ELEMENTWISE } from './optimize.js';
import { permuteShape, samePerm, toFirstPerm, toLastPerm } from './perm.js';
import { hasLayoutRecord, withChange } from './record.js';
import { isOnnxNode, permAttr, permOf, WorkGraph, type WorkNode } from './work-graph.js';

function passesLayout(n: WorkNode): boolean {
  return isOnnxNode(n) && UNARY_ELEMENTWISE.has(n.op) && n.outputs.length === 1;
}

function rankOf(v: ValueInfo): number | undefined {
  const r = v.shape?.length;
  return r !== undefined && r >= 3 && r <= 5 ? r : undefined;
}

/**
 * The graph inputs that are channels-last images: rank 3 to 5, and reaching — directly or through
 * elementwise unary ops, Pad and nearest Resize — a Transpose to channels-first (what a
 * convolution or pool reads).
 */
export function channelsLastInputs(graph: Graph): string[] {
  const g = new WorkGraph(graph, []);
  const out: string[] = [];
  for (const v of graph.inputs) {
    const r = rankOf(v);
    if (r === undefined || g.escapes(v.name)) continue;
    const want = toFirstPerm(r);
    const seen = new Set<string>();
    const queue = [v.name];
    let found = false;
    while (queue.length > 0 && !found) {
      const value = queue.shift() as string;
      if (seen.has(value)) continue;
      seen.add(value);
      for (const n of g.consumers(value)) {
        const p = permOf(n);
        if (p !== undefined && samePerm(p, want)) found = true;
        else if ((passesLayout(n) || axisParam(g, n, r) !== undefined) && n.inputs[0] === value)
          queue.push(n.outputs[0] as string);
      }
    }
    if (found) out.push(v.name);
  }
  return out;
}

/**
 * The rank of `value` when it is channels-last data made from channels-first: a Transpose to
 * channels-last, or an elementwise op of such values (and constants), like Keras's swish x·σ(x).
 */
function channelsLastRank(
  g: WorkGraph,
  value: string,
  memo: Map<string, number | undefined>,
  tensors: ReadonlyMap<string, Tensor>,
): number | undefined {
  if (memo.has(value)) return memo.get(value);
  memo.set(value, undefined); // no cycles in a graph, but never loop on a malformed one
  const n = g.producer(value);
  let rank: number | undefined;
  const p = permOf(n);
  if (p !== undefined) {
    if (p.length >= 3 && p.length <= 5 && samePerm(p, toLastPerm(p.length))) rank = p.length;
  } else if (n !== undefined && (n.op === 'Pad' || n.op === 'Resize')) {
    const r = channelsLastRank(g, n.inputs[0] ?? '', memo, tensors);
    if (r !== undefined && axisParam(g, n, r) !== undefined) rank = r;
  } else if (n !== undefined && isOnnxNode(n) && n.outputs.length === 1) {
    const data = UNARY_ELEMENTWISE.has(n.op)
      ? [n.inputs[0] ?? '']
      : BROADCAST_ELEMENTWISE.has(n.op)
        ? n.inputs
        : [];
    const ranks = data.map((v) => (v === '' ? undefined : channelsLastRank(g, v, memo, tensors)));
    const first = ranks.find((r) => r !== undefined);
    // the other inputs: the same layout, or constants the optimizer can move past (a bias)
    const fits = (v: string, r: number | undefined): boolean => {
      if (r !== undefined) return r === first;
      const shape = constantShape(g, v, tensors);
      return (
        first !== undefined &&
        shape !== undefined &&
        permutedConstantShape(shape, toLastPerm(first)) !== undefined
      );
    };
    if (first !== undefined && data.every((v, i) => fits(v, ranks[i]))) rank = first;
  }
  memo.set(value, rank);
  return rank;
}

/** Graph outputs that are channels-last data made from channels-first (see channelsLastRank). */
function channelsLastOutputs(graph: Graph, g: WorkGraph, tensors: readonly Tensor[]): Map<string, number> {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const out = new Map<string, number>();
  const memo = new Map<string, number | undefined>();
  for (const v of graph.outputs) {
    if (g.inputs.has(v.name) || g.pinned.has(v.name)) continue;
    const r = channelsLastRank(g, v.name, memo, byName);
    if (r === undefined || (v.shape !== undefined && v.shape.length !== r)) continue;
    out.set(v.name, r);
  }
  return out;
}

/** Options of toChannelsFirst. */
export interface ChannelsFirstOptions {
  /** Run the transpose optimizer after adding the boundary Transposes (default true). */
  readonly optimize?: boolean;
}

/** A Transpose node `input` → `output`. */
export function transpose(g: WorkGraph, input: string, output: string, perm: readonly number[]): WorkNode {
  return {
    name: g.nodeName(`${output}/layout`),
    op: 'Transpose',
    inputs: [input],
    outputs: [output],
    attributes: { perm: permAttr(perm) },
  };
}

function record(v: ValueInfo, rank: number): Record<string, JsonValue> {
  const perm = toFirstPerm(rank);
  return {
    name: v.name,
    from: v.shape === undefined ? null : [...v.shape],
    to: v.shape === undefined ? null : permuteShape(v.shape, perm),
    perm,
  };
}

/**
 * `model` with its channels-last image inputs taken channels-first and its channels-last image
 * outputs given channels-first, Transposes folded away where they cancel, and a `layout` entry in
 * `metadata.nnport.changes`. USAGE error when the graph has no channels-last image input.
 */
export function toChannelsFirst(model: Model, opts: ChannelsFirstOptions = {}): Model {
  const graph = model.graph;
  const inputs = graph === undefined ? [] : channelsLastInputs(graph);
  if (graph === undefined || inputs.length === 0) {
    throw new NnportError(
      'USAGE',
      graph === undefined
        ? 'the model has no graph, so it has no input layout to change'
        : 'the graph has no channels-last image input (one a Transpose turns channels-first for a convolution)',
    );
  }
  const before = countTransposes(graph);
  const g = new WorkGraph(
    graph,
    model.tensors.map((t) => t.name),
  );
  const outputs = channelsLastOutputs(graph, g, model.tensors);
  const inRecords: JsonValue[] = [];
  const outRecords: JsonValue[] = [];
  const newInputs = graph.inputs.map((v) => {
    if (!inputs.includes(v.name)) return v;
    const r = v.shape?.length as number;
    const inner = g.valueName(`${v.name}/channels_last`);
    g.replaceUses(v.name, inner);
    g.insertAfter(undefined, transpose(g, v.name, inner, toLastPerm(r)));
    inRecords.push(record(v, r));
    return v.shape === undefined ? v : { ...v, shape: permuteShape(v.shape, toFirstPerm(r)) };
  });
  const done = new Set<string>();
  const newOutputs = graph.outputs.map((v) => {
    const r = outputs.get(v.name);
    if (r === undefined) return v;
    const maker = g.producer(v.name) as WorkNode;
    if (!done.has(v.name)) {
      done.add(v.name);
      const inner = g.valueName(`${v.name}/channels_last`);
      g.replaceUses(v.name, inner);
      g.setOutput(maker, maker.outputs.indexOf(v.name), inner);
      g.append(transpose(g, inner, v.name, toFirstPerm(r)));
      outRecords.push(record(v, r));
    }
    return v.shape === undefined ? v : { ...v, shape: permuteShape(v.shape, toFirstPerm(r)) };
  });
  const moved = new Set([...inputs, ...outputs.keys()]);
  const rewired: Graph = {
    ...graph,
    nodes: g.toNodes(),
    inputs: newInputs,
    outputs: newOutputs,
    ...(graph.valueInfo === undefined
      ? {}
      : { valueInfo: graph.valueInfo.filter((v) => !moved.has(v.name)) }),
  };
  const result = opts.optimize === false ? rewired : optimizeTransposes(rewired, model.tensors).graph;
  const change: Record<string, JsonValue> = {
    change: 'layout',
    to: 'NCHW',
    inputs: inRecords,
    outputs: outRecords,
    removedTransposes: before - countTransposes(result),
  };
  return { ...model, graph: result, metadata: withChange(model.metadata, change) };
}

/**
 * `model` with a `{change: 'layout', kept: 'NHWC', inputs}` manifest entry when its graph takes
 * channels-last images (and no layout entry is there yet): the written file then says how to
 * feed it. Unchanged otherwise.
 */
export function recordChannelsLast(model: Model): Model {
  if (model.graph === undefined || hasLayoutRecord(model)) return model;
  const inputs = channelsLastInputs(model.graph);
  if (inputs.length === 0) return model;
  const change = { change: 'layout', kept: 'NHWC', inputs };
  return { ...model, metadata: withChange(model.metadata, change) };
}
