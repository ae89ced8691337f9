/**
 * Interop with a live peer. The real `safetensors` Python package is not available here (Debian
 * ships no python3-safetensors and PyPI is unreachable), so the peer is Debian's Python with
 * NumPy, running a reader and a writer written below to the reference's rules (tensor.rs
 * `prepare` / `read_metadata` / `Metadata::validate`):
 * - Python writes files in the reference layout; nnport reads them, and nnport's own output for
 *   the same tensors is byte-for-byte the Python file;
 * - nnport writes; Python validates the file as the reference would and reads every tensor
 *   with numpy.frombuffer, and the values are compared.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, tensorFromArray, tensorFromBytes } from '../../src/core/tensor.js';
import { readBytes, sha256, writeBytes } from './helpers.js';

const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install python3-numpy';

/** Runs a Python script with NumPy; a missing peer fails with the install command. */
function python(script: string, args: string[]): string {
  if (!existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: ${INSTALL}`);
  try {
    execFileSync(PYTHON, ['-c', 'import numpy'], { stdio: 'pipe' });
  } catch {
    assert.fail(`NumPy is missing for ${PYTHON}: ${INSTALL}`);
  }
  return execFileSync(PYTHON, ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Shared Python: dtype table in the reference enum order, and NumPy dtypes for each. */
const PY_COMMON = `
import hashlib, json, struct, sys
import numpy as np
ORDER = ['BOOL','F4','F6_E2M3','F6_E3M2','U8','I8','F8_E5M2','F8_E4M3','F8_E8M0','F8_E4M3FNUZ','F8_E5M2FNUZ',
         'I16','U16','F16','BF16','I32','U32','F32','C64','F64','I64','U64']
RANK = {n: i for i, n in enumerate(ORDER)}
NP = {'BOOL': '?', 'U8': 'u1', 'I8': 'i1', 'I16': '<i2', 'U16': '<u2', 'F16': '<f2', 'BF16': '<u2',
      'I32': '<i4', 'U32': '<u4', 'F32': '<f4', 'F64': '<f8', 'I64': '<i8', 'U64': '<u8'}
`;

/** Python writer: the reference prepare() — sort by dtype rank desc then name bytes, compact JSON, pad to 8. */
const PY_WRITE = String.raw`${PY_COMMON}
def save(path, tensors, metadata):
    items = sorted(tensors.items(), key=lambda kv: (-RANK[kv[1][0]], kv[0].encode('utf-8')))
    header = {}
    if metadata is not None:
        header['__metadata__'] = metadata
    off = 0
    for name, (dt, shape, data) in items:
        header[name] = {'dtype': dt, 'shape': list(shape), 'data_offsets': [off, off + len(data)]}
        off += len(data)
    text = json.dumps(header, separators=(',', ':'), ensure_ascii=False).encode('utf-8')
    text += b' ' * (-len(text) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)))
        f.write(text)
        for _, (_, _, data) in items:
            f.write(data)

def bf16(values):
    return (np.array(values, dtype='<f4').view('<u4') >> 16).astype('<u2')

t = {}
def put(name, st, arr):
    arr = np.ascontiguousarray(arr)
    t[name] = (st, arr.shape, arr.tobytes())
