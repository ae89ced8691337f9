/**
 * The reference executor (DESIGN §2 `exec/`, issue #5): runs a model's graph on the CPU with the
 * kernels of `kernels/all.ts`. Before running anything it checks that every node has a kernel
 * (one UNSUPPORTED_OP error listing them all) and that the given inputs match the graph's
 * declared inputs; then it runs the nodes in the file's order (ONNX graphs are topologically
 * sorted, onnx IR.md "Graphs"), reads initializers only when first used, and drops every value
 * after its last use so peak memory is the live set, not the whole graph.
 */
import { NnportError } from '../core/errors.js';
import type { Graph, GraphNode } from '../core/graph.js';
import type { Model } from '../core/model.js';
import type { Tensor } from '../core/tensor.js';
import { applyDefaults, isDefaultDomain, opSchema, opsetOf } from '../ops/index.js';
import type { ExecTensor, Kernel } from './kernel.js';
import { KERNELS } from './kernels/all.js';
import { type ExecKernelContext, execDTypeOf, fromModelTensor } from './tensors.js';

/** Options of `runGraph`. */
export interface RunOptions {
  /** Values to return (graph outputs or intermediate values); default: the graph's outputs. */
  readonly outputs?: readonly string[];
}

/** A node's display name for errors. */
function nodeName(n: GraphNode): string {
  return n.name || n.outputs[0] || n.op;
}

/** The names of the model tensors that are graph initializers (graph.initializers, else all but attribute tensors). */
function initializerMap(model: Model): Map<string, Tensor> {
  const graph = model.graph;
  const byName = new Map(model.tensors.map((t) => [t.name, t] as const));
  const out = new Map<string, Tensor>();
  if (graph?.initializers !== undefined) {
    for (const name of graph.initializers) {
      const t = byName.get(name);
      if (t !== undefined) out.set(name, t);
    }
    return out;
  }
  const attrTensors = new Set<string>();
  for (const n of graph?.nodes ?? []) {
    for (const a of Object.values(n.attributes)) {
      if (a.type === 'tensor') attrTensors.add(a.value);
      if (a.type === 'tensors') for (const v of a.value) attrTensors.add(v);
    }
  }
  for (const t of model.tensors) if (!attrTensors.has(t.name)) out.set(t.name, t);
  return out;
}

/** A node with its kernel and its attributes (schema defaults applied). */
interface NodePlan {
  readonly node: GraphNode;
  readonly kernel: Kernel;
  readonly since: number;
  readonly attrs: ExecKernelContext['attrs'];
}

/**
 * Finds the kernel and op schema of every node, or throws one UNSUPPORTED_OP error naming every
 * node the executor cannot run (op and node name), so the whole gap shows before anything runs.
 * `nnport run` and `verify` call it before reading their input files.
 */
export function planGraph(graph: Graph): NodePlan[] {
  const opset = opsetOf(graph, '');
  const plans: NodePlan[] = [];
  const missing: string[] = [];
  let firstMissing: GraphNode | undefined;
  for (const node of graph.nodes) {
    const kernel = isDefaultDomain(node.domain) ? KERNELS.get(node.op) : undefined;
    const schema = kernel === undefined ? undefined : opSchema('', node.op, opset);
    if (kernel === undefined || schema === undefined) {
      const dom = isDefaultDomain(node.domain) ? '' : `${node.domain}.`;
      missing.push(`${dom}${node.op} (node '${nodeName(node)}')`);
      firstMissing ??= node;
      continue;
    }
    plans.push({ node, kernel, since: schema.since, attrs: applyDefaults(schema, node.attributes) });
  }
  if (firstMissing !== undefined) {
    throw new NnportError('UNSUPPORTED_OP', `the executor has no kernel for: ${missing.join(', ')}`, {
      at: { node: nodeName(firstMissing) },
    });
  }
  return plans;
}

/**
 * Runs `model`'s graph on `inputs` (by graph input name) and returns the requested values (the
 * graph outputs by default). Errors: UNSUPPORTED_OP (every op without a kernel, with node names),
 * USAGE (a missing, unknown or mis-shaped input), INVALID_STRUCTURE (no graph, a value nothing
 * produces, a kernel's own checks).
 */
