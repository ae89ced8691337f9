/**
 * Reads an nnport JSON document (docs/formats/json.md) in two passes. The first streams the file
 * front to back through the JSON scanner, materialising everything except tensor `data` values
 * (bounded by MAX_HEADER_BYTES) and recording each data value's byte range; the document is
 * checked as it goes (a foreign JSON file is refused at its first member). Each tensor's data is
 * then parsed only when read (read-data.ts), so a model larger than memory opens and converts.
 */
import { byteLengthOf, type DType, isDType } from '../../core/dtype.js';
import { isNnportError, NnportError } from '../../core/errors.js';
import type { ParallelText, ReadInput, ReadOptions } from '../../core/format.js';
import type { Graph } from '../../core/graph.js';
import { MAX_HEADER_BYTES, MAX_NAME_LENGTH, MAX_RANK, MAX_TENSORS } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import { readAhead } from '../../io/reader.js';
import { JsonScanner, type ValueRange } from '../../io/text/json-scan.js';
import {
  type JsonTree,
  JsonTreeBuilder,
  memberStep,
  SkippedValue,
  type TreeFrame,
} from '../../io/text/json-tree.js';
import { graphFromJson, isJsonObject, metadataFromJson } from '../../io/text/model-json.js';
import { chainInOrder, locateErrors, ParsedTextData } from '../../io/text/text-data.js';
import { packFromText, textByteLength, textLayout } from '../../io/text/values.js';
import { ROOT_KEYS } from './detect.js';
import { type DataSpec, parseJsonData } from './read-data.js';

/** The document version this reader reads (docs/formats/json.md, "Versions"). */
export const JSON_FORMAT_VERSION = 1;

/** Members a tensor entry may have. */
const TENSOR_KEYS: readonly string[] = ['name', 'dtype', 'shape', 'meta', 'data'];

function invalid(detail: string, path: string): never {
  throw new NnportError('INVALID_STRUCTURE', detail, { at: { path } });
}

/** Refuses a document whose `format` is not nnport's, as soon as that member is complete. */
function checkFormat(value: JsonTree): void {
  if (value !== 'nnport') {
    throw new NnportError('BAD_MAGIC', `"format" is ${JSON.stringify(value)}, not "nnport"`, {
      at: { path: '$.format' },
    });
  }
}

/** Checks `version`: a positive integer, at most the version this reader knows. */
function checkVersion(value: JsonTree): void {
  if (typeof value !== 'number' && typeof value !== 'bigint')
    invalid('"version" must be an integer', '$.version');
  if (value < 1 || (typeof value === 'number' && !Number.isInteger(value))) {
    invalid('"version" must be a positive integer', '$.version');
  }
  if (value > JSON_FORMAT_VERSION) {
    throw new NnportError(
      'UNSUPPORTED_VERSION',
      `nnport JSON version ${value} is newer than this reader (${JSON_FORMAT_VERSION})`,
      { at: { path: '$.version' } },
    );
  }
}

/** True at `$.tensors[i].data`: the values the first pass skips and records. */
function isDataMember(frames: readonly TreeFrame[], key: string): boolean {
  return (
    key === 'data' &&
    frames.length === 3 &&
    frames[0].key === 'tensors' &&
    !frames[1].isObject &&
    frames[2].isObject
  );
}

/**
 * The first tensor's data, parsed on the workers while the first pass goes on through the rest of
 * the file (which takes a while for a large model): its `name`, `dtype` and `shape` come before
 * `data` in an nnport document, so the parse can start as soon as the data's range is known.
 * `tensorOf` adopts it when the entry turns out as it looked; otherwise it is dropped.
 */
interface EarlyParse {
  readonly dtype: DType;
  readonly shape: readonly number[];
  readonly range: ValueRange;
  readonly result: Promise<Uint8Array>;
}

/** Starts an EarlyParse for the first tensor entry, or undefined when its members so far do not allow one. */
function earlyParse(
  entry: JsonTree[] | { [key: string]: JsonTree },
  range: ValueRange,
  input: ReadInput,
  parallel: ReadOptions['parallel'],
): EarlyParse | undefined {
  if (parallel === undefined || Array.isArray(entry)) return undefined;
  const dtype = entry.dtype;
  if (typeof dtype !== 'string' || !isDType(dtype)) return undefined;
  let shape: number[];
  let count: number;
  try {
    shape = shapeOf(entry.shape, '$');
    count = elementCount(shape);
  } catch {
    return undefined; // tensorOf reports it
  }
  if (count > (range.end - range.start + 1) / 2) return undefined;
  const spec = dataSpec(input.source, range, dtype, shape, count, '$.tensors[0].data', parallel);
  const result = parseTensorData(spec, dtype);
  result.catch(() => undefined); // observed when adopted; dropped silently otherwise
  return { dtype, shape, range, result };
}

