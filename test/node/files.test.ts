import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isNnportError } from '../../src/core/errors.js';
import { FileSource, openInput, resolveInside } from '../../src/node/file-source.js';
import { checkWritable, FileTarget } from '../../src/node/file-target.js';

async function codeOf(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    return isNnportError(e) ? e.code : `not coded: ${String(e)}`;
  }
  return undefined;
}

test('file source reads by position and reports TRUNCATED past the end', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nnport-'));
  const path = join(dir, 'a.bin');
  await writeFile(path, new Uint8Array([0, 1, 2, 3, 4, 5, 6, 7]));
  const src = await FileSource.open(path);
  assert.equal(src.size, 8);
  assert.deepEqual([...(await src.read(5, 3))], [5, 6, 7]);
  assert.equal(await codeOf(src.read(6, 3)), 'TRUNCATED');
  await src.close();
  assert.equal(await codeOf(FileSource.open(join(dir, 'missing'))), 'MISSING_FILE');
});

test('sibling paths stay inside the model folder: no .., no absolute paths, no symlinks out', async () => {
  const root = await mkdtemp(join(tmpdir(), 'nnport-'));
  const model = join(root, 'model');
  await mkdir(model);
  await writeFile(join(model, 'net.json'), '{}');
  await writeFile(join(model, 'data.bin'), 'x');
  await writeFile(join(root, 'secret.txt'), 'secret');
  await symlink(join(root, 'secret.txt'), join(model, 'link.bin'));
  await symlink(join(model, 'data.bin'), join(model, 'inner-link.bin'));
  const input = await openInput(join(model, 'net.json'));
  assert.equal((await input.sibling('data.bin'))?.size, 1);
  assert.equal((await input.sibling('inner-link.bin'))?.size, 1);
  assert.equal(await input.sibling('absent.bin'), undefined);
  for (const bad of [
    '../secret.txt',
    '/etc/passwd',
    'a/../../secret.txt',
    'C:\\x',
    'link.bin',
    '..\\secret.txt',
  ]) {
    assert.equal(await codeOf(input.sibling(bad)), 'UNSAFE_PATH', bad);
  }
  assert.equal(await codeOf(resolveInside(model, '', 'x')), 'UNSAFE_PATH');
});

test('file target: nothing visible until commit, nothing left after abort, existing output kept without force', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nnport-'));
  const out = join(dir, 'out.bin');
  const t = new FileTarget(out, false);
  const sink = await t.create();
  await sink.write(new Uint8Array([1, 2, 3]));
  await sink.close();
  assert.deepEqual(await readdir(dir).then((l) => l.filter((n) => n === 'out.bin')), []);
  await t.commit();
  assert.deepEqual([...(await readFile(out))], [1, 2, 3]);

  assert.equal(await codeOf(checkWritable(out, false)), 'OUTPUT_EXISTS');
  const again = new FileTarget(out, false);
  const s2 = await again.create();
  await s2.write(new Uint8Array([9]));
  await s2.close();
  assert.equal(await codeOf(again.commit()), 'OUTPUT_EXISTS');
  await again.abort();
  assert.deepEqual([...(await readFile(out))], [1, 2, 3]);
  assert.deepEqual(await readdir(dir), ['out.bin']);

  const forced = new FileTarget(out, true);
  const s3 = await forced.create();
  await s3.write(new Uint8Array([7]));
  await s3.close();
  await forced.commit();
  assert.deepEqual([...(await readFile(out))], [7]);
});

test('folder target: members appear together on commit and replace an old folder only with force', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'nnport-'));
  const out = join(dir, 'set');
  const t = new FileTarget(out, false);
  for (const name of ['a.csv', 'sub/b.csv']) {
    const s = await t.create(name);
    await s.write(new TextEncoder().encode(name));
    await s.close();
  }
  assert.equal(await codeOf(t.create('../escape.csv')), 'UNSAFE_PATH');
  await t.commit();
  assert.equal(await readFile(join(out, 'sub', 'b.csv'), 'utf8'), 'sub/b.csv');
  const f = new FileTarget(out, true);
  const s = await f.create('c.csv');
  await s.close();
  await f.commit();
  assert.deepEqual(await readdir(out), ['c.csv']);
  assert.deepEqual(await readdir(dir), ['set']);
});
