/**
 * Live PyTorch: MLPs built in torch (an nn.Sequential and a model whose dense layers have module
 * names that do not alternate with anything, with a parameter-free ReLU between them), saved as
 * npz state_dicts, converted by nnport to nexport JSON (both layouts), nexport TXT and Fiats, and
 * checked by a Python forward pass written from each file alone against torch's own outputs:
 * 1e-12 for float64 models, 1e-6 for float32.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fiatsFormat } from '../../src/formats/fiats/index.js';
import { nexportJsonFormat, nexportTxtFormat } from '../../src/formats/nexport/index.js';
import { npzFormat } from '../../src/formats/npz/index.js';
import { memoryInput, runPython, writeWith } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'nnport-nexport-torch-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Builds a model, saves its state_dict (npz), inputs and torch's outputs (npy). argv: kind dtype prefix. */
const BUILD = `
import sys, collections, numpy as np, torch
kind, dtype, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
torch.manual_seed(0)
dt = torch.float64 if dtype == 'float64' else torch.float32
if kind == 'sequential':
    model = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 6), torch.nn.ReLU(), torch.nn.Linear(6, 3))
else:
    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = torch.nn.Sequential(collections.OrderedDict(fc1=torch.nn.Linear(5, 8), act=torch.nn.ReLU(), fc2=torch.nn.Linear(8, 6)))
            self.act = torch.nn.ReLU()
            self.decoder = torch.nn.Module()
            self.decoder.out = torch.nn.Linear(6, 3)
        def forward(self, x):
            return self.decoder.out(self.act(self.encoder(x)))
    model = Net()
model = model.to(dt).eval()
x = torch.randn(7, 5, dtype=dt)
with torch.no_grad():
    y = model(x)
np.savez(prefix + '.npz', **{k: v.numpy() for k, v in model.state_dict().items()})
np.save(prefix + '.x.npy', x.numpy().astype(np.float64))
np.save(prefix + '.y.npy', y.numpy().astype(np.float64))
print(list(model.state_dict().keys()))
`;

/**
 * Reads one exported file (argv: file kind prefix tolerance activate_output) and runs the network
 * it describes in float64: weights · a + bias, relu after every hidden layer and, for Fiats,
 * after the output layer too. Prints the largest difference from torch.
 */
const CHECK = `
import sys, json, numpy as np
path, kind, prefix, act_out = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == 'yes'
text = open(path).read()
if kind == 'txt':
    layers = []
    for block in text.split('\\n\\n\\n'):
        if not block.strip():
            continue
        matrix, bias = block.split('\\n\\n')
        W = eval(matrix.replace(']\\n [', '], ['), {'nan': float('nan'), 'inf': float('inf')})
        layers.append((np.array(W), np.array(eval(bias))))
else:
    d = json.loads(text)
    layers = [(np.array([n['weights'] for n in L]), np.array([n['bias'] for n in L])) for L in d['hidden_layers'] + [d['output_layer']]]
    if kind == 'fiats':
        assert d['metadata']['activationFunction'] == 'relu'
        for key in ('inputs_map', 'outputs_map'):
            assert all(v == 0.0 for v in d[key]['intercept']) and all(v == 1.0 for v in d[key]['slope'])
x = np.load(prefix + '.x.npy')
y = np.load(prefix + '.y.npy')
a = x.T
for i, (W, b) in enumerate(layers):
    a = W @ a + b[:, None]
    if i < len(layers) - 1 or act_out:
        a = np.maximum(a, 0.0)
want = np.maximum(y, 0.0) if act_out else y
print(float(np.max(np.abs(a.T - want))))
`;

for (const kind of ['sequential', 'named']) {
  for (const dtype of ['float64', 'float32']) {
    test(`${kind} ${dtype} model: every export runs like torch`, async () => {
      const prefix = join(dir, `${kind}-${dtype}`);
      const keys = runPython(BUILD, { args: [kind, dtype, prefix], modules: ['numpy', 'torch'] });
      if (kind === 'named') {
        assert.match(
          keys,
          /'encoder\.fc1\.weight', 'encoder\.fc1\.bias', 'encoder\.fc2\.weight', 'encoder\.fc2\.bias', 'decoder\.out\.weight'/,
        );
      }
      // biome-ignore lint/style/noNonNullAssertion: npz reads
      const model = await npzFormat.read!(
        memoryInput('m.npz', new Uint8Array(readFileSync(`${prefix}.npz`))),
        {},
      );
      const tolerance = dtype === 'float64' ? 1e-12 : 1e-6;
      const exports: [string, string, Promise<{ text: string; warnings: string[] }>, boolean][] = [
        ['json', 'nexport-json', writeWith(nexportJsonFormat, model, { activation: 'relu' }), false],
        [
          'json',
          'nexport-json-exp',
          writeWith(nexportJsonFormat, model, { activation: 'relu', layout: 'json_exp' }),
          false,
        ],
        ['txt', 'nexport-txt', writeWith(nexportTxtFormat, model), false],
        ['fiats', 'fiats', writeWith(fiatsFormat, model, { activation: 'relu' }), true],
      ];
      for (const [check, name, written, activateOutput] of exports) {
        const { text } = await written;
        const file = `${prefix}.${name}`;
        writeFileSync(file, text);
        const diff = Number(runPython(CHECK, { args: [file, check, prefix, activateOutput ? 'yes' : 'no'] }));
        assert.ok(diff <= tolerance, `${name}: largest difference ${diff} > ${tolerance}`);
      }
    });
  }
}
