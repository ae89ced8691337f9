/**
 * Reads nexport TXT (`nexport.export(model, filetype="txt")`, nexport/pytorch/exporting.py
 * `export_to_file`): per layer, the weight matrix as Python lists, one neuron per line,
 *
 * ```
 * [[w00, w01, w02]
 *  [w10, w11, w12]]
 *
 * [b0, b1]
 *
 *
 * ```
 *
 * i.e. the first row opened by `[[`, later rows by ` [`, the last closed by `]]`, a blank line,
 * the biases as one list, two blank lines. Float64Growable may also be separated by blanks only (NumPy's
 * printing, which nexport's own importer `import_from_file` accepts by dropping commas); `nan`,
 * `inf`, `-inf` are Python's spellings. The layout has no metadata and no activation, so the
 * model has tensors only: float64 `layers.i.weight` [out, in] and `layers.i.bias` [out].
 */
import { NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import { MAX_ROW_LINE_BYTES } from '../../core/limits.js';
import type { Model } from '../../core/model.js';
import { parseFloat64Bytes } from '../../io/text/float-parse.js';
import { LineScanner } from '../../io/text/lines.js';
import { Float64Growable, layersModel, type ParsedLayer } from './model.js';

const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const COMMA = 0x2c;

function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d;
}

/** One bracketed list on a line: where its values lie and how many brackets open and close it. */
interface ListLine {
  readonly opens: number;
  readonly closes: number;
  readonly start: number;
  readonly end: number;
}

function fail(detail: string, line: number, column = 1): never {
  throw new NnportError('INVALID_STRUCTURE', detail, { at: { line, column } });
}

/** Splits a non-blank line into its brackets and the values between them. */
function listLine(bytes: Uint8Array, line: number): ListLine {
  let s = 0;
  let e = bytes.length;
  while (s < e && isBlank(bytes[s])) s++;
  while (e > s && isBlank(bytes[e - 1])) e--;
  let opens = 0;
  while (s < e && bytes[s] === OPEN && opens < 2) {
    s++;
    opens++;
  }
  let closes = 0;
  while (e > s && bytes[e - 1] === CLOSE && closes < 2) {
    e--;
    closes++;
  }
  if (opens === 0) fail('expected a Python list opening with "["', line);
  if (closes === 0) fail('expected the list to close with "]" on the same line', line, bytes.length + 1);
  return { opens, closes, start: s, end: e };
}

/** Parses the values of `list` into `out`; returns how many there were. */
function parseFloat64Growable(bytes: Uint8Array, list: ListLine, out: Float64Growable, line: number): number {
  let n = 0;
  let p = list.start;
  while (p < list.end) {
    const c = bytes[p];
    if (isBlank(c) || c === COMMA) {
      p++;
      continue;
    }
    let q = p;
    while (q < list.end && !isBlank(bytes[q]) && bytes[q] !== COMMA) q++;
    const v = parseFloat64Bytes(bytes, p, q);
    if (v === undefined) {
      let token = '';
      for (let i = p; i < Math.min(q, p + 40); i++) token += String.fromCharCode(bytes[i]);
      fail(`not a number: ${JSON.stringify(token)}`, line, p + 1);
    }
    out.push(v);
    n++;
    p = q;
  }
  if (n === 0) fail('an empty list', line, list.start + 1);
  return n;
}

/** Reads a nexport TXT file. */
export async function readNexportTxt(input: ReadInput): Promise<Model> {
  const scanner = new LineScanner(input.source);
  await scanner.skipBom();
  const layers: ParsedLayer[] = [];
  let weights: Float64Growable | undefined;
  let inputs = 0;
  let rows = 0;
  let matrixLine = 0;
  let awaitingBias = false;
  for (;;) {
    const next = await scanner.next(MAX_ROW_LINE_BYTES, 'a line of values');
    if (next === undefined) break;
    const { bytes, line } = next;
    let blank = true;
    for (const c of bytes) if (!isBlank(c)) blank = false;
    if (blank) {
      if (weights !== undefined && !awaitingBias)
        fail('a blank line inside a weight matrix (it ends with "]]")', line);
      continue;
    }
    const list = listLine(bytes, line);
    if (awaitingBias) {
      if (list.opens !== 1 || list.closes !== 1) fail('expected the biases, one list on one line', line);
      const biases = new Float64Growable();
      const n = parseFloat64Growable(bytes, list, biases, line);
      if (n !== rows) fail(`${n} biases for ${rows} neurons`, line);
      layers.push({
        weights: (weights as Float64Growable).take(),
        biases: biases.take(),
        inputs,
        outputs: rows,
      });
      weights = undefined;
      awaitingBias = false;
      continue;
    }
    if (weights === undefined) {
      if (list.opens !== 2) fail('expected a weight matrix opening with "[["', line);
      weights = new Float64Growable();
      rows = 0;
      inputs = 0;
      matrixLine = line;
    } else if (list.opens !== 1) {
      fail('expected the next row of the weight matrix, opening with " ["', line);
    }
    const n = parseFloat64Growable(bytes, list, weights, line);
    if (rows === 0) inputs = n;
    else if (n !== inputs) fail(`a row of ${n} weights in a matrix whose first row has ${inputs}`, line);
    rows++;
    if (list.closes === 2) {
      awaitingBias = true;
      const before = layers[layers.length - 1];
      if (before !== undefined && before.outputs !== inputs) {
        fail(`neurons with ${inputs} weights after a layer of ${before.outputs} neurons`, matrixLine);
      }
    }
  }
  if (weights !== undefined) {
    throw new NnportError(
      'TRUNCATED',
      awaitingBias
        ? 'the file ends before the biases of the last layer'
        : 'the file ends inside a weight matrix',
      { at: { line: scanner.line } },
    );
  }
  if (layers.length === 0) fail('no weight matrix: nexport TXT starts with "[["', 1);
  return layersModel('nexport-txt', layers, undefined, {}, 'nexport');
}
