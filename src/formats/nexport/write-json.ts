/**
 * Writes nexport JSON: what `nexport.export(model, filetype="json")` writes (nexport/utils.py
 * `export` → pytorch/exporting.py `export_to_json`: `json.dumps(model_object, indent=4)`, no
 * newline at the end), byte for byte for a float64 model:
 *
 * ```
 * {
 *     "metadata": {                 (only when there is something to say, as include_metadata)
 *         "modelName": ..., "modelAuthor": ..., "compilationDate": ...,
 *         "activationFunction": ..., "usingSkipConnections": ...
 *     },
 *     "hidden_layers": [ [ {"weights": [ one value per line ], "bias": b}, ... ], ... ],
 *     "output_layer": [ {"weights": [...], "bias": b}, ... ]
 * }
 * ```
 *
 * Python's `json.dumps` details kept: `", "`-free item separators with a newline and indent per
 * item, `": "` after keys, `[]` for an empty list, strings with every non-ASCII character escaped
 * as `\uXXXX` (ensure_ascii), floats as `repr` with `NaN`/`Infinity` for non-finite values.
 * With the write option `layout: 'json_exp'` the file is instead the layout of nexport's
 * `export_to_json_experimental` (write-lines.ts: one neuron's weights per line, the layout Fiats
 * reads), without Fiats' tag line and maps.
 */
import { findDenseLayers } from '../../analysis/dense-layers.js';
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { BufferedWriter } from '../../io/writer.js';
import { TextOut, writeNeurons } from './emit.js';
import { pythonFloat } from './numbers.js';
import {
  chainBytes,
  chooseActivation,
  hasMetadataOption,
  metadataValues,
  reportIgnored,
  sourceMetadata,
} from './plan.js';
import { INDENT, metadataLines, writeLayerLines } from './write-lines.js';

const FORMAT = 'nexport-json';

/** A string as Python's `json.dumps` writes it (ensure_ascii=True: `\uXXXX` in lower-case hex beyond ASCII). */
export function pythonJsonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

/**
 * A JSON value as `json.dumps(value, indent=4)` writes it, nested at `level`. Whole numbers are
 * written as integers (metadata numbers carry no int/float distinction; Python's would be ints).
 */
export function pythonJson(value: JsonValue, level: number): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : pythonFloat(value, 'json');
  }
  if (typeof value === 'string') return pythonJsonString(value);
  const inner = INDENT.repeat(level + 1);
  const outer = INDENT.repeat(level);
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return `[\n${value.map((v) => inner + pythonJson(v, level + 1)).join(',\n')}\n${outer}]`;
  }
  const entries = Object.entries(value as Record<string, JsonValue>);
  if (entries.length === 0) return '{}';
  return `{\n${entries.map(([k, v]) => `${inner}${pythonJsonString(k)}: ${pythonJson(v, level + 1)}`).join(',\n')}\n${outer}}`;
}

/**
 * nexport's metadata members, when there is anything to say: the source's nexport/Fiats
 * metadata, a known activation or a metadata option. Unknown members are null, as nexport writes
 * Python's None.
 */
function metadataMembers(
  model: Model,
  activation: string | undefined,
  options: WriteOptions,
): [string, JsonValue][] | undefined {
  if (sourceMetadata(model) === undefined && activation === undefined && !hasMetadataOption(options))
    return undefined;
  return metadataValues(model, activation, options, {}, FORMAT);
}

/**
 * Writes `model` as nexport JSON through `target`. Options: `activation`, `layout` (`json` or
 * `json_exp`), and the metadata members `modelName`, `modelAuthor`, `compilationDate`,
 * `usingSkipConnections`.
 */
export async function writeNexportJson(
  model: Model,
  target: WriteTarget,
  options: WriteOptions,
): Promise<void> {
  const layout = options.layout ?? 'json';
  if (layout !== 'json' && layout !== 'json_exp') {
    throw new NnportError('USAGE', `nexport JSON layouts are json and json_exp, not ${String(layout)}`, {
      format: FORMAT,
    });
  }
  const chain = findDenseLayers(model);
  reportIgnored(chain, options);
  const activation = chooseActivation(chain, options, { format: FORMAT, required: false });
  const members = metadataMembers(model, activation, options);
  const head =
    layout === 'json_exp'
      ? `{\n${members === undefined ? '' : metadataLines(members, false, FORMAT)}`
      : `{\n${members === undefined ? '' : `${INDENT}"metadata": ${pythonJson(Object.fromEntries(members), 1)},\n`}`;
  const out = new TextOut(new BufferedWriter(await target.create()), options, chainBytes(chain));
  await out.text(head);
  if (layout === 'json_exp') {
    await writeLayerLines(out, chain);
    await out.close();
    return;
  }
  const hidden = chain.layers.slice(0, -1);
  const output = chain.layers[chain.layers.length - 1];
  await out.text(hidden.length === 0 ? `${INDENT}"hidden_layers": [],\n` : `${INDENT}"hidden_layers": [\n`);
  for (const [i, layer] of hidden.entries()) {
    await out.text(`${INDENT.repeat(2)}[\n`);
    await writeNeurons(out, layer, 'json', dumpsPieces(3));
    await out.text(
      i === hidden.length - 1 ? `${INDENT.repeat(2)}]\n${INDENT}],\n` : `${INDENT.repeat(2)}],\n`,
    );
  }
  await out.text(`${INDENT}"output_layer": [\n`);
  await writeNeurons(out, output, 'json', dumpsPieces(2));
  await out.text(`${INDENT}]\n}`);
  await out.close();
}

/** Neuron pieces of `json.dumps(indent=4)` for a neuron object at `depth` levels. */
function dumpsPieces(depth: number) {
  const outer = INDENT.repeat(depth);
  const key = INDENT.repeat(depth + 1);
  const item = INDENT.repeat(depth + 2);
  return {
    open: `${outer}{\n${key}"weights": [\n${item}`,
    between: `,\n${item}`,
    middle: `\n${key}],\n${key}"bias": `,
    close: `\n${outer}},\n`,
    closeLast: `\n${outer}}\n`,
  };
}
