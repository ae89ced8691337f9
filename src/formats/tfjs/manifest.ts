/**
 * The `weightsManifest` of a TF.js `model.json`, validated into groups of entries with their byte
 * sizes. Facts from tensorflow/tfjs:
 *
 * - `tfjs-core/src/io/types.ts`: `WeightsManifestConfig` is an ordered list of groups
 *   `{paths: string[], weights: WeightsManifestEntry[]}`; an entry is `{name, shape, dtype,
 *   group?, quantization?: {scale?, min?, dtype: 'uint16'|'uint8'|'float16'}}`;
 *   `DTYPE_VALUE_SIZE_MAP` gives bytes per value (float32 4, float16 2, int32 4, uint16 2,
 *   uint8 1, bool 1, complex64 8).
 * - `tfjs-core/src/io/io_utils.ts` (`decodeWeights`, `getWeightBytelength`): a group's data is
 *   its shards concatenated in `paths` order; entries follow one another with no padding, each
 *   taking size × bytes of its *quantized* dtype when `quantization` is present, else of its
 *   own dtype; strings take a uint32 length before each value.
 * - the converter's `write_weights.py` (`_get_weights_manifest_for_group`) writes quantized
 *   entries with `dtype` = the original dtype and `quantization` = `{dtype, min, scale,
 *   original_dtype}`; older converters omit `original_dtype`.
 */
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import { MAX_NAME_LENGTH, MAX_SHARDS, MAX_TENSORS } from '../../core/limits.js';
import type { JsonValue } from '../../core/model.js';
import { elementCount } from '../../core/tensor.js';
import { isJsonObject, jsonValueOf } from '../../io/text/model-json.js';

/** How a quantized entry is stored (see dequantize.ts for the formulas). */
export type Quantization =
  | {
      readonly kind: 'affine';
      readonly stored: 'uint8' | 'uint16';
      readonly scale: number;
      readonly min: number;
    }
  | { readonly kind: 'float16' };

/** One validated manifest entry. */
export interface ManifestEntry {
  /** The tensor name as the manifest gives it (`dense_Dense1/kernel`). */
  readonly name: string;
  /** The dtype the tensor has once decoded (the entry's `dtype`); `undefined` when skipped. */
  readonly dtype: DType | undefined;
  readonly shape: number[];
  readonly elements: number;
  /**
   * Bytes the entry takes in its group's data (quantized bytes when quantized); `null` for a
   * string tensor, whose size is only known by walking its length prefixes (layout.ts).
   */
  readonly byteLength: number | null;
  /** Why the entry is left out (`skipUnsupported`): its manifest dtype (`string`, `complex64`). */
  readonly skipped?: string;
  readonly quantization?: Quantization;
  /** The manifest's own `quantization` object, verbatim, for `meta.tfjs`. */
  readonly quantizationJson?: JsonValue;
  /** The entry's `group` member (`'model'`, `'optimizer'`), when present. */
  readonly weightGroup?: string;
  /** JSON path of the entry, for errors. */
  readonly path: string;
}

/** One validated manifest group. */
export interface ManifestGroup {
  readonly index: number;
  readonly paths: readonly string[];
  readonly entries: readonly ManifestEntry[];
}

/** Dtypes nnport cannot hold but whose bytes it can step over, so `skipUnsupported` leaves them out. */
const SKIPPABLE: ReadonlyMap<string, number | null> = new Map([
  ['string', null],
  ['complex64', 8],
]);

/** Unquantized dtypes: what tfjs-core decodes, plus the raw uint8/uint16/float16 the converter can write. */
const PLAIN_DTYPES: ReadonlyMap<string, { dtype: DType; bytes: number }> = new Map([
  ['float32', { dtype: 'float32', bytes: 4 }],
  ['int32', { dtype: 'int32', bytes: 4 }],
  ['bool', { dtype: 'bool', bytes: 1 }],
  // Not decoded by tfjs-core, but in write_weights.py `_OUTPUT_DTYPES`; their bytes are unambiguous.
  ['uint8', { dtype: 'uint8', bytes: 1 }],
  ['uint16', { dtype: 'uint16', bytes: 2 }],
  ['float16', { dtype: 'float16', bytes: 2 }],
]);

/** Bytes per stored value of each quantization dtype (DTYPE_VALUE_SIZE_MAP). */
const QUANTIZED_BYTES: ReadonlyMap<string, number> = new Map([
  ['uint8', 1],
  ['uint16', 2],
  ['float16', 2],
]);

function fail(code: 'INVALID_STRUCTURE' | 'LIMIT_EXCEEDED', detail: string, path: string): never {
  throw new NnportError(code, detail, { at: { path } });
}

