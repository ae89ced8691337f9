/**
 * The Net and UninitializedNet elements as summaries: nnport does not build a Wolfram NetGraph,
 * it describes the net one would get — inputs, outputs, layers in order with their types and
 * output shapes, and the arrays with the parameter count. UninitializedNet is the same net with
 * its arrays as shapes only: it reads no tensor data at all (Wolfram's "the net, without any
 * arrays"), so it also answers for a symbol read with `--arrays none`.
 */
import type { DType } from '../../core/dtype.js';
import type { ValueInfo } from '../../core/graph.js';
import type { Model } from '../../core/model.js';
import { graphLayers, sourceNames } from './layers.js';
import { inferredValues } from './shapes.js';

/** A value with what is known of its type (null: unknown). */
export interface ValueSummary {
  readonly name: string;
  readonly dtype: DType | null;
  readonly shape: readonly (number | string | null)[] | null;
}

/** One layer of the summary. */
export interface LayerSummary {
  readonly name: string;
  readonly type: string;
  /** Source layers and graph inputs. */
  readonly inputs: readonly string[];
  /** The arrays it uses. */
  readonly arrays: readonly string[];
  /** Its outputs with inferred types. */
  readonly outputs: readonly ValueSummary[];
  /** Elements of its arrays; null when an array's shape is not fully known. */
  readonly parameters: number | null;
}

/** One array of the summary: its shape, and for Net its dtype and whether the model holds its values. */
export interface ArraySummary {
  readonly name: string;
  readonly shape: readonly (number | string | null)[] | null;
  readonly dtype?: DType | null;
  readonly initialized?: boolean;
}

/** The Net / UninitializedNet summary. */
export interface NetSummary {
  /** True for UninitializedNet, and for a Net some of whose arrays have no values in the model. */
  readonly uninitialized: boolean;
  readonly inputs: readonly ValueSummary[];
  readonly outputs: readonly ValueSummary[];
  readonly layers: readonly LayerSummary[];
  readonly arrays: readonly ArraySummary[];
  /** Elements of all arrays whose shapes are known. */
  readonly parameters: number;
  /** Arrays whose shape is not fully known (not counted in `parameters`). */
  readonly unknownShapes: number;
}

/** Element count of a shape when every dim is a known size. */
function countOf(shape: readonly (number | string | null)[] | null | undefined): number | null {
  if (shape == null) return null;
  let n = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return null;
    n *= d;
  }
  return n;
}

function summary(v: ValueInfo | undefined, name: string): ValueSummary {
  return { name, dtype: v?.dtype ?? null, shape: v?.shape ?? null };
}

/**
 * The summary. `given` replaces declared input shapes (`--input NAME=D1,D2,...`), as for
 * `inspect --shapes`; `uninitialized` selects UninitializedNet.
 */
export async function netSummary(
  model: Model,
  options: { readonly given?: readonly ValueInfo[]; readonly uninitialized?: boolean } = {},
): Promise<NetSummary> {
  const uninit = options.uninitialized === true;
  const view = graphLayers(model);
  const types = await inferredValues(model, options.given ?? [], !uninit);
  const tensors = new Map(model.tensors.map((t) => [t.name, t]));
  const arrays: ArraySummary[] = [...view.arrays].map(([name, declared]) => {
    const shape = declared ?? types.get(name)?.shape ?? null;
    if (uninit) return { name, shape };
    const t = tensors.get(name);
    return { name, shape, dtype: t?.dtype ?? types.get(name)?.dtype ?? null, initialized: t !== undefined };
  });
  const arrayCount = new Map(arrays.map((a) => [a.name, countOf(a.shape)]));
  let parameters = 0;
  let unknownShapes = 0;
  for (const c of arrayCount.values()) {
    if (c === null) unknownShapes++;
    else parameters += c;
  }
  const layers = view.layers.map((l): LayerSummary => {
    let p: number | null = 0;
    for (const a of l.arrays) {
      const c = arrayCount.get(a) ?? null;
      p = p === null || c === null ? null : p + c;
    }
    return {
      name: l.name,
      type: l.type,
      inputs: sourceNames(l),
      arrays: l.arrays,
      outputs: l.outputs.map((o) => summary(types.get(o), o)),
      parameters: p,
    };
  });
  const inits = new Set(view.graph.initializers ?? model.tensors.map((t) => t.name));
  return {
    uninitialized: uninit || arrays.some((a) => a.initialized === false),
    inputs: view.graph.inputs
      .filter((v) => !inits.has(v.name) && !view.arrays.has(v.name))
      .map((v) => summary(types.get(v.name) ?? v, v.name)),
    outputs: view.graph.outputs.map((v) => summary(types.get(v.name) ?? v, v.name)),
    layers,
    arrays,
    parameters,
    unknownShapes,
  };
}
