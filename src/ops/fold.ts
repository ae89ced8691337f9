/**
 * Constant folding of small integer vectors, so that shapes computed inside a graph reach the ops
 * that need them as constants: exporters write `Shape → Gather → Unsqueeze → Concat → Reshape`
 * for a reshape that keeps the batch dim (torch.onnx does), and Reshape's output is only known
 * if that chain is evaluated. Only the ops such chains use are folded (with the Max/Min/Where/Equal
 * clamps and ReduceProd element counts importers add), and only small values.
 */
import type { GraphNode } from '../core/graph.js';
import { rangeLength } from './defs-math.js';
import { shapeRange } from './defs-tensor.js';
import type { InferContext, TensorInfo } from './types.js';

/**
 * The largest constant (in elements) folded or taken from an initializer for inference. Shape
 * vectors have a handful of elements; the cap keeps a huge initializer from being converted to a
 * JS array just because it feeds an op's second input.
 */
export const MAX_FOLDED_ELEMENTS = 4096;

/** Elementwise with numpy broadcasting of a scalar or equal lengths (all shape arithmetic needs). */
function zip(
  a: readonly number[],
  b: readonly number[],
  f: (x: number, y: number) => number,
): number[] | undefined {
  if (a.length === b.length) return a.map((x, i) => f(x, b[i] as number));
  if (a.length === 1) return b.map((y) => f(a[0] as number, y));
  if (b.length === 1) return a.map((x) => f(x, b[0] as number));
  return undefined;
}

function intAttr(node: GraphNode, name: string, fallback: number): number {
  const a = node.attributes[name];
  return a?.type === 'int' ? Number(a.value) : fallback;
}

/**
 * ReduceProd / ReduceSum of a 1-D vector over its only axis (the element count of a Shape, say);
 * `undefined` for other axes or ranks. With no axes: all, or none under noop_with_empty_axes.
 */
function foldReduce(
  ctx: InferContext,
  a: readonly number[] | undefined,
  prod: boolean,
): readonly number[] | undefined {
  const { node } = ctx;
  if (a === undefined || ctx.inputs[0]?.shape?.length !== 1) return undefined;
  const byInput = node.inputs.length > 1 && node.inputs[1] !== '';
  const attrAxes = node.attributes.axes;
  const axes = byInput ? ctx.value(1) : attrAxes?.type === 'ints' ? attrAxes.value.map(Number) : [];
  if (axes === undefined) return undefined;
  if (axes.length === 0 && intAttr(node, 'noop_with_empty_axes', 0) === 1) return a;
  if (axes.length > 1 || (axes.length === 1 && axes[0] !== 0 && axes[0] !== -1)) return undefined;
  return [a.reduce((p, x) => (prod ? p * x : p + x), prod ? 1 : 0)];
}

/**
 * The values of a node's outputs when they follow from constant inputs, per output; `undefined`
 * when not folded. `outputs` are the inferred output types (for integer division).
 */
