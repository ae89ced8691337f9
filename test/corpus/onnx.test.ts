/**
 * Corpus: every ONNX model in ../shared/fixtures/onnx is read; its ir_version, opsets, node ops and
 * initializers (name, dims, SHA-256 of the C-order bytes) must equal onnx.manifest.json, which was
 * produced by onnx.load + onnx.numpy_helper.to_array (/usr/bin/python3, python3-onnx); the test also
 * re-runs that peer live. The .pb TensorProto files beside test_Linear are test data, not models.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { readTensorBytes } from '../../src/core/tensor.js';
import { sha256 } from '../assert-errors.js';
import { fixturesDir, REPO_ROOT, readOnnxFile } from '../onnx/helpers.js';

interface Entry {
  irVersion: number;
  opsets: Record<string, number>;
  nodes: string[];
  initializers: { name: string; dims: number[]; sha256: string }[];
}

const MANIFEST = JSON.parse(
  readFileSync(join(REPO_ROOT, 'test', 'corpus', 'onnx.manifest.json'), 'utf8'),
) as Record<string, Entry>;

const PEER = `
import onnx, hashlib, json, sys
from onnx import numpy_helper
m = onnx.load(sys.argv[1])
print(json.dumps([[t.name, hashlib.sha256(numpy_helper.to_array(t).tobytes(order='C')).hexdigest()] for t in m.graph.initializer]))
`;

test('corpus: every ONNX fixture reads and matches onnx.numpy_helper', async (t) => {
  const dir = fixturesDir();
  if (dir === undefined) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const files = readdirSync(dir).filter((f) => f.endsWith('.onnx'));
  assert.deepEqual(files.sort(), Object.keys(MANIFEST).sort(), 'manifest lists every fixture');
  for (const f of files) {
    const want = MANIFEST[f] as Entry;
    const m = await readOnnxFile(join(dir, f));
    const onnx = m.metadata.onnx as Record<string, unknown>;
    assert.equal(onnx.irVersion, want.irVersion, f);
    assert.deepEqual(m.graph?.opsets, want.opsets, f);
    assert.deepEqual(
      m.graph?.nodes.map((n) => n.op),
      want.nodes,
      f,
    );
    assert.deepEqual(
      m.graph?.initializers,
      want.initializers.map((i) => i.name),
      f,
    );
    let live: [string, string][];
    try {
      live = JSON.parse(execFileSync('/usr/bin/python3', ['-c', PEER, join(dir, f)], { encoding: 'utf8' }));
    } catch (e) {
      assert.fail(`onnx peer failed (apt-get install python3-onnx): ${String(e)}`);
    }
    for (const [i, init] of want.initializers.entries()) {
      const tensor = m.tensors.find((x) => x.name === init.name);
      assert.ok(tensor, `${f}: ${init.name}`);
      assert.deepEqual(tensor.shape, init.dims, `${f}: ${init.name}`);
      const digest = sha256(await readTensorBytes(tensor));
      assert.equal(digest, init.sha256, `${f}: ${init.name}`);
      assert.equal(digest, live[i]?.[1], `${f}: ${init.name} (live peer)`);
    }
  }
});
