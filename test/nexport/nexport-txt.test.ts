/**
 * nexport TXT (src/formats/nexport/write-txt.ts, read-txt.ts): byte-identical to what nexport's
 * `export_to_file` loop writes for a live PyTorch model, read back bit for bit, malformed files
 * refused with coded errors and line:column, any bytes give a model or an NnportError.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { NnportError } from '../../src/core/errors.js';
import { readTensorBytes } from '../../src/core/tensor.js';
import { nexportTxtFormat } from '../../src/formats/nexport/index.js';
import { npzFormat } from '../../src/formats/npz/index.js';
import { floats, memoryInput, mlp, readWith, rejectsWith, runPython, utf8, writeWith } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-nexport-txt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function probe(text: string) {
  const head = utf8(text);
  return { name: 'm.txt', head, size: head.length, isFolder: false };
}

/**
 * A PyTorch model saved as npz, and the text nexport's exporter loop (nexport/pytorch/exporting.py
 * `export_to_file`: even parameters are weights, odd ones biases) writes for it.
 */
const TORCH_TXT = `
import io, sys, numpy as np, torch
torch.manual_seed(1)
dtype = torch.float64 if sys.argv[2] == 'float64' else torch.float32
model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2), torch.nn.ReLU(), torch.nn.Linear(2, 1)).to(dtype)
np.savez(sys.argv[1], **{k: v.detach().numpy() for k, v in model.state_dict().items()})
f = io.StringIO()
for x, y in enumerate(model.parameters()):
    if x % 2 != 1:
        for i, z in enumerate(y):
            f.write("[") if i == 0 else f.write(" ")
            f.write(str([float(w) for w in z]))
            f.write("]") if i == len(y) - 1 else f.write("")
            f.write("\\n")
        f.write("\\n")
    else:
        f.write(str([float(b) for b in y]))
        f.write("\\n\\n\\n")
sys.stdout.write(f.getvalue())
`;

test("float64 PyTorch model: the text is nexport's, byte for byte, and reads back to the same tensors", async () => {
  const npz = join(dir, 'f64.npz');
  const expected = runPython(TORCH_TXT, { args: [npz, 'float64'], modules: ['numpy', 'torch'] });
  // biome-ignore lint/style/noNonNullAssertion: npz reads
  const model = await npzFormat.read!(memoryInput('f64.npz', new Uint8Array(readFileSync(npz))), {});
  const { text } = await writeWith(nexportTxtFormat, model);
  assert.equal(text, expected);
  const back = await readWith(nexportTxtFormat, text, 'f64.txt');
  assert.deepEqual(
    back.tensors.map((t) => [t.name, t.dtype, t.shape]),
    [
      ['layers.0.weight', 'float64', [4, 3]],
      ['layers.0.bias', 'float64', [4]],
      ['layers.1.weight', 'float64', [2, 4]],
      ['layers.1.bias', 'float64', [2]],
      ['layers.2.weight', 'float64', [1, 2]],
      ['layers.2.bias', 'float64', [1]],
    ],
  );
  for (const [i, t] of model.tensors.entries()) {
    assert.deepEqual(await readTensorBytes(back.tensors[i]), await readTensorBytes(t), t.name);
  }
  assert.equal(back.graph, undefined);
});

test('float32 PyTorch model: float32-shortest digits that read back to the same float32 values', async () => {
  const npz = join(dir, 'f32.npz');
  const nexport = runPython(TORCH_TXT, { args: [npz, 'float32'], modules: ['numpy', 'torch'] });
  // biome-ignore lint/style/noNonNullAssertion: npz reads
  const model = await npzFormat.read!(memoryInput('f32.npz', new Uint8Array(readFileSync(npz))), {});
  const { text } = await writeWith(nexportTxtFormat, model);
  assert.ok(text.length < nexport.length, 'shorter than the float64 expansions nexport prints');
  for (const source of [text, nexport]) {
    const back = await readWith(nexportTxtFormat, source, 'f32.txt');
    for (const [i, t] of model.tensors.entries()) {
      const want = new Float32Array((await readTensorBytes(t)).slice().buffer);
      const got = new Float64Array((await readTensorBytes(back.tensors[i])).slice().buffer);
      assert.deepEqual(Float32Array.from(got), want, t.name);
    }
  }
});

