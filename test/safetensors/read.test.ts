/**
 * safetensors reader: layout, validation rules of the reference (tensor.rs `read_metadata` and
 * `Metadata::validate`), and one malformed file per error code, built here in test code.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readTensor, readTensorBytes } from '../../src/core/tensor.js';
import { safetensorsFormat } from '../../src/formats/safetensors/index.js';
import { buildFile, readBytes, rejectsWith } from './helpers.js';

const enc = new TextEncoder();

function f32(...v: number[]): Uint8Array {
  return new Uint8Array(new Float32Array(v).buffer);
}

describe('safetensors read: valid files', () => {
  it('reads the smallest file, `{}` padded to 8', async () => {
    const m = await readBytes(buildFile('{}'));
    assert.equal(m.format, 'safetensors');
    assert.deepEqual(m.tensors, []);
    assert.deepEqual(m.metadata, {});
  });

  it('reads tensors in data order, zero-copy, with metadata', async () => {
    const data = new Uint8Array([...f32(1, 2, 3, 4), 7, 8]);
    const bytes = buildFile(
      {
        b: { dtype: 'U8', shape: [2], data_offsets: [16, 18] },
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 16] },
      },
      data,
    );
    const m = await readBytes(bytes);
    assert.deepEqual(
      m.tensors.map((t) => [t.name, t.dtype, t.shape]),
      [
        ['a', 'float32', [2, 2]],
        ['b', 'uint8', [2]],
      ],
    );
    assert.deepEqual(m.metadata, { format: 'pt' });
    assert.deepEqual([...(await readTensor(m.tensors[0] as never))], [1, 2, 3, 4]);
    const raw = await readTensorBytes(m.tensors[1]);
    assert.equal(raw.buffer, bytes.buffer, 'tensor data is a window of the file');
    assert.deepEqual([...raw], [7, 8]);
  });

  it('accepts an unpadded header and trailing spaces alike', async () => {
    const h = { x: { dtype: 'I8', shape: [], data_offsets: [0, 1] } };
    for (const pad of [false, true]) {
      const m = await readBytes(buildFile(h, new Uint8Array([0xff]), pad));
      assert.deepEqual(m.tensors[0].shape, []);
      assert.deepEqual([...(await readTensorBytes(m.tensors[0]))], [0xff]);
    }
  });

  it('keeps integer-like names in data order and empty tensors in header order', async () => {
    const bytes = buildFile(
      {
        '10': { dtype: 'U8', shape: [1], data_offsets: [0, 1] },
        z: { dtype: 'F32', shape: [0, 3], data_offsets: [1, 1] },
        y: { dtype: 'BOOL', shape: [0], data_offsets: [1, 1] },
        '2': { dtype: 'U8', shape: [1], data_offsets: [1, 2] },
      },
      new Uint8Array([1, 2]),
    );
    const m = await readBytes(bytes);
    assert.deepEqual(
      m.tensors.map((t) => t.name),
      ['10', 'z', 'y', '2'],
    );
  });

  it('decodes __nnport_json__ into non-string metadata', async () => {
    const bytes = buildFile({
      __metadata__: { a: 'x', __nnport_json__: '{"nnport":{"steps":[1,2]},"n":3}' },
    });
    const m = await readBytes(bytes);
    assert.deepEqual(m.metadata, { a: 'x', nnport: { steps: [1, 2] }, n: 3 });
  });

  it('keeps a `__proto__` tensor or metadata key as a plain own entry', async () => {
    const bytes = buildFile(
      '{"__metadata__":{"__proto__":"p"},"__proto__":{"dtype":"U8","shape":[1],"data_offsets":[0,1]}}',
      new Uint8Array([5]),
    );
    const m = await readBytes(bytes);
    assert.equal(Object.getPrototypeOf(m.metadata), Object.prototype);
    assert.ok(Object.hasOwn(m.metadata, '__proto__'));
    assert.equal(m.tensors[0].name, '__proto__');
  });

  it('maps every dtype nnport has', async () => {
    const table: [string, string, number][] = [
      ['BOOL', 'bool', 1],
      ['U8', 'uint8', 1],
      ['I8', 'int8', 1],
      ['I16', 'int16', 2],
      ['U16', 'uint16', 2],
      ['F16', 'float16', 2],
      ['BF16', 'bfloat16', 2],
      ['I32', 'int32', 4],
      ['U32', 'uint32', 4],
      ['F32', 'float32', 4],
      ['F64', 'float64', 8],
      ['I64', 'int64', 8],
      ['U64', 'uint64', 8],
    ];
    const header: Record<string, object> = {};
    let off = 0;
    for (const [st, , size] of table) {
      header[st] = { dtype: st, shape: [3], data_offsets: [off, off + 3 * size] };
      off += 3 * size;
    }
    const m = await readBytes(buildFile(header, new Uint8Array(off)));
    assert.deepEqual(
      m.tensors.map((t) => [t.name, t.dtype]),
      table.map(([st, dt]) => [st, dt]),
    );
  });

  it('skipUnsupported leaves out F6 tensors but still validates them', async () => {
    const header = {
      a: { dtype: 'F6_E2M3', shape: [4], data_offsets: [0, 3] },
      b: { dtype: 'F6_E3M2', shape: [4], data_offsets: [3, 6] },
      c: { dtype: 'F6_E2M3', shape: [8], data_offsets: [6, 12] },
      d: { dtype: 'U8', shape: [1], data_offsets: [12, 13] },
    };
    const bytes = buildFile(header, new Uint8Array(13));
    const e = await rejectsWith(readBytes(bytes), 'UNSUPPORTED_DTYPE');
    assert.match(e.detail, /"a" \(F6_E2M3\).*"b" \(F6_E3M2\).*"c" \(F6_E2M3\)/);
    const m = await readBytes(bytes, { skipUnsupported: true });
    assert.deepEqual(
      m.tensors.map((t) => t.name),
      ['d'],
    );
    const bad = buildFile({ a: { dtype: 'F6_E2M3', shape: [4], data_offsets: [0, 4] } }, new Uint8Array(4));
    await rejectsWith(readBytes(bad, { skipUnsupported: true }), 'INVALID_STRUCTURE');
  });
});

describe('safetensors read: one malformed file per error code', () => {
  it('TRUNCATED: shorter than the 8-byte size', async () => {
    await rejectsWith(readBytes(new Uint8Array(5)), 'TRUNCATED');
  });

  it('TRUNCATED: header size beyond the file', async () => {
    const bytes = buildFile('{}');
    new DataView(bytes.buffer).setBigUint64(0, 4096n, true);
    const e = await rejectsWith(readBytes(bytes), 'TRUNCATED');
    assert.deepEqual(e.at, { byte: 0 });
  });

  it('LIMIT_EXCEEDED: header over MAX_HEADER_BYTES (100 MB)', async () => {
    const bytes = buildFile('{}');
    new DataView(bytes.buffer).setBigUint64(0, 100_000_001n, true);
    await rejectsWith(readBytes(bytes), 'LIMIT_EXCEEDED');
    new DataView(bytes.buffer).setBigUint64(0, 0xffff_ffff_ffff_ffffn, true);
    await rejectsWith(readBytes(bytes), 'LIMIT_EXCEEDED');
  });

  it('LIMIT_EXCEEDED: nesting deeper than MAX_JSON_DEPTH', async () => {
    await rejectsWith(readBytes(buildFile(`{"a":${'['.repeat(300)}${']'.repeat(300)}}`)), 'LIMIT_EXCEEDED');
  });

  it('LIMIT_EXCEEDED: shape overflow (2^78 elements) and rank over MAX_RANK', async () => {
    const big = 2 ** 26;
    const h = { a: { dtype: 'U8', shape: [big, big, big], data_offsets: [0, 0] } };
    const e = await rejectsWith(readBytes(buildFile(h)), 'LIMIT_EXCEEDED');
    assert.deepEqual(e.at, { path: '$["a"].shape' });
    const deep = { a: { dtype: 'U8', shape: new Array(65).fill(1), data_offsets: [0, 1] } };
    await rejectsWith(readBytes(buildFile(deep, new Uint8Array(1))), 'LIMIT_EXCEEDED');
    const huge = { a: { dtype: 'U8', shape: [2 ** 60], data_offsets: [0, 0] } };
    await rejectsWith(readBytes(buildFile(huge)), 'LIMIT_EXCEEDED');
  });

  it('BAD_MAGIC: header not starting with `{`', async () => {
    await rejectsWith(readBytes(buildFile('[1,2,3]')), 'BAD_MAGIC');
    await rejectsWith(readBytes(buildFile(' {}')), 'BAD_MAGIC');
    await rejectsWith(readBytes(buildFile('', new Uint8Array(0), false)), 'BAD_MAGIC');
  });

  it('INVALID_STRUCTURE: not JSON, or not UTF-8', async () => {
    const e = await rejectsWith(readBytes(buildFile('{"a":')), 'INVALID_STRUCTURE');
    assert.ok(e.at !== undefined && 'byte' in e.at);
    const bytes = buildFile('{"\u00e9":1}');
    bytes[10] = 0xff; // break the UTF-8 of é
    await rejectsWith(readBytes(bytes), 'INVALID_STRUCTURE');
  });

  it('INVALID_STRUCTURE: duplicate keys (JSON.parse would keep the last)', async () => {
    const entry = '{"dtype":"U8","shape":[1],"data_offsets":[0,1]}';
    let e = await rejectsWith(
      readBytes(buildFile(`{"a":${entry},"a":${entry}}`, new Uint8Array(1))),
      'INVALID_STRUCTURE',
    );
    assert.deepEqual(e.at, { path: '$["a"]' });
    // Escapes are decoded before comparing: "\u0061" is "a".
    e = await rejectsWith(
      readBytes(buildFile(`{"a":${entry},"\\u0061":${entry}}`, new Uint8Array(1))),
      'INVALID_STRUCTURE',
    );
    const nested = '{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"data_offsets":[0,1]}}';
    e = await rejectsWith(readBytes(buildFile(nested, new Uint8Array(1))), 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { path: '$["a"].data_offsets' });
  });

  it('INVALID_STRUCTURE: __metadata__ not a map of strings', async () => {
    const e = await rejectsWith(readBytes(buildFile({ __metadata__: { n: 1 } })), 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { path: '$.__metadata__["n"]' });
    await rejectsWith(readBytes(buildFile({ __metadata__: ['a'] })), 'INVALID_STRUCTURE');
    await rejectsWith(
      readBytes(buildFile({ __metadata__: { __nnport_json__: '[1]' } })),
      'INVALID_STRUCTURE',
    );
    await rejectsWith(
      readBytes(buildFile({ __metadata__: { a: 'x', __nnport_json__: '{"a":1}' } })),
      'INVALID_STRUCTURE',
    );
  });

  it('INVALID_STRUCTURE: malformed entries', async () => {
    const cases: [unknown, string][] = [
      [5, '$["a"]'],
      [{ dtype: 3, shape: [], data_offsets: [0, 1] }, '$["a"].dtype'],
      [{ dtype: 'U8', shape: 1, data_offsets: [0, 1] }, '$["a"].shape'],
      [{ dtype: 'U8', shape: [-1], data_offsets: [0, 1] }, '$["a"].shape[0]'],
      [{ dtype: 'U8', shape: [1.5], data_offsets: [0, 1] }, '$["a"].shape[0]'],
      [{ dtype: 'U8', shape: [1], data_offsets: [0] }, '$["a"].data_offsets'],
      [{ dtype: 'U8', shape: [1], data_offsets: [0, '1'] }, '$["a"].data_offsets'],
    ];
    for (const [entry, path] of cases) {
      const e = await rejectsWith(readBytes(buildFile({ a: entry }, new Uint8Array(1))), 'INVALID_STRUCTURE');
      assert.deepEqual(e.at, { path }, JSON.stringify(entry));
    }
  });

  it('INVALID_STRUCTURE: (end - begin) differs from elements × dtype size', async () => {
    const h = { a: { dtype: 'F32', shape: [2], data_offsets: [0, 4] } };
    const e = await rejectsWith(readBytes(buildFile(h, new Uint8Array(4))), 'INVALID_STRUCTURE');
    assert.deepEqual(e.at, { path: '$["a"]' });
  });

  it('UNSUPPORTED_DTYPE: unknown dtype name', async () => {
    const h = { a: { dtype: 'F128', shape: [1], data_offsets: [0, 16] } };
    const e = await rejectsWith(
      readBytes(buildFile(h, new Uint8Array(16)), { skipUnsupported: true }),
      'UNSUPPORTED_DTYPE',
    );
    assert.deepEqual(e.at, { path: '$["a"].dtype' });
  });

  it('UNSUPPORTED_DTYPE: a dtype nnport cannot represent yet', async () => {
    const h = { a: { dtype: 'F6_E3M2', shape: [4], data_offsets: [0, 3] } };
    await rejectsWith(readBytes(buildFile(h, new Uint8Array(3))), 'UNSUPPORTED_DTYPE');
  });

  it('INVALID_OFFSET: not starting at 0, gap, overlap, reversed, beyond the end, uncovered tail', async () => {
    const u8 = (b: number, e: number) => ({ dtype: 'U8', shape: [e - b], data_offsets: [b, e] });
    const cases: [object, number][] = [
      [{ a: u8(1, 2) }, 2], // does not start at 0
      [{ a: u8(0, 1), b: u8(2, 3) }, 3], // gap
      [{ a: u8(0, 2), b: u8(1, 3) }, 3], // overlap
      [{ a: { dtype: 'U8', shape: [0], data_offsets: [1, 0] } }, 1], // end before begin
      [{ a: u8(0, 4) }, 2], // beyond the end of the file
      [{ a: u8(0, 1) }, 3], // bytes after the last tensor
      [{ a: { dtype: 'U8', shape: [1], data_offsets: [0, 2 ** 60] } }, 1], // offset beyond any file
    ];
    for (const [h, size] of cases) {
      await rejectsWith(readBytes(buildFile(h, new Uint8Array(size))), 'INVALID_OFFSET');
    }
    const e = await rejectsWith(
      readBytes(buildFile({ a: u8(0, 1), b: u8(2, 3) }, new Uint8Array(3))),
      'INVALID_OFFSET',
    );
    assert.deepEqual(e.at, { path: '$["b"].data_offsets' });
    const tail = await rejectsWith(
      readBytes(buildFile({ a: u8(0, 1) }, new Uint8Array(3))),
      'INVALID_OFFSET',
    );
    const headerLength = buildFile({ a: u8(0, 1) }).length;
    assert.deepEqual(tail.at, { byte: headerLength + 1 });
  });

  it('LIMIT_EXCEEDED: a tensor name over MAX_NAME_LENGTH', async () => {
    const h = { ['n'.repeat(70_000)]: { dtype: 'U8', shape: [0], data_offsets: [0, 0] } };
    await rejectsWith(readBytes(buildFile(h)), 'LIMIT_EXCEEDED');
  });
});

describe('safetensors detect', () => {
  const probe = (name: string, head: Uint8Array, size = head.length) => ({
    name,
    head,
    size,
    isFolder: false,
  });

  it('claims by content: u64 size then `{`', () => {
    const bytes = buildFile({ a: { dtype: 'U8', shape: [1], data_offsets: [0, 1] } }, new Uint8Array(1));
    assert.equal(safetensorsFormat.detect(probe('weights.bin', bytes)), 'content');
  });

  it('refuses a size beyond the file or a missing `{`, falling back to the name', () => {
    const bytes = buildFile('{}');
    assert.equal(safetensorsFormat.detect(probe('a.bin', bytes, 10)), undefined);
    assert.equal(safetensorsFormat.detect(probe('a.safetensors', bytes, 10)), 'name');
    assert.equal(safetensorsFormat.detect(probe('a.bin', buildFile('[]'))), undefined);
    assert.equal(safetensorsFormat.detect(probe('a.bin', new Uint8Array(3))), undefined);
  });

  it('claims a shard index by name and weight_map', () => {
    const idx = enc.encode('{"metadata":{},"weight_map":{}}');
    assert.equal(safetensorsFormat.detect(probe('model.safetensors.index.json', idx)), 'content');
    assert.equal(safetensorsFormat.detect(probe('model.safetensors.index.json', enc.encode('{}'))), 'name');
    assert.equal(safetensorsFormat.detect(probe('config.json', idx)), undefined);
  });
});