function parseShape(v: unknown, path: string): number[] {
  if (!Array.isArray(v)) fail('INVALID_STRUCTURE', 'shape must be an array', path);
  const shape: number[] = [];
  for (let i = 0; i < v.length; i++) {
    const d: unknown = typeof v[i] === 'bigint' ? Number(v[i]) : v[i];
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      fail('INVALID_STRUCTURE', `dimension ${String(v[i])} is not a non-negative integer`, `${path}[${i}]`);
    }
    if (!Number.isSafeInteger(d))
      fail('LIMIT_EXCEEDED', `dimension ${String(v[i])} is beyond 2^53`, `${path}[${i}]`);
    shape.push(d);
  }
  return shape;
}

function numberMember(
  q: { readonly [key: string]: unknown },
  key: string,
  name: string,
  path: string,
): number {
  const v = q[key];
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return fail(
    'INVALID_STRUCTURE',
    `tensor ${JSON.stringify(name)} is affine-quantized but its quantization has no numeric ${key}`,
    `${path}.${key}`,
  );
}

/**
 * The quantization of an entry whose decoded dtype is `dtype`, refused as tfjs-core's
 * `decodeWeight` refuses it: uint8/uint16 need `min` and `scale` and decode to float32 or int32;
 * float16 decodes to float32 only; any other quantization dtype is unknown.
 */
function parseQuantization(q: unknown, dtype: string, name: string, path: string): Quantization {
  if (!isJsonObject(q)) fail('INVALID_STRUCTURE', 'quantization must be an object', path);
  const stored = q.dtype;
  if (stored === 'uint8' || stored === 'uint16') {
    if (dtype !== 'float32' && dtype !== 'int32') {
      throw new NnportError(
        'UNSUPPORTED_DTYPE',
        `tensor ${JSON.stringify(name)}: ${stored} quantization of a ${dtype} weight (tfjs decodes only float32 and int32)`,
        { at: { path: `${path}.dtype` } },
      );
    }
    return {
      kind: 'affine',
      stored,
      scale: numberMember(q, 'scale', name, path),
      min: numberMember(q, 'min', name, path),
    };
  }
  if (stored === 'float16') {
    if (dtype !== 'float32') {
      throw new NnportError(
        'UNSUPPORTED_DTYPE',
        `tensor ${JSON.stringify(name)}: float16 quantization of a ${dtype} weight (tfjs allows float32 only)`,
        { at: { path: `${path}.dtype` } },
      );
    }
    return { kind: 'float16' };
  }
  throw new NnportError(
    'UNSUPPORTED_DTYPE',
    `tensor ${JSON.stringify(name)} has unknown quantization dtype ${JSON.stringify(stored ?? null)} (tfjs knows uint8, uint16, float16)`,
    { at: { path: `${path}.dtype` } },
  );
}

/** Refuses an entry's dtype with UNSUPPORTED_DTYPE, naming the tensor. */
function refuseDtype(v: string, name: string, path: string): never {
  const why =
    v === 'string'
      ? 'string tensors (length-prefixed UTF-8 values) have no nnport dtype'
      : v === 'complex64'
        ? 'complex64 weights are not read'
        : `unknown TF.js dtype ${JSON.stringify(v)}`;
  const hint = SKIPPABLE.has(v) ? '; the reader option skipUnsupported leaves such tensors out' : '';
  throw new NnportError('UNSUPPORTED_DTYPE', `tensor ${JSON.stringify(name)}: ${why}${hint}`, {
    at: { path },
  });
}

/** Bytes `elements` values of `bytes` each take, refusing sizes past 2^53. */
function sizeOf(elements: number, bytes: number, path: string): number {
  if (elements > Number.MAX_SAFE_INTEGER / bytes)
    fail('LIMIT_EXCEEDED', 'the tensor needs more than 2^53 bytes', path);
  return elements * bytes;
}

