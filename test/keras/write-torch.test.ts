/**
 * PyTorch → Keras HDF5: state_dicts written by torch, converted by nnport; h5py reads kernels
 * equal to W.T (Linear) and the HWIO permutation (convolutions) by NumPy, renames and the
 * recorded changes; refusals by tensor name; the CLI's exit codes.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { JsonValue } from '../../src/core/model.js';
import { readTensorBytes, type Tensor } from '../../src/core/tensor.js';
import { openModel } from '../../src/node.js';
import { sha256 } from '../assert-errors.js';
import { runPython } from '../npy/helpers.js';
import { CLI, check, dir, readBack, writeFile } from './write-helpers.js';

test('PyTorch state_dict → keras: Linear and convolution kernels transposed (= W.T by NumPy), renames recorded', async () => {
  const pt = join(dir, 'net.pt');
  runPython([
    '-c',
    `
import sys, torch
torch.manual_seed(0)
net = torch.nn.Sequential()
net.add_module('conv', torch.nn.Conv2d(3, 4, (2, 3)))
net.add_module('conv1d', torch.nn.Conv1d(2, 5, 3))
net.add_module('norm', torch.nn.LayerNorm(6))
net.add_module('fc', torch.nn.Linear(6, 7))
net.add_module('embed', torch.nn.Embedding(10, 3))
torch.save(net.state_dict(), sys.argv[1])
`,
    pt,
  ]);
  const model = await openModel(pt);
  const out = await writeFile(model, 'torch.h5');
  const c = check(out, ['/fc/fc/kernel:0', '/conv/conv/kernel:0', '/conv1d/conv1d/kernel:0']);
  assert.deepEqual(
    c.loader.layers.map(([l, ws]) => [l, ws.map((w) => [w[0], w[2]])]),
    [
      [
        'conv',
        [
          ['conv/kernel:0', [2, 3, 3, 4]],
          ['conv/bias:0', [4]],
        ],
      ],
      [
        'conv1d',
        [
          ['conv1d/kernel:0', [3, 2, 5]],
          ['conv1d/bias:0', [5]],
        ],
      ],
      [
        'norm',
        [
          ['norm/gamma:0', [6]],
          ['norm/beta:0', [6]],
        ],
      ],
      [
        'fc',
        [
          ['fc/kernel:0', [6, 7]],
          ['fc/bias:0', [7]],
        ],
      ],
      ['embed', [['embed/embeddings:0', [10, 3]]]],
    ],
  );
  // NumPy: the written kernels equal W.T (Linear) and W.transpose(2, 3, 1, 0) / (2, 1, 0) (conv)
  const verdict = runPython(
    [
      '-c',
      `
import sys, json, torch, numpy as np
sd = torch.load(sys.argv[1])
got = json.loads(sys.stdin.read())
ok = {
  'fc': np.array_equal(np.asarray(got['/fc/fc/kernel:0'], np.float32), sd['fc.weight'].numpy().T),
  'conv': np.array_equal(np.asarray(got['/conv/conv/kernel:0'], np.float32), sd['conv.weight'].numpy().transpose(2, 3, 1, 0)),
  'conv1d': np.array_equal(np.asarray(got['/conv1d/conv1d/kernel:0'], np.float32), sd['conv1d.weight'].numpy().transpose(2, 1, 0)),
}
print(json.dumps(ok))
`,
      pt,
    ],
    JSON.stringify(c.values),
  );
  assert.deepEqual(JSON.parse(verdict), { fc: true, conv: true, conv1d: true });
  // untransposed weights keep their bytes
  const bias = model.tensors.find((t) => t.name === 'fc.bias') as Tensor;
  assert.equal(c.datasets['/fc/fc/bias:0']?.sha256, sha256(await readTensorBytes(bias)));
  const embed = model.tensors.find((t) => t.name === 'embed.weight') as Tensor;
  assert.equal(c.datasets['/embed/embed/embeddings:0']?.sha256, sha256(await readTensorBytes(embed)));

  const recorded = JSON.parse(String(c.attrs['/']?.nnport?.value)) as {
    changes: Record<string, JsonValue>[];
  };
  const transposes = recorded.changes.filter((ch) => ch.change === 'transpose');
  assert.deepEqual(
    transposes.map((ch) => [ch.tensor, ch.to, ch.perm]),
    [
      ['conv.weight', 'conv/kernel', [2, 3, 1, 0]],
      ['conv1d.weight', 'conv1d/kernel', [2, 1, 0]],
      ['fc.weight', 'fc/kernel', [1, 0]],
    ],
  );
  assert.ok(recorded.changes.some((ch) => ch.tensor === 'norm.weight' && ch.to === 'norm/gamma'));

  // and back through nnport: names as Keras names them, transposed shapes
  const back = await readBack(out);
  assert.deepEqual(
    back.tensors.map((t) => [t.name, t.shape]),
    [
      ['conv/kernel', [2, 3, 3, 4]],
      ['conv/bias', [4]],
      ['conv1d/kernel', [3, 2, 5]],
      ['conv1d/bias', [5]],
      ['norm/gamma', [6]],
      ['norm/beta', [6]],
      ['fc/kernel', [6, 7]],
      ['fc/bias', [7]],
      ['embed/embeddings', [10, 3]],
    ],
  );
});

test('PyTorch → Keras → PyTorch: torch.load(weights_only=True) gets the original names, order, dtypes and bits', () => {
  const pt = join(dir, 'rt.pt');
  runPython([
    '-c',
    `
import sys, torch
torch.manual_seed(0)
net = torch.nn.Sequential()
net.add_module('conv', torch.nn.Conv2d(3, 4, 3))
net.add_module('bn', torch.nn.BatchNorm2d(4))
net.add_module('conv3d', torch.nn.Conv3d(4, 2, (1, 2, 3)))
net.add_module('fc', torch.nn.Linear(6, 5))
net.add_module('embed', torch.nn.Embedding(7, 3))
net.bn.running_mean.uniform_(); net.bn.running_var.uniform_(0.5, 2); net.bn.num_batches_tracked.fill_(2**40 + 3)
sd = net.state_dict()
sd['fc.weight'] = sd['fc.weight'].half()
sd['fc.weight'][0, :4] = torch.tensor([float('inf'), -0.0, 6e-8, 65504.0]).half()
torch.save(sd, sys.argv[1])
`,
    pt,
  ]);
  const h5 = join(dir, 'rt.h5');
  const back = join(dir, 'rt-back.pt');
  for (const [from, to] of [
    [pt, h5],
    [h5, back],
  ]) {
    const r = spawnSync(process.execPath, [CLI, 'convert', from as string, to as string, '--force'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
  }
  // Keras sees float32 and no counter; the manifest says what changed
  const c = check(h5);
  assert.deepEqual(
    c.loader.layers
      .map(([l, ws]) => [l, ws.map((w) => [w[0], w[1]])])
      .filter(([l]) => l === 'fc' || l === 'bn'),
    [
      [
        'bn',
        [
          ['bn/gamma:0', '<f4'],
          ['bn/beta:0', '<f4'],
          ['bn/moving_mean:0', '<f4'],
          ['bn/moving_variance:0', '<f4'],
        ],
      ],
      [
        'fc',
        [
          ['fc/kernel:0', '<f4'],
          ['fc/bias:0', '<f4'],
        ],
      ],
    ],
  );
  const same = runPython([
    '-c',
    `
import sys, torch
a = torch.load(sys.argv[1]); b = torch.load(sys.argv[2], weights_only=True)
assert list(a.keys()) == list(b.keys()), (list(a.keys()), list(b.keys()))
for k in a:
    x, y = a[k], b[k]
    assert x.dtype == y.dtype and x.shape == y.shape, (k, x.dtype, y.dtype, x.shape, y.shape)
    assert x.contiguous().view(-1).view(torch.uint8).equal(y.contiguous().view(-1).view(torch.uint8)), k
print(len(a))
`,
    pt,
    back,
  ]);
  assert.equal(same.trim(), '12');
});

test('CLI: nnport convert --to keras writes a file h5py reads; a refusal exits 2 and writes nothing', () => {
  const src = join(dir, 'cli.npy');
  runPython([
    '-c',
    'import sys, numpy as np; np.save(sys.argv[1], np.arange(6, dtype=np.float32).reshape(2, 3))',
    src,
  ]);
  const out = join(dir, 'cli.h5');
  const bad = spawnSync(process.execPath, [CLI, 'convert', src, out, '--to', 'keras'], { encoding: 'utf8' });
  assert.equal(bad.status, 2, bad.stderr);
  assert.ok(!existsSync(out));
  const pt = join(dir, 'cli.pt');
  runPython([
    '-c',
    'import sys, torch; torch.save(torch.nn.Sequential(torch.nn.Linear(3, 2)).state_dict(), sys.argv[1])',
    pt,
  ]);
  const ok = spawnSync(process.execPath, [CLI, 'convert', pt, out, '--to', 'keras'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  const c = check(out);
  assert.deepEqual(c.loader.layers, [
    [
      '0',
      [
        ['0/kernel:0', '<f4', [3, 2]],
        ['0/bias:0', '<f4', [2]],
      ],
    ],
  ]);
});
