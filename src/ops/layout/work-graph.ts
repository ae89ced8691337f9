/**
 * A mutable working copy of a graph's node list for the layout pass: nodes are edited in place
 * (so each keeps its position in the topological order), new ones are inserted next to the node
 * they come from, and producers and consumers are looked up by value name in indexes every edit
 * keeps current. The canonical Graph is
 * immutable; this is the scratch form the rewrites need, turned back into a Graph at the end.
 */
import type { AttributeValue, Graph, GraphNode } from '../../core/graph.js';
import type { JsonValue } from '../../core/model.js';
import { NameSet } from '../names.js';

/** A node being rewritten: the GraphNode fields, mutable. */
export interface WorkNode {
  name: string;
  op: string;
  domain?: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, AttributeValue>;
  meta?: Readonly<Record<string, JsonValue>>;
}

/** Every value name a subgraph (If/Loop/Scan body) reads: renaming those would break the body. */
function subgraphReads(nodes: readonly GraphNode[], into: Set<string>): void {
  for (const n of nodes) {
    for (const a of Object.values(n.attributes)) {
      const graphs = a.type === 'graph' ? [a.value] : a.type === 'graphs' ? a.value : [];
      for (const g of graphs) {
        for (const m of g.nodes) for (const i of m.inputs) into.add(i);
        for (const o of g.outputs) into.add(o.name);
        subgraphReads(g.nodes, into);
      }
    }
  }
}

function allNames(graph: Graph, into: NameSet): void {
  for (const v of [...graph.inputs, ...graph.outputs, ...(graph.valueInfo ?? [])]) into.add(v.name);
  for (const n of graph.nodes) {
    into.add(n.name);
    for (const v of [...n.inputs, ...n.outputs]) into.add(v);
    for (const a of Object.values(n.attributes)) {
      if (a.type === 'graph') allNames(a.value, into);
      if (a.type === 'graphs') for (const g of a.value) allNames(g, into);
    }
  }
}

/** Nodes placed around one node: `before` runs just before it (last = nearest), `after` just after (first = nearest). */
interface Slot {
  readonly before: WorkNode[];
  readonly after: WorkNode[];
}

/**
 * The working copy of one (main) graph. Producers and consumers are indexed and kept up to date
 * by every edit, so a rewrite costs the size of what it touches, not of the graph; edits go
 * through the methods (setInput, setOutput, insert…, remove, replaceUses).
 */
export class WorkGraph {
  /** Graph output names (values that must keep their name and meaning). */
  readonly outputs: Set<string>;
  /** Graph input names. */
  readonly inputs: Set<string>;
  /** Values a subgraph reads: never renamed, never considered free of consumers. */
  readonly pinned: Set<string>;
  /** Value and node names in use, for new unique ones. */
  readonly names: NameSet;
  /** The source's nodes in order; new nodes hang off them (slots), off the head, or the tail. */
  readonly #spine: WorkNode[];
  readonly #slots = new Map<WorkNode, Slot>();
  readonly #head: WorkNode[] = [];
  readonly #tail: WorkNode[] = [];
  /** Position in the source's order (new nodes take their anchor's; head -1, tail +∞). */
  readonly #pos = new Map<WorkNode, number>();
  readonly #producers = new Map<string, WorkNode>();
  readonly #consumers = new Map<string, Set<WorkNode>>();
  readonly #removed = new WeakSet<WorkNode>();

