/**
 * Reads the CSV long layout (docs/formats/csv.md). The scan reads the `#` header lines and the
 * header row, then for each tensor parses its first row in full (RFC 4180) and skips the rest by
 * line feeds, checking that every row starts with the first row's exact `tensor,layer,param,
 * dtype,shape,` bytes; the values are parsed when the tensor's data is read.
 */
import { byteLengthOf, type DType, isDType } from '../../core/dtype.js';
import { isNnportError, NnportError } from '../../core/errors.js';
import type { ReadInput, ReadOptions } from '../../core/format.js';
import type { Graph } from '../../core/graph.js';
import { MAX_HEADER_BYTES, MAX_NAME_LENGTH, MAX_TENSORS } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import { graphFromJson } from '../../io/text/header-json.js';
import { decodeLine, parseJsonPayload, readJsonString } from '../../io/text/header-line.js';
import { type Line, LineScanner } from '../../io/text/lines.js';
import { readPlainTable } from '../../io/text/plain-table.js';
import { locateErrors, ParsedTextData, parseRegion } from '../../io/text/text-data.js';
import { packFromText, textByteLength } from '../../io/text/values.js';
import { type CsvRecord, readRecord, recordPosition } from './fields.js';
import { CSV_COLUMNS, CSV_MAGIC, CSV_VERSION } from './write-long.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Throws INVALID_STRUCTURE (or `code`) at a line and column. */
function fail(
  detail: string,
  line: number,
  column = 1,
  code: 'INVALID_STRUCTURE' | 'UNSUPPORTED_DTYPE' | 'LIMIT_EXCEEDED' = 'INVALID_STRUCTURE',
): never {
  throw new NnportError(code, detail, { at: { line, column } });
}

/** A record's field `k` as text (UTF-8, checked). */
function fieldText(rec: CsvRecord, k: number): string {
  try {
    return UTF8.decode(rec.fields[k]);
  } catch {
    const at = recordPosition(rec, rec.starts[k]);
    return fail('invalid UTF-8 text', at.line, at.column);
  }
}

/** Checks the magic line `#nnport-csv VERSION LAYOUT`. */
function checkMagic(line: Line): void {
  const text = decodeLine(line.bytes, line.line);
  const parts = text.split(/[ \t]+/);
  if (parts[0] !== CSV_MAGIC)
    fail(`not an nnport CSV file (the first line must be '${CSV_MAGIC} 1 long')`, line.line);
  // The version is checked before the layout: a future version may name layouts this one lacks.
  const version = parts[1] ?? '';
  const versionColumn = text.indexOf(version, CSV_MAGIC.length) + 1;
  if (!/^\d+$/.test(version)) fail(`bad version '${version}'`, line.line, versionColumn);
  if (Number(version) > CSV_VERSION) {
    throw new NnportError(
      'UNSUPPORTED_VERSION',
      `nnport CSV version ${version}; this nnport reads up to ${CSV_VERSION}`,
      {
        at: { line: line.line, column: versionColumn },
      },
    );
  }
  if (Number(version) < 1) fail(`bad version '${version}'`, line.line, versionColumn);
  // The matrix layout is a folder with a manifest, never one file with this magic line.
  if (parts[2] !== 'long' || parts.length > 3) {
    fail(`unknown layout '${parts.slice(2).join(' ')}' (a one-file nnport CSV is 'long')`, line.line);
  }
}

/** What the `#` header lines say. */
interface Header {
  metadata: Record<string, JsonValue>;
  graph: Graph | undefined;
  meta: Map<string, { value: Record<string, JsonValue>; line: number }>;
}

/** Parses one `#` line into `header` (unknown `#` lines are comments). */
function headerLine(text: string, line: number, header: Header): void {
  const space = text.indexOf(' ');
  const key = space < 0 ? text : text.slice(0, space);
  if (key === '#metadata') {
    header.metadata = parseJsonPayload(text, space + 1, line, 'metadata') as Record<string, JsonValue>;
  } else if (key === '#graph') {
    if (header.graph !== undefined) fail('second #graph line', line);
    const value = parseJsonPayload(text, space + 1, line, 'graph', false);
    try {
      header.graph = graphFromJson(value, '$');
    } catch (e) {
      if (!isNnportError(e)) throw e;
      const where = e.at !== undefined && 'path' in e.at ? ` at ${e.at.path}` : '';
      throw new NnportError(e.code, `graph: ${e.detail}${where}`, {
        at: { line, column: space + 2 },
        cause: e,
      });
    }
  } else if (key === '#tensor-meta') {
    let p = space + 1;
    while (text[p] === ' ') p++;
    if (text[p] !== '"') fail('expected the tensor name as a JSON string', line, p + 1);
    const name = readJsonString(text, p, line);
    const value = parseJsonPayload(text, name.end, line, 'tensor meta') as Record<string, JsonValue>;
    if (header.meta.has(name.value)) fail(`second #tensor-meta for ${JSON.stringify(name.value)}`, line);
    header.meta.set(name.value, { value, line });
  }
}

