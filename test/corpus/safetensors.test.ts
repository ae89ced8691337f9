/**
 * Corpus: the real safetensors files in ../shared/fixtures, each listed in
 * safetensors.manifest.json with the tensors (names, dtypes, shapes, SHA-256 of the data, first
 * values) and metadata it must yield. Skipped with a visible notice when ../shared is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { viewAs } from '../../src/core/dtype.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { safetensorsFormat } from '../../src/formats/safetensors/index.js';
import { readBytes, sha256, writeBytes } from '../safetensors/helpers.js';

interface Entry {
  readonly path: string;
  readonly size: number;
  readonly origin: string;
  readonly metadata: Record<string, string>;
  readonly rewriteIdentical: boolean;
  readonly tensors: readonly {
    name: string;
    dtype: string;
    shape: number[];
    sha256: string;
    first: number[];
  }[];
}

/** The repository root: dist/test/corpus/ → ../../../ (tests run from dist). */
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = join(ROOT, '..', 'shared', 'fixtures');
const MANIFEST = JSON.parse(
  readFileSync(join(ROOT, 'test', 'corpus', 'safetensors.manifest.json'), 'utf8'),
) as {
  files: Entry[];
};

describe('corpus: safetensors', () => {
  for (const entry of MANIFEST.files) {
    it(entry.path, async (t) => {
      const file = join(FIXTURES, entry.path);
      if (!existsSync(FIXTURES)) {
        t.skip('../shared/fixtures absent');
        return;
      }
      const bytes = new Uint8Array(readFileSync(file));
      assert.equal(bytes.length, entry.size);
      const name = entry.path.split('/').pop() ?? entry.path;
      assert.equal(
        safetensorsFormat.detect({
          name,
          head: bytes.subarray(0, 4096),
          size: bytes.length,
          isFolder: false,
        }),
        'content',
      );

      const m = await readBytes(bytes, {}, name);
      assert.deepEqual(m.metadata, entry.metadata);
      assert.deepEqual(
        m.tensors.map((x) => [x.name, x.dtype, x.shape]),
        entry.tensors.map((x) => [x.name, x.dtype, x.shape]),
      );
      for (const [i, tensor] of m.tensors.entries()) {
        const want = entry.tensors[i];
        const data = await readTensorBytes(tensor);
        assert.equal(sha256(data), want.sha256, tensor.name);
        const values = [...viewAs(tensor.dtype, data).subarray(0, want.first.length)].map(Number);
        if (tensor.dtype === 'float16') {
          // Raw binary16 bits: compare decoded values.
          assert.deepEqual(values.map(halfToNumber), want.first, tensor.name);
        } else {
          assert.deepEqual(values, want.first, tensor.name);
        }
      }

      const again = await writeBytes(m);
      if (entry.rewriteIdentical) {
        assert.deepEqual(
          again,
          bytes,
          'written by the reference writer: nnport writes it back byte for byte',
        );
      }
      const back = await readBytes(again);
      assert.deepEqual(back.metadata, entry.metadata);
      for (const tensor of back.tensors) {
        const want = entry.tensors.find((x) => x.name === tensor.name);
        assert.equal(sha256(await readTensorBytes(tensor)), want?.sha256, tensor.name);
      }
    });
  }
});

/** IEEE binary16 bits → number (for the first-values check only). */
function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
