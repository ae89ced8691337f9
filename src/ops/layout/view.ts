/**
 * The other direction of a recorded layout move, for comparing with the source: the graph of a
 * model whose manifest records a move (to channels-first by `--layout nchw`, or to channels-last
 * by a Keras export), wrapped so it takes and gives data in the source's layout again. Only the
 * recorded inputs and outputs are touched, with Transposes (which move elements, never change
 * them).
 */
import type { Graph } from '../../core/graph.js';
import type { Model } from '../../core/model.js';
import { transpose } from './channels-first.js';
import { invertPerm, permuteShape } from './perm.js';
import { layoutMoveRecord } from './record.js';
import { WorkGraph } from './work-graph.js';

/**
 * The graph of a model nnport moved to channels-first, wrapped to take and give channels-last
 * data again: each recorded input gets a Transpose to channels-first, each recorded output one
 * back. `nnport verify` runs this against the channels-last source.
 */
export function channelsLastView(
  graph: Graph,
  inputs: readonly PermSpec[],
  outputs: readonly PermSpec[],
): Graph {
  const g = new WorkGraph(graph, []);
  const newInputs = graph.inputs.map((v) => {
    const spec = inputs.find((s) => s.name === v.name);
    if (spec === undefined || (v.shape !== undefined && v.shape.length !== spec.perm.length)) return v;
    const inner = g.valueName(`${v.name}/channels_first`);
    g.replaceUses(v.name, inner);
    g.insertAfter(undefined, transpose(g, v.name, inner, spec.perm));
    return v.shape === undefined ? v : { ...v, shape: permuteShape(v.shape, invertPerm(spec.perm)) };
  });
  const done = new Set<string>();
  const newOutputs = graph.outputs.map((v) => {
    const spec = outputs.find((s) => s.name === v.name);
    if (spec === undefined || (v.shape !== undefined && v.shape.length !== spec.perm.length)) return v;
    const back = invertPerm(spec.perm);
    const maker = g.producer(v.name);
    if (maker !== undefined && !done.has(v.name)) {
      done.add(v.name);
      const inner = g.valueName(`${v.name}/channels_first`);
      g.replaceUses(v.name, inner);
      g.setOutput(maker, maker.outputs.indexOf(v.name), inner);
      g.append(transpose(g, inner, v.name, back));
    } else if (!done.has(v.name)) return v;
    return v.shape === undefined ? v : { ...v, shape: permuteShape(v.shape, back) };
  });
  const moved = new Set([...inputs, ...outputs].map((s) => s.name));
  return {
    ...graph,
    nodes: g.toNodes(),
    inputs: newInputs,
    outputs: newOutputs,
    ...(graph.valueInfo === undefined
      ? {}
      : { valueInfo: graph.valueInfo.filter((v) => !moved.has(v.name)) }),
  };
}

/** A recorded permuted value: its name and the perm from channels-last to channels-first. */
export interface PermSpec {
  readonly name: string;
  readonly perm: readonly number[];
}

/**
 * `model` seen in its source's layout when its manifest records a layout move (to NCHW by
 * `--layout nchw`, or to NHWC by a Keras export): the wrapped graph, the layout it was moved
 * to and the names of the inputs and outputs it transposes. Undefined when there is no record.
 */
export function recordedSourceLayout(
  model: Model,
): { model: Model; to: 'NCHW' | 'NHWC'; inputs: string[]; outputs: string[] } | undefined {
  const rec = layoutMoveRecord(model);
  if (rec === undefined || model.graph === undefined) return undefined;
  const graph = channelsLastView(model.graph, rec.inputs, rec.outputs);
  const names = new Set([...graph.inputs, ...graph.outputs].map((v) => v.name));
  return {
    model: { ...model, graph },
    to: rec.to,
    inputs: rec.inputs.map((v) => v.name).filter((n) => names.has(n)),
    outputs: rec.outputs.map((v) => v.name).filter((n) => names.has(n)),
  };
}

/** Which side of a comparison was seen in its source's layout, and through which inputs and outputs. */
export interface LayoutAdaptation {
  readonly side: 'A' | 'B';
  /** The layout nnport had moved that side to. */
  readonly to: 'NCHW' | 'NHWC';
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

/**
 * Two models to compare, the one whose manifest records a layout move (and only when the other
 * does not) seen in its source's layout, so both take and give data the same way.
 */
export function alignLayouts(a: Model, b: Model): { a: Model; b: Model; adapted?: LayoutAdaptation } {
  const va = recordedSourceLayout(a);
  const vb = recordedSourceLayout(b);
  if (va !== undefined && vb === undefined)
    return { a: va.model, b, adapted: { side: 'A', to: va.to, inputs: va.inputs, outputs: va.outputs } };
  if (vb !== undefined && va === undefined)
    return { a, b: vb.model, adapted: { side: 'B', to: vb.to, inputs: vb.inputs, outputs: vb.outputs } };
  return { a, b };
}