/** Parses the `shape` field: non-negative integers separated by spaces (empty: a scalar). */
function parseShape(text: string, line: number, column: number): number[] {
  // Writers use single spaces; a hand-edited file may have more, or blanks at the ends.
  const trimmed = text.trim();
  if (trimmed === '') return [];
  const parts = trimmed.split(/ +/);
  const shape = parts.map((d) => (/^\d+$/.test(d) ? Number(d) : Number.NaN));
  if (shape.some((d) => !Number.isSafeInteger(d))) fail(`bad shape '${text.slice(0, 80)}'`, line, column);
  try {
    elementCount(shape);
  } catch (e) {
    if (isNnportError(e))
      fail(e.detail, line, column, e.code === 'LIMIT_EXCEEDED' ? 'LIMIT_EXCEEDED' : 'INVALID_STRUCTURE');
    throw e;
  }
  return shape;
}

/** Reads a CSV file: the nnport long layout, or a plain numeric table when the magic is absent. */
export async function readCsvLong(input: ReadInput, options: ReadOptions): Promise<Model> {
  const scanner = new LineScanner(input.source);
  // Excel's "CSV UTF-8" and Windows tools start files with a BOM; it is not part of the magic.
  await scanner.skipBom();
  const first = await scanner.next(MAX_HEADER_BYTES, 'first line');
  if (first === undefined) throw new NnportError('BAD_MAGIC', 'empty file', { at: { line: 1, column: 1 } });
  // No magic: the file was claimed by its `.csv` name, so read it as the numeric table it likely is.
  if (!startsWithMagic(first.bytes)) return readPlainTable(input, options, scanner, first, 'csv');
  checkMagic(first);

  // Part 1: `#` lines up to the header row. They are small (one-line JSON) and read whole.

  const header: Header = { metadata: {}, graph: undefined, meta: new Map() };
  let sawMetadata = false;
  for (;;) {
    const line = await scanner.next(MAX_HEADER_BYTES, 'header line');
    if (line === undefined)
      throw new NnportError('TRUNCATED', 'file ends before the header row', {
        at: { line: scanner.line, column: 1 },
      });
    if (line.bytes.length === 0) continue;
    const text = decodeLine(line.bytes, line.line);
    if (text.startsWith('#')) {
      if (text.startsWith('#metadata ') || text === '#metadata') {
        if (sawMetadata) fail('second #metadata line', line.line);
        sawMetadata = true;
      }
      headerLine(text, line.line, header);
      continue;
    }
    // The header row is fixed: a file whose columns were reordered or renamed is not this layout.
    if (text !== CSV_COLUMNS.join(',')) {
      fail(`expected the header row '${CSV_COLUMNS.join(',')}'`, line.line);
    }
    break;
  }

  // Part 2: the rows. Each tensor's first row is parsed in full (it names the tensor, dtype and
  // shape); the shape says how many rows follow, and those are only located, not parsed.
  const tensors: Tensor[] = [];
  const names = new Set<string>();
  let previous: string | undefined;
  for (;;) {
    const rec = await readRecord(scanner);
    if (rec === undefined) break;
    if (rec.raw.length === 0) continue; // blank line (e.g. an editor's trailing newline)
    const tensor = firstRow(rec, previous, names, header);
    if (tensors.length >= MAX_TENSORS)
      fail(`more than MAX_TENSORS ${MAX_TENSORS} tensors`, rec.line, 1, 'LIMIT_EXCEEDED');
    tensors.push(await skipRows(scanner, rec, tensor, input, options));
    names.add(tensor.name);
    previous = tensor.name;
  }
  // A #tensor-meta line for a name with no rows is a typo or a truncated file; do not drop it silently.
  for (const [name, m] of header.meta) {
    if (!names.has(name)) fail(`#tensor-meta names no tensor: ${JSON.stringify(name)}`, m.line);
  }
  const model: { -readonly [K in keyof Model]: Model[K] } = {
    format: 'csv',
    metadata: header.metadata,
    tensors,
  };
  if (header.graph !== undefined) model.graph = header.graph;
  return model;
}

/** True when a line starts with the magic word followed by a blank or nothing. */
function startsWithMagic(b: Uint8Array): boolean {
  for (let k = 0; k < CSV_MAGIC.length; k++) if (b[k] !== CSV_MAGIC.charCodeAt(k)) return false;
  return b.length === CSV_MAGIC.length || b[CSV_MAGIC.length] === 32 || b[CSV_MAGIC.length] === 9;
}

/** What the first row of a tensor says. */
interface FirstRow {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: number[];
  readonly count: number;
  readonly meta: Record<string, JsonValue> | undefined;
}

