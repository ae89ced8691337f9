/**
 * Corpus: the real scikit-learn pickles and the joblib test file in ../shared/fixtures/sklearn,
 * each listed in sklearn.manifest.json with the tensors (names, dtypes, shapes, SHA-256 of the
 * canonical data), the estimator class and version, chosen parameters and object arrays it must
 * yield. Each must be detected by content through the registry. Skipped with a visible notice
 * when ../shared is absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { JsonValue } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { defaultRegistry } from '../../src/formats/all.js';
import { memoryInput, REPO_ROOT, readPickleBytes, sha256 } from '../pickle/helpers.js';

interface Entry {
  readonly file: string;
  readonly why: string;
  readonly container?: 'pickle' | 'joblib';
  readonly sklearn?: { class: string; version: string };
  readonly params?: Record<string, JsonValue>;
  readonly objects?: Record<string, JsonValue[]>;
  readonly tensors: readonly { name: string; dtype: string; shape: number[]; sha256: string }[];
}

const FIXTURES = join(REPO_ROOT, '..', 'shared', 'fixtures');
const MANIFEST = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test', 'corpus', 'sklearn.manifest.json'), 'utf8'),
) as {
  folder: string;
  files: Entry[];
};

/** The structure's entries for the estimator's state (or a root dict). */
function stateEntries(structure: JsonValue): [JsonValue, JsonValue][] {
  const s = structure as { state?: { $dict: [JsonValue, JsonValue][] }; $dict?: [JsonValue, JsonValue][] };
  return s.state?.$dict ?? s.$dict ?? [];
}

describe('corpus: scikit-learn and joblib pickles', () => {
  for (const entry of MANIFEST.files) {
    it(`${entry.file}: ${entry.why}`, async (t) => {
      if (!existsSync(FIXTURES)) {
        t.skip('../shared/fixtures absent');
        return;
      }
      const bytes = new Uint8Array(readFileSync(join(FIXTURES, MANIFEST.folder, entry.file)));
      const viaRegistry = await defaultRegistry().read(memoryInput(entry.file, bytes));
      assert.equal(viaRegistry.format, 'pickle');
      const m = await readPickleBytes(bytes, entry.file);
      assert.deepEqual(
        m.tensors.map((x) => [x.name, x.dtype, x.shape]),
        entry.tensors.map((x) => [x.name, x.dtype, x.shape]),
      );
      for (const [i, w] of entry.tensors.entries()) {
        assert.equal(sha256(await readTensorBytes(m.tensors[i])), w.sha256, w.name);
      }
      const pickle = m.metadata.pickle as { container: string; structure: JsonValue };
      assert.equal(pickle.container, entry.container ?? 'pickle');
      if (entry.sklearn !== undefined) {
        const sk = m.metadata.sklearn as {
          class: string;
          version: string;
          params: Record<string, JsonValue>;
        };
        assert.equal(sk.class, entry.sklearn.class);
        assert.equal(sk.version, entry.sklearn.version);
        for (const [k, v] of Object.entries(entry.params ?? {}))
          assert.deepEqual(sk.params[k], v, `param ${k}`);
      } else {
        assert.equal(m.metadata.sklearn, undefined);
      }
      const state = stateEntries(pickle.structure);
      for (const [key, items] of Object.entries(entry.objects ?? {})) {
        const found = state.find(([k]) => k === key)?.[1] as { $array?: JsonValue } | undefined;
        assert.deepEqual(found?.$array, items, key);
      }
    });
  }
});
