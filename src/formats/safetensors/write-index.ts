/**
 * Writes a sharded safetensors set into a folder target, with the names and index layout
 * Hugging Face uses:
 *
 *   model-00001-of-00003.safetensors ... model-00003-of-00003.safetensors
 *   model.safetensors.index.json       {"metadata": {"total_size": N}, "weight_map": {...}}
 *
 * Tensors are grouped in model order, greedily: a shard is closed when the next tensor would
 * push it past `shardBytes` (a tensor larger than that gets a shard of its own), as
 * huggingface_hub's `split_state_dict_into_shards_factory` does. Inside each shard the layout is
 * the reference writer's (write.ts). The index is written the way transformers writes it:
 * `json.dumps(index, indent=2, sort_keys=True) + "\n"` (ASCII-only, keys sorted).
 */
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import { MAX_SHARDS } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { encodeUtf8 } from '../../io/cursor.js';
import { BufferedWriter } from '../../io/writer.js';
import { compareCodePoints, isJsonObject, setOwn } from './metadata.js';
import { INDEX_METADATA_KEY } from './read-index.js';
import { prepareFile, writeSafetensorsFile } from './write.js';

/** The index file name transformers looks for (`SAFE_WEIGHTS_INDEX_NAME`). */
export const INDEX_NAME = 'model.safetensors.index.json';

/** `model-00001-of-00002.safetensors` (5-digit zero padding, as transformers names shards). */
export function shardName(i: number, n: number): string {
  return `model-${String(i).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.safetensors`;
}

/** Writes `model` as shards of at most `shardBytes` bytes of tensor data, plus the index. */
export async function writeShardedSet(
  model: Model,
  target: WriteTarget,
  shardBytes: number,
  options: WriteOptions,
): Promise<void> {
  // Validate everything (names, sizes, header limits) before the first file is created.
  prepareFile(model.tensors, {});
  const groups: Tensor[][] = [];
  let current: Tensor[] = [];
  let size = 0;
  for (const t of model.tensors) {
    if (current.length > 0 && size + t.data.byteLength > shardBytes) {
      groups.push(current);
      current = [];
      size = 0;
    }
    current.push(t);
    size += t.data.byteLength;
  }
  if (current.length > 0 || groups.length === 0) groups.push(current);
  if (groups.length > MAX_SHARDS) {
    throw new NnportError('LIMIT_EXCEEDED', `${groups.length} shards exceed MAX_SHARDS ${MAX_SHARDS}`);
  }

  // Shards carry the model's metadata; the index's own metadata lives under INDEX_METADATA_KEY.
  const shardMeta: Record<string, JsonValue> = {};
  for (const key of Object.keys(model.metadata)) {
    if (key !== INDEX_METADATA_KEY) setOwn(shardMeta, key, model.metadata[key]);
  }
  const weightMap: Record<string, JsonValue> = {};
  let total = 0;
  const all = model.tensors.reduce((s, t) => s + t.data.byteLength, 0);
  for (let i = 0; i < groups.length; i++) {
    const name = shardName(i + 1, groups.length);
    const base = total;
    const sink = await target.create(name);
    await writeSafetensorsFile(groups[i], shardMeta, sink, {
      ...options,
      onProgress: (done) => options.onProgress?.(base + done, all),
    });
    for (const t of groups[i]) {
      setOwn(weightMap, t.name, name);
      total += t.data.byteLength;
    }
  }

  const indexMeta: Record<string, JsonValue> = {};
  const kept = model.metadata[INDEX_METADATA_KEY];
  if (isJsonObject(kept)) {
    for (const key of Object.keys(kept)) setOwn(indexMeta, key, kept[key] as JsonValue);
  }
  setOwn(indexMeta, 'total_size', total);
  const w = new BufferedWriter(await target.create(INDEX_NAME));
  await w.bytes(encodeUtf8(`${pythonJson({ metadata: indexMeta, weight_map: weightMap }, '')}\n`));
  await w.close();
}

/**
 * Python's `json.dumps(v, indent=2, sort_keys=True)`: keys sorted by code point, non-ASCII
 * escaped as `\uXXXX` (ensure_ascii), `": "` and `","` separators with newlines.
 */
export function pythonJson(v: JsonValue, indent: string): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isFinite(v))
      throw new NnportError('UNREPRESENTABLE', `index metadata number ${v} has no JSON form`);
    return JSON.stringify(v);
  }
  if (typeof v === 'string') return asciiString(v);
  const inner = `${indent}  `;
  if (Array.isArray(v)) {
    const items = v as readonly JsonValue[];
    if (items.length === 0) return '[]';
    return `[\n${items.map((x) => inner + pythonJson(x, inner)).join(',\n')}\n${indent}]`;
  }
  const obj = v as Readonly<Record<string, JsonValue>>;
  const keys = Object.keys(obj).sort(compareCodePoints);
  if (keys.length === 0) return '{}';
  return `{\n${keys.map((k) => `${inner}${asciiString(k)}: ${pythonJson(obj[k], inner)}`).join(',\n')}\n${indent}}`;
}

/** A JSON string with every non-ASCII UTF-16 unit escaped, as Python's ensure_ascii does. */
function asciiString(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\uffff]/g, (c) => {
    const code = c.charCodeAt(0);
    return code === 0x7f ? c : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
