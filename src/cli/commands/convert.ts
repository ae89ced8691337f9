/**
 * `nnport convert IN [OUT]`: reads a model in any format and writes it in another. The output is
 * written to a temporary path and renamed into place only when complete; an existing output is
 * never replaced without --force.
 */
import { type Stats, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { NnportError } from '../../core/errors.js';
import type { FormatPlugin } from '../../core/format.js';
import type { Model } from '../../core/model.js';
import { withKerasConfig } from '../../formats/keras/export-hook.js';
import { createTextPool, type TextPool } from '../../node/text-pool.js';
import { chooseWriter, defaultOutput, openModel, saveModel } from '../../node.js';
import { parse, positionals } from '../args.js';
import { applyLayout, checkGraphPolicy } from '../graph-policy.js';
import { readerOptions } from '../inputs.js';
import { humanBytes, Progress, plural, printJson } from '../output.js';
import { nnportVersion } from '../version.js';

/** Help text. */
export const CONVERT_HELP = `usage: nnport convert IN [OUT] [--to FORMAT] [--from FORMAT] [--layout L] [--force] [--json]
                      [--opset N] [--external-data auto|all|none]
                      [--input NAME=D1,D2,...] [--arrays PATH|none] [--partial]

Reads IN (format detected from its content) and writes OUT. The output format comes
from --to, else from OUT's extension. Without OUT, the output is IN's name with the
target format's extension. Nothing is written unless the whole conversion succeeds.

options:
  --to FORMAT          output format id (see 'nnport formats'): json, csv, csv-matrix, txt, npz, npy,
                       safetensors, pytorch, fiats, nexport-json, nexport-txt, onnx, mxnet,
                       mxnet-params, keras, tfjs
  --from FORMAT        read IN as FORMAT instead of detecting it
  --layout L           CSV layout: long (one value a row, the default) or matrix (a folder, one 2-D CSV a tensor);
                       graph formats: nchw (channels-last image inputs and outputs of a Keras or TF.js
                       graph taken and given channels-first, Transposes folded away) or nhwc (kept
                       as the source has them, the default); either way recorded in the output's
                       metadata (nnport.changes), see docs/layout.md
  --force              overwrite OUT if it exists
  --threads N          worker threads for text formats (default: one per core; 0 = none)
  --shard-bytes SIZE   safetensors only: write a sharded set (OUT is a folder with
                       model-0000i-of-0000N.safetensors and model.safetensors.index.json);
                       SIZE in bytes or with a unit: 500MB, 5GB, 2GiB
  --activation NAME    fiats, nexport-json: the activation every layer applies when the
                       model does not say (fiats knows gelu, relu, sigmoid, step, swish)
  --opset N            onnx: the default-domain opset version to write (default: the
                       source's, else 17)
  --external-data M    onnx: auto (default: tensors go to OUT.data only when the file would
                       pass protobuf's 2 GiB limit), all (every initializer of 1 KiB or more
                       goes to OUT.data) or none (refuse a model over 2 GiB)
  --input NAME=D1,...  a graph input's shape, for graph formats whose translation needs it
                       (MXNet: Reshape codes, Crop, RNN input sizes); repeatable
  --arrays PATH|none   MXNet: the .params file to use instead of the one found beside
                       X-symbol.json (the Wolfram Language's ArrayPath); none = the graph alone
  --partial            write nodes the target cannot express as they are (custom domain)
                       instead of stopping with the list of them
  --json               print a JSON summary on stdout

examples:
  nnport convert model.safetensors model.json
  nnport convert weights.npz --to csv
  nnport convert weights.npz weights-csv --to csv --layout matrix
  nnport convert model.json model.safetensors --force
  nnport convert big.safetensors big-sharded --to safetensors --shard-bytes 2GB
  nnport convert checkpoint.pth weights.safetensors
  nnport convert model.pkl weights.csv
  nnport convert model.pt model.json --to fiats --activation relu
  nnport convert model.safetensors model.onnx --external-data all
  nnport convert net-symbol.json net.onnx --input data=1,3,224,224
  nnport convert cnn.h5 cnn.onnx --layout nchw`;

/** Writers that format text and gain from worker threads. */
const TEXT_FORMATS = new Set(['json', 'csv', 'csv-matrix', 'txt']);

/**
 * Graph nodes kept in a source format's own domain (an MXNet op with no canonical equivalent is
 * a node of domain `mxnet`) that a writer of another format cannot express: `op (node)`, all of
 * them, so the user sees the whole list before anything is written (DESIGN §3).
 */
function foreignNodes(model: Model, writer: FormatPlugin): string[] {
  const formatIds = new Set(['mxnet', 'keras', 'tfjs']);
  return (model.graph?.nodes ?? [])
    .filter((n) => n.domain !== undefined && formatIds.has(n.domain) && n.domain !== writer.id)
    .map((n) => `${n.op} (${n.name})`);
}

/**
 * True when the conversion will probably use the pool: a text output, or a text-looking input (or
 * a folder: a CSV matrix), with enough data. A guess that only decides whether the worker threads
 * start early; a wrong guess costs a thread start-up, never correctness.
 */
function likelyParallel(input: string, writer: FormatPlugin): boolean {
  let info: Stats;
  try {
    info = statSync(input);
  } catch {
    return false; // opening the input will report it
  }
  if (info.isDirectory()) return true;
  return info.size >= POOL_MIN_BYTES && (TEXT_FORMATS.has(writer.id) || /\.(json|csv|txt)$/i.test(input));
}

/** Below this many bytes of tensor data, starting worker threads costs more than it saves. */
const POOL_MIN_BYTES = 4 << 20;

function pickWriter(
  out: string | undefined,
  to: string | undefined,
  layout: string | undefined,
): FormatPlugin {
  let id = to;
  if (layout !== undefined && layout !== 'nchw' && layout !== 'nhwc') {
    if (layout !== 'long' && layout !== 'matrix')
      throw new NnportError(
        'USAGE',
        `--layout is long or matrix (CSV) or nchw or nhwc (graph formats), not '${layout}'`,
      );
    if (id === undefined && out === undefined) id = 'csv';
    if (id === 'csv' && layout === 'matrix') id = 'csv-matrix';
  }
  if (id === undefined && out === undefined) throw new NnportError('USAGE', 'give OUT or --to FORMAT');
  return chooseWriter(out ?? '', id);
}

/** What of `model` besides its tensors the writer cannot keep, for a note (nothing is dropped silently). */
function droppedBy(model: Model, writer: FormatPlugin): string[] {
  const out: string[] = [];
  const carried = writer.keeps?.metadataKeys ?? [];
  const keys = Object.keys(model.metadata).filter((k) => !carried.includes(k));
  if (keys.length > 0 && writer.keeps?.metadata !== true) out.push(`model metadata (${keys.join(', ')})`);
  // A graph the writer carries as its own config (Keras's model_config) is not lost.
  const carriesGraph = writer.keeps?.graph === true || (writer.keeps?.graphFrom ?? []).includes(model.format);
  if (model.graph !== undefined && !carriesGraph) out.push(`the graph (${model.graph.nodes.length} nodes)`);
  return out;
}

/**
 * Tied tensors (two names, one storage) are kept sharing by formats that can say so (PyTorch);
 * every other writer stores each name's copy, which the user should know (issue #3).
 */
function tiedNotes(model: Model, writer: FormatPlugin): string[] {
  if (writer.id === 'pytorch') return [];
  const tied = (model.metadata.nnport as { tied?: unknown } | undefined)?.tied;
  if (!Array.isArray(tied)) return [];
  return tied
    .filter((g): g is string[] => Array.isArray(g) && g.every((n) => typeof n === 'string'))
    .map(
      (g) =>
        `${g.slice(1).join(', ')} ${g.length === 2 ? 'is' : 'are'} tied to ${g[0]} (one storage); ${writer.id} stores a copy under each name`,
    );
}

const UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
};

