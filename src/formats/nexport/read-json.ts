/**
 * Reads nexport JSON (`nexport.export(model, filetype="json")`, indent 4, or the experimental
 * one-line-per-neuron layout) and, through `documentModel`, Fiats network JSON: both are the
 * layers document of layers-json.ts with different members beside the layers.
 *
 * The read-back model (model.ts): float64 tensors `layers.i.weight` / `layers.i.bias`; metadata
 * under the format's key (`nexport` or `fiats`) holding every other member of the file as it was
 * (`metadata`, Fiats' tag line, `inputs_map`, `outputs_map`) plus `activation`, the canonical
 * name of `metadata.activationFunction`; and a graph when that activation is named.
 */
import { canonicalActivation } from '../../analysis/dense-layers.js';
import { NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import type { JsonValue, Model } from '../../core/model.js';
import { type LayersDocument, readLayersJson } from './layers-json.js';
import { layersModel } from './model.js';
import { objectMember } from './plan.js';

/** Checks a Fiats-style tensor map member (`{layer, intercept, slope}`) against the layer size. */
function checkMap(doc: LayersDocument, key: string, size: number): void {
  const value = doc.members.get(key);
  if (value === undefined) return;
  const fail = (detail: string, step = ''): never => {
    throw new NnportError('INVALID_STRUCTURE', detail, { at: { path: `$.${key}${step}` } });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    fail('a tensor map must be an object');
  const map = value as Record<string, JsonValue>;
  for (const part of ['intercept', 'slope']) {
    const xs = map[part];
    if (!Array.isArray(xs) || !xs.every((x) => typeof x === 'number'))
      fail(`"${part}" must be an array of numbers`, `.${part}`);
    if ((xs as number[]).length !== size)
      fail(`${(xs as number[]).length} values for ${size} neurons`, `.${part}`);
  }
}

/**
 * The model of a layers document: `key` names the metadata section (`nexport`, `fiats`) and the
 * domain of activation nodes without an ONNX operator.
 */
export function documentModel(doc: LayersDocument, format: string, key: string): Model {
  const layers = [...doc.hidden, doc.output];
  checkMap(doc, 'inputs_map', layers[0].inputs);
  checkMap(doc, 'outputs_map', doc.output.outputs);
  const section: Record<string, JsonValue> = {};
  for (const [name, value] of doc.members) {
    Object.defineProperty(section, name, { value, enumerable: true, writable: true, configurable: true });
  }
  // nexport before v0.4.6 named the metadata object "model" (exporting.py create_model_object).
  const meta = objectMember(section, 'metadata') ?? objectMember(section, 'model');
  const named = meta?.activationFunction;
  const activation =
    typeof named === 'string' && named.trim() !== '' ? canonicalActivation(named) : undefined;
  if (activation !== undefined) section.activation = activation;
  return layersModel(format, layers, activation, { [key]: section }, key);
}

/** Reads a nexport JSON file. */
export async function readNexportJson(input: ReadInput): Promise<Model> {
  return documentModel(await readLayersJson(input), 'nexport-json', 'nexport');
}
