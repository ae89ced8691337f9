/**
 * safetensors writer: byte-exact against the reference's own test vectors (tensor.rs
 * `test_serialization`, `test_empty`, `test_serialization_forced_alignement`), the reference
 * data order, metadata encoding, refusals, determinism and streaming.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DType } from '../../src/core/dtype.js';
import type { Model } from '../../src/core/model.js';
import { type Tensor, type TensorData, tensorFromArray, tensorFromBytes } from '../../src/core/tensor.js';
import { safetensorsFormat } from '../../src/formats/safetensors/index.js';
import { COPY_CHUNK_BYTES } from '../../src/formats/safetensors/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { readBytes, rejectsWith, snapshot, writeBytes } from './helpers.js';

function model(tensors: Tensor[], metadata: Model['metadata'] = {}): Model {
  return { format: 'memory', metadata, tensors };
}

function headerText(bytes: Uint8Array): string {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  return new TextDecoder().decode(bytes.subarray(8, 8 + n));
}

const SIX_F32 = new Float32Array([0, 1, 2, 3, 4, 5]);

describe('safetensors write: reference vectors (tensor.rs tests)', () => {
  it('test_serialization: attn.0 F32 [1,2,3]', async () => {
    const out = await writeBytes(model([tensorFromArray('attn.0', 'float32', [1, 2, 3], SIX_F32)]));
    const expected = [
      64, 0, 0, 0, 0, 0, 0, 0, 123, 34, 97, 116, 116, 110, 46, 48, 34, 58, 123, 34, 100, 116, 121, 112, 101,
      34, 58, 34, 70, 51, 50, 34, 44, 34, 115, 104, 97, 112, 101, 34, 58, 91, 49, 44, 50, 44, 51, 93, 44, 34,
      100, 97, 116, 97, 95, 111, 102, 102, 115, 101, 116, 115, 34, 58, 91, 48, 44, 50, 52, 93, 125, 125, 0, 0,
      0, 0, 0, 0, 128, 63, 0, 0, 0, 64, 0, 0, 64, 64, 0, 0, 128, 64, 0, 0, 160, 64,
    ];
    assert.deepEqual([...out], expected);
  });

  it('test_serialization_forced_alignement: header padded with spaces to 8', async () => {
    const out = await writeBytes(model([tensorFromArray('attn0', 'float32', [1, 1, 2, 3], SIX_F32)]));
    assert.equal(out[0], 72);
    assert.equal(
      headerText(out),
      `{"attn0":{"dtype":"F32","shape":[1,1,2,3],"data_offsets":[0,24]}}${' '.repeat(7)}`,
    );
    assert.deepEqual(new Float32Array(out.slice(80).buffer), SIX_F32);
  });

  it('test_empty: no tensors, with and without metadata', async () => {
    assert.deepEqual(
      [...(await writeBytes(model([])))],
      [8, 0, 0, 0, 0, 0, 0, 0, 123, 125, 32, 32, 32, 32, 32, 32],
    );
    const out = await writeBytes(model([], { framework: 'pt' }));
    assert.equal(out.length, 48);
    assert.equal(headerText(out), '{"__metadata__":{"framework":"pt"}}     ');
  });
});

describe('safetensors write: layout', () => {
  it('orders data by dtype alignment descending, then name by code point', async () => {
    const t = (name: string, dtype: DType, n: number) =>
      tensorFromBytes(name, dtype, [n], new Uint8Array(n * sizeOf(dtype)));
    const m = model([
      t('b', 'uint8', 1),
      t('a', 'bool', 1),
      t('z', 'float32', 1),
      t('y', 'int64', 1),
      t('\uffff', 'float16', 1),
      t('\u{1f600}', 'float16', 1), // astral: sorts after U+FFFF in UTF-8 byte order
      t('x', 'bfloat16', 1),
      t('w', 'uint64', 1),
      t('v', 'float64', 1),
      t('u', 'int8', 1),
    ]);
    const names = [...headerText(await writeBytes(m)).matchAll(/"([^"]+)":\{"dtype"/g)].map((r) => r[1]);
    assert.deepEqual(names, ['w', 'y', 'v', 'z', 'x', '\uffff', '\u{1f600}', 'u', 'b', 'a']);
  });

  it('escapes names the way serde_json does', async () => {
    const out = await writeBytes(model([tensorFromBytes('q"\\\n\u0001é/', 'uint8', [0], new Uint8Array(0))]));
    assert.ok(headerText(out).startsWith('{"q\\"\\\\\\n\\u0001é/":{'));
  });

  it('stores non-string metadata as JSON under __nnport_json__ and reads it back', async () => {
    const metadata = {
      format: 'pt',
      nnport: { steps: ['transpose'], n: -0 },
      count: 3,
      flag: true,
      __nnport_json__: 's',
    };
    const out = await writeBytes(model([], metadata));
    assert.equal(
      headerText(out).trimEnd(),
      '{"__metadata__":{"__nnport_json__":"{\\"__nnport_json__\\":\\"s\\",\\"count\\":3,\\"flag\\":true,\\"nnport\\":{\\"n\\":-0,\\"steps\\":[\\"transpose\\"]}}","format":"pt"}}',
    );
    const back = await readBytes(out);
    assert.deepEqual(back.metadata, metadata);
    assert.ok(Object.is((back.metadata.nnport as { n: number }).n, -0));
  });

  it('is deterministic and idempotent: write(read(write(m))) == write(m)', async () => {
    const m = model(
      [
        tensorFromArray('w', 'float32', [2, 3], SIX_F32),
        tensorFromArray('b', 'int64', [2], new BigInt64Array([-1n, 2n ** 62n])),
        tensorFromBytes('m', 'bool', [3], new Uint8Array([1, 0, 1])),
        tensorFromBytes('s', 'bfloat16', [], new Uint8Array([0x80, 0x3f])),
      ],
      { b: '2', a: '1', obj: { z: 1, a: [1, 2] } },
    );
    const a = await writeBytes(m);
    const b = await writeBytes(m);
    assert.deepEqual(a, b);
    const again = await writeBytes(await readBytes(a));
    assert.deepEqual(again, a);
    const back = await snapshot(await readBytes(a));
    const orig = await snapshot(m);
    assert.deepEqual(back, orig);
  });

  it('streams large tensors in chunks and reports progress', async () => {
    const size = COPY_CHUNK_BYTES * 2 + 12;
    let largest = 0;
    const data: TensorData = {
      byteLength: size,
      read(offset = 0, length = size - offset) {
        largest = Math.max(largest, length);
        const out = new Uint8Array(length);
        for (let i = 0; i < length; i++) out[i] = (offset + i) & 0xff;
        return Promise.resolve(out);
      },
    };
    const progress: number[] = [];
    const target = new MemoryTarget();
    // biome-ignore lint/style/noNonNullAssertion: the plug-in has a writer
    await safetensorsFormat.write!(model([{ name: 'big', dtype: 'uint8', shape: [size], data }]), target, {
      onProgress: (done, total) => {
        assert.equal(total, size);
        progress.push(done);
      },
    });
    assert.ok(largest <= COPY_CHUNK_BYTES);
    assert.equal(progress.at(-1), size);
    const out = target.bytes;
    const start = out.length - size;
    assert.equal(out[start + 1000], 1000 & 0xff);
    assert.equal(out[out.length - 1], (size - 1) & 0xff);
  });
});

describe('safetensors write: refusals', () => {
  it('UNREPRESENTABLE: duplicate names, a tensor named __metadata__, lone surrogates', async () => {
    const t = (name: string) => tensorFromBytes(name, 'uint8', [1], new Uint8Array(1));
    await rejectsWith(writeBytes(model([t('a'), t('a')])), 'UNREPRESENTABLE');
    await rejectsWith(writeBytes(model([t('__metadata__')])), 'UNREPRESENTABLE');
    await rejectsWith(writeBytes(model([t('bad\ud800')])), 'UNREPRESENTABLE');
    await rejectsWith(writeBytes(model([], { k: '\udc00' })), 'UNREPRESENTABLE');
    await rejectsWith(writeBytes(model([], { k: Number.NaN })), 'UNREPRESENTABLE');
  });

  it('INVALID_STRUCTURE: data length disagreeing with the shape', async () => {
    const data: TensorData = { byteLength: 3, read: () => Promise.resolve(new Uint8Array(3)) };
    await rejectsWith(
      writeBytes(model([{ name: 'a', dtype: 'float32', shape: [1], data }])),
      'INVALID_STRUCTURE',
    );
  });

  it('INVALID_STRUCTURE: a data source returning short reads', async () => {
    const data: TensorData = { byteLength: 4, read: () => Promise.resolve(new Uint8Array(1)) };
    await rejectsWith(
      writeBytes(model([{ name: 'a', dtype: 'float32', shape: [1], data }])),
      'INVALID_STRUCTURE',
    );
  });

  it('USAGE: a bad shardBytes option', async () => {
    await rejectsWith(writeBytes(model([]), { shardBytes: -1 }), 'USAGE');
    await rejectsWith(writeBytes(model([]), { shardBytes: '10' }), 'USAGE');
  });
});

function sizeOf(d: DType): number {
  return (
    { float64: 8, int64: 8, uint64: 8, float32: 4, int32: 4, uint32: 4 }[d as string] ??
    (d.endsWith('16') ? 2 : 1)
  );
}
