/**
 * Graphs built in test code for the MXNet export tests: attribute shorthands, one-input models,
 * and the export with its warnings.
 */
import assert from 'node:assert/strict';
import type { AttributeValue, GraphNode, ValueInfo } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import { type Tensor, tensorFromArray } from '../../src/core/tensor.js';
import { exportMxnet, type MxnetExport } from '../../src/ops/mxnet/export.js';
import type { SymbolJsonNode } from '../../src/ops/mxnet/export-json.js';

export const i = (value: number): AttributeValue => ({ type: 'int', value });
export const f = (value: number): AttributeValue => ({ type: 'float', value: Math.fround(value) });
export const is = (...value: number[]): AttributeValue => ({ type: 'ints', value });
export const s = (value: string): AttributeValue => ({ type: 'string', value });

export function node(
  op: string,
  inputs: string[],
  outputs: string[],
  attributes: Record<string, AttributeValue> = {},
): GraphNode {
  return { name: outputs[0] ?? op, op, inputs, outputs, attributes };
}

export function f32(name: string, shape: number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tensorFromArray(
    name,
    'float32',
    shape,
    Float32Array.from({ length: n }, (_, k) => k + 1),
  );
}

/** One-input graph: `x` of `shape` → nodes → `y`. */
export function model(
  nodes: GraphNode[],
  tensors: Tensor[] = [],
  inputs: ValueInfo[] = [],
  opset = 17,
): Model {
  const last = nodes[nodes.length - 1] as GraphNode;
  return {
    format: 'memory',
    metadata: {},
    tensors,
    graph: { nodes, inputs, outputs: [{ name: last.outputs[0] as string }], opsets: { '': opset } },
  };
}
export const X = (shape: (number | null)[]): ValueInfo => ({ name: 'x', dtype: 'float32', shape });

export async function exported(m: Model): Promise<MxnetExport & { warnings: string[] }> {
  const warnings: string[] = [];
  const r = await exportMxnet(m, { onWarning: (w) => warnings.push(w) });
  return { ...r, warnings };
}

/** The symbol's op nodes (variables left out). */
export function ops(r: MxnetExport): SymbolJsonNode[] {
  return r.symbol.nodes.filter((n) => n.op !== 'null');
}
/** The single op node of an export, checked for its op and attributes. */
export async function single(
  m: Model,
  op: string,
  attrs: Record<string, string>,
): Promise<MxnetExport & { warnings: string[] }> {
  const r = await exported(m);
  const o = ops(r);
  assert.equal(o.length, 1, JSON.stringify(o));
  assert.equal(o[0]?.op, op);
  assert.deepEqual(o[0]?.attrs, attrs);
  return r;
}
