/**
 * Reads the CSV matrix layout (docs/formats/csv.md): `manifest.json` first (through the input's
 * sibling access, so nothing outside the folder is reached), then each tensor's file when its
 * data is read — opened, scanned for its rows and parsed then, not before.
 */
import { byteLengthOf, isDType } from '../../core/dtype.js';
import { isNnportError, NnportError } from '../../core/errors.js';
import type { ReadInput, ReadOptions } from '../../core/format.js';
import type { Graph } from '../../core/graph.js';
import {
  MAX_HEADER_BYTES,
  MAX_NAME_LENGTH,
  MAX_TENSOR_BYTES_IN_MEMORY,
  MAX_TENSORS,
} from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import { readAhead } from '../../io/reader.js';
import type { ParseRequest } from '../../io/text/chunk.js';
import { graphFromJson, metadataFromJson, parseJsonExact } from '../../io/text/header-json.js';
import { LineScanner } from '../../io/text/lines.js';
import { isJsonObject } from '../../io/text/model-json.js';
import { type Job, parseAll } from '../../io/text/pipeline.js';
import { chainInOrder, locateErrors, ParsedTextData, parseRegion } from '../../io/text/text-data.js';
import { packFromText, textByteLength } from '../../io/text/values.js';
import { MANIFEST, MATRIX_FORMAT, MATRIX_VERSION, matrixSize } from './write-matrix.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function fail(
  detail: string,
  path: string,
  code: 'INVALID_STRUCTURE' | 'UNSUPPORTED_DTYPE' | 'LIMIT_EXCEEDED' | 'UNSAFE_PATH' = 'INVALID_STRUCTURE',
): never {
  throw new NnportError(code, detail, { at: { path } });
}

/** The manifest's bytes: `manifest.json` inside a folder input, or the input itself when it is the manifest. */
async function manifestSource(input: ReadInput): Promise<ByteSource> {
  if (!input.isFolder) return input.source;
  const source = await input.sibling(MANIFEST);
  if (source === undefined) {
    throw new NnportError('BAD_MAGIC', `not an nnport CSV matrix folder: it has no ${MANIFEST}`);
  }
  return source;
}

/**
 * A tensor file name from the manifest: relative, `/`-separated, no empty, `.` or `..` segment, no
 * backslash or drive colon (the host refuses escapes too; this names the manifest entry).
 */
function checkFileName(file: unknown, path: string): string {
  if (typeof file !== 'string' || file === '') fail('file must be a non-empty string', path);
  // Windows separators and drive letters are refused outright rather than interpreted: a manifest
  // written by nnport never has them, and `C:x` or `a\\..\\b` would mean different files per host.
  const segments = file.split('/');
  if (
    file.includes('\\') ||
    file.includes(':') ||
    segments.some((s) => s === '' || s === '.' || s === '..')
  ) {
    fail(`unsafe file name ${JSON.stringify(file)}`, path, 'UNSAFE_PATH');
  }
  return file;
}

/** A manifest count (`rows`, `columns`) that must equal what the shape implies. */
function checkCount(v: unknown, expected: number, path: string): void {
  if (v === undefined) return;
  if (v !== expected) fail(`must be ${expected} for this shape`, path);
}

/** Reads a CSV matrix folder (or its manifest.json). */
export async function readCsvMatrix(input: ReadInput, options: ReadOptions): Promise<Model> {
  const source = await manifestSource(input);
  // Bounded like every header nnport parses whole (a hostile manifest must not exhaust memory).
  if (source.size > MAX_HEADER_BYTES) {
    throw new NnportError('LIMIT_EXCEEDED', `${MANIFEST} is larger than ${MAX_HEADER_BYTES} bytes`, {
      file: MANIFEST,
    });
  }
  // The manifest is small (a line per tensor) and bounded above; editors may add a BOM.
  let bytes = await source.read(0, source.size);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    throw new NnportError('INVALID_STRUCTURE', 'invalid UTF-8 text', { file: MANIFEST, at: { byte: 0 } });
  }
  let doc: unknown;
  try {
    doc = parseJsonExact(text, { line: 1, column: 1 });
  } catch (e) {
    if (isNnportError(e)) {
      // Not JSON at all: not this format (the registry lists it next to the other candidates).
      throw new NnportError(
        e.code === 'INVALID_STRUCTURE' ? 'BAD_MAGIC' : e.code,
        `${MANIFEST}: ${e.detail}`,
        {
          file: MANIFEST,
          ...(e.at === undefined ? {} : { at: e.at }),
        },
      );
    }
    throw e;
  }
  // Any folder is a weak candidate (detect cannot look inside); `format` is what confirms it.
  if (!isJsonObject(doc) || doc.format !== MATRIX_FORMAT) {
    throw new NnportError(
      'BAD_MAGIC',
      `${MANIFEST} is not an nnport CSV matrix manifest ("format": "${MATRIX_FORMAT}")`,
      {
        file: MANIFEST,
        at: { path: '$.format' },
      },
    );
  }
  // Errors about the manifest's members name the manifest, not the folder.
  try {
    return buildModel(doc, input, options);
  } catch (e) {
    if (isNnportError(e)) e.locate(MANIFEST, 'csv-matrix');
    throw e;
  }
}