export async function runGraph(
  model: Model,
  inputs: Record<string, ExecTensor>,
  options: RunOptions = {},
): Promise<Record<string, ExecTensor>> {
  const graph = model.graph;
  if (graph === undefined) throw new NnportError('INVALID_STRUCTURE', 'the model has no graph to run');
  const opset = opsetOf(graph, '');

  // 1. Every node must have a kernel: one error listing all of them, so a user sees the whole gap.
  const plans = planGraph(graph);

  // 2. Inputs: every graph input without an initializer given, each with a compatible type and shape.
  const inits = initializerMap(model);
  const declared = new Set(graph.inputs.map((v) => v.name));
  for (const name of Object.keys(inputs)) {
    if (!declared.has(name)) {
      throw new NnportError(
        'USAGE',
        `'${name}' is not an input of the graph (inputs: ${[...declared].join(', ')})`,
        {
          at: { tensor: name },
        },
      );
    }
  }
  const values = new Map<string, ExecTensor>();
  for (const v of graph.inputs) {
    const given = inputs[v.name];
    if (given === undefined) {
      if (inits.has(v.name)) continue;
      throw new NnportError('USAGE', `graph input '${v.name}' is not given`, { at: { tensor: v.name } });
    }
    const want = v.dtype === undefined ? undefined : execDTypeOf(v.dtype);
    if (want !== undefined && want !== given.dtype) {
      throw new NnportError('USAGE', `input '${v.name}' is ${given.dtype}, the graph declares ${v.dtype}`, {
        at: { tensor: v.name },
      });
    }
    if (v.shape !== undefined) {
      const ok =
        v.shape.length === given.shape.length &&
        v.shape.every((d, i) => typeof d !== 'number' || d === given.shape[i]);
      if (!ok) {
        throw new NnportError(
          'USAGE',
          `input '${v.name}' has shape [${given.shape.join(', ')}], the graph declares [${v.shape.map((d) => d ?? '?').join(', ')}]`,
          { at: { tensor: v.name } },
        );
      }
    }
    values.set(v.name, given);
  }

  // 3. Last use of every value, so it can be dropped right after; requested outputs are kept.
  const wanted = options.outputs ?? graph.outputs.map((o) => o.name);
  const keep = new Set(wanted);
  const lastUse = new Map<string, number>();
  plans.forEach((p, i) => {
    for (const name of p.node.inputs) if (name !== '') lastUse.set(name, i);
  });

  const byName = new Map(model.tensors.map((t) => [t.name, t] as const));
  const lookup = async (name: string, node: GraphNode): Promise<ExecTensor> => {
    const v = values.get(name);
    if (v !== undefined) return v;
    const t = inits.get(name);
    if (t === undefined) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `value '${name}' used by node '${nodeName(node)}' is never produced`,
        {
          at: { node: nodeName(node) },
        },
      );
    }
    const loaded = await fromModelTensor(t);
    values.set(name, loaded);
    return loaded;
  };

  // 4. Run.
  for (const [i, p] of plans.entries()) {
    const args: (ExecTensor | undefined)[] = [];
    for (const name of p.node.inputs) args.push(name === '' ? undefined : await lookup(name, p.node));
    const attrTensors = new Map<string, ExecTensor>();
    for (const [key, a] of Object.entries(p.node.attributes)) {
      if (a.type !== 'tensor') continue;
      const t = byName.get(a.value);
      if (t === undefined) {
        throw new NnportError('INVALID_STRUCTURE', `attribute '${key}' names a missing tensor '${a.value}'`, {
          at: { node: nodeName(p.node) },
        });
      }
      attrTensors.set(key, await fromModelTensor(t));
    }
    const ctx: ExecKernelContext = { node: p.node, attrs: p.attrs, opset, since: p.since, attrTensors };
    const results = p.kernel(args, ctx);
    p.node.outputs.forEach((name, j) => {
      const r = results[j];
      if (name !== '' && r !== undefined) values.set(name, r);
    });
    for (const name of p.node.inputs) {
      if (name !== '' && lastUse.get(name) === i && !keep.has(name)) values.delete(name);
    }
  }

  const out: Record<string, ExecTensor> = {};
  for (const name of wanted) {
    const v =
      values.get(name) ?? (inits.has(name) ? await fromModelTensor(inits.get(name) as Tensor) : undefined);
    if (v === undefined) {
      throw new NnportError('INVALID_STRUCTURE', `output '${name}' is not produced by the graph`, {
        at: { tensor: name },
      });
    }
    out[name] = v;
  }
  return out;
}
