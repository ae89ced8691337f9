/**
 * Corpus: the real Fiats network files in ../shared/fixtures/fiats, each listed in
 * fiats.manifest.json with its tag line, activation and tensors (names, dtypes, shapes, SHA-256 of
 * the float64 data Python's json module reads). Each is detected by content, read through the
 * registry, and written back as Fiats — which must give the 0.15.0 file byte for byte. Skipped
 * with a visible notice when ../shared is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readModel } from '../../src/api.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { fiatsFormat } from '../../src/formats/fiats/index.js';
import { FIXTURES, memoryInput, REPO_ROOT, sha256, writeWith } from '../nexport/helpers.js';

interface Entry {
  readonly file: string;
  readonly why: string;
  readonly tag: [string, string];
  readonly activation: string;
  readonly tensors: readonly { name: string; dtype: string; shape: number[]; sha256: string }[];
}

const MANIFEST = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test', 'corpus', 'fiats.manifest.json'), 'utf8'),
) as {
  folder: string;
  rewritten: string;
  files: Entry[];
};

describe('corpus: fiats', () => {
  for (const entry of MANIFEST.files) {
    it(`${entry.file}: ${entry.why}`, async (t) => {
      if (!existsSync(FIXTURES)) {
        t.skip('../shared/fixtures absent');
        return;
      }
      const folder = join(FIXTURES, MANIFEST.folder);
      const bytes = new Uint8Array(readFileSync(join(folder, entry.file)));
      const model = await readModel(memoryInput('model_trunk.json', bytes));
      assert.equal(model.format, 'fiats');
      const section = model.metadata.fiats as Record<string, unknown>;
      assert.equal(section[entry.tag[0]], entry.tag[1]);
      assert.equal(section.activation, entry.activation);
      assert.deepEqual(
        model.tensors.map((x) => [x.name, x.dtype, x.shape]),
        entry.tensors.map((x) => [x.name, x.dtype, x.shape]),
      );
      for (const [i, want] of entry.tensors.entries()) {
        assert.equal(sha256(await readTensorBytes(model.tensors[i])), want.sha256, want.name);
      }
      const { text } = await writeWith(fiatsFormat, model);
      assert.equal(text, readFileSync(join(folder, MANIFEST.rewritten), 'utf8'));
    });
  }
});
