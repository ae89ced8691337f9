/**
 * Reads a TF.js model: `model.json` (layers-models saved by tfjs-layers or converted from Keras,
 * graph-models converted from SavedModels and frozen graphs) and the weight shards its
 * `weightsManifest` names. See docs/formats/tfjs.md.
 *
 * Every manifest entry becomes a tensor named as in the manifest. Unquantized data are zero-copy
 * windows of the group's concatenated shards (a copy only for a tensor crossing a shard
 * boundary); quantized data are decoded on first read (dequantize.ts). The topology is kept
 * verbatim in `metadata.tfjs.modelTopology`; a layers-model's Keras config becomes `model.graph`
 * (src/ops/keras/attach.ts), a graph-model's GraphDef too (src/ops/tfjs/attach.ts).
 */
import { byteLengthOf, type DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import { MAX_HEADER_BYTES, MAX_TENSOR_BYTES_IN_MEMORY } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { DerivedData, SourceData, type Tensor } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import { decodeUtf8 } from '../../io/cursor.js';
import { isJsonObject, parseJsonExact } from '../../io/text/model-json.js';
import { attachTfjsGraph } from '../../ops/keras/attach.js';
import { attachTfjsGraphModel } from '../../ops/tfjs/attach.js';
import { ConcatSource } from './concat-source.js';
import { dequantize } from './dequantize.js';
import { MODEL_JSON } from './detect.js';
import { layoutGroup, type OnShort, type Placed } from './layout.js';
import { type ManifestEntry, type ManifestGroup, parseManifest } from './manifest.js';
import { tfjsMetadata } from './metadata.js';

/** The format id. */
export const TFJS_FORMAT = 'tfjs';

/** Where the model.json is and how to name files beside it in messages. */
interface Located {
  readonly source: ByteSource;
  /** The model.json as the user would name it. */
  readonly display: string;
  /** Prefix that turns a manifest path into a displayable one (the model.json's folder, with `/`). */
  readonly folder: string;
}

async function locate(input: ReadInput): Promise<Located> {
  if (!input.isFolder) {
    const m = /^(.*[\\/])?[^\\/]*$/.exec(input.name);
    return { source: input.source, display: input.name, folder: m?.[1] ?? '' };
  }
  const folder = /[\\/]$/.test(input.name) ? input.name : `${input.name}/`;
  const names = await input.list();
  const jsons = names.filter((n) => n.toLowerCase().endsWith('.json'));
  const pick = names.includes(MODEL_JSON) ? MODEL_JSON : jsons.length === 1 ? jsons[0] : undefined;
  if (pick === undefined) {
    throw new NnportError(
      'MISSING_FILE',
      `the folder holds no ${MODEL_JSON} (and ${jsons.length} other .json files); name the file to read`,
      { file: input.name, format: TFJS_FORMAT },
    );
  }
  const source = await input.sibling(pick);
  if (source === undefined) {
    throw new NnportError('MISSING_FILE', `${pick} vanished while reading`, {
      file: input.name,
      format: TFJS_FORMAT,
    });
  }
  return { source, display: folder + pick, folder };
}

/** Parses model.json into its root object (UTF-8 JSON, duplicate members refused, ≤ MAX_HEADER_BYTES). */
async function parseModelJson(source: ByteSource): Promise<{ readonly [key: string]: unknown }> {
  if (source.size > MAX_HEADER_BYTES) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `model.json of ${source.size} bytes exceeds MAX_HEADER_BYTES ${MAX_HEADER_BYTES}`,
    );
  }
  let bytes = await source.read(0, source.size);
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  const root = parseJsonExact(decodeUtf8(bytes, 0));
  if (!isJsonObject(root)) {
    throw new NnportError('INVALID_STRUCTURE', 'model.json must hold a JSON object', { at: { path: '$' } });
  }
  if (root.modelTopology === undefined && root.weightsManifest === undefined) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      'not a TF.js model.json: it has neither modelTopology nor weightsManifest',
      {
        at: { path: '$' },
      },
    );
  }
  return root;
}

/** A manifest path relative to model.json, with `.` segments dropped (the host refuses `..`). */
function shardPath(p: string): string {
  return p
    .split('/')
    .filter((s) => s !== '.')
    .join('/');
}

