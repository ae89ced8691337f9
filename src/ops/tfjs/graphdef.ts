/**
 * A TF.js graph-model's `modelTopology` (a GraphDef as JSON, node_def.proto) read into nodes with
 * parsed input references, in an order where every node comes after the nodes it reads. GraphDefs
 * need not be sorted (TensorFlow itself sorts before running), so the order is computed; a
 * reference to a node that does not exist and a cycle are errors naming the node. Errors thrown
 * here mean the file is broken, so the read fails (`STRUCTURE_ERRORS`), whereas an op nnport
 * cannot translate only leaves the model without a graph.
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import { isObject, TfAttrs } from './attrs.js';

/** Errors that make the read fail (a broken GraphDef), rather than leave the model graph-less. */
export const STRUCTURE_ERRORS = new WeakSet<Error>();

/** An error about a broken GraphDef, naming the node; marked as a read failure. */
export function structureError(node: string, detail: string): NnportError {
  const e = new NnportError('INVALID_STRUCTURE', detail, { at: { node } });
  STRUCTURE_ERRORS.add(e);
  return e;
}

/** One data input: output `index` of node `node` (`name` or `name:k` in the GraphDef). */
export interface TfRef {
  readonly node: string;
  readonly index: number;
}

/** One GraphDef node. */
export interface TfNode {
  readonly name: string;
  readonly op: string;
  /** Data inputs in order. */
  readonly inputs: readonly TfRef[];
  /** Control inputs (`^name`): ordering only, no data. */
  readonly controls: readonly string[];
  readonly attrs: TfAttrs;
}

/** Ops whose semantics need frames or functions: a GraphDef holding one gets no graph. */
const CONTROL_FLOW = new Set([
  'Switch',
  'Merge',
  'Enter',
  'Exit',
  'NextIteration',
  'LoopCond',
  'RefSwitch',
  'RefMerge',
  'RefEnter',
  'RefExit',
  'If',
  'StatelessIf',
  'While',
  'StatelessWhile',
  'PartitionedCall',
  'StatefulPartitionedCall',
]);

/** Parses `name`, `name:k` (and refuses function-style `name:out:k`). */
function parseRef(owner: string, text: string): TfRef {
  const m = /^([^:]+)(?::(\d+))?$/.exec(text);
  if (m === null) throw structureError(owner, `input ${JSON.stringify(text)} is not a node reference`);
  return { node: m[1] as string, index: m[2] === undefined ? 0 : Number(m[2]) };
}

function parseNode(v: JsonValue, i: number): TfNode {
  if (!isObject(v) || typeof v.name !== 'string' || typeof v.op !== 'string' || v.name === '') {
    const e = new NnportError('INVALID_STRUCTURE', 'a node needs a name and an op', {
      at: { path: `$.modelTopology.node[${i}]` },
    });
    STRUCTURE_ERRORS.add(e);
    throw e;
  }
  const name = v.name;
  const inputs: TfRef[] = [];
  const controls: string[] = [];
  for (const x of Array.isArray(v.input) ? v.input : []) {
    if (typeof x !== 'string') throw structureError(name, 'inputs must be strings');
    if (x.startsWith('^')) controls.push(x.slice(1));
    else inputs.push(parseRef(name, x));
  }
  return { name, op: v.op, inputs, controls, attrs: new TfAttrs(v.attr) };
}

/**
 * The topology's nodes, producers first (ties keep the file's order). Throws INVALID_STRUCTURE
 * for a duplicate name, an input naming no node, or a cycle; UNSUPPORTED_OP for control flow.
 */
export function graphNodes(topology: JsonValue): TfNode[] {
  if (!isObject(topology) || !Array.isArray(topology.node)) {
    const e = new NnportError('INVALID_STRUCTURE', 'modelTopology.node must be a list', {
      at: { path: '$.modelTopology' },
    });
    STRUCTURE_ERRORS.add(e);
    throw e;
  }
  const nodes = topology.node.map(parseNode);
  const byName = new Map<string, TfNode>();
  for (const n of nodes) {
    if (byName.has(n.name)) throw structureError(n.name, `two nodes are named ${JSON.stringify(n.name)}`);
    byName.set(n.name, n);
  }
  for (const n of nodes) {
    for (const d of [...n.inputs.map((r) => r.node), ...n.controls]) {
      if (!byName.has(d)) throw structureError(n.name, `input ${JSON.stringify(d)} names no node`);
    }
  }
  for (const n of nodes) {
    if (CONTROL_FLOW.has(n.op)) {
      throw new NnportError('UNSUPPORTED_OP', `control flow (${n.op} '${n.name}') is not translated`, {
        at: { node: n.name },
      });
    }
  }
  // Depth-first, iterative: 0 unvisited, 1 on the stack, 2 done.
  const state = new Map<string, number>();
  const order: TfNode[] = [];
  for (const root of nodes) {
    if (state.get(root.name) === 2) continue;
    const stack: { node: TfNode; deps: string[]; at: number }[] = [];
    const push = (n: TfNode): void => {
      state.set(n.name, 1);
      stack.push({ node: n, deps: [...n.inputs.map((r) => r.node), ...n.controls], at: 0 });
    };
    push(root);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as (typeof stack)[number];
      if (top.at === top.deps.length) {
        stack.pop();
        state.set(top.node.name, 2);
        order.push(top.node);
        continue;
      }
      const dep = top.deps[top.at++] as string;
      const s = state.get(dep) ?? 0;
      if (s === 1) throw structureError(dep, `the graph has a cycle through node ${JSON.stringify(dep)}`);
      if (s === 0) push(byName.get(dep) as TfNode);
    }
  }
  return order;
}