/** First pass: the document's value with `data` members as byte ranges. */
async function scanDocument(
  input: ReadInput,
  parallel: ReadOptions['parallel'],
): Promise<{ root: { readonly [key: string]: JsonTree }; early: EarlyParse | undefined }> {
  let early: EarlyParse | undefined;
  const builder = new JsonTreeBuilder({
    skip: isDataMember,
    skipped(frames, range) {
      const entry = frames[2];
      if (early === undefined && frames.length === 3 && frames[1].count === 0 && entry.key === 'data') {
        early = earlyParse(entry.value, range, input, parallel);
      }
    },
    root(kind) {
      if (kind !== 'object')
        throw new NnportError('BAD_MAGIC', 'not an nnport JSON document: the root is not an object');
    },
    rootKey(key, index) {
      if (ROOT_KEYS.includes(key)) return;
      const path = `$${memberStep(key)}`;
      if (index === 0) {
        throw new NnportError(
          'BAD_MAGIC',
          `not an nnport JSON document: it starts with ${JSON.stringify(key)}`,
          {
            at: { path },
          },
        );
      }
      invalid(`unknown member ${JSON.stringify(key)}`, path);
    },
    rootMember(key, value) {
      if (key === 'format') checkFormat(value);
      else if (key === 'version') checkVersion(value);
    },
  });
  const scanner = new JsonScanner(builder, { maxStructureBytes: MAX_HEADER_BYTES });
  for await (const chunk of readAhead(input.source)) scanner.feed(chunk);
  scanner.finish();
  return { root: builder.result as { readonly [key: string]: JsonTree }, early };
}

/** A tensor's shape: non-negative safe integers, at most MAX_RANK of them, at most 2^53 elements. */
function shapeOf(value: JsonTree | undefined, path: string): number[] {
  if (!Array.isArray(value)) invalid('"shape" must be an array of integers', path);
  if (value.length > MAX_RANK) {
    throw new NnportError('LIMIT_EXCEEDED', `rank ${value.length} exceeds MAX_RANK ${MAX_RANK}`, {
      at: { path },
    });
  }
  return value.map((d, j) => {
    if (typeof d === 'bigint' && d > 0n) {
      throw new NnportError('LIMIT_EXCEEDED', `dimension ${d} is beyond 2^53`, {
        at: { path: `${path}[${j}]` },
      });
    }
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      invalid('a dimension must be a non-negative integer', `${path}[${j}]`);
    }
    return d;
  });
}

/** Runs `f`, giving its NnportError the JSON path `path` when it has no location. */
function at<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (isNnportError(e) && e.at === undefined)
      throw new NnportError(e.code, e.detail, { at: { path }, cause: e });
    throw e;
  }
}

