/**
 * Interop with live scikit-learn and joblib (Debian's /usr/bin/python3): test/peers/sklearn-write.py
 * fits every supported estimator (linear models, SGD, MLPs, scalers, encoders, a Pipeline) and a
 * dict of NumPy arrays in every layout, and writes each with pickle protocols 0–5 and joblib
 * (uncompressed with alignment padding, zlib, gzip, without padding, protocol 2). nnport must detect
 * each by content and read every array bit for bit under the names the peer predicts, and the estimator's class, version,
 * parameters and MLP output activation. Then `nnport convert model.pkl weights.csv` must write
 * coef_ exactly, read back by nnport's CSV reader and by Python's csv module.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { findTensor } from '../../src/core/model.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { csvFormat } from '../../src/formats/csv/index.js';
import { pickleFormat } from '../../src/formats/pickle/index.js';
import {
  memoryInput,
  PYTHON,
  peerScript,
  REPO_ROOT,
  readPickleBytes,
  runSklearnPython,
  sha256,
} from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-sklearn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface PeerFile {
  key: string;
  file: string;
  kind: 'pickle' | 'joblib';
  class?: string;
  version?: string;
  params?: Record<string, unknown>;
  out_activation?: string;
  tensors: { name: string | null; dtype: string; shape: number[]; sha256: string }[];
}

describe('live scikit-learn and joblib', () => {
  const peer = JSON.parse(runSklearnPython([peerScript('sklearn-write.py'), dir])) as { files: PeerFile[] };

  it('the peer wrote every estimator in every container', () => {
    assert.ok(peer.files.length >= 23 * 11, `${peer.files.length} files`);
  });

  for (const f of peer.files) {
    it(`${f.file}: tensors bit for bit, class and parameters`, async () => {
      const bytes = new Uint8Array(readFileSync(join(dir, f.file)));
      const head = bytes.subarray(0, 4096);
      assert.equal(
        pickleFormat.detect({ name: 'no-extension', head, size: bytes.length, isFolder: false }),
        'content',
      );
      const m = await readPickleBytes(bytes, f.file);
      assert.deepEqual(
        m.tensors.map((t) => [t.name, t.dtype, t.shape]),
        f.tensors.map((t) => [t.name ?? f.file.slice(0, f.file.indexOf('.')), t.dtype, t.shape]),
      );
      for (const [i, t] of f.tensors.entries()) {
        assert.equal(sha256(await readTensorBytes(m.tensors[i])), t.sha256, `${t.name} bytes`);
      }
      const pickle = m.metadata.pickle as Record<string, unknown>;
      assert.equal(pickle.container, f.kind);
      if (f.class === undefined) return;
      const sk = m.metadata.sklearn as Record<string, unknown>;
      assert.equal(sk.class, f.class);
      assert.equal(sk.version, f.version);
      const params = sk.params as Record<string, unknown>;
      for (const [k, v] of Object.entries(f.params ?? {})) assert.deepEqual(params[k], v, `param ${k}`);
      assert.equal(sk.out_activation, f.out_activation);
    });
  }

  it('keeps strings and objects of arrays in the structure', async () => {
    const m = await readPickleBytes(
      new Uint8Array(readFileSync(join(dir, 'arrays.z3.joblib'))),
      'arrays.z3.joblib',
    );
    const s = (m.metadata.pickle as { structure: { $dict: [string, unknown][] } }).structure.$dict;
    const get = (k: string) => s.find(([key]) => key === k)?.[1];
    assert.deepEqual(get('text'), { $array: ['ab', 'cde'], dtype: '<U3', shape: [2] });
    assert.deepEqual(get('objects'), { $array: [1, 'two', null, 2.5], dtype: '|O', shape: [4] });
    const enc = await readPickleBytes(
      new Uint8Array(readFileSync(join(dir, 'labelenc.p4.pkl'))),
      'labelenc.p4.pkl',
    );
    const st = (enc.metadata.pickle as { structure: { state: { $dict: [string, unknown][] } } }).structure
      .state.$dict;
    assert.deepEqual(st.find(([k]) => k === 'classes_')?.[1], {
      $array: ['a', 'b', 'c'],
      dtype: '<U1',
      shape: [3],
    });
  });

  it('nnport convert model.pkl weights.csv writes coef_ exactly', async () => {
    const main = join(REPO_ROOT, 'dist/src/cli/main.js');
    for (const model of ['logreg3.p4.pkl', 'logreg3.z3.joblib']) {
      const csv = join(dir, `${model}.csv`);
      const r = spawnSync(process.execPath, [main, 'convert', join(dir, model), csv], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      const source = await readPickleBytes(new Uint8Array(readFileSync(join(dir, model))), model);
      const want = await readTensorBytes(
        findTensor(source, 'coef_') as NonNullable<ReturnType<typeof findTensor>>,
      );
      // biome-ignore lint/style/noNonNullAssertion: the csv plug-in has a reader
      const back = await csvFormat.read!(memoryInput('w.csv', new Uint8Array(readFileSync(csv))), {});
      const coef = findTensor(back, 'coef_');
      assert.ok(coef !== undefined, 'coef_ is in the CSV');
      assert.deepEqual(coef.shape, [3, 4]);
      assert.deepEqual(await readTensorBytes(coef), want);
      assert.deepEqual(
        (back.metadata.sklearn as Record<string, unknown>).class,
        'sklearn.linear_model._logistic.LogisticRegression',
      );
      // And with nothing but Python's csv module and the estimator itself:
      const check = `
import csv, sys, joblib, numpy as np
est = joblib.load(sys.argv[2])
rows = [r for r in csv.DictReader(l for l in open(sys.argv[1]) if not l.startswith('#')) if r['tensor'] == 'coef_']
got = np.array([float(r['value']) for r in rows]).reshape(est.coef_.shape)
assert np.array_equal(got, est.coef_), (got, est.coef_)
print('ok')`;
      assert.equal(
        execFileSync(PYTHON, ['-c', check, csv, join(dir, model)], { encoding: 'utf8' }).trim(),
        'ok',
      );
    }
  });
});
