/**
 * Sharded safetensors sets: `model.safetensors.index.json` + shards, read through
 * `input.sibling` only, written through `target.create(path)`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Model } from '../../src/core/model.js';
import { tensorFromArray, tensorFromBytes } from '../../src/core/tensor.js';
import { safetensorsFormat } from '../../src/formats/safetensors/index.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { buildFile, memoryInput, rejectsWith, snapshot } from './helpers.js';

const enc = new TextEncoder();
const INDEX = 'model.safetensors.index.json';

// biome-ignore lint/style/noNonNullAssertion: the plug-in reads and writes
const read = safetensorsFormat.read!;
// biome-ignore lint/style/noNonNullAssertion: the plug-in reads and writes
const write = safetensorsFormat.write!;

function sample(): Model {
  return {
    format: 'memory',
    metadata: { format: 'pt' },
    tensors: [
      tensorFromArray('layer.0.weight', 'float32', [2, 2], new Float32Array([1, 2, 3, 4])),
      tensorFromArray('layer.0.bias', 'float32', [2], new Float32Array([5, 6])),
      tensorFromArray('embed', 'float64', [4], new Float64Array([1, 2, 3, 4])),
      tensorFromBytes('mask', 'bool', [3], new Uint8Array([1, 0, 1])),
    ],
  };
}

async function writeSharded(m: Model, shardBytes: number): Promise<Map<string, Uint8Array>> {
  const target = new MemoryTarget('out');
  await write(m, target, { shardBytes });
  return target.files;
}

function indexInput(files: ReadonlyMap<string, Uint8Array>) {
  return memoryInput(INDEX, files.get(INDEX) ?? new Uint8Array(0), files);
}

function u8File(names: string[]): Uint8Array {
  const header: Record<string, object> = {};
  names.forEach((n, i) => {
    header[n] = { dtype: 'U8', shape: [1], data_offsets: [i, i + 1] };
  });
  return buildFile(header, new Uint8Array(names.length));
}

describe('safetensors sharded write + read', () => {
  it('splits greedily in model order and reads back the same model', async () => {
    const m = sample();
    const files = await writeSharded(m, 24);
    assert.deepEqual([...files.keys()].sort(), [
      'model-00001-of-00003.safetensors',
      'model-00002-of-00003.safetensors',
      'model-00003-of-00003.safetensors',
      INDEX,
    ]);
    const index = new TextDecoder().decode(files.get(INDEX));
    assert.equal(
      index,
      `{
  "metadata": {
    "total_size": 59
  },
  "weight_map": {
    "embed": "model-00002-of-00003.safetensors",
    "layer.0.bias": "model-00001-of-00003.safetensors",
    "layer.0.weight": "model-00001-of-00003.safetensors",
    "mask": "model-00003-of-00003.safetensors"
  }
}
`,
    );
    const back = await read(indexInput(files), {});
    assert.deepEqual(back.metadata, { format: 'pt' });
    assert.deepEqual(await snapshot(back), await snapshot(m));
    // A folder input finds its index.
    const folder = await read(memoryInput('out', new Uint8Array(0), files, true), {});
    assert.deepEqual(await snapshot(folder), await snapshot(m));
  });

  it('gives a tensor larger than shardBytes a shard of its own, and keeps index metadata', async () => {
    const m: Model = { ...sample(), metadata: { format: 'pt', safetensors_index: { total_parameters: 13 } } };
    const files = await writeSharded(m, 1);
    assert.equal(files.size, 5);
    const index = JSON.parse(new TextDecoder().decode(files.get(INDEX)));
    assert.deepEqual(index.metadata, { total_parameters: 13, total_size: 59 });
    const back = await read(indexInput(files), {});
    assert.deepEqual(back.metadata, m.metadata);
  });

  it('writes one shard for a model that fits, and escapes non-ASCII names like Python', async () => {
    const m: Model = {
      format: 'memory',
      metadata: {},
      tensors: [tensorFromBytes('poids-é', 'uint8', [1], new Uint8Array([9]))],
    };
    const files = await writeSharded(m, 1 << 20);
    assert.ok(files.has('model-00001-of-00001.safetensors'));
    assert.match(
      new TextDecoder().decode(files.get(INDEX)),
      /"poids-\\u00e9": "model-00001-of-00001.safetensors"/,
    );
    assert.deepEqual(await snapshot(await read(indexInput(files), {})), await snapshot(m));
  });
});

describe('safetensors sharded read: errors', () => {
  const index = (weightMap: object, extra: object = {}) =>
    enc.encode(JSON.stringify({ metadata: { total_size: 2 }, weight_map: weightMap, ...extra }));

  it('MISSING_FILE: a shard named by the index is absent', async () => {
    const files = new Map<string, Uint8Array>([
      [INDEX, index({ a: 'model-00001-of-00002.safetensors', b: 'model-00002-of-00002.safetensors' })],
    ]);
    files.set('model-00001-of-00002.safetensors', u8File(['a']));
    const e = await rejectsWith(read(indexInput(files), {}), 'MISSING_FILE');
    assert.deepEqual(e.at, { path: '$.weight_map["b"]' });
    assert.match(e.detail, /model-00002-of-00002/);
  });

  it('UNSAFE_PATH: the host refuses shard paths that leave the folder', async () => {
    for (const shard of ['../evil.safetensors', '/etc/passwd', 'sub/../../x.safetensors']) {
      const files = new Map<string, Uint8Array>([[INDEX, index({ a: shard })]]);
      await rejectsWith(read(indexInput(files), {}), 'UNSAFE_PATH');
    }
  });

  it('INVALID_STRUCTURE: listed in the weight_map but absent from its shard', async () => {
    const files = new Map<string, Uint8Array>([[INDEX, index({ a: 's.safetensors', b: 's.safetensors' })]]);
    files.set('s.safetensors', u8File(['a']));
    const e = await rejectsWith(read(indexInput(files), {}), 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { path: '$.weight_map["b"]' });
  });

  it('INVALID_STRUCTURE: present in a shard but absent from the weight_map, or in the wrong shard', async () => {
    let files = new Map<string, Uint8Array>([[INDEX, index({ a: 's.safetensors' })]]);
    files.set('s.safetensors', u8File(['a', 'stray']));
    let e = await rejectsWith(read(indexInput(files), {}), 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { tensor: 'stray' });
    files = new Map<string, Uint8Array>([[INDEX, index({ a: 's1.safetensors', b: 's2.safetensors' })]]);
    files.set('s1.safetensors', u8File(['a', 'b']));
    files.set('s2.safetensors', u8File(['b']));
    e = await rejectsWith(read(indexInput(files), {}), 'INVALID_STRUCTURE');
    assert.equal(e.file, 's1.safetensors');
  });

  it('INVALID_STRUCTURE: malformed index documents', async () => {
    const bad = [
      enc.encode('{"weight_map": '),
      enc.encode('[]'),
      enc.encode('{"metadata": {}}'),
      enc.encode('{"weight_map": {"a": 3}}'),
      enc.encode('{"weight_map": {"a": ""}}'),
      enc.encode('{"weight_map": {}, "metadata": 5}'),
      enc.encode('{"weight_map": {"a": "s.safetensors", "a": "t.safetensors"}}'),
    ];
    for (const b of bad) {
      await rejectsWith(read(memoryInput(INDEX, b), {}), 'INVALID_STRUCTURE');
    }
  });

  it('errors inside a shard name the shard file', async () => {
    const files = new Map<string, Uint8Array>([[INDEX, index({ a: 's.safetensors' })]]);
    files.set(
      's.safetensors',
      buildFile({ a: { dtype: 'U8', shape: [2], data_offsets: [0, 1] } }, new Uint8Array(1)),
    );
    const e = await rejectsWith(read(indexInput(files), {}), 'INVALID_STRUCTURE');
    assert.equal(e.file, 's.safetensors');
  });

  it('LIMIT_EXCEEDED: an index larger than MAX_HEADER_BYTES is not read', async () => {
    const input = memoryInput(INDEX, new Uint8Array(0));
    const huge = {
      ...input,
      source: { name: INDEX, size: 200_000_000, read: () => assert.fail('must not read') },
    };
    await rejectsWith(read(huge, {}), 'LIMIT_EXCEEDED');
  });

  it('a folder with several candidates is refused', async () => {
    const files = new Map([
      ['a.safetensors', u8File(['a'])],
      ['b.safetensors', u8File(['b'])],
    ]);
    await rejectsWith(read(memoryInput('dir', new Uint8Array(0), files, true), {}), 'INVALID_STRUCTURE');
  });
});