/** One tensor entry, checked; its data parses on first read. */
function tensorOf(
  entry: JsonTree,
  i: number,
  input: ReadInput,
  options: ReadOptions,
  names: Set<string>,
  early: EarlyParse | undefined,
): Tensor {
  const path = `$.tensors[${i}]`;
  if (!isJsonObject(entry)) invalid('a tensor entry must be an object', path);
  const e = entry as { readonly [key: string]: JsonTree };
  for (const k of Object.keys(e)) {
    if (!TENSOR_KEYS.includes(k)) invalid(`unknown member ${JSON.stringify(k)}`, path + memberStep(k));
  }
  const name = e.name;
  if (typeof name !== 'string') invalid('"name" must be a string', `${path}.name`);
  if (name.length > MAX_NAME_LENGTH) {
    throw new NnportError('LIMIT_EXCEEDED', `a name longer than MAX_NAME_LENGTH ${MAX_NAME_LENGTH}`, {
      at: { path: `${path}.name` },
    });
  }
  if (names.has(name)) invalid(`a second tensor named ${JSON.stringify(name)}`, `${path}.name`);
  names.add(name);
  const dtypeName = e.dtype;
  if (typeof dtypeName !== 'string') invalid('"dtype" must be a string', `${path}.dtype`);
  if (!isDType(dtypeName)) {
    throw new NnportError('UNSUPPORTED_DTYPE', `unknown dtype ${JSON.stringify(dtypeName)}`, {
      at: { path: `${path}.dtype` },
    });
  }
  const dtype: DType = dtypeName;
  const shape = shapeOf(e.shape, `${path}.shape`);
  const count = at(`${path}.shape`, () => elementCount(shape));
  const data = e.data;
  if (!(data instanceof SkippedValue)) invalid('a tensor entry needs "data"', path);
  const range = data.range;
  // Every value takes a byte and a separator: a short range cannot hold the shape's values, and
  // this check bounds the allocation a hostile shape could ask for by the file's own size.
  if (count > (range.end - range.start + 1) / 2) {
    invalid(`${range.end - range.start} bytes of data cannot hold ${count} values`, `${path}.data`);
  }
  const byteLength = byteLengthOf(dtype, count);
  const spec = dataSpec(input.source, range, dtype, shape, count, `${path}.data`, options.parallel);
  // The parse begun during the first pass, when it parsed this very range the same way.
  let first =
    early !== undefined &&
    early.dtype === dtype &&
    early.range.start === range.start &&
    early.range.end === range.end &&
    early.shape.length === shape.length &&
    early.shape.every((d, j) => d === shape[j])
      ? early.result
      : undefined;
  const tensor: Tensor = {
    name,
    dtype,
    shape,
    data: new ParsedTextData(byteLength, () => {
      const result = first ?? parseTensorData(spec, dtype);
      first = undefined;
      return locateErrors(input.name, 'json', result);
    }),
  };
  if (e.meta === undefined) return tensor;
  return { ...tensor, meta: metadataFromJson(e.meta, `${path}.meta`) };
}

/** Reads an nnport JSON document into a model with lazily parsed tensors. */
export async function readJson(input: ReadInput, options: ReadOptions): Promise<Model> {
  try {
    const { root, early } = await scanDocument(input, options.parallel);
    if (!Object.hasOwn(root, 'format'))
      throw new NnportError('BAD_MAGIC', 'no "format": "nnport" member', { at: { path: '$' } });
    if (!Object.hasOwn(root, 'version')) invalid('no "version" member', '$');
    if (!Object.hasOwn(root, 'tensors')) invalid('no "tensors" member', '$');
    const metadata: Record<string, JsonValue> =
      root.metadata === undefined ? {} : metadataFromJson(root.metadata, '$.metadata');
    const graph: Graph | undefined =
      root.graph === undefined ? undefined : graphFromJson(root.graph, '$.graph');
    const entries = root.tensors;
    if (!Array.isArray(entries)) invalid('"tensors" must be an array', '$.tensors');
    if (entries.length > MAX_TENSORS) {
      throw new NnportError('LIMIT_EXCEEDED', `${entries.length} tensors exceed MAX_TENSORS ${MAX_TENSORS}`, {
        at: { path: '$.tensors' },
      });
    }
    const names = new Set<string>();
    const tensors = entries.map((entry, i) =>
      tensorOf(entry, i, input, options, names, i === 0 ? early : undefined),
    );
    chainInOrder(tensors);
    return graph === undefined
      ? { format: 'json', metadata, tensors }
      : { format: 'json', metadata, graph, tensors };
  } catch (e) {
    if (isNnportError(e)) e.locate(input.name, 'json');
    throw e;
  }
}

/**
 * What the data parser needs for a tensor, in the text layer's terms: complex tensors as pairs of
 * the part dtype (a trailing dimension of 2), sub-byte ones one element per byte (values.ts).
 */
function dataSpec(
  source: ByteSource,
  range: ValueRange,
  dtype: DType,
  shape: readonly number[],
  count: number,
  path: string,
  parallel: ParallelText | undefined,
): DataSpec {
  const layout = textLayout(dtype, shape);
  const n = layout.shape.length > shape.length ? count * 2 : count;
  return { source, range, dtype: layout.dtype, shape: layout.shape, count: n, path, parallel };
}

/** Parses a tensor's data into canonical bytes of `dtype` (sub-byte types packed after parsing). */
async function parseTensorData(spec: DataSpec, dtype: DType): Promise<Uint8Array> {
  const bytes = await parseJsonData(spec, textByteLength(spec.dtype, spec.count));
  return packFromText(dtype, bytes);
}
