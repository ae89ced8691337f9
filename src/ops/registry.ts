/**
 * The canonical op set (DESIGN §2): every schema of the default ONNX domain nnport models, looked
 * up by (domain, op, opset) the way ONNX resolves a node — the newest version whose `since` is at
 * most the model's opset import for that domain (onnx docs/Versioning.md, "operator sets").
 * Registered from one explicit list (STYLE habit 1).
 */
import type { AttributeValue, Graph } from '../core/graph.js';
import { ELEMENTWISE_SCHEMAS } from './defs-elementwise.js';
import { LOGIC_SCHEMAS } from './defs-logic.js';
import { MATH_SCHEMAS } from './defs-math.js';
import { NN_SCHEMAS } from './defs-nn.js';
import { REDUCE_SCHEMAS } from './defs-reduce.js';
import { RESIZE_SCHEMAS } from './defs-resize.js';
import { RNN_SCHEMAS } from './defs-rnn.js';
import { TENSOR_SCHEMAS } from './defs-tensor.js';
import type { OpSchema } from './types.js';

/** Every schema, in family order. */
export const ALL_SCHEMAS: readonly OpSchema[] = [
  ...ELEMENTWISE_SCHEMAS,
  ...NN_SCHEMAS,
  ...TENSOR_SCHEMAS,
  ...RESIZE_SCHEMAS,
  ...RNN_SCHEMAS,
  ...LOGIC_SCHEMAS,
  ...MATH_SCHEMAS,
  ...REDUCE_SCHEMAS,
];

/** The opset assumed for a graph that records none (formats without opsets): the newest schema applies. */
export const LATEST_OPSET = Number.MAX_SAFE_INTEGER;

/** Schemas by op name, each list sorted by `since` ascending. */
const BY_OP: ReadonlyMap<string, readonly OpSchema[]> = (() => {
  const m = new Map<string, OpSchema[]>();
  for (const s of ALL_SCHEMAS) {
    const list = m.get(s.op) ?? [];
    list.push(s);
    m.set(s.op, list);
  }
  for (const list of m.values()) list.sort((a, b) => a.since - b.since);
  return m;
})();

/** True for the default ONNX domain, which models spell `''` or `'ai.onnx'`. */
export function isDefaultDomain(domain: string | undefined): boolean {
  return domain === undefined || domain === '' || domain === 'ai.onnx';
}

/** The op names the set covers, sorted. */
export function knownOps(): string[] {
  return [...BY_OP.keys()].sort();
}

/**
 * The schema that applies to `op` of `domain` under opset `opsetVersion`: the newest version with
 * `since ≤ opsetVersion`, or `undefined` (op outside the set, other domain, or an opset older
 * than the op). Deprecated versions are returned with `deprecated: true`.
 */
export function opSchema(domain: string, op: string, opsetVersion: number): OpSchema | undefined {
  if (!isDefaultDomain(domain)) return undefined;
  const list = BY_OP.get(op);
  if (list === undefined) return undefined;
  let found: OpSchema | undefined;
  for (const s of list) if (s.since <= opsetVersion) found = s;
  return found;
}

/**
 * True when nnport's executor (issue #5) is to run this node: a non-deprecated schema of the set
 * applies at this opset.
 */
export function isExecutableOp(domain: string, op: string, version: number): boolean {
  const s = opSchema(domain, op, version);
  return s !== undefined && !s.deprecated;
}

/** The opset a graph imports for a domain (`''` and `'ai.onnx'` are one), or `LATEST_OPSET` when unrecorded. */
export function opsetOf(graph: Pick<Graph, 'opsets'>, domain: string | undefined): number {
  const o = graph.opsets;
  if (o === undefined) return LATEST_OPSET;
  if (isDefaultDomain(domain)) return o[''] ?? o['ai.onnx'] ?? LATEST_OPSET;
  return o[domain as string] ?? LATEST_OPSET;
}

/** The node's attributes with the schema's defaults added for the ones it omits. */
export function applyDefaults(
  schema: OpSchema,
  attributes: Readonly<Record<string, AttributeValue>>,
): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = { ...attributes };
  for (const a of schema.attributes) {
    if (!Object.hasOwn(out, a.name) && a.default !== undefined) out[a.name] = a.default;
  }
  return out;
}