function parseEntry(v: unknown, path: string, skipUnsupported: boolean): ManifestEntry {
  if (!isJsonObject(v)) fail('INVALID_STRUCTURE', 'a weights entry must be an object', path);
  const name = v.name;
  if (typeof name !== 'string') fail('INVALID_STRUCTURE', 'name must be a string', `${path}.name`);
  if (name.length > MAX_NAME_LENGTH) {
    fail(
      'LIMIT_EXCEEDED',
      `tensor name of ${name.length} characters exceeds MAX_NAME_LENGTH`,
      `${path}.name`,
    );
  }
  const shape = parseShape(v.shape, `${path}.shape`);
  let elements: number;
  try {
    elements = elementCount(shape);
  } catch (e) {
    if (e instanceof NnportError) throw new NnportError(e.code, e.detail, { at: { path: `${path}.shape` } });
    throw e;
  }
  const group = v.group;
  if (group !== undefined && typeof group !== 'string') {
    fail('INVALID_STRUCTURE', 'group must be a string', `${path}.group`);
  }
  const weightGroup = group === undefined ? {} : { weightGroup: group };
  const quantized = v.quantization !== undefined && v.quantization !== null;
  if (typeof v.dtype !== 'string') fail('INVALID_STRUCTURE', 'dtype must be a string', `${path}.dtype`);
  const plain = PLAIN_DTYPES.get(v.dtype);
  if (plain === undefined) {
    // tfjs-core sizes a quantized entry by its stored dtype, but never decodes a quantized
    // string or complex64 entry, so such an entry is refused whatever the option says.
    if (!skipUnsupported || quantized || !SKIPPABLE.has(v.dtype)) refuseDtype(v.dtype, name, `${path}.dtype`);
    const each = SKIPPABLE.get(v.dtype) ?? null;
    const byteLength = each === null ? null : sizeOf(elements, each, path);
    return { name, dtype: undefined, shape, elements, byteLength, path, skipped: v.dtype, ...weightGroup };
  }
  const dtype = plain.dtype;
  let quantization: Quantization | undefined;
  let bytesPer = plain.bytes;
  if (quantized) {
    quantization = parseQuantization(v.quantization, dtype, name, `${path}.quantization`);
    bytesPer = QUANTIZED_BYTES.get(quantization.kind === 'affine' ? quantization.stored : 'float16') ?? 0;
  }
  const entry: ManifestEntry = {
    name,
    dtype,
    shape,
    elements,
    byteLength: sizeOf(elements, bytesPer, path),
    path,
    ...(quantization === undefined
      ? {}
      : { quantization, quantizationJson: jsonValueOf(v.quantization, `${path}.quantization`) }),
    ...weightGroup,
  };
  return entry;
}

function parsePaths(v: unknown, path: string): string[] {
  if (!Array.isArray(v)) fail('INVALID_STRUCTURE', 'paths must be an array of file names', path);
  return v.map((p, i) => {
    if (typeof p !== 'string' || p === '')
      fail('INVALID_STRUCTURE', 'a path must be a non-empty string', `${path}[${i}]`);
    return p;
  });
}

/**
 * Validates `weightsManifest` (absent or null: no weights, as tfjs loads a topology alone) into
 * groups with every entry's size. Names must be unique across the whole manifest (tfjs would
 * silently keep the last of two equal names; nnport refuses so no weight is lost). With
 * `skipUnsupported`, string and complex64 entries are kept as `skipped` (their bytes must still
 * be stepped over) instead of being refused.
 */
export function parseManifest(v: unknown, skipUnsupported = false): ManifestGroup[] {
  if (v === undefined || v === null) return [];
  const root = '$.weightsManifest';
  if (!Array.isArray(v)) fail('INVALID_STRUCTURE', 'weightsManifest must be an array of groups', root);
  const groups: ManifestGroup[] = [];
  const seen = new Set<string>();
  let tensors = 0;
  let shards = 0;
  for (let g = 0; g < v.length; g++) {
    const gpath = `${root}[${g}]`;
    const group: unknown = v[g];
    if (!isJsonObject(group)) fail('INVALID_STRUCTURE', 'a manifest group must be an object', gpath);
    const paths = parsePaths(group.paths, `${gpath}.paths`);
    shards += paths.length;
    if (shards > MAX_SHARDS)
      fail('LIMIT_EXCEEDED', `more than MAX_SHARDS ${MAX_SHARDS} shard files`, `${gpath}.paths`);
    const weights = group.weights;
    if (!Array.isArray(weights)) fail('INVALID_STRUCTURE', 'weights must be an array', `${gpath}.weights`);
    tensors += weights.length;
    if (tensors > MAX_TENSORS) fail('LIMIT_EXCEEDED', `more than MAX_TENSORS ${MAX_TENSORS} weights`, gpath);
    const entries: ManifestEntry[] = [];
    for (let i = 0; i < weights.length; i++) {
      const e = parseEntry(weights[i], `${gpath}.weights[${i}]`, skipUnsupported);
      if (seen.has(e.name)) {
        fail('INVALID_STRUCTURE', `two weights are named ${JSON.stringify(e.name)}`, `${e.path}.name`);
      }
      seen.add(e.name);
      entries.push(e);
    }
    groups.push({ index: g, paths, entries });
  }
  return groups;
}
