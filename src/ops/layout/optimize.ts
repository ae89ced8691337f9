/**
 * The transpose optimizer: folds Transpose chains and moves Transposes down past elementwise ops
 * (and Pad / nearest Resize, see axis-ops.ts) so that Transpose pairs meet and cancel (Conv → Transpose → Relu → Transpose → Conv becomes
 * Conv → Relu → Conv). Every rewrite is exact: an elementwise op computes the same float
 * operations on the same elements whichever way the axes are ordered, and a Transpose only moves
 * elements, so outputs are bit for bit those of the input graph. Nothing else is touched.
 */
import type { Graph } from '../../core/graph.js';
import type { Tensor } from '../../core/tensor.js';
import { axisParam, permuteAxisParam } from './axis-ops.js';
import { constantShape, permutedConstantShape, reshapedConstant } from './constants.js';
import { composePerms, isIdentityPerm, isPerm } from './perm.js';
import { isOnnxNode, permAttr, permOf, WorkGraph, type WorkNode } from './work-graph.js';

/**
 * Ops with one data input that act on each element alone (Clip's min and max inputs are scalars).
 * A Transpose moves past them unchanged.
 */
export const UNARY_ELEMENTWISE: ReadonlySet<string> = new Set(
  (
    'Abs Acos Acosh Asin Asinh Atan Atanh Cast Ceil Celu Clip Cos Cosh Elu Erf Exp Floor ' +
    'Gelu HardSigmoid HardSwish Identity IsInf IsNaN LeakyRelu Log Mish Neg Not ' +
    'Reciprocal Relu Round Selu Shrink Sigmoid Sign Sin Sinh Softplus Softsign Sqrt Tan ' +
    'Tanh ThresholdedRelu'
  ).split(' '),
);

/** Elementwise ops of several inputs with NumPy broadcasting (PRelu: the slope broadcasts to X). */
export const BROADCAST_ELEMENTWISE: ReadonlySet<string> = new Set(
  (
    'Add And BitShift Div Equal Greater GreaterOrEqual Less LessOrEqual Max Mean Min Mod ' +
    'Mul Or Pow PRelu Sub Sum Xor'
  ).split(' '),
);

/** How many Transpose nodes a graph's main node list has. */
export function countTransposes(graph: Graph): number {
  return graph.nodes.filter((n) => n.op === 'Transpose').length;
}

/** What optimizeTransposes did. */
export interface OptimizeResult {
  /** The rewritten graph. */
  readonly graph: Graph;
  /** Transpose nodes before and after. */
  readonly before: number;
  readonly after: number;
}

class Pass {
  readonly #g: WorkGraph;
  readonly #tensors: ReadonlyMap<string, Tensor>;
  readonly #reshapes = new Map<string, string>();
  readonly #made = new Set<WorkNode>();
  readonly #canReshape: boolean;

  constructor(g: WorkGraph, tensors: ReadonlyMap<string, Tensor>, opset: number) {
    this.#g = g;
    this.#tensors = tensors;
    // Constant value_ints, which the reshape of a per-channel constant uses, is opset 12.
    this.#canReshape = opset >= 12;
  }

  run(push: boolean): void {
    const g = this.#g;
    let budget = 64 * (g.nodes.length + 16);
    for (let changed = true; changed && budget > 0; ) {
      changed = false;
      for (const node of [...g.nodes]) {
        if (budget-- <= 0) break;
        if (g.removed(node)) continue;
        if (this.#fold(node) || (push && this.#push(node))) changed = true;
      }
      if (this.#sweep()) changed = true;
    }
  }

  /** Transpose(Transpose(x)) → one Transpose of x; an identity Transpose goes away. */
  #fold(node: WorkNode): boolean {
    const g = this.#g;
    const outer = permOf(node);
    if (outer === undefined || !isPerm(outer) || node.outputs.length !== 1) return false;
    if (isIdentityPerm(outer)) {
      this.#dropIdentity(node);
      return true;
    }
    const src = g.producer(node.inputs[0] ?? '');
    const inner = permOf(src);
    if (src === undefined || inner === undefined || !isPerm(inner) || inner.length !== outer.length)
      return false;
    g.setInput(node, 0, src.inputs[0] as string);
    node.attributes.perm = permAttr(composePerms(inner, outer));
    return true;
  }

  /** Removes an identity Transpose: its readers read its input (or it becomes an Identity). */
  #dropIdentity(node: WorkNode): void {
    const g = this.#g;
    const x = node.inputs[0] as string;
    const z = node.outputs[0] as string;
    if (!g.escapes(z)) {
      g.remove(node);
      g.replaceUses(z, x);
      return;
    }
    const maker = g.producer(x);
    if (maker !== undefined && !g.escapes(x) && !g.inputs.has(x)) {
      // z is a graph output: x's producer computes it under z's name.
      g.remove(node);
      g.replaceUses(x, z);
      g.setOutput(maker, maker.outputs.indexOf(x), z);
      return;
    }
    node.op = 'Identity';
    delete node.attributes.perm;
  }