test('layout details: one-neuron layers, one-input layers, Python spellings of special values', async () => {
  const model = {
    format: 'memory',
    metadata: {},
    tensors: [
      floats('a.weight', [2, 1], [Number.NaN, 1e-5]),
      floats('a.bias', [2], [Number.POSITIVE_INFINITY, -0]),
      floats('b.weight', [1, 2], [1e16, -Number.POSITIVE_INFINITY]),
      floats('b.bias', [1], [100]),
    ],
  };
  const { text, warnings } = await writeWith(nexportTxtFormat, model, { activation: 'relu' });
  assert.equal(text, '[[nan]\n [1e-05]]\n\n[inf, -0.0]\n\n\n[[1e+16, -inf]]\n\n[100.0]\n\n\n');
  assert.equal(warnings.length, 1, 'the activation option is reported as unused');
  const back = await readWith(nexportTxtFormat, text);
  assert.deepEqual(
    [...new Float64Array((await readTensorBytes(back.tensors[0])).slice().buffer)],
    [Number.NaN, 1e-5],
  );
});

test("NumPy-style rows (blank-separated, as nexport's importer accepts) and CRLF are read", async () => {
  const back = await readWith(nexportTxtFormat, '[[1.  2.5]\r\n [3 -4e-1]]\r\n\r\n[0.5 0.25]\r\n\r\n\r\n');
  assert.deepEqual(
    [...new Float64Array((await readTensorBytes(back.tensors[0])).slice().buffer)],
    [1, 2.5, 3, -0.4],
  );
});

test('detection: a first line opening "[[" with a number; not JSON nested arrays', () => {
  assert.equal(nexportTxtFormat.detect(probe('[[0.1, 0.2]\n [0.3, 0.4]]\n')), 'content');
  assert.equal(nexportTxtFormat.detect(probe('[[-1e-05]]\n\n[1.0]')), 'content');
  assert.equal(nexportTxtFormat.detect(probe('[[1, 2], [3, 4]]')), undefined);
  assert.equal(nexportTxtFormat.detect(probe('nnport-txt 1\n')), undefined);
  assert.equal(nexportTxtFormat.detect(probe('1 2 3\n')), undefined);
});

test('INVALID_STRUCTURE with line and column', async () => {
  const cases: [string, number, number][] = [
    ['[[1, x]]\n\n[1]\n', 1, 6],
    ['[[1, 2]\n [3]]\n\n[1, 2]\n', 2, 1],
    ['[[1, 2]]\n\n[1, 2]\n', 3, 1],
    ['[[1, 2]\n\n [3, 4]]\n', 2, 1],
    ['[1, 2]\n', 1, 1],
    ['[[1, 2]]\n\n[[1]]\n', 3, 1],
    ['[[1, 2]]\n\n[1]\n\n\n[[1], [2]]\n', 6, 3],
    ['[[1, 2]]\n\n[1]\n\n\n[[1, 2, 3]]\n\n[1]\n', 6, 1],
    ['[[]]\n\n[1]\n', 1, 3],
    ['[[1, 2\n', 1, 7],
    ['\n\n', 1, 1],
  ];
  for (const [text, line, column] of cases) {
    await rejectsWith(readWith(nexportTxtFormat, text), 'INVALID_STRUCTURE', { line, column });
  }
});

test('TRUNCATED: the file ends inside a matrix or before its biases', async () => {
  await rejectsWith(readWith(nexportTxtFormat, '[[1, 2]\n [3, 4]\n'), 'TRUNCATED');
  await rejectsWith(readWith(nexportTxtFormat, '[[1, 2]\n [3, 4]]\n\n'), 'TRUNCATED');
});

test('property: any bytes give a model or an NnportError', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }),
        fc
          .array(
            fc.constantFrom('[[', ' [', ']]', ']', '[', '1', '-2.5', 'nan', ', ', ' ', '\n', '\n\n', 'x'),
            { maxLength: 40 },
          )
          .map((parts) => utf8(parts.join(''))),
      ),
      async (bytes) => {
        try {
          await readWith(nexportTxtFormat, bytes);
        } catch (e) {
          assert.ok(e instanceof NnportError, String(e));
        }
      },
    ),
    { numRuns: 500 },
  );
});

test('property: random chains round-trip bit for bit', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 2, maxLength: 5 }),
      fc.integer(),
      async (widths, seed) => {
        const model = mlp(widths, { seed });
        const back = await readWith(nexportTxtFormat, (await writeWith(nexportTxtFormat, model)).text);
        for (const [i, t] of model.tensors.entries()) {
          assert.deepEqual(await readTensorBytes(back.tensors[i]), await readTensorBytes(t));
        }
      },
    ),
    { numRuns: 60 },
  );
});
