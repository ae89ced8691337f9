/**
 * Live PyTorch writes a file of every kind `torch.save` and `torch.jit.save` produce
 * (test/peers/torch-write-kinds.py: zip state_dict, every dtype, views with offsets and strides,
 * tied names, a nested checkpoint with optimizer state, the legacy format, TorchScript, a
 * big-endian archive); nnport reads each and every tensor's bytes equal torch's, bit for bit.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readTensorBytes } from '../../src/core/tensor.js';
import { openModel } from '../../src/node.js';
import { sha256 } from '../assert-errors.js';

const PYTHON = '/usr/bin/python3';
const INSTALL = 'apt-get install -y python3-torch';

interface Expected {
  readonly tensors: { name: string; dtype: string; shape: number[]; sha256: string }[];
  readonly tied: string[][];
  readonly epoch?: number;
  readonly name?: string;
}

let dir = '';
let expected: Record<string, Expected> = {};

before(() => {
  if (!existsSync(PYTHON)) assert.fail(`${PYTHON} is missing: ${INSTALL}`);
  try {
    execFileSync(PYTHON, ['-c', 'import torch'], { stdio: 'pipe' });
  } catch {
    assert.fail(`PyTorch is missing for ${PYTHON}: ${INSTALL}`);
  }
  dir = mkdtempSync(join(tmpdir(), 'nnport-torch-kinds-'));
  const script = join(process.cwd(), 'test/peers/torch-write-kinds.py');
  expected = JSON.parse(execFileSync(PYTHON, [script, dir], { encoding: 'utf8', maxBuffer: 64 << 20 }));
});

after(() => rmSync(dir, { recursive: true, force: true }));

const FILES = [
  'state_dict.pt',
  'dtypes.pt',
  'views.pt',
  'checkpoint.pth',
  'legacy.pt',
  'legacy_state_dict.pt',
  'scripted.pt',
  'big_endian.pt',
];

describe('torch.save / torch.jit.save files read without PyTorch', () => {
  for (const file of FILES) {
    it(`${file}: every tensor bit for bit`, async () => {
      const want = expected[file];
      assert.ok(want, `the peer did not write ${file}`);
      const model = await openModel(join(dir, file));
      assert.equal(model.format, 'pytorch');
      assert.deepEqual(
        model.tensors.map((t) => t.name),
        want.tensors.map((t) => t.name),
      );
      for (const [i, t] of model.tensors.entries()) {
        const w = want.tensors[i];
        assert.ok(w);
        assert.equal(t.dtype, w.dtype, t.name);
        assert.deepEqual(t.shape, w.shape, t.name);
        assert.equal(sha256(await readTensorBytes(t)), w.sha256, `${t.name} bytes`);
      }
      const nnport = model.metadata.nnport as { tied?: string[][] } | undefined;
      assert.deepEqual(nnport?.tied ?? [], want.tied);
      for (const group of want.tied) {
        for (const later of group.slice(1)) {
          assert.equal(model.tensors.find((t) => t.name === later)?.meta?.tiedTo, group[0]);
        }
      }
    });
  }

  it('checkpoint.pth keeps the non-tensor values in the structure', async () => {
    const model = await openModel(join(dir, 'checkpoint.pth'));
    const structure = (model.metadata.pytorch as { structure: { $dict: [unknown, unknown][] } }).structure;
    const top = new Map(structure.$dict.map(([k, v]) => [k, v]));
    assert.equal(top.get('epoch'), 7);
    assert.equal(top.get('name'), 'run-1');
    assert.deepEqual(top.get('loss'), { $float: 0.125 });
    assert.deepEqual(top.get('big'), { $int: String(2n ** 70n) });
    assert.deepEqual(top.get('flags'), { $tuple: [true, null] });
    assert.deepEqual(top.get('history'), [{ $tensor: 'history.0' }, { $tensor: 'history.1' }]);
  });

  it('scripted.pt shows its TorchScript code as text', async () => {
    const model = await openModel(join(dir, 'scripted.pt'));
    const ts = model.metadata.torchscript as { code: Record<string, string> };
    const code = Object.values(ts.code).join('\n');
    assert.match(code, /def forward/);
  });
});