put('mask', 'BOOL', np.array([[True, False], [False, True]]))
put('u8', 'U8', np.array([0, 1, 255], dtype='u1'))
put('i8', 'I8', np.array([-128, 0, 127], dtype='i1'))
put('i16', 'I16', np.array([-32768, 7, 32767], dtype='<i2'))
put('u16', 'U16', np.array([0, 65535], dtype='<u2'))
put('f16', 'F16', np.array([1.5, -0.0, np.inf, -np.inf, np.nan, 6e-8], dtype='<f2'))
put('bf16', 'BF16', bf16([1.0, -2.5, 3.0e38, 1e-40]))
put('i32', 'I32', np.array([-2**31, 2**31 - 1], dtype='<i4'))
put('u32', 'U32', np.array([0, 2**32 - 1], dtype='<u4'))
put('layers.10.w', 'F32', np.arange(12, dtype='<f4').reshape(3, 4) / 7)
put('layers.2.w', 'F32', np.array([np.nan, -0.0, 1e-45, 3.4028235e38], dtype='<f4'))
put('f64', 'F64', np.array([np.pi, -0.0, 5e-324, np.nan], dtype='<f8'))
put('i64', 'I64', np.array([-2**63, 2**63 - 1], dtype='<i8'))
put('u64', 'U64', np.array([0, 2**64 - 1], dtype='<u8'))
put('scalar', 'F32', np.array(3.5, dtype='<f4'))
put('empty', 'F64', np.zeros((0, 3), dtype='<f8'))
put('\u00fcnicode.\u6743\u91cd', 'I16', np.array([1, 2], dtype='<i2'))
save(sys.argv[1], t, {'format': 'np'})
print(json.dumps({n: {'dtype': st, 'shape': list(s), 'sha256': hashlib.sha256(d).hexdigest()} for n, (st, s, d) in t.items()}))
`;

/** Python reader: the reference read_metadata + validate, strictly, then numpy.frombuffer per tensor. */
const PY_READ = `${PY_COMMON}
SIZE = {'BOOL': 1, 'U8': 1, 'I8': 1, 'I16': 2, 'U16': 2, 'F16': 2, 'BF16': 2, 'I32': 4, 'U32': 4, 'F32': 4,
        'F64': 8, 'I64': 8, 'U64': 8}
b = open(sys.argv[1], 'rb').read()
assert len(b) >= 8, 'HeaderTooSmall'
(n,) = struct.unpack('<Q', b[:8])
assert n <= 100_000_000, 'HeaderTooLarge'
assert 8 + n <= len(b), 'InvalidHeaderLength'
assert n % 8 == 0, 'header not padded to 8 like the reference writer'
text = b[8:8 + n].decode('utf-8')
assert text.startswith('{'), 'InvalidHeaderStart'
def no_dups(pairs):
    keys = [k for k, _ in pairs]
    assert len(keys) == len(set(keys)), 'duplicate key'
    return dict(pairs)
header = json.loads(text, object_pairs_hook=no_dups)
keys = list(header.keys())
meta = header.pop('__metadata__', None)
if meta is not None:
    assert keys[0] == '__metadata__', '__metadata__ is serialized first'
    assert all(isinstance(k, str) and isinstance(v, str) for k, v in meta.items())
entries = sorted(header.items(), key=lambda kv: tuple(kv[1]['data_offsets']))
assert [k for k, _ in entries] == [k for k in keys if k != '__metadata__'], 'header order is data order'
expected_order = sorted(header.items(), key=lambda kv: (-RANK[kv[1]['dtype']], kv[0].encode('utf-8')))
assert [k for k, _ in entries] == [k for k, _ in expected_order], 'data sorted by dtype rank desc, then name'
pos = 0
out = {}
for name, info in entries:
    begin, end = info['data_offsets']
    assert begin == pos and end >= begin, 'InvalidOffset ' + name
    pos = end
    count = 1
    for d in info['shape']:
        count *= d
    assert end - begin == count * SIZE[info['dtype']], 'TensorInvalidInfo ' + name
    start = 8 + n + begin
    assert start % SIZE[info['dtype']] == 0, 'tensor data aligned to its element size'
    arr = np.frombuffer(b[start:8 + n + end], dtype=NP[info['dtype']]).reshape(info['shape'])
    flat = arr.ravel()
    if arr.dtype.kind == 'f':
        values = [repr(float(x)) for x in flat[:8]]
    else:
        values = [str(int(x)) for x in flat[:8]]
    out[name] = {'dtype': info['dtype'], 'shape': list(arr.shape),
                 'sha256': hashlib.sha256(b[start:8 + n + end]).hexdigest(), 'values': values}
