/**
 * Constants on the other side of an elementwise op the layout pass moves a Transpose past. A
 * constant broadcasts against the transposed value; on the untransposed value it must broadcast
 * the same way after its axes are moved too. When at most one of its (right-aligned) dims is not 1
 * — a scalar, a per-channel [C] vector — moving its axes does not move any element, so a Reshape
 * node on the stored tensor does it and the stored weights stay bit for bit.
 */
import type { Tensor } from '../../core/tensor.js';
import { isOnnxNode, type WorkGraph, type WorkNode } from './work-graph.js';

/** The shape of `value` when it is a constant: an initializer or a Constant node's output. */
export function constantShape(
  g: WorkGraph,
  value: string,
  tensors: ReadonlyMap<string, Tensor>,
): readonly number[] | undefined {
  const node = g.producer(value);
  if (node === undefined) {
    if (g.inputs.has(value)) return undefined;
    return tensors.get(value)?.shape;
  }
  if (node.op !== 'Constant' || !isOnnxNode(node)) return undefined;
  const [key, a] = Object.entries(node.attributes)[0] ?? [];
  if (a === undefined) return undefined;
  if (key === 'value_float' || key === 'value_int') return [];
  if ((key === 'value_floats' || key === 'value_ints') && (a.type === 'floats' || a.type === 'ints'))
    return [a.value.length];
  if (key === 'value' && a.type === 'tensor') return tensors.get(a.value)?.shape;
  return undefined;
}

/**
 * The shape a constant of shape `shape` needs to broadcast against the untransposed value as it
 * did against Transpose(value, perm): `same` when no change is needed (all dims 1), the new shape
 * (leading 1s dropped) when a Reshape does it, undefined when its elements would have to move.
 */
export function permutedConstantShape(
  shape: readonly number[],
  perm: readonly number[],
): 'same' | number[] | undefined {
  const rank = perm.length;
  if (shape.length > rank) return undefined;
  const padded = [...Array<number>(rank - shape.length).fill(1), ...shape];
  const big = padded.filter((d) => d !== 1).length;
  if (big === 0) return 'same';
  if (big > 1) return undefined;
  const q = Array<number>(rank).fill(1);
  perm.forEach((p, k) => {
    q[p] = padded[k] as number;
  });
  let start = 0;
  while (start < q.length - 1 && q[start] === 1) start++;
  const out = q.slice(start);
  if (out.length === shape.length && out.every((d, i) => d === shape[i])) return 'same';
  return out;
}

/**
 * `value` reshaped to `shape` by new Constant and Reshape nodes placed before `before`, reused when
 * the same reshape was made already earlier in the node order (`cache`); `made` hears of each new
 * node. Needs opset 12 (Constant value_ints).
 */
export function reshapedConstant(
  g: WorkGraph,
  value: string,
  shape: readonly number[],
  before: WorkNode,
  cache: Map<string, string>,
  made: (node: WorkNode) => void,
): string {
  const key = `${value}\u0000${shape.join(',')}`;
  const hit = cache.get(key);
  const earlier = hit === undefined ? undefined : g.producer(hit);
  if (hit !== undefined && earlier !== undefined && g.pos(earlier) < g.pos(before)) return hit;
  const shapeValue = g.valueName(`${value}_layout_shape`);
  const out = g.valueName(`${value}_layout`);
  const meta = before.meta === undefined ? {} : { meta: before.meta };
  // Placed before the first node that needs it; the constant itself is available from the start.
  const constant: WorkNode = {
    name: g.nodeName(`${before.name}/layout_shape`),
    op: 'Constant',
    inputs: [],
    outputs: [shapeValue],
    attributes: { value_ints: { type: 'ints', value: [...shape] } },
    ...meta,
  };
  const reshape: WorkNode = {
    name: g.nodeName(`${before.name}/layout_reshape`),
    op: 'Reshape',
    inputs: [value, shapeValue],
    outputs: [out],
    attributes: {},
    ...meta,
  };
  g.insertBefore(before, constant);
  g.insertBefore(before, reshape);
  made(constant);
  made(reshape);
  cache.set(key, out);
  return out;
}