/** Checks a tensor's first row: 7 fields, a known dtype, a shape; a zero-size tensor's empty index and value. */
function firstRow(
  rec: CsvRecord,
  previous: string | undefined,
  names: Set<string>,
  header: Header,
): FirstRow {
  const n = rec.fields.length;
  if (n !== CSV_COLUMNS.length) {
    const at = recordPosition(rec, n > CSV_COLUMNS.length ? rec.starts[CSV_COLUMNS.length] : rec.raw.length);
    fail(`row has ${n} fields, expected ${CSV_COLUMNS.length}`, at.line, at.column);
  }
  const pos = (k: number) => recordPosition(rec, rec.starts[k]);
  const name = fieldText(rec, 0);
  if (name.length > MAX_NAME_LENGTH)
    fail(`name longer than ${MAX_NAME_LENGTH}`, rec.line, 1, 'LIMIT_EXCEEDED');
  // The previous tensor's rows all matched its prefix and it had enough of them, so a row that
  // still names it means the shape is smaller than the rows given.
  if (name === previous) {
    fail(`more rows for tensor ${JSON.stringify(name)} than its shape holds`, rec.line);
  }
  // Rows of a tensor must be contiguous (the lazy parse reads one byte range per tensor).
  if (names.has(name)) fail(`a second run of rows for tensor ${JSON.stringify(name)}`, rec.line);
  const dtype = fieldText(rec, 3);
  if (!isDType(dtype)) {
    const at = pos(3);
    fail(`unknown dtype '${dtype.slice(0, 40)}'`, at.line, at.column, 'UNSUPPORTED_DTYPE');
  }
  const shapeAt = pos(4);
  const shape = parseShape(fieldText(rec, 4), shapeAt.line, shapeAt.column);
  const count = elementCount(shape);
  // A tensor with no elements is written as one placeholder row so its name, dtype and shape
  // survive; that row must carry no index or value, or it would be a value without a place.
  if (count === 0 && (rec.fields[5].length > 0 || rec.fields[6].length > 0)) {
    const at = pos(5);
    fail('a tensor with no elements has one row with empty index and value', at.line, at.column);
  }
  return { name, dtype, shape, count, meta: header.meta.get(name)?.value };
}

/** Skips the rest of a tensor's rows and makes its lazy data. */
async function skipRows(
  scanner: LineScanner,
  rec: CsvRecord,
  row: FirstRow,
  input: ReadInput,
  options: ReadOptions,
): Promise<Tensor> {
  const { name, dtype, shape, count, meta } = row;
  const byteLength = byteLengthOf(dtype, count);
  const withMeta = (data: Tensor['data']): Tensor =>
    meta === undefined ? { name, dtype, shape, data } : { name, dtype, shape, data, meta };
  if (count === 0) return withMeta(new ParsedTextData(0, () => Promise.resolve(new Uint8Array(0))));
  // Every row of the tensor starts with these bytes, line endings inside quoted names included.
  const prefix = rec.raw.slice(0, rec.starts[5]);
  let prefixLines = 0;
  for (const b of prefix) if (b === 10) prefixLines++;
  const rest = await scanner.skipRows(count - 1, { linesPerRow: 1 + prefixLines, requirePrefix: prefix });
  // Too few rows: either the file ends (TRUNCATED) or another tensor's rows begin early (the
  // shape and the rows disagree), both found here, at open time, not on a later data read.
  if (rest.rows < count - 1) {
    const atEnd = await scanner.atEnd();
    const detail = `tensor ${JSON.stringify(name)} has ${rest.rows + 1} rows, its shape [${shape.join(', ')}] needs ${count}`;
    throw new NnportError(atEnd ? 'TRUNCATED' : 'INVALID_STRUCTURE', detail, {
      at: { line: scanner.line, column: 1 },
    });
  }
  // The first row was consumed by readRecord; the lazy parse starts there and re-reads it, so one
  // parser checks every row the same way.
  const checkpoints = [
    { offset: rec.offset, line: rec.line, row: 0 },
    ...rest.checkpoints.map((c) => ({ ...c, row: c.row + 1 })),
  ];
  const source = input.source;
  const parallel = options.parallel;
  const data = new ParsedTextData(byteLength, () =>
    locateErrors(
      input.name,
      'csv',
      parseRegion(
        {
          source,
          checkpoints,
          dtype,
          rowElements: 1,
          request: (text, cp, rows) => ({
            kind: 'csv-long',
            dtype,
            text,
            rows,
            prefix,
            prefixLines,
            shape,
            start: cp.row,
            line: cp.line,
          }),
        },
        textByteLength(dtype, count),
        parallel,
      ).then((bytes) => packFromText(dtype, bytes)),
    ),
  );
  return withMeta(data);
}
