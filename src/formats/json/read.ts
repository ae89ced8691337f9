/**
 * Reads an nnport JSON document (docs/formats/json.md) in two passes. The first streams the file
 * front to back through the JSON scanner, materialising everything except tensor `data` values
 * (bounded by MAX_HEADER_BYTES) and recording each data value's byte range; the document is
 * checked as it goes (a foreign JSON file is refused at its first member). Each tensor's data is
 * then parsed only when read (read-data.ts), so a model larger than memory opens and converts.
 */
import { byteLengthOf, type DType, isDType } from '../../core/dtype.js';
import { isNnportError, NnportError } from '../../core/errors.js';
import type { ReadInput, ReadOptions } from '../../core/format.js';
import type { Graph } from '../../core/graph.js';
import { MAX_HEADER_BYTES, MAX_NAME_LENGTH, MAX_RANK, MAX_TENSORS } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { elementCount, type Tensor } from '../../core/tensor.js';
import { readSequential } from '../../io/reader.js';
import { JsonScanner } from '../../io/text/json-scan.js';
import {
  type JsonTree,
  JsonTreeBuilder,
  memberStep,
  SkippedValue,
  type TreeFrame,
} from '../../io/text/json-tree.js';
import { graphFromJson, isJsonObject, metadataFromJson } from '../../io/text/model-json.js';
import { locateErrors, ParsedTextData } from '../../io/text/text-data.js';
import { ROOT_KEYS } from './detect.js';
import { parseJsonData } from './read-data.js';

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

/** First pass: the document's value with `data` members as byte ranges. */
async function scanDocument(input: ReadInput): Promise<{ readonly [key: string]: JsonTree }> {
  const builder = new JsonTreeBuilder({
    skip: isDataMember,
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
  for await (const chunk of readSequential(input.source)) scanner.feed(chunk);
  scanner.finish();
  return builder.result as { readonly [key: string]: JsonTree };
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
  const spec = {
    source: input.source,
    range,
    dtype,
    shape,
    count,
    path: `${path}.data`,
    parallel: options.parallel,
  };
  const tensor: Tensor = {
    name,
    dtype,
    shape,
    data: new ParsedTextData(byteLength, () =>
      locateErrors(input.name, 'json', parseJsonData(spec, byteLength)),
    ),
  };
  if (e.meta === undefined) return tensor;
  return { ...tensor, meta: metadataFromJson(e.meta, `${path}.meta`) };
}

/** Reads an nnport JSON document into a model with lazily parsed tensors. */
export async function readJson(input: ReadInput, options: ReadOptions): Promise<Model> {
  try {
    const root = await scanDocument(input);
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
    const tensors = entries.map((entry, i) => tensorOf(entry, i, input, options, names));
    return graph === undefined
      ? { format: 'json', metadata, tensors }
      : { format: 'json', metadata, graph, tensors };
  } catch (e) {
    if (isNnportError(e)) e.locate(input.name, 'json');
    throw e;
  }
}
