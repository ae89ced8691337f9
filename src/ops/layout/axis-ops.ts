/**
 * Ops with one data input whose other parameter is a per-axis vector: Pad (pads, [begins…,
 * ends…]) and nearest-neighbour Resize (scales). They move data without computing on it, so a
 * Transpose moves past them exactly once the vector's entries are put in the other axis order.
 * The vector must be a Constant node's value_ints / value_floats (a Keras ZeroPadding2D or
 * UpSampling2D): nnport writes a new Constant node with the permuted entries, never a stored weight.
 */
import type { AttributeValue } from '../../core/graph.js';
import { isOnnxNode, type WorkGraph, type WorkNode } from './work-graph.js';

/** A per-axis parameter of a node: where it is and its entries. */
interface AxisParam {
  /** The input index holding it, or the attribute name (Pad before opset 11). */
  readonly at: number | string;
  readonly kind: 'ints' | 'floats';
  readonly values: readonly number[];
  /** Entries per axis: 2 for pads, 1 for scales. */
  readonly groups: number;
}

function constantVector(
  g: WorkGraph,
  value: string | undefined,
): Omit<AxisParam, 'at' | 'groups'> | undefined {
  if (value === undefined || value === '') return undefined;
  const n = g.producer(value);
  if (n === undefined || n.op !== 'Constant' || !isOnnxNode(n)) return undefined;
  const a = n.attributes.value_ints ?? n.attributes.value_floats;
  if (a?.type === 'ints') return { kind: 'ints', values: a.value.map(Number) };
  if (a?.type === 'floats') return { kind: 'floats', values: [...a.value] };
  return undefined;
}

/** The per-axis parameter of `node` when a Transpose of rank `rank` can move past it. */
export function axisParam(g: WorkGraph, node: WorkNode, rank: number): AxisParam | undefined {
  if (!isOnnxNode(node) || node.outputs.length !== 1) return undefined;
  if (node.op === 'Pad') {
    if ((node.inputs[3] ?? '') !== '') return undefined; // explicit axes (opset 18)
    const attr = node.attributes.pads;
    if (attr?.type === 'ints') {
      const values = attr.value.map(Number);
      return values.length === 2 * rank ? { at: 'pads', kind: 'ints', values, groups: 2 } : undefined;
    }
    const v = constantVector(g, node.inputs[1]);
    return v !== undefined && v.values.length === 2 * rank ? { ...v, at: 1, groups: 2 } : undefined;
  }
  if (node.op === 'Resize') {
    const mode = node.attributes.mode;
    if (mode !== undefined && !(mode.type === 'string' && mode.value === 'nearest')) return undefined;
    if ((node.inputs[3] ?? '') !== '' || node.attributes.axes !== undefined) return undefined;
    const roi = node.inputs[1] ?? '';
    if (roi !== '') return undefined;
    const v = constantVector(g, node.inputs[2]);
    return v !== undefined && v.values.length === rank ? { ...v, at: 2, groups: 1 } : undefined;
  }
  return undefined;
}

/**
 * Rewrites `node`'s parameter for data that is no longer transposed by `perm`: entry k of each
 * group goes to position perm[k]. `made` hears of a new Constant node.
 */
export function permuteAxisParam(
  g: WorkGraph,
  node: WorkNode,
  param: AxisParam,
  perm: readonly number[],
  made: (n: WorkNode) => void,
): void {
  const r = perm.length;
  const out = [...param.values];
  for (let gi = 0; gi < param.groups; gi++)
    perm.forEach((p, k) => {
      out[gi * r + p] = param.values[gi * r + k] as number;
    });
  const value: AttributeValue =
    param.kind === 'ints' ? { type: 'ints', value: out } : { type: 'floats', value: out };
  if (typeof param.at === 'string') {
    node.attributes[param.at] = value;
    return;
  }
  const old = node.inputs[param.at] as string;
  const name = g.valueName(`${old}/permuted`);
  const c: WorkNode = {
    name: g.nodeName(`${node.name}/permuted_${param.kind === 'ints' ? 'pads' : 'scales'}`),
    op: 'Constant',
    inputs: [],
    outputs: [name],
    attributes: { [param.kind === 'ints' ? 'value_ints' : 'value_floats']: value },
    ...(node.meta === undefined ? {} : { meta: node.meta }),
  };
  g.insertBefore(node, c);
  made(c);
  const was = g.producer(old);
  if (was !== undefined) made(was); // swept when nothing else reads it
  g.setInput(node, param.at, name);
}
