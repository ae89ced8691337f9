/**
 * Corpus: the real PyTorch files in ../shared/fixtures/pytorch, each listed in
 * pytorch.manifest.json with the tensors torch itself loads from it (names, dtypes, shapes,
 * SHA-256 of the C-order bytes). Each must be detected by content, read without PyTorch, and
 * scanned as safe. Skipped with a visible notice when ../shared is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { scanSource } from '../../src/analysis/scan.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { pytorchFormat } from '../../src/formats/pytorch/index.js';
import { BytesSource } from '../../src/io/byte-source.js';
import { openModel } from '../../src/node.js';
import { sha256 } from '../assert-errors.js';

interface Entry {
  readonly file: string;
  readonly why: string;
  readonly tensors: readonly { name: string; dtype: string; shape: number[]; sha256: string }[];
}

const FIXTURES = join(process.cwd(), '..', 'shared', 'fixtures');
const MANIFEST = JSON.parse(
  readFileSync(join(process.cwd(), 'test', 'corpus', 'pytorch.manifest.json'), 'utf8'),
) as {
  folder: string;
  files: Entry[];
};

describe('corpus: pytorch', () => {
  for (const entry of MANIFEST.files) {
    it(`${entry.file}: ${entry.why}`, async (t) => {
      if (!existsSync(FIXTURES)) {
        t.skip('../shared/fixtures absent');
        return;
      }
      const path = join(FIXTURES, MANIFEST.folder, entry.file);
      const bytes = new Uint8Array(readFileSync(path));
      const probe = { name: entry.file, head: bytes.subarray(0, 4096), size: bytes.length, isFolder: false };
      assert.equal(pytorchFormat.detect(probe), 'content');
      const model = await openModel(path);
      assert.equal(model.format, 'pytorch');
      assert.deepEqual(
        model.tensors.map((x) => [x.name, x.dtype, x.shape]),
        entry.tensors.map((x) => [x.name, x.dtype, x.shape]),
      );
      for (const [i, w] of entry.tensors.entries()) {
        assert.equal(sha256(await readTensorBytes(model.tensors[i])), w.sha256, w.name);
      }
      const report = await scanSource(new BytesSource(bytes, entry.file));
      assert.equal(report.unsafe, false);
      assert.equal(report.error, undefined);
    });
  }
});