/** Parses `5GB`, `500MiB` or `1000000` into bytes (USAGE error otherwise). */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text.trim());
  const unit = UNITS[(m?.[2] ?? '').toLowerCase() || 'b'];
  const bytes = m === null || unit === undefined ? Number.NaN : Math.floor(Number(m[1]) * unit);
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw new NnportError('USAGE', `--shard-bytes needs a size such as 2GB or 500MiB, not '${text}'`);
  }
  return bytes;
}

/** The ONNX writer's options from `--opset` and `--external-data` (USAGE for other formats or bad values). */
function onnxOptions(
  writer: FormatPlugin,
  opset: string | undefined,
  external: string | undefined,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (opset === undefined && external === undefined) return out;
  if (writer.id !== 'onnx') {
    throw new NnportError('USAGE', `${opset === undefined ? '--external-data' : '--opset'} needs --to onnx`);
  }
  if (opset !== undefined) {
    const n = Number(opset);
    if (!/^\d+$/.test(opset) || n < 1)
      throw new NnportError('USAGE', `--opset needs a version number, not '${opset}'`);
    out.opset = n;
  }
  if (external !== undefined) {
    if (external !== 'auto' && external !== 'all' && external !== 'none') {
      throw new NnportError('USAGE', `--external-data is auto, all or none, not '${external}'`);
    }
    out.externalData = external;
  }
  return out;
}