/** Checks the manifest member by member and makes the model with lazy tensors. */
function buildModel(doc: { readonly [key: string]: unknown }, input: ReadInput, options: ReadOptions): Model {
  const version = doc.version;
  if (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1) {
    fail('version must be a positive integer', '$.version');
  }
  if (version > MATRIX_VERSION) {
    throw new NnportError(
      'UNSUPPORTED_VERSION',
      `manifest version ${version}; this nnport reads up to ${MATRIX_VERSION}`,
      {
        at: { path: '$.version' },
      },
    );
  }
  // metadata and graph are optional: a hand-written manifest may list tensors only.
  const metadata = doc.metadata === undefined ? {} : metadataFromJson(doc.metadata, '$.metadata');
  const graph: Graph | undefined = doc.graph === undefined ? undefined : graphFromJson(doc.graph, '$.graph');
  const list = doc.tensors;
  if (!Array.isArray(list)) fail('tensors must be an array', '$.tensors');
  if (list.length > MAX_TENSORS)
    fail(`more than MAX_TENSORS ${MAX_TENSORS} tensors`, '$.tensors', 'LIMIT_EXCEEDED');
  const names = new Set<string>();
  const tensors = list.map((entry, k) => tensorEntry(entry, `$.tensors[${k}]`, names, input, options));
  chainInOrder(tensors);
  const model: { -readonly [K in keyof Model]: Model[K] } = { format: 'csv-matrix', metadata, tensors };
  if (graph !== undefined) model.graph = graph;
  return model;
}

/** One manifest tensor entry. */
function tensorEntry(
  entry: unknown,
  path: string,
  names: Set<string>,
  input: ReadInput,
  options: ReadOptions,
): Tensor {
  if (!isJsonObject(entry)) fail('a tensor entry must be an object', path);
  const name = entry.name;
  if (typeof name !== 'string') fail('name must be a string', `${path}.name`);
  if (name.length > MAX_NAME_LENGTH)
    fail(`name longer than ${MAX_NAME_LENGTH}`, `${path}.name`, 'LIMIT_EXCEEDED');
  if (names.has(name)) fail(`second tensor named ${JSON.stringify(name)}`, `${path}.name`);
  names.add(name);
  const dtype = entry.dtype;
  if (typeof dtype !== 'string') fail('dtype must be a string', `${path}.dtype`);
  if (!isDType(dtype)) fail(`unknown dtype ${JSON.stringify(dtype)}`, `${path}.dtype`, 'UNSUPPORTED_DTYPE');
  const rawShape = entry.shape;
  if (!Array.isArray(rawShape)) fail('shape must be an array', `${path}.shape`);
  const shape = rawShape.map((d, i) => {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)
      fail('bad dimension', `${path}.shape[${i}]`);
    return d;
  });
  let count: number;
  try {
    count = elementCount(shape);
  } catch (e) {
    if (isNnportError(e))
      fail(e.detail, `${path}.shape`, e.code === 'LIMIT_EXCEEDED' ? 'LIMIT_EXCEEDED' : 'INVALID_STRUCTURE');
    throw e;
  }
  // The file name comes from the manifest, which may be hostile: checked before any access.
  const file = checkFileName(entry.file, `${path}.file`);
  // rows and columns are redundant with the shape (they help people and plain readers); when
  // present they must agree, or the file would be read with the wrong row length.
  const { rows, columns } = matrixSize(shape);
  checkCount(entry.rows, rows, `${path}.rows`);
  checkCount(entry.columns, columns, `${path}.columns`);
  const meta: Record<string, JsonValue> | undefined =
    entry.meta === undefined ? undefined : metadataFromJson(entry.meta, `${path}.meta`);
  const byteLength = byteLengthOf(dtype, count);
  const parallel = options.parallel;
  // The file is opened only when the data is read: inspecting a model lists tensors without
  // touching their files. A zero-size tensor expects an empty file (rows 0).
  const data = new ParsedTextData(byteLength, () =>
    locateErrors(
      file,
      'csv-matrix',
      parseFile(
        input,
        file,
        dtype,
        count === 0 ? 0 : rows,
        columns,
        textByteLength(dtype, count),
        parallel,
      ).then((bytes) => packFromText(dtype, bytes)),
    ),
  );
  return meta === undefined ? { name, dtype, shape, data } : { name, dtype, shape, data, meta };
}

/**
 * Bytes per parse request on the streaming path: about 85K float32 values of typical text (the
 * 64K–256K per chunk text-common asks for).
 */
const BLOCK_BYTES = 1 << 20;

/** A block may grow to hold one long row, up to this many bytes; a longer row takes the checked path. */
const MAX_BLOCK_BYTES = 64 << 20;

/** Files smaller than this are scanned first: the streaming path only pays off with several blocks. */
const STREAM_MIN_BYTES = 2 * BLOCK_BYTES;

/** ASCII line feed. */
const LF = 10;

