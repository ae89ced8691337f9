/**
 * A re-statement, for tests, of how Fiats' Fortran reader walks a network file line by line
 * (BerkeleyLab/fiats src/fiats/neural_network_s.F90 `double_precision_from_json`, layer_s.F90,
 * neuron_s.F90, tensor_map_s.F90, metadata_s.F90; julienne_string_s.F90 `get_json_key`,
 * `get_string_with_string_key`, `get_double_precision_array`). It uses the same line numbers,
 * the same `adjustl` comparisons and the same "find the text between the first brackets, count
 * the commas" parsing, so a file it accepts has the structure Fiats needs. Numbers are parsed
 * with JavaScript's `Number` where Fortran uses a list-directed read.
 */
import assert from 'node:assert/strict';

/** What Fiats would hold after reading. */
export interface FiatsNetwork {
  readonly activation: string;
  readonly nodes: number[];
  readonly weights: number[][][];
  readonly biases: number[][];
  readonly inputsMap: { intercept: number[]; slope: number[] };
  readonly outputsMap: { intercept: number[]; slope: number[] };
}

const adjustl = (s: string) => s.replace(/^ +/, '').replace(/ +$/, '');

function key(line: string): string {
  const open = line.indexOf('"');
  const close = line.indexOf('"', open + 1);
  return line.slice(open + 1, close);
}

function stringValue(line: string): string {
  const after = line.slice(line.indexOf(':') + 1);
  const open = after.indexOf('"');
  const close = after.indexOf('"', open + 1);
  return open < 0 || close < 0 ? after.trim() : after.slice(open + 1, close);
}

function numbersBetweenBrackets(line: string): number[] {
  const colon = line.indexOf(':');
  const open = line.indexOf('[', colon);
  const close = line.indexOf(']', open);
  const inner = line.slice(open + 1, close);
  const commas = inner.split(',').length - 1;
  const values = inner.split(',').map((s) => listDirected(s));
  assert.equal(values.length, commas + 1);
  return values;
}

/** A Fortran list-directed real: optional sign, digits, exponent; NaN / Inf / Infinity in any case. */
function listDirected(text: string): number {
  const s = text.trim();
  if (/^[+-]?(?:nan|inf|infinity)$/i.test(s))
    return Number(s.replace(/inf(inity)?/i, 'Infinity').replace(/nan/i, 'NaN'));
  assert.match(
    s,
    /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eEdD][+-]?\d+)?$/,
    `list-directed real: ${JSON.stringify(s)}`,
  );
  return Number(s.replace(/[dD]/, 'e'));
}

function find(lines: string[], text: string): number {
  const l = lines.findIndex((line) => adjustl(line) === text);
  assert.ok(l >= 0, `no line ${text}`);
  return l;
}

/** Reads a neuron chain from line `start` (a `{`); returns weights and biases per neuron. */
function neurons(lines: string[], start: number): { w: number[][]; b: number[] } {
  const w: number[][] = [];
  const b: number[] = [];
  let at = start;
  for (;;) {
    assert.equal(adjustl(lines[at]), '{', `neuron start at line ${at + 1}`);
    const weightsLine = lines[at + 1];
    assert.equal(adjustl(weightsLine.slice(0, weightsLine.indexOf(':'))), '"weights"');
    w.push(numbersBetweenBrackets(weightsLine));
    const biasLine = lines[at + 2];
    assert.equal(adjustl(biasLine.slice(0, biasLine.indexOf(':'))), '"bias"');
    b.push(listDirected(biasLine.slice(biasLine.indexOf(':') + 1).replace(/,$/, '')));
    const end = adjustl(lines[at + 3]);
    assert.equal(end[0], '}', `neuron end at line ${at + 4}`);
    if (!end.endsWith(',')) break;
    at += 4;
  }
  for (const row of w) assert.equal(row.length, w[0].length, 'every neuron of a layer has as many weights');
  return { w, b };
}

/** Walks `text` as Fiats does; throws an AssertionError where Fiats would stop. */
export function readLikeFiats(text: string): FiatsNetwork {
  const lines = text.split('\n');
  assert.equal(adjustl(lines[0]), '{');
  assert.equal(key(lines[1]), 'minimum_acceptable_tag');
  assert.equal(stringValue(lines[1]), '0.15.0');
  const maps = ['inputs_map', 'outputs_map'].map((name) => {
    const l = find(lines, `"${name}": {`);
    assert.equal(key(lines[l + 1]), 'layer');
    assert.equal(key(lines[l + 2]), 'intercept');
    assert.equal(key(lines[l + 3]), 'slope');
    return { intercept: numbersBetweenBrackets(lines[l + 2]), slope: numbersBetweenBrackets(lines[l + 3]) };
  });
  const hidden = find(lines, '"hidden_layers": [');
  const layers: { w: number[][]; b: number[] }[] = [];
  let start = hidden + 1;
  for (;;) {
    assert.equal(adjustl(lines[start]), '[', `hidden layer start at line ${start + 1}`);
    const layer = neurons(lines, start + 1);
    layers.push(layer);
    const end = adjustl(lines[start + 4 * layer.b.length + 1]);
    assert.equal(end[0], ']');
    if (!end.endsWith(',')) break;
    start += 4 * layer.b.length + 2;
  }
  const total = layers.reduce((n, l) => n + l.b.length, 0);
  const outputLine = hidden + 1 + 4 * total + 2 * layers.length + 1;
  assert.equal(adjustl(lines[outputLine]), '"output_layer": [');
  const output = neurons(lines, outputLine + 1);
  assert.equal(adjustl(lines[outputLine + 4 * output.b.length + 1])[0], ']');
  layers.push(output);
  const meta = find(lines, '"metadata": {');
  assert.equal(key(lines[meta]), 'metadata');
  let activation = '';
  for (let l = meta + 1; l <= meta + 5; l++) {
    const k = key(lines[l]);
    assert.ok(
      ['modelName', 'modelAuthor', 'compilationDate', 'activationFunction', 'usingSkipConnections'].includes(
        k,
      ),
      k,
    );
    if (k === 'activationFunction') activation = stringValue(lines[l]);
  }
  assert.ok(['},', '}'].includes(adjustl(lines[meta + 6])));
  assert.ok(['gelu', 'relu', 'sigmoid', 'step', 'swish'].includes(activation), activation);
  const nodes = [layers[0].w[0].length, ...layers.map((l) => l.b.length)];
  assert.equal(maps[0].intercept.length, nodes[0]);
  assert.equal(maps[1].intercept.length, nodes[nodes.length - 1]);
  return {
    activation,
    nodes,
    weights: layers.map((l) => l.w),
    biases: layers.map((l) => l.b),
    inputsMap: maps[0],
    outputsMap: maps[1],
  };
}
