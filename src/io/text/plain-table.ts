/**
 * Plain numeric tables: a `.csv` or `.txt` without nnport's header, as `numpy.savetxt`, MATLAB
 * `writematrix`, R `write.table` and spreadsheets write them. They read as one float64 tensor
 * named after the file, shape [rows, columns]: float64 holds every decimal those tools print
 * (`%.18e`) exactly as NumPy `loadtxt` would read it.
 *
 * Layout accepted: values separated by commas (when the first data row has a comma) or by runs of
 * spaces/tabs; `#` comment lines and blank lines anywhere (savetxt's `header=` writes `# ...`);
 * LF or CRLF; a BOM. Every row must have the first data row's column count (a ragged row is
 * INVALID_STRUCTURE at its line:column, found when the data is parsed).
 */
import { NnportError } from '../../core/errors.js';
import type { ReadInput, ReadOptions } from '../../core/format.js';
import { MAX_HEADER_BYTES, MAX_TOKEN_BYTES } from '../../core/limits.js';
import type { Model } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import { showToken } from './chunk-rows.js';
import type { Line, LineScanner } from './lines.js';
import { ParsedTextData, parseRegion } from './text-data.js';
import { valueParser } from './values.js';

/** The tensor name for a table file: its base name without directories or extension. */
export function tableName(fileName: string): string {
  const base = fileName.slice(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  return stem === '' ? 'data' : stem;
}

/** True for a line that holds no row: empty, blanks only, or a `#` comment. */
function isBlank(bytes: Uint8Array): boolean {
  let q = 0;
  while (q < bytes.length && (bytes[q] === 32 || bytes[q] === 9)) q++;
  return q === bytes.length || bytes[q] === 35;
}

/**
 * Counts and checks the values of the first data row: each must read as float64. A row that is
 * not numbers means the file is not a numeric table at all (BAD_MAGIC, so the registry reports
 * it as "not this format" next to the other candidates' errors).
 */
function firstRowColumns(line: Line, comma: boolean, format: string): number {
  const b = line.bytes;
  const scratch = new Uint8Array(8);
  const parse = valueParser('float64', scratch);
  let p = 0;
  let columns = 0;
  for (;;) {
    while (p < b.length && (b[p] === 32 || b[p] === 9)) p++;
    if (p >= b.length && (columns === 0 || !comma)) break;
    const s = p;
    while (p < b.length && b[p] > 32 && !(comma && b[p] === 44)) p++;
    if (p - s > MAX_TOKEN_BYTES || !parse(b, s, p, 0)) {
      throw new NnportError(
        'BAD_MAGIC',
        `neither an nnport ${format} file nor a numeric table: '${showToken(b, s, p)}'`,
        {
          at: { line: line.line, column: s + 1 },
        },
      );
    }
    columns++;
    while (p < b.length && (b[p] === 32 || b[p] === 9)) p++;
    if (comma) {
      if (p >= b.length) break;
      if (b[p] !== 44) {
        throw new NnportError('INVALID_STRUCTURE', "expected ',' between values", {
          at: { line: line.line, column: p + 1 },
        });
      }
      p++;
    }
  }
  return columns;
}

/**
 * Reads a plain numeric table whose first line `first` the caller already took from `scanner`
 * (it was not the format's magic line).
 */
export async function readPlainTable(
  input: ReadInput,
  options: ReadOptions,
  scanner: LineScanner,
  first: Line,
  format: string,
): Promise<Model> {
  let line: Line | undefined = first;
  while (line !== undefined && isBlank(line.bytes)) line = await scanner.next(MAX_HEADER_BYTES, 'table row');
  const name = tableName(input.name);
  if (line === undefined) {
    const empty: Tensor = {
      name,
      dtype: 'float64',
      shape: [0, 0],
      data: new ParsedTextData(0, () => Promise.resolve(new Uint8Array(0))),
    };
    return { format, metadata: {}, tensors: [empty] };
  }
  const comma = line.bytes.includes(44);
  const columns = firstRowColumns(line, comma, format);
  const rest = await scanner.skipRows(Number.POSITIVE_INFINITY, { linesPerRow: 1, skipBlank: true });
  const rows = rest.rows + 1;
  const shape = [rows, columns];
  let count: number;
  try {
    count = elementCount(shape);
  } catch (e) {
    if (e instanceof NnportError) throw new NnportError(e.code, e.detail, { at: { line: scanner.line } });
    throw e;
  }
  const start = { offset: line.offset, line: line.line, row: 0 };
  const checkpoints = [start, ...rest.checkpoints.map((c) => ({ ...c, row: c.row + 1 }))];
  const source = input.source;
  const parallel = options.parallel;
  const data = new ParsedTextData(count * 8, () =>
    parseRegion(
      {
        source,
        checkpoints,
        dtype: 'float64',
        rowElements: columns,
        request: (text, cp, n) => ({
          kind: 'rows',
          dtype: 'float64',
          text,
          rows: n,
          rowLength: columns,
          separator: comma ? 'comma' : 'space',
          line: cp.line,
          skipBlank: true,
        }),
      },
      count * 8,
      parallel,
    ),
  );
  return { format, metadata: {}, tensors: [{ name, dtype: 'float64', shape, data }] };
}
