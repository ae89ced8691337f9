/**
 * External data written by the onnx package itself: torch.onnx.export of an MLP and a CNN, saved
 * again with `onnx.save_model(save_as_external_data=True)` into one file and into one file per
 * tensor (small size_threshold, so every initializer moves out). nnport reads each: every
 * initializer equals what `onnx.numpy_helper.to_array` gives (after `onnx.load` resolves the
 * external data), and nnport's own output runs in onnxruntime-node with the original's outputs.
 * Bad input through the CLI: a missing external file and an escaping location exit 2 and
 * leave no output.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as ort from 'onnxruntime-node';
import { openModel } from '../../src/node.js';
import { onnxCheck, PYTHON, requireOnnx, tempDir, tensorSha, writeFile } from './write-helpers.js';

const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

const EXPORT = `
import hashlib, json, os, sys, shutil
import numpy as np, onnx, torch
from onnx import numpy_helper
torch.manual_seed(0)
out = sys.argv[1]
mlp = torch.nn.Sequential(torch.nn.Linear(6, 32), torch.nn.ReLU(), torch.nn.Linear(32, 4)).eval()
cnn = torch.nn.Sequential(torch.nn.Conv2d(3, 8, 3, padding=1), torch.nn.BatchNorm2d(8), torch.nn.ReLU(),
                          torch.nn.MaxPool2d(2), torch.nn.Flatten(), torch.nn.Linear(8 * 4 * 4, 5)).eval()
report = {}
for name, model, shape in (('mlp', mlp, (2, 6)), ('cnn', cnn, (1, 3, 8, 8))):
    plain = os.path.join(out, name + '.onnx')
    torch.onnx.export(model, torch.randn(*shape), plain, input_names=['x'], output_names=['y'], opset_version=13)
    for layout, one in (('one', True), ('many', False)):
        folder = os.path.join(out, name + '-' + layout)
        os.makedirs(folder)
        m = onnx.load(plain)
        onnx.save_model(m, os.path.join(folder, 'model.onnx'), save_as_external_data=True,
                        all_tensors_to_one_file=one, location=(name + '.data') if one else None, size_threshold=0)
        loaded = onnx.load(os.path.join(folder, 'model.onnx'))
        report[name + '-' + layout] = {
            'files': sorted(os.listdir(folder)),
            'initializers': [{'name': t.name, 'sha256': hashlib.sha256(np.ascontiguousarray(numpy_helper.to_array(t)).tobytes()).hexdigest()}
                             for t in loaded.graph.initializer],
            'shape': list(shape),
        }
print(json.dumps(report))
`;

async function outputs(path: string, shape: readonly number[]): Promise<number[]> {
  const n = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n).map((_, i) => Math.sin(i * 0.37));
  const session = await ort.InferenceSession.create(path);
  const r = await session.run({ x: new ort.Tensor('float32', x, [...shape]) });
  await session.release();
  return Array.from((r.y as ort.Tensor).data as Float32Array);
}

describe('onnx: external data written by the onnx package', () => {
  it('one file and one file per tensor: read bit for bit, written again, same outputs in onnxruntime', async () => {
    requireOnnx();
    const report = JSON.parse(
      execFileSync(PYTHON, ['-c', EXPORT, dir], { encoding: 'utf8', maxBuffer: 64 << 20 }),
    ) as Record<
      string,
      { files: string[]; initializers: { name: string; sha256: string }[]; shape: number[] }
    >;
    assert.equal(Object.keys(report).length, 4);
    for (const [key, want] of Object.entries(report)) {
      assert.ok(
        want.files.length >= 2,
        `${key}: onnx wrote its tensors outside the model (${want.files.join(', ')})`,
      );
      const model = await openModel(join(dir, key, 'model.onnx'));
      assert.deepEqual(
        want.initializers.map((i) => i.name),
        model.graph?.initializers,
        key,
      );
      for (const w of want.initializers) {
        const t = model.tensors.find((x) => x.name === w.name);
        assert.ok(t, `${key}: ${w.name}`);
        assert.equal(await tensorSha(t), w.sha256, `${key}: ${w.name}`);
      }
      const again = await writeFile(model, dir, `${key}.nnport.onnx`);
      onnxCheck(again);
      const name = key.split('-')[0] as string;
      assert.deepEqual(
        await outputs(again, want.shape),
        await outputs(join(dir, `${name}.onnx`), want.shape),
        key,
      );
    }
  });

  it('a missing external file and an escaping location: exit 2, one error line, nothing written', () => {
    requireOnnx();
    execFileSync(
      PYTHON,
      [
        '-c',
        `
import sys, os, onnx
from onnx import helper, TensorProto
d = sys.argv[1]
def model(location):
    t = TensorProto(); t.name = 'w'; t.data_type = TensorProto.FLOAT; t.dims.extend([2])
    t.data_location = TensorProto.EXTERNAL
    e = t.external_data.add(); e.key = 'location'; e.value = location
    g = helper.make_graph([helper.make_node('Identity', ['w'], ['y'])], 'g', [], [helper.make_tensor_value_info('y', TensorProto.FLOAT, [2])], [t])
    return helper.make_model(g)
onnx.save_model(model('gone.bin'), os.path.join(d, 'missing.onnx'))
onnx.save_model(model('../../etc/passwd'), os.path.join(d, 'escape.onnx'))
`,
        dir,
      ],
      { stdio: 'pipe' },
    );
    const cli = join(process.cwd(), 'dist/src/cli/main.js');
    for (const [file, why] of [
      ['missing.onnx', /gone\.bin/],
      ['escape.onnx', /\.\.\/\.\.\/etc\/passwd/],
    ] as const) {
      const out = join(dir, `${file}.json`);
      const r = spawnSync(process.execPath, [cli, 'convert', join(dir, file), out], { encoding: 'utf8' });
      assert.equal(r.status, 2, `${file}: ${r.stderr}`);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`${file}: onnx: `));
      assert.ok(!existsSync(out), `${file}: an output was written`);
      assert.ok(!readdirSync(dir).some((f) => f.startsWith(`${file}.json`)), 'no temporary file left');
      assert.match(r.stderr, why);
    }
  });
});
