/**
 * The line-oriented JSON layout that nexport's `export_to_json_experimental` writes
 * (nexport/pytorch/exporting.py, v0.4.6) and Fiats reads line by line
 * (fiats src/fiats/neural_network_s.F90 `from_json`, layer_s.F90, neuron_s.F90):
 *
 * ```
 * {
 *     <head members, one per line or block, each line ending in ",">
 *     "hidden_layers": [
 *         [
 *             {
 *                 "weights": [w1, w2, ...],
 *                 "bias": b
 *             },
 *             ...
 *         ],
 *         ...
 *     ],
 *     "output_layer": [
 *         {
 *             "weights": [w1, w2, ...],
 *             "bias": b
 *         }
 *     ]
 * }
 * ```
 *
 * Four-space indents, each neuron exactly four lines (Fiats finds the output layer by counting
 * 4 lines per neuron and 2 per hidden layer), weights joined by `, `, a neuron's or layer's
 * closing line ending in `,` exactly when another follows (Fiats' test for "more neurons"), and no
 * newline after the final `}`. Numbers in Python's `repr` layout (numbers.ts).
 */
import type { DenseChain } from '../../analysis/dense-layers.js';
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';
import { type TextOut, writeNeurons } from './emit.js';
import { pythonFloat } from './numbers.js';

/** One level of indent. */
export const INDENT = '    ';

/** The neuron pieces at an indent of `depth` levels. */
function neuronPieces(depth: number) {
  const outer = INDENT.repeat(depth);
  const inner = INDENT.repeat(depth + 1);
  return {
    open: `${outer}{\n${inner}"weights": [`,
    between: ', ',
    middle: `],\n${inner}"bias": `,
    close: `\n${outer}},\n`,
    closeLast: `\n${outer}}\n`,
  };
}

/** Writes `hidden_layers` and `output_layer` of `chain` and the closing brace. */
export async function writeLayerLines(out: TextOut, chain: DenseChain): Promise<void> {
  const hidden = chain.layers.slice(0, -1);
  const output = chain.layers[chain.layers.length - 1];
  await out.text(`${INDENT}"hidden_layers": [\n`);
  for (const [i, layer] of hidden.entries()) {
    await out.text(`${INDENT}${INDENT}[\n`);
    await writeNeurons(out, layer, 'json', neuronPieces(3));
    await out.text(i === hidden.length - 1 ? `${INDENT}${INDENT}]\n` : `${INDENT}${INDENT}],\n`);
  }
  await out.text(`${INDENT}],\n${INDENT}"output_layer": [\n`);
  await writeNeurons(out, output, 'json', neuronPieces(2));
  await out.text(`${INDENT}]\n}`);
}

/**
 * A metadata value on one line. Strings are quoted; with `strict` (Fiats, whose reader takes the
 * text between the first two `"` after the colon: julienne_string_s.F90 `get_string_with_string_key`)
 * a string holding `"`, `\` or a control character is refused, otherwise it is JSON-escaped.
 * Booleans and null are bare (Fiats reads them as the strings `true`, `false`, `null`).
 */
export function lineValue(value: JsonValue, what: string, strict: boolean, format: string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    return Number.isSafeInteger(value) && !Object.is(value, -0) ? String(value) : pythonFloat(value, 'json');
  }
  if (typeof value === 'string') {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused
    if (strict && /["\\\u0000-\u001f\u007f]/.test(value)) {
      throw new NnportError(
        'UNREPRESENTABLE',
        `${what} ${JSON.stringify(value)} holds a quote, backslash or control character, which ${format}'s line reader cannot take`,
        { format },
      );
    }
    return JSON.stringify(value);
  }
  throw new NnportError('UNREPRESENTABLE', `${what} must be a string, number, boolean or null on one line`, {
    format,
  });
}

/** `"metadata": {` … `},` with one `"key": value` line per member, in the given order. */
export function metadataLines(
  members: readonly (readonly [string, JsonValue])[],
  strict: boolean,
  format: string,
): string {
  const lines = members.map(
    ([key, value]) =>
      `${INDENT}${INDENT}${JSON.stringify(key)}: ${lineValue(value, `metadata ${key}`, strict, format)}`,
  );
  return `${INDENT}"metadata": {\n${lines.join(',\n')}\n${INDENT}},\n`;
}