/** Opens and parses one tensor file. */
async function parseFile(
  input: ReadInput,
  file: string,
  dtype: Tensor['dtype'],
  rows: number,
  columns: number,
  byteLength: number,
  parallel: ReadOptions['parallel'],
): Promise<Uint8Array> {
  const source = await input.sibling(file);
  if (source === undefined) {
    throw new NnportError('MISSING_FILE', `the manifest names ${JSON.stringify(file)}, which is missing`);
  }
  if (rows > 0 && source.size >= STREAM_MIN_BYTES && byteLength <= MAX_TENSOR_BYTES_IN_MEMORY) {
    try {
      return await streamParse(source, dtype, rows, columns, byteLength, parallel);
    } catch (e) {
      // Any problem with the text: the checked path below finds it again and reports it exactly
      // as it always has (the first error in file order, with its line and column).
      if (!isNnportError(e)) throw e;
    }
  }
  return scanThenParse(source, dtype, rows, columns, byteLength, parallel);
}

/** `a` followed by the first `n` bytes of `b`, in a new array. */
function concat(a: Uint8Array, b: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(a.length + n);
  out.set(a);
  out.set(b.subarray(0, n), a.length);
  return out;
}

/**
 * The fast path for well-formed files: the file is cut into blocks at line feeds as it is read
 * (no separate scan pass) and each block's rows are parsed and checked where the block is parsed,
 * in a worker when there are workers. The rows a block held are known only from its result, and
 * results are placed in file order. Line numbers are not tracked: any NnportError means "take the
 * checked path", which locates it.
 */
async function streamParse(
  source: ByteSource,
  dtype: Tensor['dtype'],
  rows: number,
  columns: number,
  byteLength: number,
  parallel: ReadOptions['parallel'],
): Promise<Uint8Array> {
  const out = new Uint8Array(byteLength);
  const size = source.size;
  const head = await source.read(0, 3);
  const start = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  async function* jobs(): AsyncGenerator<Job<ParseRequest>> {
    // Fixed blocks read one ahead (the disk reads the next while this one is cut and sent); the
    // partial row after a block's last line feed starts the next block's text.
    let carry: Uint8Array = new Uint8Array(0);
    let at = start;
    for await (const bytes of readAhead(source, start, size, BLOCK_BYTES)) {
      at += bytes.length;
      const cut = at >= size ? bytes.length : bytes.lastIndexOf(LF) + 1;
      if (cut === 0) {
        // No line ends in this block: the row goes on in the next one.
        if (carry.length + bytes.length > MAX_BLOCK_BYTES) {
          throw new NnportError('LIMIT_EXCEEDED', 'row too long to stream');
        }
        carry = concat(carry, bytes, bytes.length);
        continue;
      }
      // A copy the request owns, so a pool can transfer it rather than clone it (a source may
      // return views of memory it keeps, which must not be transferred away).
      const text = concat(carry, bytes, cut);
      carry = bytes.slice(cut);
      const request: ParseRequest = {
        kind: 'rows',
        dtype,
        text,
        rows,
        rowLength: columns,
        separator: 'comma',
        line: 1,
        skipBlank: true,
        upTo: true,
        owned: true,
      };
      yield { request, bytes: 0 };
    }
  }
  let placed = 0;
  await parseAll(jobs(), parallel, (bytes) => {
    if (bytes.byteLength > byteLength - placed) {
      throw new NnportError('INVALID_STRUCTURE', `more than the ${rows} rows the shape needs`);
    }
    out.set(bytes, placed);
    placed += bytes.byteLength;
  });
  if (placed !== byteLength)
    throw new NnportError('TRUNCATED', `fewer than the ${rows} rows the shape needs`);
  return out;
}

/** The checked path: scans the file for its rows first, then parses them (see parseRegion). */
async function scanThenParse(
  source: ByteSource,
  dtype: Tensor['dtype'],
  rows: number,
  columns: number,
  byteLength: number,
  parallel: ReadOptions['parallel'],
): Promise<Uint8Array> {
  // First pass: locate the rows (blank and `#` lines skipped: spreadsheets add trailing blank lines)
  // and record checkpoints, so the second pass can parse pieces in parallel.
  const scanner = new LineScanner(source);
  await scanner.skipBom();
  const found = await scanner.skipRows(rows, { linesPerRow: 1, skipBlank: true });
  if (found.rows < rows) {
    throw new NnportError('TRUNCATED', `${found.rows} rows, the shape needs ${rows}`, {
      at: { line: scanner.line, column: 1 },
    });
  }
  // Extra rows mean the file and the manifest's shape disagree: refuse rather than truncate.
  if (!(await scanner.atEnd())) {
    throw new NnportError('INVALID_STRUCTURE', `more than the ${rows} rows the shape needs`, {
      at: { line: scanner.line, column: 1 },
    });
  }
  return parseRegion(
    {
      source,
      checkpoints: found.checkpoints,
      dtype,
      rowElements: columns,
      request: (text, cp, n) => ({
        kind: 'rows',
        dtype,
        text,
        rows: n,
        rowLength: columns,
        separator: 'comma',
        line: cp.line,
        skipBlank: true,
      }),
    },
    byteLength,
    parallel,
  );
}
