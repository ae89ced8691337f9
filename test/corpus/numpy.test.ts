/**
 * Corpus: the real NumPy files in ../shared/fixtures/numpy, each listed in numpy.manifest.json
 * with the tensors (names, dtypes, shapes, SHA-256 of the canonical data) or the error code it
 * must yield. Readable files also go through an npz write → read round trip. Skipped with a
 * visible notice when ../shared is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Probe } from '../../src/core/format.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { npyFormat } from '../../src/formats/npy/index.js';
import { npzFormat } from '../../src/formats/npz/index.js';
import { REPO_ROOT, readNpyBytes, readNpzBytes, rejectsWith, sha256, writeNpzBytes } from '../npy/helpers.js';

interface Entry {
  readonly file: string;
  readonly format: 'npy' | 'npz';
  readonly why: string;
  readonly error?: 'UNSUPPORTED_DTYPE';
  readonly tensors?: readonly { name: string; dtype: string; shape: number[]; sha256: string }[];
}

const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures');
const MANIFEST = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test', 'corpus', 'numpy.manifest.json'), 'utf8'),
) as {
  folder: string;
  files: Entry[];
};

describe('corpus: numpy', () => {
  for (const entry of MANIFEST.files) {
    it(`${entry.file}: ${entry.why}`, async (t) => {
      if (!existsSync(FIXTURES)) {
        t.skip('../shared/fixtures absent');
        return;
      }
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, MANIFEST.folder, entry.file)));
      const probe: Probe = {
        name: entry.file,
        head: bytes.subarray(0, 4096),
        size: bytes.length,
        isFolder: false,
      };
      assert.equal(npyFormat.detect(probe), entry.format === 'npy' ? 'content' : undefined);
      assert.equal(npzFormat.detect(probe), entry.format === 'npz' ? 'content' : undefined);
      const read = () =>
        entry.format === 'npy' ? readNpyBytes(bytes, entry.file) : readNpzBytes(bytes, entry.file);
      if (entry.error !== undefined) {
        await rejectsWith(read(), entry.error);
        return;
      }
      const model = await read();
      const want = entry.tensors ?? [];
      assert.deepEqual(
        model.tensors.map((x) => [x.name, x.dtype, x.shape]),
        want.map((x) => [x.name, x.dtype, x.shape]),
      );
      for (const [i, w] of want.entries()) {
        assert.equal(sha256(await readTensorBytes(model.tensors[i])), w.sha256, w.name);
      }
      const again = await readNpzBytes(await writeNpzBytes(model, { compress: true }));
      for (const [i, w] of want.entries()) {
        assert.equal(
          sha256(await readTensorBytes(again.tensors[i])),
          w.sha256,
          `${w.name} after npz round trip`,
        );
      }
    });
  }
});
