/**
 * Writes nexport TXT as `nexport.export(model, filetype="txt")` does (nexport/pytorch/exporting.py
 * `export_to_file`): per layer, each neuron's weights as Python's `str(list)` on its own line —
 * `[` before the first row and ` ` before the others, `]` after the last — a blank line, the
 * biases as one list, then two blank lines. Numbers are Python `repr`s (`nan`, `inf`), so the
 * file is byte-identical to nexport's for a float64 model. The layout holds no activation and no
 * metadata; an `activation` option is reported as unused.
 */
import { findDenseLayers } from '../../analysis/dense-layers.js';
import { itemSize } from '../../core/dtype.js';
import type { WriteOptions } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { BufferedWriter } from '../../io/writer.js';
import { biasWriter, rowChunks, TextOut } from './emit.js';
import { chainBytes, reportIgnored } from './plan.js';

/** Writes `model` as nexport TXT through `target`. */
export async function writeNexportTxt(
  model: Model,
  target: WriteTarget,
  options: WriteOptions,
): Promise<void> {
  const chain = findDenseLayers(model);
  reportIgnored(chain, options);
  if (options.activation !== undefined) {
    options.onWarning?.('nexport TXT holds no activation: --activation is not written');
  }
  const out = new TextOut(new BufferedWriter(await target.create()), options, chainBytes(chain));
  for (const layer of chain.layers) {
    const n = layer.inputs;
    const last = layer.outputs - 1;
    for await (const chunk of rowChunks(layer, 'repr')) {
      for (let r = 0; r < chunk.count; r++) {
        const neuron = chunk.first + r;
        await out.text(neuron === 0 ? '[[' : ' [');
        await out.values(chunk.write, r * n, (r + 1) * n, ', ');
        await out.text(neuron === last ? ']]\n' : ']\n');
      }
      out.progress(chunk.count * n * itemSize(layer.weight.dtype));
    }
    await out.text('\n[');
    await out.values(await biasWriter(layer, 'repr'), 0, layer.outputs, ', ');
    await out.text(']\n\n\n');
    out.progress(layer.bias.data.byteLength);
  }
  await out.close();
}
