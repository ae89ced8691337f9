/**
 * Python reads what nnport writes (DESIGN §6 live peers): the standard `json` module parses an
 * export, and float values it reads, cast with numpy to the tensor's dtype, have exactly nnport's
 * bits (a few thousand random float32 values including subnormals, and float64, float16, integer
 * extremes, bool). The standard-library example examples/python/read_json.py runs on a real export.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, tensorFromArray } from '../../src/core/tensor.js';
import { tinyModel } from './json-fixtures.js';
import { writeJsonBytes } from './json-helpers.js';

const PYTHON = '/usr/bin/python3';

/** Runs Python; a missing interpreter or numpy fails with the command that installs it. */
function python(args: string[]): string {
  try {
    return execFileSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (e) {
    const err = e as { code?: string; stderr?: string };
    if (err.code === 'ENOENT' || /No module named 'numpy'/.test(err.stderr ?? '')) {
      assert.fail(
        `live peer missing: ${PYTHON} with numpy; install it with: sudo apt-get install -y python3-numpy`,
      );
    }
    throw e;
  }
}

/** Reads an export with json + numpy and prints each tensor's canonical bytes in hex, as JSON. */
const CHECK = `
import json, struct, sys
import numpy as np
NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}
BITS = {"float64": ("<u8", np.float64), "float32": ("<u4", np.float32), "float16": ("<u2", np.float16)}
def flat(x, out):
    if isinstance(x, list):
        for y in x: flat(y, out)
    else: out.append(x)
with open(sys.argv[1], encoding="utf-8") as f:
    doc = json.load(f, parse_int=lambda s: -0.0 if s == "-0" else int(s))
result = {}
for t in doc["tensors"]:
    values = []
    flat(t["data"], values)
    dt = t["dtype"]
    if dt in BITS:
        utype, ftype = BITS[dt]
        arr = np.zeros(len(values), dtype=ftype)
        for i, v in enumerate(values):
            if isinstance(v, str) and v.startswith("NaN(0x"):
                arr[i:i+1] = np.array([int(v[6:-1], 16)], dtype=utype).view(ftype)
            else:
                arr[i] = ftype(NON_FINITE[v] if isinstance(v, str) else float(v))
    elif dt == "bool":
        arr = np.array(values, dtype=np.bool_)
    else:
        arr = np.array(values, dtype=np.dtype(dt))
    result[t["name"]] = arr.astype(arr.dtype.newbyteorder("<")).tobytes().hex()
print(json.dumps(result))
`;

/** Random float32 bit patterns: every exponent, many subnormals, and the special values. */
function randomFloat32(n: number): Float32Array {
  const bits = new Uint32Array(n);
  let seed = 12345;
  const next = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed;
  };
  for (let i = 0; i < n; i++) {
    const r = (next() ^ (next() << 16)) >>> 0;
    bits[i] = i % 4 === 0 ? r & 0x807fffff : r; // a quarter subnormal (or ±0)
  }
  bits.set(
    [0x80000000, 0x00000001, 0x007fffff, 0x7f7fffff, 0xff800000, 0x7fc00000, 0x7fc00001, 0xffc00000],
    0,
  );
  return new Float32Array(bits.buffer);
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

describe('Python reads nnport JSON', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'nnport-json-py-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('json + numpy.float32 give back nnport bits for 4000 random float32 values and other dtypes', async () => {
    const f64 = new Float64Array(1000);
    for (let i = 0; i < f64.length; i++) f64[i] = (Math.sin(i) * 10 ** ((i % 40) - 20)) / 3;
    f64.set([-0, Number.MIN_VALUE, Number.MAX_VALUE, Number.NEGATIVE_INFINITY, 2.2250738585072014e-308], 0);
    const f16 = new Uint16Array(65536);
    for (let i = 0; i < f16.length; i++) f16[i] = i;
    const model: Model = {
      format: 'memory',
      metadata: {},
      tensors: [
        tensorFromArray('f32', 'float32', [40, 10, 10], randomFloat32(4000)),
        tensorFromArray('f64', 'float64', [1000], f64),
        tensorFromArray('f16', 'float16', [256, 256], f16),
        tensorFromArray(
          'i64',
          'int64',
          [3],
          new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n, 9007199254740993n]),
        ),
        tensorFromArray('u64', 'uint64', [2], new BigUint64Array([2n ** 64n - 1n, 0n])),
        tensorFromArray('i8', 'int8', [2], new Int8Array([-128, 127])),
        tensorFromArray('b', 'bool', [2], new Uint8Array([1, 0])),
      ],
    };
    const file = join(dir, 'bits.json');
    writeFileSync(file, await writeJsonBytes(model));
    const got = JSON.parse(python(['-c', CHECK, file])) as Record<string, string>;
    for (const t of model.tensors) {
      const expected = hex(await readTensorBytes(t));
      if (got[t.name] === expected) continue;
      // Name the first differing element for a readable failure.
      const size =
        t.dtype === 'float64' || t.dtype.endsWith('64')
          ? 8
          : t.dtype === 'float32'
            ? 4
            : t.dtype === 'float16'
              ? 2
              : 1;
      for (let i = 0; i < expected.length; i += size * 2) {
        assert.equal(
          got[t.name].slice(i, i + size * 2),
          expected.slice(i, i + size * 2),
          `${t.name}[${i / size / 2}]`,
        );
      }
    }
  });

  it('examples/python/read_json.py prints each tensor of a real export', async () => {
    const file = join(dir, 'tiny.json');
    writeFileSync(file, await writeJsonBytes(tinyModel()));
    const out = python([join(process.cwd(), 'examples/python/read_json.py'), file, '4']);
    assert.equal(
      out,
      [
        '"fc.weight" float32 [2, 2, 3] 0.1 0.2 0.3 1e-07',
        '"step" int64 [] 9007199254740993',
        '"mask" bool [3] True False True',
        '"half" float16 [1, 4] 1.0 nan nan -inf',
        '"none" uint64 [2, 0, 3] ',
        '"nil" int8 [0] ',
        '',
      ].join('\n'),
    );
  });
});
