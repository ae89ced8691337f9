/**
 * Gives a TF.js graph-model its canonical graph: the tfjs reader calls this with what it read.
 * The small integer (and tiny float) manifest tensors are read first, because TF keeps axes,
 * perms and target shapes in Consts that the translation turns into attributes. A GraphDef
 * nnport cannot translate (control flow, an op that needs an unknown shape) leaves the weights
 * readable: no graph, and why in `metadata.tfjs.graphError`. A broken GraphDef (an input naming
 * no node, a cycle, a Const without data) fails the read with an error naming the node.
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue, Model } from '../../core/model.js';
import { elementCount, readTensor, type Tensor } from '../../core/tensor.js';
import { isObject } from './attrs.js';
import { STRUCTURE_ERRORS } from './graphdef.js';
import { importTfjsGraph } from './import.js';

/** Integer tensors up to this many elements are read for their values. */
const MAX_INT_VALUES = 4096;
/** Float tensors up to this many elements are read (scalars such as Pad values, alphas). */
const MAX_FLOAT_VALUES = 16;

async function smallValues(tensors: readonly Tensor[]): Promise<Map<string, readonly number[]>> {
  const out = new Map<string, readonly number[]>();
  for (const t of tensors) {
    const n = elementCount(t.shape);
    const isInt = t.dtype === 'int32' || t.dtype === 'int64';
    if (!(isInt ? n <= MAX_INT_VALUES : t.dtype === 'float32' && n <= MAX_FLOAT_VALUES)) continue;
    const a = await readTensor(t);
    out.set(
      t.name,
      Array.from(a as ArrayLike<number | bigint>, (x) => Number(x)),
    );
  }
  return out;
}

/** The model with `graph` set when it is a TF.js graph-model; unchanged otherwise. */
export async function attachTfjsGraphModel(model: Model): Promise<Model> {
  const tfjs = model.metadata.tfjs;
  if (!isObject(tfjs) || tfjs.kind !== 'graph-model' || !isObject(tfjs.modelTopology)) return model;
  const udm = tfjs.userDefinedMetadata;
  const signature: JsonValue | undefined =
    tfjs.signature ?? (isObject(udm) ? udm.signature : undefined) ?? undefined;
  let result: ReturnType<typeof importTfjsGraph>;
  try {
    const values = await smallValues(model.tensors);
    result = importTfjsGraph(
      tfjs.modelTopology,
      signature === undefined
        ? { tensors: model.tensors, values }
        : { tensors: model.tensors, values, signature },
    );
  } catch (e) {
    if (e instanceof NnportError && !STRUCTURE_ERRORS.has(e)) {
      const graphError = `${e.code}: ${e.detail}`;
      return { ...model, metadata: { ...model.metadata, tfjs: { ...tfjs, graphError } } };
    }
    throw e;
  }
  const meta: Record<string, JsonValue> = { ...tfjs };
  if (result.unsupported.length > 0) meta.unsupported = result.unsupported.map((u) => ({ ...u }));
  return { ...model, metadata: { ...model.metadata, tfjs: meta }, graph: result.graph };
}
