/**
 * Every model of the shared ONNX corpus (../shared/fixtures/onnx) read by nnport and written back
 * passes onnx.checker, keeps its initializers bit for bit, and writing it twice gives the same bytes.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { onnxFormat } from '../../src/formats/onnx/index.js';
import { openInput } from '../../src/node/file-source.js';
import { fixturesDir } from './helpers.js';
import { onnxCheck, tempDir, tensorSha, writeFile, writeMemory } from './write-helpers.js';

const dir = tempDir();

/** Whether onnx's full check passes on an original (through onnx-check.py, which never rewrites it). */
function fullCheckPasses(path: string): boolean {
  try {
    onnxCheck(path, true);
    return true;
  } catch {
    return false;
  }
}
after(() => rmSync(dir, { recursive: true, force: true }));

it('the ONNX corpus: read, written back, checked', async (t) => {
  const folder = fixturesDir();
  if (folder === undefined || !existsSync(folder)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const read = onnxFormat.read as NonNullable<typeof onnxFormat.read>;
  const files = readdirSync(folder).filter((f) => f.endsWith('.onnx'));
  assert.ok(files.length > 0);
  for (const f of files) {
    const model = await read(await openInput(join(folder, f)), {});
    // onnx 1.12's full check cannot shape-infer some originals (ZipMap): check those without it.
    const full = fullCheckPasses(join(folder, f));
    const report = onnxCheck(await writeFile(model, dir, f), full);
    for (const i of report.initializers) {
      const tensor = model.tensors.find((x) => x.name === i.name);
      if (tensor !== undefined) assert.equal(i.sha256, await tensorSha(tensor), `${f}: ${i.name}`);
    }
    assert.deepEqual((await writeMemory(model)).bytes, (await writeMemory(model)).bytes, f);
  }
});