  constructor(graph: Graph, tensorNames: Iterable<string>) {
    this.#spine = graph.nodes.map((n) => ({
      ...n,
      inputs: [...n.inputs],
      outputs: [...n.outputs],
      attributes: { ...n.attributes },
    }));
    this.#spine.forEach((n, i) => {
      this.#pos.set(n, i);
      this.#link(n);
    });
    this.outputs = new Set(graph.outputs.map((v) => v.name));
    this.inputs = new Set(graph.inputs.map((v) => v.name));
    this.pinned = new Set();
    subgraphReads(graph.nodes, this.pinned);
    this.names = new NameSet(tensorNames);
    allNames(graph, this.names);
  }

  #link(n: WorkNode): void {
    for (const o of n.outputs) if (o !== '') this.#producers.set(o, n);
    for (const i of n.inputs) if (i !== '') this.#use(i, n);
  }

  #use(value: string, n: WorkNode): void {
    const set = this.#consumers.get(value);
    if (set === undefined) this.#consumers.set(value, new Set([n]));
    else set.add(n);
  }

  #unuse(value: string, n: WorkNode): void {
    if (n.inputs.includes(value)) return;
    this.#consumers.get(value)?.delete(n);
  }

  /** Every live node in order. */
  get nodes(): WorkNode[] {
    const out: WorkNode[] = [];
    const emit = (n: WorkNode): void => {
      const slot = this.#slots.get(n);
      if (slot !== undefined) for (const b of slot.before) emit(b);
      if (!this.#removed.has(n)) out.push(n);
      if (slot !== undefined) for (const a of slot.after) emit(a);
    };
    for (const n of this.#head) emit(n);
    for (const n of this.#spine) emit(n);
    for (const n of this.#tail) emit(n);
    return out;
  }

  /** The node that computes `value`, if any (not for inputs and initializers). */
  producer(value: string): WorkNode | undefined {
    return this.#producers.get(value);
  }

  /** The nodes that read `value` (each once). */
  consumers(value: string): readonly WorkNode[] {
    const set = this.#consumers.get(value);
    return set === undefined ? [] : [...set];
  }

  /** Whether anything besides the main graph's nodes needs `value` (a graph output, a subgraph). */
  escapes(value: string): boolean {
    return this.outputs.has(value) || this.pinned.has(value);
  }

  /** Where `node` is in the source's order (new nodes: their anchor's place). */
  pos(node: WorkNode): number {
    return this.#pos.get(node) ?? Number.NaN;
  }

  /** Makes input `i` of `node` read `value`. */
  setInput(node: WorkNode, i: number, value: string): void {
    const old = node.inputs[i];
    node.inputs[i] = value;
    if (old !== undefined && old !== '') this.#unuse(old, node);
    if (value !== '') this.#use(value, node);
  }

  /** Renames output `i` of `node` to `value`. */
  setOutput(node: WorkNode, i: number, value: string): void {
    const old = node.outputs[i];
    node.outputs[i] = value;
    if (old !== undefined && this.#producers.get(old) === node) this.#producers.delete(old);
    if (value !== '') this.#producers.set(value, node);
  }

  #slot(anchor: WorkNode): Slot {
    let slot = this.#slots.get(anchor);
    if (slot === undefined) {
      slot = { before: [], after: [] };
      this.#slots.set(anchor, slot);
    }
    return slot;
  }

  /** Inserts `node` right after `anchor`, or before every node when anchor is undefined. */
  insertAfter(anchor: WorkNode | undefined, node: WorkNode): void {
    if (anchor === undefined) this.#head.push(node);
    else this.#slot(anchor).after.unshift(node);
    this.#pos.set(node, anchor === undefined ? -1 : this.pos(anchor));
    this.#link(node);
  }

  /** Inserts `node` right before `anchor`. */
  insertBefore(anchor: WorkNode, node: WorkNode): void {
    this.#slot(anchor).before.push(node);
    this.#pos.set(node, this.pos(anchor));
    this.#link(node);
  }

  /** Adds `node` after every other node. */
  append(node: WorkNode): void {
    this.#tail.push(node);
    this.#pos.set(node, Number.POSITIVE_INFINITY);
    this.#link(node);
  }

  /** Removes `node`. */
  remove(node: WorkNode): void {
    this.#removed.add(node);
    for (const o of node.outputs) if (this.#producers.get(o) === node) this.#producers.delete(o);
    for (const i of node.inputs) this.#consumers.get(i)?.delete(node);
  }

  /** Whether `node` was removed. */
  removed(node: WorkNode): boolean {
    return this.#removed.has(node);
  }

  /** Makes every node that reads `from` read `to` instead. */
  replaceUses(from: string, to: string): void {
    for (const n of this.consumers(from)) {
      n.inputs.forEach((v, i) => {
        if (v === from) n.inputs[i] = to;
      });
      this.#use(to, n);
    }
    this.#consumers.delete(from);
  }

  /** A new node name from `base`. */
  nodeName(base: string): string {
    return this.names.take(base);
  }

  /** A new value name from `base`. */
  valueName(base: string): string {
    return this.names.take(base);
  }

  /** The nodes as canonical GraphNodes. */
  toNodes(): GraphNode[] {
    return this.nodes.map((n) => {
      const out: GraphNode = {
        name: n.name,
        op: n.op,
        inputs: n.inputs,
        outputs: n.outputs,
        attributes: n.attributes,
      };
      return {
        ...out,
        ...(n.domain === undefined ? {} : { domain: n.domain }),
        ...(n.meta === undefined ? {} : { meta: n.meta }),
      };
    });
  }
}

/** Whether `node` is in ONNX's default domain. */
export function isOnnxNode(node: WorkNode): boolean {
  return node.domain === undefined || node.domain === '' || node.domain === 'ai.onnx';
}

/** A Transpose node's explicit perm as numbers (undefined: not a Transpose, or no perm). */
export function permOf(node: WorkNode | undefined): number[] | undefined {
  if (node === undefined || node.op !== 'Transpose' || !isOnnxNode(node)) return undefined;
  const a = node.attributes.perm;
  if (a?.type !== 'ints') return undefined;
  return a.value.map(Number);
}

/** A Transpose node's perm attribute. */
export function permAttr(perm: readonly number[]): AttributeValue {
  return { type: 'ints', value: [...perm] };
}
