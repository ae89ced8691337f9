/**
 * Reads a sharded safetensors set through its index, `model.safetensors.index.json`
 * (the layout Hugging Face transformers and huggingface_hub write):
 *
 *   {"metadata": {"total_size": 123, ...}, "weight_map": {"tensor": "model-00001-of-00002.safetensors", ...}}
 *
 * Shards are opened only through `input.sibling`, so the host decides which paths are allowed
 * (it refuses absolute paths and `..` with UNSAFE_PATH). Each shard is read like a single file
 * (header now, data lazily); the weight_map and the shards must agree exactly.
 */
import { NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import { MAX_HEADER_BYTES, MAX_SHARDS, MAX_TENSORS } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import { decodeUtf8 } from '../../io/cursor.js';
import { scanJson } from './json-scan.js';
import { compareCodePoints, isJsonObject, setOwn } from './metadata.js';
import { parseJson, readSafetensorsFile, type SafetensorsReadOptions } from './read.js';

/** The model metadata key that keeps the index's own `metadata` (minus the derived `total_size`). */
export const INDEX_METADATA_KEY = 'safetensors_index';

/** True when `name` names a shard index (`*.safetensors.index.json`). */
export function isIndexName(name: string): boolean {
  return name.toLowerCase().endsWith('.safetensors.index.json');
}

/** Reads the sharded set whose index is `input`. */
export async function readShardedSet(
  input: ReadInput,
  index: ByteSource,
  options: SafetensorsReadOptions,
): Promise<Model> {
  const { weightMap, indexMetadata } = await readIndex(index);

  // Shards in code-point order of their names: deterministic, and numeric order for the
  // zero-padded `model-00001-of-00009` convention.
  const byShard = new Map<string, string[]>();
  for (const [tensor, shard] of weightMap) {
    const list = byShard.get(shard);
    if (list === undefined) byShard.set(shard, [tensor]);
    else list.push(tensor);
  }
  if (byShard.size > MAX_SHARDS) {
    throw new NnportError('LIMIT_EXCEEDED', `${byShard.size} shards exceed MAX_SHARDS ${MAX_SHARDS}`, {
      at: { path: '$.weight_map' },
    });
  }
  const shards = [...byShard.keys()].sort(compareCodePoints);

  const tensors: Tensor[] = [];
  const metadata: Record<string, JsonValue> = {};
  const found = new Set<string>();
  for (const shard of shards) {
    const first = (byShard.get(shard) as string[])[0];
    // The host resolves the name inside the model's folder; it throws UNSAFE_PATH for names that
    // would leave it, and answers undefined for a file that does not exist.
    const source = await input.sibling(shard);
    if (source === undefined) {
      throw new NnportError(
        'MISSING_FILE',
        `shard ${JSON.stringify(shard)} named by the index does not exist`,
        {
          at: { path: weightPath(first) },
        },
      );
    }
    let file: Awaited<ReturnType<typeof readSafetensorsFile>>;
    // An error inside a shard names that shard, not the index the user gave.
    try {
      file = await readSafetensorsFile(source, options);
    } catch (e) {
      if (e instanceof NnportError) e.locate(shard, 'safetensors');
      throw e;
    }
    // Both directions must agree: a tensor in a shard but not in the map (or mapped elsewhere)
    // would be loaded twice or silently dropped by other readers. Skipped (unsupported) tensors
    // count as present.
    for (const name of file.names) {
      const mapped = weightMap.get(name);
      if (mapped !== shard) {
        const detail =
          mapped === undefined
            ? `tensor ${JSON.stringify(name)} in shard ${JSON.stringify(shard)} is not in the weight_map`
            : `tensor ${JSON.stringify(name)} is in shard ${JSON.stringify(shard)} but the weight_map puts it in ${JSON.stringify(mapped)}`;
        throw new NnportError('INVALID_STRUCTURE', detail, { file: shard, at: { tensor: name } });
      }
      found.add(name);
    }
    tensors.push(...file.tensors);
    // Shards of one set carry the same metadata ({"format": "pt"}); the first shard's value wins.
    for (const key of Object.keys(file.metadata)) {
      if (!Object.hasOwn(metadata, key)) setOwn(metadata, key, file.metadata[key]);
    }
  }
  // The other direction: every listed tensor was found in its shard.
  for (const name of weightMap.keys()) {
    if (!found.has(name)) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `tensor ${JSON.stringify(name)} is listed in the weight_map but absent from shard ${JSON.stringify(weightMap.get(name))}`,
        { at: { path: weightPath(name) } },
      );
    }
  }
  if (indexMetadata !== undefined && !Object.hasOwn(metadata, INDEX_METADATA_KEY)) {
    setOwn(metadata, INDEX_METADATA_KEY, indexMetadata);
  }
  return { format: 'safetensors', metadata, tensors };
}

function weightPath(tensor: string): string {
  return `$.weight_map[${JSON.stringify(tensor)}]`;
}

/** Parses and checks the index document. */
async function readIndex(
  index: ByteSource,
): Promise<{ weightMap: Map<string, string>; indexMetadata: Record<string, JsonValue> | undefined }> {
  // An index lists names only; it is bounded like a header (a hostile size must not be read whole).
  if (index.size > MAX_HEADER_BYTES) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `index of ${index.size} bytes exceeds MAX_HEADER_BYTES ${MAX_HEADER_BYTES}`,
      {
        at: { byte: 0 },
      },
    );
  }
  // transformers writes the index as UTF-8 JSON (ASCII with \u escapes by default).
  const text = decodeUtf8(await index.read(0, index.size), 0);
  scanJson(text);
  const root = parseJson(text, 0);
  if (!isJsonObject(root)) {
    throw new NnportError('INVALID_STRUCTURE', 'the index is not a JSON object', { at: { path: '$' } });
  }
  const map = root.weight_map;
  if (!isJsonObject(map)) {
    throw new NnportError('INVALID_STRUCTURE', 'the index has no weight_map object', {
      at: { path: '$.weight_map' },
    });
  }
  const names = Object.keys(map);
  if (names.length > MAX_TENSORS) {
    throw new NnportError('LIMIT_EXCEEDED', `${names.length} tensors exceed MAX_TENSORS ${MAX_TENSORS}`, {
      at: { path: '$.weight_map' },
    });
  }
  const weightMap = new Map<string, string>();
  for (const name of names) {
    const shard = map[name];
    // Path policy (no `..`, no absolute paths) belongs to the host's `sibling`; only names that
    // cannot be file names at all are refused here.
    if (typeof shard !== 'string' || shard.length === 0 || shard.includes('\0')) {
      throw new NnportError('INVALID_STRUCTURE', 'a weight_map value must be a shard file name', {
        at: { path: weightPath(name) },
      });
    }
    weightMap.set(name, shard);
  }
  const meta = root.metadata;
  if (meta !== undefined && meta !== null && !isJsonObject(meta)) {
    throw new NnportError('INVALID_STRUCTURE', 'the index metadata must be an object', {
      at: { path: '$.metadata' },
    });
  }
  let indexMetadata: Record<string, JsonValue> | undefined;
  if (isJsonObject(meta)) {
    // total_size is derived from the tensors; the writer recomputes it, so it is not kept.
    for (const key of Object.keys(meta)) {
      if (key === 'total_size') continue;
      indexMetadata ??= {};
      setOwn(indexMetadata, key, meta[key] as JsonValue);
    }
  }
  return { weightMap, indexMetadata };
}