  /** Moves the Transpose(s) feeding an elementwise node to after it. */
  #push(node: WorkNode): boolean {
    const g = this.#g;
    if (!isOnnxNode(node) || node.outputs.length !== 1) return false;
    if (node.op === 'Pad' || node.op === 'Resize') return this.#pushAxis(node);
    const unary = UNARY_ELEMENTWISE.has(node.op);
    if (!unary && !BROADCAST_ELEMENTWISE.has(node.op)) return false;
    const data = unary ? [0] : node.inputs.map((_, i) => i);
    let perm: number[] | undefined;
    let from: WorkNode | undefined;
    const plan: (string | { reshape: number[] })[] = [];
    for (const i of data) {
      const v = node.inputs[i] as string;
      const t = g.producer(v);
      const p = permOf(t);
      if (t !== undefined && p !== undefined && isPerm(p)) {
        if (perm !== undefined && (perm.length !== p.length || perm.some((d, k) => d !== p[k]))) return false;
        perm = p;
        from ??= t;
        plan[i] = t.inputs[0] as string;
      }
    }
    if (perm === undefined || from === undefined) return false;
    for (const i of data) {
      if (plan[i] !== undefined) continue;
      const v = node.inputs[i] as string;
      const shape = v === '' ? undefined : constantShape(g, v, this.#tensors);
      const q = shape === undefined ? undefined : permutedConstantShape(shape, perm);
      if (q === undefined || (q !== 'same' && !this.#canReshape)) return false;
      plan[i] = q === 'same' ? v : { reshape: q };
    }
    data.forEach((i) => {
      const step = plan[i];
      if (typeof step === 'string') g.setInput(node, i, step);
      else if (step !== undefined) {
        const value = node.inputs[i] as string;
        const reshaped = reshapedConstant(g, value, step.reshape, node, this.#reshapes, (n) =>
          this.#made.add(n),
        );
        g.setInput(node, i, reshaped);
      }
    });
    this.#moveAfter(node, perm, from);
    return true;
  }

  /** Pad / nearest Resize fed by a Transpose: the per-axis vector permuted, the Transpose after. */
  #pushAxis(node: WorkNode): boolean {
    const g = this.#g;
    const t = g.producer(node.inputs[0] ?? '');
    const perm = permOf(t);
    if (t === undefined || perm === undefined || !isPerm(perm)) return false;
    const param = axisParam(g, node, perm.length);
    if (param === undefined) return false;
    permuteAxisParam(g, node, param, perm, (n) => this.#made.add(n));
    g.setInput(node, 0, t.inputs[0] as string);
    this.#moveAfter(node, perm, t);
    return true;
  }

  /** `node` now computes untransposed data: a Transpose by `perm` after it gives its old output. */
  #moveAfter(node: WorkNode, perm: readonly number[], from: WorkNode): void {
    const g = this.#g;
    const out = node.outputs[0] as string;
    const pre = g.valueName(`${out}/untransposed`);
    g.setOutput(node, 0, pre);
    const t: WorkNode = {
      name: g.nodeName(`${node.name}/transpose`),
      op: 'Transpose',
      inputs: [pre],
      outputs: [out],
      attributes: { perm: permAttr(perm) },
      ...(from.meta === undefined ? {} : { meta: from.meta }),
    };
    g.insertAfter(node, t);
  }

  /** Removes Transposes (and the nodes this pass made) nothing reads any more. */
  #sweep(): boolean {
    const g = this.#g;
    const candidate = (n: WorkNode): boolean => !g.removed(n) && (n.op === 'Transpose' || this.#made.has(n));
    const queue = g.nodes.filter(candidate);
    let removed = false;
    while (queue.length > 0) {
      const n = queue.pop() as WorkNode;
      if (!candidate(n) || n.outputs.some((o) => g.consumers(o).length > 0 || g.escapes(o))) continue;
      g.remove(n);
      removed = true;
      for (const i of n.inputs) {
        const p = g.producer(i);
        if (p !== undefined && candidate(p)) queue.push(p);
      }
    }
    return removed;
  }
}

function rebuild(graph: Graph, g: WorkGraph): Graph {
  const nodes = g.toNodes();
  if (graph.valueInfo === undefined) return { ...graph, nodes };
  // Value infos of values that no longer exist go; every kept name kept its meaning.
  const live = new Set(nodes.flatMap((n) => n.outputs));
  return { ...graph, nodes, valueInfo: graph.valueInfo.filter((v) => live.has(v.name)) };
}

/**
 * Folds and moves a graph's Transposes (see the module comment); `tensors` are the model's, for
 * the shapes of initializers. The moving is tried and kept only when it leaves no more Transposes
 * than folding alone, so the graph never gets more of them than it had.
 */
export function optimizeTransposes(graph: Graph, tensors: readonly Tensor[]): OptimizeResult {
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const names = tensors.map((t) => t.name);
  const opset = graph.opsets?.[''] ?? graph.opsets?.['ai.onnx'] ?? 17;
  const variants = [false, true].map((push) => {
    const g = new WorkGraph(graph, names);
    new Pass(g, byName, opset).run(push);
    return rebuild(graph, g);
  });
  const [folded, pushed] = variants as [Graph, Graph];
  const best = countTransposes(pushed) <= countTransposes(folded) ? pushed : folded;
  return { graph: best, before: countTransposes(graph), after: countTransposes(best) };
}
