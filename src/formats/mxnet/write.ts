/**
 * The MXNet writer (`--to mxnet`): a model with a graph becomes the pair MXNet 1.x Module
 * checkpoints consist of, `<prefix>-symbol.json` (the main output) and `<prefix>-0000.params`
 * beside it, which `mx.model.load_checkpoint(prefix, 0)` and `gluon.SymbolBlock.imports` load.
 * The graph conversion is src/ops/mxnet/export.ts; the symbol text export-json.ts; the parameters
 * params-write.ts (`arg:`/`aux:` names, V2 records). See docs/formats/mxnet.md "Writing MXNet".
 */
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { BufferedWriter } from '../../io/writer.js';
import { exportMxnet } from '../../ops/mxnet/export.js';
import { symbolJsonText } from '../../ops/mxnet/export-json.js';
import { writeParamsRecords } from './params-write.js';

/** The suffix MXNet gives symbol files (`Module.save_checkpoint`, `HybridBlock.export`). */
export const SYMBOL_SUFFIX = '-symbol.json';

/** Reads the `epoch` option (the number in the params file name; default 0). */
function epochOf(options: WriteOptions): number {
  const raw = options.epoch ?? 0;
  const e = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : raw;
  if (typeof e !== 'number' || !Number.isSafeInteger(e) || e < 0 || e > 9999) {
    throw new NnportError('USAGE', `epoch must be a whole number from 0 to 9999, not '${String(e)}'`, {
      format: 'mxnet',
    });
  }
  return e;
}

/**
 * The parameters file beside a symbol file: `net-symbol.json` → `net-0000.params` (MXNet's
 * `'%s-%04d.params' % (prefix, epoch)`); a main name without the `-symbol.json` suffix keeps its
 * whole name (less a `.json`) as the prefix: `net` → `net-0000.params`.
 */
export function paramsFileName(outputName: string, epoch = 0): string {
  const base = outputName.split(/[/\\]/).pop() ?? outputName;
  let prefix = base;
  if (base.toLowerCase().endsWith(SYMBOL_SUFFIX)) prefix = base.slice(0, -SYMBOL_SUFFIX.length);
  else if (base.toLowerCase().endsWith('.json')) prefix = base.slice(0, -'.json'.length);
  return `${prefix}-${String(epoch).padStart(4, '0')}.params`;
}

/**
 * Writes `model` as an MXNet symbol (to the target's file) and its parameters (a sibling file).
 * Throws UNREPRESENTABLE for a model without a graph (write `--to mxnet-params`), for a target
 * that cannot hold a sibling file and for what MXNet cannot express; UNSUPPORTED_OP listing every
 * node it has no MXNet op for.
 */
export async function writeMxnet(model: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  if (model.graph === undefined) {
    throw new NnportError(
      'UNREPRESENTABLE',
      'the model has no graph, so there is no MXNet symbol to write; write its tensors with --to mxnet-params',
      { format: 'mxnet' },
    );
  }
  if (target.createSibling === undefined) {
    throw new NnportError(
      'UNREPRESENTABLE',
      'this output cannot hold the .params file beside the symbol file',
      {
        format: 'mxnet',
      },
    );
  }
  const epoch = epochOf(options);
  const { symbol, params } = await exportMxnet(model, options);
  const text = symbolJsonText(symbol);
  await writeParamsRecords(await target.createSibling(paramsFileName(target.name, epoch)), params, options);
  const w = new BufferedWriter(await target.create());
  await w.text(text);
  await w.close();
}
