/**
 * Reads nnport TXT (docs/formats/txt.md) in two passes (text-common, "Reading with bounded
 * memory"): a scan that reads the header lines and skips each tensor's value lines by counting
 * line feeds, then a lazy parse of each tensor's values when its data is read. A `.txt` file
 * without the `nnport-txt` magic line is read as a plain numeric table (`io/text/plain-table.ts`).
 */
import { byteLengthOf, type DType, isDType } from '../../core/dtype.js';
import { isNnportError, NnportError } from '../../core/errors.js';
import type { ReadInput, ReadOptions } from '../../core/format.js';
import type { Graph } from '../../core/graph.js';
import { MAX_HEADER_BYTES, MAX_NAME_LENGTH, MAX_RANK, MAX_TENSORS } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import { graphFromJson } from '../../io/text/header-json.js';
import { decodeLine, parseJsonPayload, readJsonString, utf8 } from '../../io/text/header-line.js';
import { type Line, LineScanner } from '../../io/text/lines.js';
import { readPlainTable } from '../../io/text/plain-table.js';
import { locateErrors, ParsedTextData, parseRegion } from '../../io/text/text-data.js';
import { packFromText, textByteLength } from '../../io/text/values.js';
import { txtRowLength } from './write.js';

/** The newest TXT version this reader knows. */
export const TXT_VERSION = 1;

const MAGIC = 'nnport-txt';
const TENSOR_PREFIX = utf8('tensor ');
const META_PREFIX = utf8('meta ');

/** A header line being taken apart: its text and a cursor over it. */
class Fields {
  p = 0;
  constructor(
    readonly text: string,
    readonly line: number,
  ) {}

  /** 1-based byte column of character index `at` (UTF-8 bytes, like value-line columns). */
  column(at = this.p): number {
    return utf8(this.text.slice(0, at)).length + 1;
  }

  fail(
    detail: string,
    at = this.p,
    code: 'INVALID_STRUCTURE' | 'UNSUPPORTED_DTYPE' | 'LIMIT_EXCEEDED' = 'INVALID_STRUCTURE',
  ): never {
    throw new NnportError(code, detail, { at: { line: this.line, column: this.column(at) } });
  }

  /** Skips blanks; true when something follows. */
  more(): boolean {
    while (this.p < this.text.length && (this.text[this.p] === ' ' || this.text[this.p] === '\t')) this.p++;
    return this.p < this.text.length;
  }

  /** The next blank-separated word (empty at the end). */
  word(): string {
    this.more();
    const s = this.p;
    while (this.p < this.text.length && this.text[this.p] !== ' ' && this.text[this.p] !== '\t') this.p++;
    return this.text.slice(s, this.p);
  }

  /** A non-negative decimal integer word, checked to be a safe integer. */
  integer(what: string): number {
    this.more();
    const at = this.p;
    const w = this.word();
    if (w === '') this.fail(`missing ${what}`, at);
    if (!/^\d+$/.test(w) || !Number.isSafeInteger(Number(w)))
      this.fail(`${what} is not a non-negative integer: '${w}'`, at);
    return Number(w);
  }
}

/** What a `tensor` line says. */
interface TensorHeader {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
}

/** Parses `tensor NAME DTYPE RANK D1 D2 ...`. */
function parseTensorLine(f: Fields): TensorHeader {
  f.word(); // "tensor"
  f.more();
  let name: string;
  const nameAt = f.p;
  // A name is a JSON string exactly when it starts with a quote (bare names never do).
  if (f.text[f.p] === '"') {
    const s = readJsonString(f.text, f.p, f.line);
    name = s.value;
    f.p = s.end;
  } else {
    name = f.word();
    if (name === '') f.fail('missing tensor name');
  }
  if (name.length > MAX_NAME_LENGTH) f.fail(`name longer than ${MAX_NAME_LENGTH}`, nameAt, 'LIMIT_EXCEEDED');
  f.more();
  const dtypeAt = f.p;
  const dtype = f.word();
  if (dtype === '') f.fail('missing dtype', dtypeAt);
  if (!isDType(dtype)) f.fail(`unknown dtype '${dtype}'`, dtypeAt, 'UNSUPPORTED_DTYPE');
  f.more();
  const rankAt = f.p;
  const rank = f.integer('rank');
  if (rank > MAX_RANK) f.fail(`rank ${rank} exceeds MAX_RANK ${MAX_RANK}`, rankAt, 'LIMIT_EXCEEDED');
  const shape: number[] = [];
  for (let d = 0; d < rank; d++) shape.push(f.integer(`dimension ${d + 1} of ${rank}`));
  // RANK is redundant with the dimensions on purpose: Fortran/C readers allocate from it before
  // reading the dimensions, so the two must agree.
  if (f.more()) f.fail(`more dimensions than the rank ${rank}`);
  // Refuse shapes past 2^53 elements here, with the line, before anything is sized by them.
  try {
    elementCount(shape);
  } catch (e) {
    if (isNnportError(e))
      f.fail(e.detail, rankAt, e.code === 'LIMIT_EXCEEDED' ? 'LIMIT_EXCEEDED' : 'INVALID_STRUCTURE');
    throw e;
  }
  return { name, dtype, shape };
}