/** Opens a group's shards as one source (its data: the shards concatenated in `paths` order). */
async function groupSource(
  input: ReadInput,
  at: Located,
  group: ManifestGroup,
): Promise<{ data: ConcatSource; lastSize: number }> {
  const parts: ByteSource[] = [];
  for (let i = 0; i < group.paths.length; i++) {
    const rel = shardPath(group.paths[i]);
    const src = await input.sibling(rel);
    if (src === undefined) {
      throw new NnportError('MISSING_FILE', `weight shard ${JSON.stringify(group.paths[i])} is missing`, {
        file: at.folder + rel,
        format: TFJS_FORMAT,
        at: { path: `$.weightsManifest[${group.index}].paths[${i}]` },
      });
    }
    parts.push(src);
  }
  const data = new ConcatSource(parts, `${at.display} weight group ${group.index}`);
  return { data, lastSize: parts.at(-1)?.size ?? 0 };
}

/**
 * The error for an entry needing bytes past the end of its group's shards: TRUNCATED naming the
 * group's last shard (where the missing bytes would have been), at its size.
 */
function shortError(at: Located, group: ManifestGroup, size: number, lastSize: number): OnShort {
  return (entry, offset, end) => {
    const what = `tensor ${JSON.stringify(entry.name)} needs bytes ${offset}..${end} of weight group ${group.index}`;
    if (group.paths.length === 0) {
      throw new NnportError('TRUNCATED', `${what}, which lists no shards`, {
        file: at.display,
        format: TFJS_FORMAT,
        at: { path: `$.weightsManifest[${group.index}].paths` },
      });
    }
    const last = shardPath(group.paths[group.paths.length - 1]);
    throw new NnportError(
      'TRUNCATED',
      `${what}, but its ${group.paths.length} shard(s) hold ${size} bytes: shard ${JSON.stringify(last)} ends too soon`,
      { file: at.folder + last, format: TFJS_FORMAT, at: { byte: lastSize } },
    );
  };
}

/** The `meta.tfjs` of one tensor. */
function tensorMeta(e: ManifestEntry, group: number): Record<string, JsonValue> {
  const tfjs: Record<string, JsonValue> = { group };
  if (e.weightGroup !== undefined) tfjs.weightGroup = e.weightGroup;
  if (e.quantizationJson !== undefined) tfjs.quantization = e.quantizationJson;
  return { tfjs };
}

function tensorOf(p: Placed, data: ByteSource, group: number, dtype: DType): Tensor {
  const e = p.entry;
  const meta = tensorMeta(e, group);
  const q = e.quantization;
  if (q === undefined) {
    return { name: e.name, dtype, shape: e.shape, data: new SourceData(data, p.offset, p.byteLength), meta };
  }
  // parseManifest admits quantization only for float32 and int32 entries.
  const out = dtype as 'float32' | 'int32';
  const byteLength = byteLengthOf(out, e.elements);
  const decoded = new DerivedData(byteLength, async () => {
    if (byteLength > MAX_TENSOR_BYTES_IN_MEMORY) {
      throw new NnportError(
        'LIMIT_EXCEEDED',
        `quantized tensor decodes to ${byteLength} bytes, too many to hold at once`,
        {
          at: { tensor: e.name },
        },
      );
    }
    return dequantize(q, out, await data.read(p.offset, p.byteLength), e.elements);
  });
  return { name: e.name, dtype: out, shape: e.shape, data: decoded, meta };
}

/** Reader options of the tfjs format. */
export interface TfjsReadOptions {
  /** Leave out string and complex64 weights (listed in `metadata.tfjs.skipped`) instead of refusing the model. */
  readonly skipUnsupported?: boolean;
}

/** Reads a TF.js model.json (or a folder holding one) and its weight shards. */
export async function readTfjs(input: ReadInput, options: TfjsReadOptions = {}): Promise<Model> {
  const at = await locate(input);
  let root: { readonly [key: string]: unknown };
  let groups: ManifestGroup[];
  let metadata: Record<string, JsonValue>;
  try {
    root = await parseModelJson(at.source);
    groups = parseManifest(root.weightsManifest, options.skipUnsupported === true);
    metadata = { tfjs: tfjsMetadata(root, groups) };
  } catch (e) {
    if (e instanceof NnportError) e.locate(at.display, TFJS_FORMAT);
    throw e;
  }
  const tensors: Tensor[] = [];
  for (const g of groups) {
    const { data, lastSize } = await groupSource(input, at, g);
    for (const p of await layoutGroup(g, data, shortError(at, g, data.size, lastSize))) {
      // Skipped entries (skipUnsupported) are laid out, so the entries after them are placed right.
      if (p.entry.dtype !== undefined) tensors.push(tensorOf(p, data, g.index, p.entry.dtype));
    }
  }
  const model = attachTfjsGraph({ format: TFJS_FORMAT, metadata, tensors });
  try {
    return await attachTfjsGraphModel(model);
  } catch (e) {
    if (e instanceof NnportError) e.locate(at.display, TFJS_FORMAT);
    throw e;
  }
}
