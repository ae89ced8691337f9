/**
 * Chunks of text work as plain data (text-common, "Parallel work"): a writer or reader cuts its
 * values into requests, and `formatChunk` / `parseChunk` turn one request into bytes. Both are
 * pure functions of structured-cloneable requests, so a worker thread can run them on a copy and
 * return the same bytes the calling thread would produce; writers keep results in request order,
 * so the output is identical with and without workers.
 *
 * Kinds: `rows` (TXT, CSV matrix, plain tables, JSON innermost arrays) and `csv-long` here; JSON's
 * kinds `json-format` / `json-parse` live in `chunk-json.ts` (JSON helper).
 */
import { NnportError } from '../../core/errors.js';
import {
  type CsvLongFormatRequest,
  type CsvLongParseRequest,
  formatCsvLong,
  parseCsvLong,
} from './chunk-csv.js';
import {
  formatJsonChunk,
  type JsonFormatRequest,
  type JsonParseRequest,
  parseJsonChunk,
} from './chunk-json.js';
import { formatRows, parseRows, type RowsFormatRequest, type RowsParseRequest } from './chunk-rows.js';

export type { CsvLongFormatRequest, CsvLongParseRequest } from './chunk-csv.js';
export type { JsonFormatRequest, JsonParseRequest } from './chunk-json.js';
export type { RowsFormatRequest, RowsParseRequest } from './chunk-rows.js';

/** A chunk of values to format as text: one of the request kinds. */
export type FormatRequest = RowsFormatRequest | CsvLongFormatRequest | JsonFormatRequest;

/** A chunk of text to parse into canonical tensor bytes: one of the request kinds. */
export type ParseRequest = RowsParseRequest | CsvLongParseRequest | JsonParseRequest;

/** Formats one request into text bytes. */
export function formatChunk(req: FormatRequest): Uint8Array {
  switch (req.kind) {
    case 'rows':
      return formatRows(req);
    case 'csv-long':
      return formatCsvLong(req);
    case 'json-format':
      return formatJsonChunk(req);
    default:
      return unknownKind(req);
  }
}

/**
 * Parses one request into canonical bytes. Malformed text throws NnportError with a line:column
 * location (INVALID_STRUCTURE, TRUNCATED, LIMIT_EXCEEDED).
 */
export function parseChunk(req: ParseRequest): Uint8Array {
  switch (req.kind) {
    case 'rows':
      return parseRows(req);
    case 'csv-long':
      return parseCsvLong(req);
    case 'json-parse':
      return parseJsonChunk(req);
    default:
      return unknownKind(req);
  }
}

/** A request of a kind this build does not know (a worker from another version): a bug, reported as such. */
function unknownKind(req: never): never {
  const kind = (req as { kind?: unknown }).kind;
  throw new NnportError('INVALID_STRUCTURE', `unknown text chunk kind ${JSON.stringify(kind)}`);
}