assert 8 + n + pos == len(b), 'MetadataIncompleteBuffer'
print(json.dumps({'metadata': meta, 'tensors': out}))
`;

const ST_TO_NNPORT: Record<string, string> = {
  BOOL: 'bool',
  U8: 'uint8',
  I8: 'int8',
  I16: 'int16',
  U16: 'uint16',
  F16: 'float16',
  BF16: 'bfloat16',
  I32: 'int32',
  U32: 'uint32',
  F32: 'float32',
  F64: 'float64',
  I64: 'int64',
  U64: 'uint64',
};

describe('safetensors peer: Python + NumPy, reference rules', () => {
  const dir = mkdtempSync(join(tmpdir(), 'nnport-safetensors-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads what the reference layout writer produces, and writes the same bytes back', async () => {
    const path = join(dir, 'py.safetensors');
    const expected = JSON.parse(python(PY_WRITE, [path])) as Record<
      string,
      { dtype: string; shape: number[]; sha256: string }
    >;
    const bytes = new Uint8Array(readFileSync(path));
    const m = await readBytes(bytes);
    assert.deepEqual(m.metadata, { format: 'np' });
    assert.deepEqual(new Set(m.tensors.map((t) => t.name)), new Set(Object.keys(expected)));
    for (const t of m.tensors) {
      const e = expected[t.name];
      assert.equal(t.dtype, ST_TO_NNPORT[e.dtype], t.name);
      assert.deepEqual(t.shape, e.shape, t.name);
      assert.equal(sha256(await readTensorBytes(t)), e.sha256, t.name);
    }
    assert.deepEqual(await writeBytes(m), bytes, 'nnport writes the reference bytes');
  });

  it('writes files the reference rules accept, with the same values', async () => {
    const f32 = new Float32Array([1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 0.1, -3]);
    const m: Model = {
      format: 'memory',
      metadata: { format: 'pt', nnport: { note: 'kept as JSON' } },
      tensors: [
        tensorFromArray('w', 'float32', [2, 3], f32),
        tensorFromArray('ids', 'int64', [3], new BigInt64Array([-(2n ** 63n), 0n, 2n ** 63n - 1n])),
        tensorFromArray('big', 'uint64', [1], new BigUint64Array([2n ** 64n - 1n])),
        tensorFromArray('d', 'float64', [], new Float64Array([Math.PI])),
        tensorFromBytes('m', 'bool', [3], new Uint8Array([1, 0, 1])),
        tensorFromArray('h', 'float16', [2], new Uint16Array([0x3c00, 0xfc00])),
        tensorFromArray('bf', 'bfloat16', [2], new Uint16Array([0x3f80, 0xc020])),
        tensorFromArray('i16', 'int16', [2], new Int16Array([-32768, 32767])),
        tensorFromArray('u16', 'uint16', [1], new Uint16Array([65535])),
        tensorFromArray('i32', 'int32', [1], new Int32Array([-5])),
        tensorFromArray('u32', 'uint32', [1], new Uint32Array([4294967295])),
        tensorFromArray('i8', 'int8', [1], new Int8Array([-128])),
        tensorFromArray('u8', 'uint8', [0, 2], new Uint8Array(0)),
        tensorFromArray('größe', 'float32', [1], new Float32Array([2])),
      ],
    };
    const path = join(dir, 'nnport.safetensors');
    writeFileSync(path, await writeBytes(m));
    const got = JSON.parse(python(PY_READ, [path])) as {
      metadata: Record<string, string>;
      tensors: Record<string, { dtype: string; shape: number[]; sha256: string; values: string[] }>;
    };
    assert.equal(got.metadata.format, 'pt');
    assert.deepEqual(JSON.parse(got.metadata.__nnport_json__), { nnport: { note: 'kept as JSON' } });
    for (const t of m.tensors) {
      const g = got.tensors[t.name];
      assert.ok(g !== undefined, t.name);
      assert.equal(ST_TO_NNPORT[g.dtype], t.dtype, t.name);
      assert.deepEqual(g.shape, t.shape, t.name);
      assert.equal(g.sha256, sha256(await readTensorBytes(t)), t.name);
    }
    assert.deepEqual(got.tensors.w.values, ['1.5', '-0.0', 'nan', 'inf', '0.10000000149011612', '-3.0']);
    assert.deepEqual(got.tensors.ids.values, ['-9223372036854775808', '0', '9223372036854775807']);
    assert.deepEqual(got.tensors.big.values, ['18446744073709551615']);
    assert.deepEqual(got.tensors.d.values, ['3.141592653589793']);
    assert.deepEqual(got.tensors.m.values, ['1', '0', '1']);
    assert.deepEqual(got.tensors.h.values, ['1.0', '-inf']);
    assert.deepEqual(got.tensors.bf.values, [String(0x3f80), String(0xc020)]); // raw bfloat16 bits
  });
});