export function foldNode(
  ctx: InferContext,
  outputs: readonly (TensorInfo | undefined)[],
): (readonly number[] | undefined)[] {
  const { node } = ctx;
  const v = (i: number): readonly number[] | undefined => (node.inputs[i] ? ctx.value(i) : undefined);
  const result = ((): readonly number[] | undefined => {
    switch (node.op) {
      case 'Shape': {
        const s = ctx.inputs[0]?.shape;
        if (s === undefined || !s.every((d) => typeof d === 'number')) return undefined;
        const [start, end] = shapeRange(
          s.length,
          intAttr(node, 'start', 0),
          node.attributes.end ? intAttr(node, 'end', s.length) : undefined,
        );
        return (s as number[]).slice(start, end);
      }
      case 'Constant': {
        const a = Object.values(node.attributes)[0];
        if (a?.type === 'int' || a?.type === 'float') return [Number(a.value)];
        if (a?.type === 'ints' || a?.type === 'floats') return a.value.map(Number);
        return undefined;
      }
      case 'Identity':
      case 'Squeeze':
      case 'Unsqueeze':
      case 'Reshape':
      case 'Flatten':
        return v(0);
      case 'Cast': {
        const x = v(0);
        const d = outputs[0]?.dtype;
        if (x === undefined || d === undefined) return undefined;
        return d.startsWith('float') ? x : x.map(Math.trunc);
      }
      case 'Gather': {
        const data = v(0);
        const idx = v(1);
        const rank = ctx.inputs[0]?.shape?.length;
        if (data === undefined || idx === undefined || rank !== 1) return undefined;
        const out: number[] = [];
        for (const i of idx) {
          const k = i < 0 ? i + data.length : i;
          if (k < 0 || k >= data.length) return undefined;
          out.push(data[k] as number);
        }
        return out;
      }
      case 'Concat': {
        const parts = node.inputs.map((_, i) => v(i));
        if (parts.some((p) => p === undefined)) return undefined;
        return (parts as number[][]).flat();
      }
      case 'Slice': {
        const data = v(0);
        if (data === undefined || ctx.inputs[0]?.shape?.length !== 1) return undefined;
        const starts = node.inputs.length > 1 ? v(1) : undefined;
        const ends = node.inputs.length > 2 ? v(2) : undefined;
        const step = node.inputs.length > 4 ? v(4)?.[0] : 1;
        if (starts?.length !== 1 || ends?.length !== 1 || step !== 1) return undefined;
        const n = data.length;
        const clamp = (x: number): number => Math.min(Math.max(x < 0 ? x + n : x, 0), n);
        return data.slice(clamp(starts[0] as number), clamp(ends[0] as number));
      }
      case 'Add':
      case 'Sub':
      case 'Mul':
      case 'Div': {
        const a = v(0);
        const b = v(1);
        if (a === undefined || b === undefined) return undefined;
        const isInt = !(outputs[0]?.dtype ?? 'float32').startsWith('float');
        if (node.op === 'Add') return zip(a, b, (x, y) => x + y);
        if (node.op === 'Sub') return zip(a, b, (x, y) => x - y);
        if (node.op === 'Mul') return zip(a, b, (x, y) => x * y);
        if (b.includes(0)) return undefined;
        return zip(a, b, (x, y) => (isInt ? Math.trunc(x / y) : x / y));
      }
      case 'Range': {
        const [start, limit, delta] = [v(0)?.[0], v(1)?.[0], v(2)?.[0]];
        if (start === undefined || limit === undefined || delta === undefined || delta === 0)
          return undefined;
        const n = rangeLength(start, limit, delta, outputs[0]?.dtype);
        if (n > MAX_FOLDED_ELEMENTS) return undefined;
        return Array.from({ length: n }, (_, i) => start + i * delta);
      }
      case 'Max':
      case 'Min': {
        const parts = node.inputs.map((_, i) => v(i));
        const f = node.op === 'Max' ? Math.max : Math.min;
        let acc = parts[0];
        for (const p of parts.slice(1)) acc = acc && p && zip(acc, p, (x, y) => f(x, y));
        return acc;
      }
      case 'Neg':
        return v(0)?.map((x) => -x);
      case 'Equal': {
        const a = v(0);
        const b = v(1);
        return a && b && zip(a, b, (x, y) => (x === y ? 1 : 0));
      }
      case 'Where': {
        const parts = [v(0), v(1), v(2)];
        if (parts.some((p) => p === undefined)) return undefined;
        const [c, x, y] = parts as [number[], number[], number[]];
        // Each of condition, X and Y is a scalar or of the common length.
        const n = Math.max(c.length, x.length, y.length);
        if ([c, x, y].some((p) => p.length !== 1 && p.length !== n)) return undefined;
        const at = (a: readonly number[], i: number): number => a[a.length === 1 ? 0 : i] as number;
        return Array.from({ length: n }, (_, i) => (at(c, i) !== 0 ? at(x, i) : at(y, i)));
      }
      case 'ReduceProd':
      case 'ReduceSum':
        return foldReduce(ctx, v(0), node.op === 'ReduceProd');
      default:
        return undefined;
    }
  })();
  return [result !== undefined && result.length <= MAX_FOLDED_ELEMENTS ? result : undefined];
}