/** Parses the magic line; throws BAD_MAGIC / UNSUPPORTED_VERSION / INVALID_STRUCTURE. */
function checkMagic(line: Line): void {
  const f = new Fields(decodeLine(line.bytes, line.line), line.line);
  if (f.word() !== MAGIC)
    f.fail(`not an nnport TXT file (the first line must be '${MAGIC} ${TXT_VERSION}')`, 0);
  f.more();
  const at = f.p;
  const version = f.integer('version');
  if (version > TXT_VERSION) {
    throw new NnportError(
      'UNSUPPORTED_VERSION',
      `nnport TXT version ${version}; this nnport reads up to ${TXT_VERSION}`,
      {
        at: { line: line.line, column: f.column(at) },
      },
    );
  }
  // Version 0 never existed; a version after 1 is refused above so old readers do not misread.
  if (version < 1) f.fail(`bad version ${version}`, at);
  if (f.more()) f.fail('unexpected text after the version');
}

/** Reads an nnport TXT file (or a plain numeric table). */
export async function readTxt(input: ReadInput, options: ReadOptions): Promise<Model> {
  const scanner = new LineScanner(input.source);
  await scanner.skipBom();
  const first = await scanner.next(MAX_HEADER_BYTES, 'first line');
  if (first === undefined) {
    throw new NnportError('BAD_MAGIC', 'empty file', { at: { line: 1, column: 1 } });
  }
  // No magic: claimed by the `.txt` name, so read it as a plain numeric table (numpy.savetxt).
  if (!startsWithMagic(first.bytes)) return readPlainTable(input, options, scanner, first, 'txt');
  checkMagic(first);

  let metadata: Record<string, JsonValue> = {};
  let graph: Graph | undefined;
  let sawMetadata = false;
  const tensors: Tensor[] = [];
  const names = new Set<string>();
  for (;;) {
    const line = await scanner.next(MAX_HEADER_BYTES, 'header line');
    if (line === undefined) break;
    const f = new Fields(decodeLine(line.bytes, line.line), line.line);
    // Blank lines between sections are allowed (hand-edited files); within values they are not,
    // since value lines are counted, not searched for.
    if (!f.more()) continue;
    const keyword = f.word();
    if (keyword === 'metadata' || keyword === 'graph') {
      // Fixed order keeps plain readers simple: all model-level lines come first.
      if (tensors.length > 0) f.fail(`'${keyword}' must come before the first tensor`, 0);
      f.more();
      if (keyword === 'metadata') {
        if (sawMetadata) f.fail('second metadata line', 0);
        sawMetadata = true;
        metadata = parseJsonPayload(f.text, f.p, f.line, 'metadata') as Record<string, JsonValue>;
      } else {
        if (graph !== undefined) f.fail('second graph line', 0);
        const value = parseJsonPayload(f.text, f.p, f.line, 'graph', false);
        graph = located(() => graphFromJson(value, '$'), f);
      }
      continue;
    }
    // Anything else here is either junk or, after a tensor, a value line too many for its shape.
    if (keyword !== 'tensor') {
      const detail =
        tensors.length === 0
          ? `expected 'metadata', 'graph' or 'tensor', found '${keyword.slice(0, 40)}'`
          : `expected a 'tensor' line (is tensor ${JSON.stringify(tensors[tensors.length - 1].name)} longer than its shape?)`;
      f.fail(detail, 0);
    }
    f.p = 0;
    const header = parseTensorLine(f);
    if (names.has(header.name)) f.fail(`second tensor named ${JSON.stringify(header.name)}`, 0);
    if (tensors.length >= MAX_TENSORS)
      f.fail(`more than MAX_TENSORS ${MAX_TENSORS} tensors`, 0, 'LIMIT_EXCEEDED');
    names.add(header.name);
    // The optional meta line is told apart from values by its keyword (no value starts with `meta `).
    let meta: Record<string, JsonValue> | undefined;
    if (await scanner.peek(META_PREFIX)) {
      // biome-ignore lint/style/noNonNullAssertion: peek saw the line
      const m = (await scanner.next(MAX_HEADER_BYTES, 'meta line'))!;
      const text = decodeLine(m.bytes, m.line);
      meta = parseJsonPayload(text, 5, m.line, 'tensor meta') as Record<string, JsonValue>;
    }
    tensors.push(await scanValues(scanner, header, meta, input, options));
  }
  const model: { -readonly [K in keyof Model]: Model[K] } = { format: 'txt', metadata, tensors };
  if (graph !== undefined) model.graph = graph;
  return model;
}