/** Runs `convert`. */
export async function convert(argv: string[]): Promise<number> {
  const { values, positionals: pos } = parse(argv, {
    to: { type: 'string' },
    from: { type: 'string' },
    layout: { type: 'string' },
    force: { type: 'boolean' },
    threads: { type: 'string' },
    'shard-bytes': { type: 'string' },
    activation: { type: 'string' },
    opset: { type: 'string' },
    'external-data': { type: 'string' },
    input: { type: 'string', multiple: true },
    arrays: { type: 'string' },
    partial: { type: 'boolean' },
  });
  const [input, given] = positionals(pos, 1, 2, 'nnport convert IN [OUT] [--to FORMAT]') as [
    string,
    string | undefined,
  ];
  const to = values.to ?? (values['shard-bytes'] === undefined ? undefined : 'safetensors');
  let writer = pickWriter(given, to, values.layout);
  if (given !== undefined && values.to === undefined && values.layout === 'matrix' && writer.id === 'csv') {
    writer = chooseWriter(given, 'csv-matrix');
  }
  // Formats that name their converter (TF.js convertedBy) say which nnport wrote them
  const writerOptions: Record<string, unknown> = { version: nnportVersion() };
  if (values['shard-bytes'] !== undefined) {
    if (writer.id !== 'safetensors') throw new NnportError('USAGE', '--shard-bytes needs --to safetensors');
    if (given === undefined) throw new NnportError('USAGE', '--shard-bytes needs OUT, the folder to write');
    writerOptions.shardBytes = parseSize(values['shard-bytes']);
  }
  if (values.activation !== undefined) writerOptions.activation = values.activation;
  Object.assign(writerOptions, onnxOptions(writer, values.opset, values['external-data']));
  const out = given ?? defaultOutput(input, writer);
  if (resolve(out) === resolve(input)) throw new NnportError('USAGE', `output ${out} is the input`);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 0)) {
    throw new NnportError('USAGE', `--threads needs a whole number, not '${values.threads}'`);
  }
  // The pool starts its threads on first use: only text formats with enough data use it.
  const pool = threads === 0 ? undefined : createTextPool(threads);
  // Text on either side will use the pool: start its threads while the model is being opened.
  if (pool !== undefined && likelyParallel(input, writer)) pool.start();
  try {
    return await run(input, out, writer, values, pool, writerOptions);
  } finally {
    await pool?.close();
  }
}

async function run(
  input: string,
  out: string,
  writer: FormatPlugin,
  values: {
    from?: string | undefined;
    force?: boolean | undefined;
    json?: boolean | undefined;
    input?: string[] | undefined;
    arrays?: string | undefined;
    partial?: boolean | undefined;
    layout?: string | undefined;
  },
  pool: TextPool | undefined,
  writerOptions: Record<string, unknown>,
): Promise<number> {
  const shared = await readerOptions(values);
  const reader = pool === undefined ? shared : { ...shared, parallel: pool };
  const opened = await openModel(
    input,
    values.from === undefined ? { reader } : { from: values.from, reader },
  );
  const graphNote = checkGraphPolicy(opened, writer, input);
  if (graphNote !== undefined) process.stderr.write(`nnport: note: ${graphNote}\n`);
  const laid = applyLayout(opened, writer, values.layout, input);
  // Keras and TF.js write a graph from elsewhere as their own config (or warn, weights only)
  const model =
    writer.id === 'keras' || writer.id === 'tfjs'
      ? await withKerasConfig(
          laid,
          { onWarning: (m) => process.stderr.write(`nnport: warning: ${m}\n`) },
          writer.id,
        )
      : laid;
  const foreign = foreignNodes(model, writer);
  if (foreign.length > 0 && values.partial !== true) {
    throw new NnportError(
      'UNSUPPORTED_OP',
      `${foreign.length} node${foreign.length === 1 ? '' : 's'} with no ${writer.id} equivalent: ${foreign.join(', ')} (--partial writes them as they are)`,
      { file: input },
    );
  }
  if (writer.id === 'onnx' && model.format !== 'onnx') {
    // onnx.checker requires a shape on every graph input; an ONNX source keeps what it had.
    const shapeless = (model.graph?.inputs ?? []).filter(
      (v) => v.shape === undefined && v.type === undefined,
    );
    if (shapeless.length > 0) {
      const names = shapeless.map((v) => v.name);
      throw new NnportError(
        'USAGE',
        `ONNX needs the shape of graph input${names.length === 1 ? '' : 's'} ${names.join(', ')}, which ${input} does not give: add ${names.map((n) => `--input ${n}=D1,D2,...`).join(' ')}`,
        { file: input },
      );
    }
  }
  const total = model.tensors.reduce((s, t) => s + t.data.byteLength, 0);
  const dropped = droppedBy(model, writer);
  for (const what of dropped)
    process.stderr.write(`nnport: note: ${writer.id} cannot hold ${what}; it is not written\n`);
  for (const note of tiedNotes(model, writer)) process.stderr.write(`nnport: note: ${note}\n`);
  const progress = new Progress(`writing ${out}`);
  try {
    await saveModel(model, out, {
      ...writerOptions,
      to: writer.id,
      force: values.force ?? false,
      ...(pool === undefined || total < POOL_MIN_BYTES || !TEXT_FORMATS.has(writer.id)
        ? {}
        : { parallel: pool }),
      onProgress: (done: number, all: number) => progress.update(done, all),
      onWarning: (message: string) => {
        progress.done();
        process.stderr.write(`nnport: warning: ${message}\n`);
      },
    });
  } finally {
    progress.done();
  }
  const summary = {
    input,
    output: out,
    from: model.format,
    to: writer.id,
    tensors: model.tensors.length,
    bytes: total,
    dropped,
  };
  if (values.json) printJson(summary);
  else
    process.stderr.write(
      `wrote ${out} (${writer.id}, ${plural(model.tensors.length, 'tensor')}, ${humanBytes(total)} of tensor data)\n`,
    );
  return 0;
}
