/**
 * The reader examples in other languages (DESIGN §4, "Language-agnostic, proven"), run against
 * real nnport exports: examples/python/read_csv_matrix.py (standard library only) on a CSV
 * matrix folder, and examples/c/read_txt.c (C99 standard library) compiled with `cc` on a TXT file.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { itemSize } from '../../src/core/dtype.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, tensorFromBytes } from '../../src/core/tensor.js';
import { csvMatrixFormat } from '../../src/formats/csv/index.js';
import { txtFormat } from '../../src/formats/txt/index.js';
import {
  ALL_DTYPES,
  PEER_HINT,
  REPO_ROOT,
  saveTarget,
  specialElements,
  tempDir,
  textOf,
  writeWith,
} from './csv-txt-helpers.js';

/** True for a NaN other than the dtype's canonical quiet NaN (plain readers give the canonical one). */
function payloadNaN(dtype: string, e: Uint8Array): boolean {
  const b = e.slice();
  switch (dtype) {
    case 'float32': {
      const v = new Uint32Array(b.buffer)[0];
      return (v & 0x7f800000) === 0x7f800000 && (v & 0x7fffff) !== 0 && v !== 0x7fc00000;
    }
    case 'float16': {
      const v = new Uint16Array(b.buffer)[0];
      return (v & 0x7c00) === 0x7c00 && (v & 0x3ff) !== 0 && v !== 0x7e00;
    }
    case 'bfloat16': {
      const v = new Uint16Array(b.buffer)[0];
      return (v & 0x7f80) === 0x7f80 && (v & 0x7f) !== 0 && v !== 0x7fc0;
    }
    case 'float64': {
      const v = new BigUint64Array(b.buffer)[0];
      return (
        (v & 0x7ff0000000000000n) === 0x7ff0000000000000n &&
        (v & 0xfffffffffffffn) !== 0n &&
        v !== 0x7ff8000000000000n
      );
    }
    default:
      return false;
  }
}

/** Every dtype's special values (canonical NaNs only), a matrix, a scalar, names to quote. */
function exampleModel(): Model {
  const tensors = ALL_DTYPES.map((dtype) => {
    const els = specialElements(dtype).filter((e) => !payloadNaN(dtype, e));
    const bytes = new Uint8Array(els.length * itemSize(dtype));
    for (const [k, e] of els.entries()) bytes.set(e, k * e.length);
    return tensorFromBytes(`layer.${dtype}`, dtype, [els.length], bytes);
  });
  const w = new Float32Array(24).map((_, k) => Math.fround((k - 11.5) / 7));
  tensors.push(tensorFromBytes('conv/w "x"', 'float32', [2, 3, 4], new Uint8Array(w.buffer)));
  tensors.push(tensorFromBytes('scalar ü', 'float64', [], new Uint8Array(new Float64Array([-0.1]).buffer)));
  tensors.push(tensorFromBytes('empty', 'int16', [0, 3], new Uint8Array(0), { a: 1 }));
  return { format: 'memory', metadata: { source: 'examples test' }, tensors };
}

test('examples/python/read_csv_matrix.py reads a CSV matrix export exactly', async () => {
  const model = exampleModel();
  const dir = tempDir();
  try {
    saveTarget(await writeWith(csvMatrixFormat, model), dir.path);
    const script = join(REPO_ROOT, 'examples/python/read_csv_matrix.py');
    let out: string;
    try {
      out = execFileSync('/usr/bin/python3', [script, dir.path, '--dump'], { encoding: 'utf8' });
    } catch (e) {
      if ((e as { code?: string }).code === 'ENOENT')
        assert.fail(`/usr/bin/python3 is missing; ${PEER_HINT}`);
      throw e;
    }
    const lines = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { name: string; dtype: string; shape: number[]; hex: string });
    assert.deepEqual(
      lines.map((l) => l.name),
      model.tensors.map((t) => t.name),
    );
    for (const [k, t] of model.tensors.entries()) {
      assert.deepEqual([lines[k].dtype, lines[k].shape], [t.dtype, [...t.shape]]);
      assert.equal(lines[k].hex, Buffer.from(await readTensorBytes(t)).toString('hex'), t.name);
    }
    const summary = execFileSync('/usr/bin/python3', [script, dir.path], { encoding: 'utf8' });
    assert.equal(summary.trim().split('\n').length, model.tensors.length);
  } finally {
    dir.done();
  }
});

/** Compiles examples/c/read_txt.c with `cc`, failing with the install command when it is missing. */
function compileC(dir: string): string {
  const exe = join(dir, 'read_txt');
  try {
    execFileSync(
      'cc',
      [
        '-std=c99',
        '-Wall',
        '-Wextra',
        '-pedantic',
        '-Werror',
        '-O2',
        '-o',
        exe,
        join(REPO_ROOT, 'examples/c/read_txt.c'),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    if (err.code === 'ENOENT')
      assert.fail('a C compiler `cc` is needed; install it with: apt-get install gcc');
    assert.fail(`read_txt.c does not compile cleanly: ${String(err.stderr)}`);
  }
  return exe;
}

/** The double a decimal token denotes, as C's strtod gives it (NaN for every NaN spelling). */
function asDouble(token: string): number {
  if (token.startsWith('NaN')) return Number.NaN;
  return Number(token);
}

test('examples/c/read_txt.c (C99, stdlib only) reads a TXT export: every value, names, shapes', async () => {
  const model = exampleModel();
  const dir = tempDir();
  try {
    const exe = compileC(dir.path);
    const target = await writeWith(txtFormat, model);
    saveTarget(target, dir.path, 'model.txt');
    const dump = execFileSync(exe, [join(dir.path, 'model.txt'), '--dump'], { encoding: 'utf8' }).split('\n');
    // nnport's own value tokens, tensor by tensor, to compare what C parsed them to.
    const ours = textOf(target.bytes).split('\n');
    let i = 0;
    let j = 1;
    for (const t of model.tensors) {
      assert.equal(dump[i++], 'tensor');
      assert.equal(dump[i++], t.name);
      assert.equal(dump[i++], [t.dtype, t.shape.length, ...t.shape].join(' '));
      while (!ours[j].startsWith('tensor ')) j++;
      j++;
      if (ours[j]?.startsWith('meta ')) j++;
      const count = t.shape.reduce((a, b) => a * b, 1);
      const tokens: string[] = [];
      while (tokens.length < count) tokens.push(...ours[j++].split(' '));
      for (const token of tokens) {
        const printed = dump[i++];
        if (t.dtype.startsWith('float') || t.dtype === 'bfloat16') {
          const want = asDouble(token);
          const got = /nan/i.test(printed)
            ? Number.NaN
            : /inf/i.test(printed)
              ? printed.startsWith('-')
                ? -Infinity
                : Infinity
              : Number(printed);
          assert.ok(Object.is(got, want), `${t.name}: '${token}' read by C as ${printed}`);
        } else {
          assert.equal(BigInt(printed), BigInt(token), `${t.name}: '${token}' read by C as ${printed}`);
        }
      }
    }
    assert.equal(dump[i], '');
    const summary = execFileSync(exe, [join(dir.path, 'model.txt')], { encoding: 'utf8' });
    assert.equal(summary.trim().split('\n').length, model.tensors.length);
  } finally {
    dir.done();
  }
});
