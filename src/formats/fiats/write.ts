/**
 * Writes a Fiats network JSON file that Fiats' current reader accepts
 * (BerkeleyLab/fiats src/fiats/neural_network_s.F90 `from_json`, which reads line by line):
 *
 * 1. `{`
 * 2. `"minimum_acceptable_tag": "0.15.0",` — compared exactly with the reader's own tag;
 * 3. `"metadata": {` and the five members modelName, modelAuthor, compilationDate,
 *    activationFunction, usingSkipConnections, one per line (metadata_s.F90 `from_json` stops on
 *    any other key), then `},`;
 * 4. `"inputs_map": {` / `"outputs_map": {`, each with `"layer"`, `"intercept": [...]`,
 *    `"slope": [...]` on one line each (tensor_map_s.F90): inputs are mapped as
 *    (x − intercept) / slope before the network, outputs as intercept + y · slope after it;
 * 5. the layers as in nexport/write-lines.ts, each neuron on exactly four lines.
 *
 * The layout is line for line the one of the Fiats demo network (fiats `demo/model_trunk.json`
 * at tag 0.15.0), which nexport's experimental JSON exporter produced. Fiats has one activation
 * for all layers (activation_m.f90: gelu, relu, sigmoid, step, swish) and needs at least one
 * hidden layer (layer_s.F90 expects `[` right after `"hidden_layers": [`). The maps come from the
 * source when it was a Fiats file (`metadata.fiats`), else identity (intercept 0, slope 1).
 */
import { type DenseChain, findDenseLayers } from '../../analysis/dense-layers.js';
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { BufferedWriter } from '../../io/writer.js';
import { TextOut } from '../nexport/emit.js';
import { pythonFloat } from '../nexport/numbers.js';
import {
  chainBytes,
  chooseActivation,
  metadataValues,
  objectMember,
  reportIgnored,
} from '../nexport/plan.js';
import { INDENT, lineValue, metadataLines, writeLayerLines } from '../nexport/write-lines.js';

/** The tag Fiats' reader requires on line 2 (neural_network_s.F90 `minimum_acceptable_tag`). */
export const FIATS_TAG = '0.15.0';

/** The member name of the tag line in current Fiats (older builds wrote `acceptable_engine_tag`). */
export const FIATS_TAG_KEY = 'minimum_acceptable_tag';

/** Activations Fiats knows (src/fiats/activation_m.f90 `activation_name`). */
export const FIATS_ACTIVATIONS: readonly string[] = ['gelu', 'relu', 'sigmoid', 'step', 'swish'];

const FORMAT = 'fiats';

/** A tensor map: Fiats normalises inputs and denormalises outputs with it. */
interface TensorMap {
  readonly layer: string;
  readonly intercept: readonly number[];
  readonly slope: readonly number[];
}

function numbers(v: JsonValue | undefined): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number') ? (v as number[]) : undefined;
}

/** The source's map `key` (from `metadata.fiats`), checked against `size`; identity when there is none. */
function tensorMap(model: Model, key: 'inputs_map' | 'outputs_map', size: number, layer: string): TensorMap {
  const map = objectMember(model.metadata.fiats, key);
  if (map === undefined) return { layer, intercept: new Array(size).fill(0), slope: new Array(size).fill(1) };
  const intercept = numbers(map.intercept);
  const slope = numbers(map.slope);
  const name = typeof map.layer === 'string' ? map.layer : layer;
  if (intercept === undefined || slope === undefined || intercept.length !== size || slope.length !== size) {
    throw new NnportError(
      'UNREPRESENTABLE',
      `metadata fiats.${key} does not hold ${size} intercepts and slopes for the network's ${size} ${key === 'inputs_map' ? 'inputs' : 'outputs'}`,
      { format: FORMAT },
    );
  }
  lineValue(name, `${key} layer`, true, FORMAT);
  return { layer: name, intercept, slope };
}

function mapLines(key: string, map: TensorMap): string {
  const list = (xs: readonly number[]) => xs.map((x) => pythonFloat(x, 'json')).join(', ');
  return (
    `${INDENT}"${key}": {\n` +
    `${INDENT}${INDENT}"layer": ${JSON.stringify(map.layer)},\n` +
    `${INDENT}${INDENT}"intercept": [${list(map.intercept)}],\n` +
    `${INDENT}${INDENT}"slope": [${list(map.slope)}]\n` +
    `${INDENT}},\n`
  );
}

/** Fiats' metadata members where neither the options nor the source give one. */
const METADATA_FALLBACK: Readonly<Record<string, JsonValue>> = {
  modelName: '',
  modelAuthor: '',
  compilationDate: '',
  usingSkipConnections: false,
};

/** Everything the file says before its layers, checked (throws before anything is written). */
function planHead(model: Model, chain: DenseChain, options: WriteOptions): string {
  if (chain.layers.length < 2) {
    throw new NnportError(
      'UNREPRESENTABLE',
      "Fiats' reader needs at least one hidden layer; this model is a single dense layer",
      { format: FORMAT, at: { tensor: chain.layers[0].weight.name } },
    );
  }
  const activation = chooseActivation(chain, options, {
    format: FORMAT,
    required: true,
    allowed: FIATS_ACTIVATIONS,
  }) as string;
  const first = chain.layers[0];
  const last = chain.layers[chain.layers.length - 1];
  return (
    `{\n${INDENT}"${FIATS_TAG_KEY}": "${FIATS_TAG}",\n` +
    metadataLines(metadataValues(model, activation, options, METADATA_FALLBACK, FORMAT), true, FORMAT) +
    mapLines('inputs_map', tensorMap(model, 'inputs_map', first.inputs, 'inputs')) +
    mapLines('outputs_map', tensorMap(model, 'outputs_map', last.outputs, 'outputs'))
  );
}

/**
 * Writes `model` as a Fiats network JSON file through `target`. Options: `activation`, and the
 * metadata members `modelName`, `modelAuthor`, `compilationDate`, `usingSkipConnections`.
 */
export async function writeFiats(model: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  const chain = findDenseLayers(model);
  reportIgnored(chain, options);
  const head = planHead(model, chain, options);
  const out = new TextOut(new BufferedWriter(await target.create()), options, chainBytes(chain));
  await out.text(head);
  await writeLayerLines(out, chain);
  await out.close();
}
