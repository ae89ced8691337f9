/**
 * `nnport inspect` on ONNX models from the corpus: the op-kind line, the not-executable list
 * (text and --json) and --shapes. Skipped with a notice when ../shared/fixtures is absent.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { test } from 'node:test';

const FIXTURES = resolve(process.cwd(), '../shared/fixtures/onnx');
const CLI = resolve(process.cwd(), 'dist/src/cli/main.js');

function inspect(...args: string[]): { code: number | null; stdout: string } {
  const r = spawnSync(process.execPath, [CLI, 'inspect', ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout };
}

test('inspect lists op kinds, non-executable ops and inferred shapes', (t) => {
  if (!existsSync(FIXTURES)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  const squeeze = resolve(FIXTURES, 'light_squeezenet.onnx');
  const plain = inspect(squeeze);
  assert.equal(plain.code, 0);
  assert.match(plain.stdout, /^ops: 8 kinds$/m);
  assert.doesNotMatch(plain.stdout, /inferred shapes/);
  const shapes = inspect(squeeze, '--shapes');
  assert.match(shapes.stdout, /^softmaxout_1 +float32 +\[1, 1000, 1, 1\]$/m);
  const json = JSON.parse(inspect(squeeze, '--json', '--shapes').stdout) as {
    opKinds: number;
    notExecutable: unknown[];
    shapes: { name: string; dtype: string | null; shape: unknown }[];
  };
  assert.equal(json.opKinds, 8);
  assert.deepEqual(json.notExecutable, []);
  assert.deepEqual(
    json.shapes.find((s) => s.name === 'softmaxout_1'),
    { name: 'softmaxout_1', dtype: 'float32', shape: [1, 1000, 1, 1] },
  );

  const ml = resolve(FIXTURES, 'skl2onnx_LogisticRegressionBinary.model.onnx');
  const text = inspect(ml).stdout;
  assert.match(text, /^ops: 3 kinds; not executable: ai\.onnx\.ml:LinearClassifier \(/m);
  const mj = JSON.parse(inspect(ml, '--json').stdout) as {
    notExecutable: { op: string; domain: string; nodes: string[] }[];
  };
  assert.deepEqual(
    mj.notExecutable.map((g) => [g.domain, g.op, g.nodes.length]),
    [
      ['ai.onnx.ml', 'LinearClassifier', 1],
      ['ai.onnx.ml', 'Normalizer', 1],
      ['ai.onnx.ml', 'ZipMap', 1],
    ],
  );
});
