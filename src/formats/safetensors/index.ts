/**
 * The safetensors plug-in (Hugging Face): single `.safetensors` files and sharded sets read
 * through their `*.safetensors.index.json`. See docs/formats/safetensors.md.
 */
import { NnportError } from '../../core/errors.js';
import type { FormatPlugin, Probe, ReadInput, ReadOptions, WriteOptions } from '../../core/format.js';
import { MAX_HEADER_BYTES } from '../../core/limits.js';
import type { Model } from '../../core/model.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { N_LEN, readSafetensorsFile, type SafetensorsReadOptions } from './read.js';
import { isIndexName, readShardedSet } from './read-index.js';
import { writeSafetensorsFile } from './write.js';
import { writeShardedSet } from './write-index.js';

/**
 * Content test on the first bytes: a u64 LE header size N with 2 ≤ N ≤ min(MAX_HEADER_BYTES,
 * size − 8) (`{}` is the smallest header) followed by `{`. By name: `.safetensors`, and
 * `*.safetensors.index.json` (content when the head mentions `"weight_map"`).
 */
function detect(probe: Probe): 'content' | 'name' | undefined {
  if (probe.isFolder) {
    // a sharded set's folder: its index, or a single .safetensors file, is inside
    const names = probe.entries ?? [];
    return names.some((n) => isIndexName(n.toLowerCase()) || n.toLowerCase().endsWith('.safetensors'))
      ? 'content'
      : undefined;
  }
  const name = probe.name.toLowerCase();
  if (isIndexName(name)) {
    return containsAscii(probe.head, '"weight_map"') ? 'content' : 'name';
  }
  const head = probe.head;
  if (head.length > N_LEN && head[N_LEN] === 0x7b) {
    const n = new DataView(head.buffer, head.byteOffset, N_LEN).getBigUint64(0, true);
    const max = Math.min(MAX_HEADER_BYTES, probe.size - N_LEN);
    if (n >= 2n && n <= BigInt(Math.max(max, 0))) return 'content';
  }
  return name.endsWith('.safetensors') ? 'name' : undefined;
}

function containsAscii(bytes: Uint8Array, text: string): boolean {
  const first = text.charCodeAt(0);
  outer: for (let i = 0; i + text.length <= bytes.length; i++) {
    if (bytes[i] !== first) continue;
    for (let j = 1; j < text.length; j++) {
      if (bytes[i + j] !== text.charCodeAt(j)) continue outer;
    }
    return true;
  }
  return false;
}

/** Reader options: `skipUnsupported` (true or "true") leaves out tensors of dtypes nnport lacks. */
function readerOptions(options: ReadOptions): SafetensorsReadOptions {
  const v = options.skipUnsupported;
  return { skipUnsupported: v === true || v === 'true' };
}

async function read(input: ReadInput, options: ReadOptions): Promise<Model> {
  const opts = readerOptions(options);
  if (input.isFolder) return readFolder(input, opts);
  if (isIndexName(input.name)) return readShardedSet(input, input.source, opts);
  const file = await readSafetensorsFile(input.source, opts);
  return { format: 'safetensors', metadata: file.metadata, tensors: file.tensors };
}

/** A folder: its one `*.safetensors.index.json`, or else its one `.safetensors` file. */
async function readFolder(input: ReadInput, opts: SafetensorsReadOptions): Promise<Model> {
  const names = await input.list();
  const indexes = names.filter(isIndexName);
  const singles = names.filter((n) => n.toLowerCase().endsWith('.safetensors'));
  const pick =
    indexes.length === 1 ? indexes[0] : indexes.length === 0 && singles.length === 1 ? singles[0] : undefined;
  if (pick === undefined) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `the folder holds ${indexes.length} safetensors indexes and ${singles.length} .safetensors files; name the file to read`,
    );
  }
  const source = await input.sibling(pick);
  if (source === undefined) throw new NnportError('MISSING_FILE', `${pick} vanished while reading`);
  if (isIndexName(pick)) return readShardedSet(input, source, opts);
  const file = await readSafetensorsFile(source, opts);
  return { format: 'safetensors', metadata: file.metadata, tensors: file.tensors };
}

/**
 * Writes one file through `target.create()`; with the option `shardBytes` (a positive integer),
 * a sharded set instead: shards and `model.safetensors.index.json` through `target.create(path)`,
 * so the target must be a folder.
 */
async function write(model: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  const shardBytes = options.shardBytes;
  if (shardBytes !== undefined) {
    if (typeof shardBytes !== 'number' || !Number.isSafeInteger(shardBytes) || shardBytes <= 0) {
      throw new NnportError('USAGE', `shardBytes must be a positive integer, not ${String(shardBytes)}`);
    }
    return writeShardedSet(model, target, shardBytes, options);
  }
  return writeSafetensorsFile(model.tensors, model.metadata, await target.create(), options);
}

/** The safetensors format plug-in. */
export const safetensorsFormat: FormatPlugin = {
  id: 'safetensors',
  title: 'safetensors (Hugging Face)',
  extensions: ['.safetensors'],
  output: 'file',
  keeps: { metadata: true, graph: false },
  detect,
  read,
  write,
};
