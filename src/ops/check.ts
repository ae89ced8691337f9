/**
 * Structural checks of one node against its schema, for `inspect` and the writers: unknown and
 * missing attributes, attribute kinds, input and output counts (onnx's checker performs the same
 * checks in `OpSchema::Verify`; these are re-derived from the schema tables, not copied).
 */
import type { GraphNode } from '../core/graph.js';
import { opSchema } from './registry.js';
import type { IoSpec } from './types.js';

/** What kind of problem a node has. */
export type NodeProblemKind =
  | 'unknown-attribute'
  | 'missing-attribute'
  | 'attribute-type'
  | 'too-few-inputs'
  | 'too-many-inputs'
  | 'missing-input'
  | 'too-few-outputs'
  | 'too-many-outputs';

/** One problem of one node. */
export interface NodeProblem {
  /** The node's name (or its first output when unnamed). */
  readonly node: string;
  /** The op. */
  readonly op: string;
  /** The kind of problem. */
  readonly kind: NodeProblemKind;
  /** A sentence for people. */
  readonly message: string;
}

/** Minimum and maximum counts of a slot list (variadic: at least one unless optional, no maximum). */
function arity(slots: readonly IoSpec[]): [number, number] {
  let min = 0;
  for (let i = 0; i < slots.length; i++) if (!(slots[i] as IoSpec).optional) min = i + 1;
  const last = slots[slots.length - 1];
  return [min, last?.variadic === true ? Number.POSITIVE_INFINITY : slots.length];
}

/**
 * The problems of `node` under opset `opset` of its domain; `[]` when it conforms or when no
 * schema applies (ops outside the set are reported as "not executable" instead).
 */
export function checkNode(node: GraphNode, opset: number): NodeProblem[] {
  const schema = opSchema(node.domain ?? '', node.op, opset);
  if (schema === undefined) return [];
  const name = node.name !== '' ? node.name : (node.outputs[0] ?? '');
  const out: NodeProblem[] = [];
  const add = (kind: NodeProblemKind, message: string): void => {
    out.push({ node: name, op: node.op, kind, message });
  };
  const where = `${node.op}-${schema.since}`;
  for (const [key, value] of Object.entries(node.attributes)) {
    const spec = schema.attributes.find((a) => a.name === key);
    if (spec === undefined) add('unknown-attribute', `${where} has no attribute '${key}'`);
    else if (spec.type !== value.type) {
      add('attribute-type', `attribute '${key}' of ${where} is ${spec.type}, not ${value.type}`);
    }
  }
  for (const spec of schema.attributes) {
    if (spec.required && !Object.hasOwn(node.attributes, spec.name)) {
      add('missing-attribute', `${where} requires attribute '${spec.name}'`);
    }
  }
  // Trailing omitted optional inputs may be written as '' or left off; both count as absent.
  let inputs = node.inputs.length;
  while (inputs > 0 && node.inputs[inputs - 1] === '') inputs--;
  const [minIn, maxIn] = arity(schema.inputs);
  if (inputs < minIn) add('too-few-inputs', `${where} takes at least ${minIn} inputs, has ${inputs}`);
  if (inputs > maxIn) add('too-many-inputs', `${where} takes at most ${maxIn} inputs, has ${inputs}`);
  for (let i = 0; i < Math.min(inputs, schema.inputs.length); i++) {
    const slot = schema.inputs[i] as IoSpec;
    if (!slot.optional && !slot.variadic && node.inputs[i] === '') {
      add('missing-input', `input ${i} (${slot.name}) of ${where} is required`);
    }
  }
  const [minOut, maxOut] = arity(schema.outputs);
  const outputs = node.outputs.length;
  if (outputs < minOut)
    add('too-few-outputs', `${where} has at least ${minOut} outputs, node gives ${outputs}`);
  if (outputs > maxOut)
    add('too-many-outputs', `${where} has at most ${maxOut} outputs, node gives ${outputs}`);
  return out;
}
