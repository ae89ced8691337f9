/**
 * Malicious pickles, written with Python's own pickle module and joblib by
 * test/peers/sklearn-evil.py: os.system / posix.system, builtins.eval and exec, subprocess,
 * pickle.loads of an inner payload, getattr, REDUCE nested in REDUCE, a payload deep inside a
 * fitted estimator (plain, joblib and zlib-compressed joblib), inside a joblib object array,
 * STACK_GLOBAL with memo-fetched and computed names, a memo slot overwritten, INST, OBJ, EXT1,
 * a dangerous BUILD state, NumPy's runstring and `_reconstruct` of a function. Each must be refused
 * with UNSAFE — through the plug-in and through the CLI — and the marker file each payload would
 * create must never exist. One payload is first run by Python itself, to prove the payloads work.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { PYTHON, peerScript, REPO_ROOT, readPickleBytes, rejectsWith, runSklearnPython } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-evil-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const marker = join(dir, 'MARKER');

describe('malicious pickles', () => {
  const files = JSON.parse(runSklearnPython([peerScript('sklearn-evil.py'), dir, marker])) as {
    file: string;
    why: string;
  }[];

  it('the payloads are real: Python itself runs one and creates the marker', () => {
    const control = join(dir, 'CANARY'); // as long as 'MARKER', so length prefixes stay right
    const script = `import pickle,sys; data=open(sys.argv[1],'rb').read().replace(sys.argv[2].encode(), sys.argv[3].encode()); pickle.loads(data)`;
    execFileSync(PYTHON, ['-c', script, join(dir, 'os_system.p2.pkl'), marker, control]);
    assert.ok(existsSync(control), 'Python ran the payload');
    rmSync(control);
  });

  for (const { file, why } of files) {
    it(`${file}: ${why} → UNSAFE, nothing run`, async () => {
      const bytes = new Uint8Array(readFileSync(join(dir, file)));
      await rejectsWith(readPickleBytes(bytes, file), 'UNSAFE');
      assert.ok(!existsSync(marker), 'the marker file must not exist');
    });
  }

  it('the CLI refuses them with exit status 2 and runs nothing', () => {
    const main = join(REPO_ROOT, 'dist/src/cli/main.js');
    for (const { file } of files) {
      const r = spawnSync(process.execPath, [main, 'inspect', join(dir, file)], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${file}: ${r.stderr}`);
      assert.match(r.stderr, /not on nnport's allow-list|not a string|extension|UNSAFE|unsafe/i, file);
      assert.ok(!existsSync(marker), 'the marker file must not exist');
    }
  });
});
