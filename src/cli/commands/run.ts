/**
 * `nnport run MODEL --input NAME=FILE.npy ...`: runs a model's graph with nnport's reference
 * executor (src/exec) on inputs saved by NumPy and writes every graph output to one .npz
 * (issue #5 item 3). Everything that can be checked is checked before anything runs — ops
 * without a kernel (all of them listed), missing or unknown inputs, a .npy of the wrong dtype or
 * shape, an existing output — so a bad call exits 2 quickly and writes nothing.
 */
import { type TensorStats, tensorStats } from '../../analysis/stats.js';
import type { DType } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { ValueInfo } from '../../core/graph.js';
import type { Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import { planGraph, runGraph } from '../../exec/executor.js';
import type { ExecTensor } from '../../exec/kernel.js';
import { execDTypeOf, fromModelTensor, toModelTensor } from '../../exec/tensors.js';
import { checkWritable, chooseWriter, openModel, saveModel, stemOf } from '../../node.js';
import { parse, positionals } from '../args.js';
import { feedableInputs, matchInputArgs, shapeText } from '../inputs.js';
import { plural, printJson, table } from '../output.js';

/** Help text. */
export const RUN_HELP = `usage: nnport run MODEL --input NAME=FILE.npy ... [--output OUT.npz] [--force] [--json]

Runs the model's graph on the CPU with nnport's reference executor and writes every
graph output to OUT.npz (default: MODEL's name + .outputs.npz; np.load reads it).
Prints each output's name, dtype, shape, min, max and mean.

Each graph input is a NumPy .npy file (np.save) whose dtype and shape must match the
graph's declaration; symbolic dims (batch) take any size, the same one everywhere.
A float16 .npy for a float32 input is converted, with a note. For a graph with one
input, NAME= may be left out. Nothing runs and nothing is written when an op has no
kernel (all such ops are listed with their nodes), an input is missing or unknown,
or a .npy does not match.

options:
  --input NAME=FILE.npy  a graph input (repeat for each input)
  --output OUT.npz       where the outputs go (any format nnport writes, by extension)
  --force                replace an existing output
  --json                 one JSON document on stdout, for scripts
  --from FORMAT          read MODEL as FORMAT instead of detecting it

examples:
  nnport run model.onnx --input x.npy
  nnport run model.onnx --input image=cat.npy --input mask=mask.npy --output y.npz
  nnport run model.onnx --input x=x.npy --json | jq '.outputs[0].max'`;

/**
 * Checks a .npy's dtype against the graph input's. Equal dtypes pass; dtypes the executor
 * computes in the same type (float16 or bfloat16 for float32, both run as float32) pass with
 * a note; anything else is USAGE with the NumPy call that fixes it.
 */
function checkDtype(input: ValueInfo, t: Tensor, file: string, notes: string[]): void {
  const have = execDTypeOf(t.dtype);
  if (have === undefined) {
    throw new NnportError(
      'UNSUPPORTED_DTYPE',
      `input '${input.name}': the executor does not compute in ${t.dtype}`,
      {
        file,
        at: { tensor: input.name },
      },
    );
  }
  const want: DType | undefined = input.dtype;
  if (want === undefined || want === t.dtype) return;
  if (execDTypeOf(want) === have) {
    notes.push(`input '${input.name}': ${file} is ${t.dtype}, converted to ${have} for the ${want} input`);
    return;
  }
  throw new NnportError(
    'USAGE',
    `input '${input.name}' is ${t.dtype}, the graph declares ${want} (save it with np.save(path, a.astype('${want}')))`,
    { file, at: { tensor: input.name } },
  );
}

/**
 * Checks a .npy's shape against the graph input's: same rank, fixed dims equal, and every
 * symbolic dim bound to one size across all inputs (`symbols` collects the bindings).
 */
function checkShape(
  input: ValueInfo,
  shape: readonly number[],
  file: string,
  symbols: Map<string, { size: number; input: string }>,
): void {
  const decl = input.shape;
  if (decl === undefined) return;
  const bad = (why: string): never => {
    throw new NnportError(
      'USAGE',
      `input '${input.name}' has shape ${shapeText(shape)}, the graph declares ${shapeText(decl)}${why}`,
      { file, at: { tensor: input.name } },
    );
  };
  if (decl.length !== shape.length) bad('');
  decl.forEach((d, i) => {
    const n = shape[i] as number;
    if (typeof d === 'number' && d !== n) bad('');
    if (typeof d !== 'string') return;
    const bound = symbols.get(d);
    if (bound === undefined) symbols.set(d, { size: n, input: input.name });
    else if (bound.size !== n) bad(` (${d} is ${bound.size} in input '${bound.input}')`);
  });
}

/** Reads every `--input` .npy, checked against its graph input; all inputs to feed must be given. */
async function readInputs(
  model: Model,
  args: readonly string[],
  notes: string[],
): Promise<{ inputs: Record<string, ExecTensor>; files: { name: string; file: string; tensor: Tensor }[] }> {
  const matched = matchInputArgs(model, args);
  const given = new Set(matched.map((m) => m.input.name));
  const missing = feedableInputs(model).filter((v) => !given.has(v.name));
  if (missing.length > 0) {
    const list = missing
      .map((v) => `${v.name} ${v.dtype ?? '?'}${v.shape ? shapeText(v.shape) : ''}`)
      .join(', ');
    throw new NnportError('USAGE', `missing --input for ${plural(missing.length, 'graph input')}: ${list}`, {
      at: { tensor: (missing[0] as ValueInfo).name },
    });
  }
  const symbols = new Map<string, { size: number; input: string }>();
  const files: { name: string; file: string; tensor: Tensor }[] = [];
  // Headers first (the npy reader is lazy), so every mismatch is found before any data is read.
  for (const { input, arg } of matched) {
    const npy = await openModel(arg.value, { from: 'npy' });
    const t = npy.tensors[0] as Tensor;
    checkDtype(input, t, arg.value, notes);
    checkShape(input, t.shape, arg.value, symbols);
    files.push({ name: input.name, file: arg.value, tensor: t });
  }
  const inputs: Record<string, ExecTensor> = {};
  for (const f of files) inputs[f.name] = await fromModelTensor(f.tensor);
  return { inputs, files };
}

/** `y (2 NaN, 1 Inf)`: min, max and mean are over the finite values only. */
function nonFinite(name: string, nan: number, inf: number): string {
  const parts = [nan > 0 ? `${nan} NaN` : '', inf > 0 ? `${inf} Inf` : ''].filter((p) => p !== '');
  return parts.length === 0 ? name : `${name} (${parts.join(', ')})`;
}

function fmt(x: number | null): string {
  if (x === null) return '-';
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

/** Runs `run`. */
export async function run(argv: string[]): Promise<number> {
  const { values, positionals: pos } = parse(argv, {
    input: { type: 'string', multiple: true },
    output: { type: 'string', short: 'o' },
    force: { type: 'boolean' },
    from: { type: 'string' },
  });
  const [path] = positionals(
    pos,
    1,
    1,
    'nnport run MODEL --input NAME=FILE.npy ... [--output OUT.npz] [--force] [--json]',
  ) as [string];
  const model = await openModel(path, values.from === undefined ? {} : { from: values.from });
  const graph = model.graph;
  if (graph === undefined) {
    throw new NnportError('USAGE', `${path} has no graph to run (${model.format} holds weights only)`, {
      file: path,
    });
  }
  planGraph(graph);
  const out = values.output ?? `${stemOf(path)}.outputs.npz`;
  const force = values.force ?? false;
  chooseWriter(out, undefined);
  await checkWritable(out, force);
  const notes: string[] = [];
  const { inputs, files } = await readInputs(model, values.input ?? [], notes);
  for (const n of notes) process.stderr.write(`nnport: note: ${n}\n`);

  const results = await runGraph(model, inputs);
  const tensors = graph.outputs.map((o) => toModelTensor(o.name, results[o.name] as ExecTensor));
  await saveModel({ format: 'memory', metadata: {}, tensors }, out, { force });

  const stats: TensorStats[] = [];
  for (const t of tensors) stats.push(await tensorStats(t));
  const rows = tensors.map((t, i) => {
    const s = stats[i] as TensorStats;
    return {
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      min: s.min,
      max: s.max,
      mean: s.mean,
      nan: s.nan,
      inf: s.inf,
    };
  });
  if (values.json) {
    printJson({
      model: path,
      output: out,
      inputs: files.map((f) => ({
        name: f.name,
        file: f.file,
        dtype: f.tensor.dtype,
        shape: f.tensor.shape,
      })),
      outputs: rows,
      notes,
    });
    return 0;
  }
  const lines = [
    `${path}: ran ${plural(graph.nodes.length, 'node')} on ${plural(files.length, 'input')}; ${plural(tensors.length, 'output')} written to ${out}`,
    '',
    table(
      ['output', 'dtype', 'shape', 'min', 'max', 'mean'],
      rows.map((r) => [
        nonFinite(r.name, r.nan, r.inf),
        r.dtype,
        `[${r.shape.join(', ')}]`,
        fmt(r.min),
        fmt(r.max),
        fmt(r.mean),
      ]),
      [false, false, false, true, true, true],
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