/** Runs `fn`, locating a JSON-path error of the graph at the header line. */
function located<T>(fn: () => T, f: Fields): T {
  try {
    return fn();
  } catch (e) {
    if (!isNnportError(e)) throw e;
    const where = e.at !== undefined && 'path' in e.at ? ` at ${e.at.path}` : '';
    throw new NnportError(e.code, `graph: ${e.detail}${where}`, {
      at: { line: f.line, column: 1 },
      cause: e,
    });
  }
}

/** True when a line starts with the magic word (followed by a blank or nothing). */
function startsWithMagic(b: Uint8Array): boolean {
  for (let k = 0; k < MAGIC.length; k++) if (b[k] !== MAGIC.charCodeAt(k)) return false;
  return b.length === MAGIC.length || b[MAGIC.length] === 32 || b[MAGIC.length] === 9;
}

/** Skips one tensor's value lines, checking their count, and makes its lazy data. */
async function scanValues(
  scanner: LineScanner,
  header: TensorHeader,
  meta: Record<string, JsonValue> | undefined,
  input: ReadInput,
  options: ReadOptions,
): Promise<Tensor> {
  const { name, dtype, shape } = header;
  const count = elementCount(shape);
  const rowLength = txtRowLength(shape);
  // One line per row of the last dimension; the shape fixes how many, so they are counted, not
  // parsed. A `tensor ` line among them means this tensor has too few lines: stop there and say so.
  const rows = count === 0 ? 0 : count / rowLength;
  const startLine = scanner.line;
  const skipped = await scanner.skipRows(rows, { linesPerRow: 1, stopAt: TENSOR_PREFIX });
  // Stopped early: at the end of the file (TRUNCATED) or at the next `tensor` line (the shape
  // promises more lines than there are).
  if (skipped.rows < rows) {
    const atEnd = await scanner.atEnd();
    const detail = `tensor ${JSON.stringify(name)} has ${skipped.rows} value lines from line ${startLine}, its shape [${shape.join(', ')}] needs ${rows}`;
    throw new NnportError(atEnd ? 'TRUNCATED' : 'INVALID_STRUCTURE', detail, {
      at: { line: scanner.line, column: 1 },
    });
  }
  // Values are parsed on the first data read, between the checkpoints the skip recorded.
  const byteLength = byteLengthOf(dtype, count);
  const source = input.source;
  const checkpoints = skipped.checkpoints;
  const parallel = options.parallel;
  const data = new ParsedTextData(byteLength, () =>
    locateErrors(
      input.name,
      'txt',
      parseRegion(
        {
          source,
          checkpoints,
          dtype,
          rowElements: rowLength,
          request: (text, cp, n) => ({
            kind: 'rows',
            dtype,
            text,
            rows: n,
            rowLength,
            separator: 'space',
            line: cp.line,
            skipBlank: false,
          }),
        },
        textByteLength(dtype, count),
        parallel,
      ).then((bytes) => packFromText(dtype, bytes)),
    ),
  );
  return meta === undefined ? { name, dtype, shape, data } : { name, dtype, shape, data, meta };
}
