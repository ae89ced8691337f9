/**
 * `nnport inspect MODEL`: what is in a model — its format, metadata, graph size and a table of
 * tensors (name, dtype, shape, parameters, bytes) with totals; `--stats` adds per-tensor statistics.
 */
import { resolveElement } from '../../analysis/elements/names.js';
import { inferredValues } from '../../analysis/elements/shapes.js';
import { type TensorStats, tensorStats } from '../../analysis/stats.js';
import { NnportError } from '../../core/errors.js';
import type { Graph, ValueInfo } from '../../core/graph.js';
import type { JsonValue, Model } from '../../core/model.js';
import { elementCount } from '../../core/tensor.js';
import { openModel } from '../../node.js';
import { isExecutableOp, opsetOf } from '../../ops/index.js';
import { parse, positionals } from '../args.js';
import { matchInputArgs, parseDims, readerOptions } from '../inputs.js';
import { groupDigits, humanBytes, plural, printJson, table } from '../output.js';
import { ELEMENT_HELP, printElement } from './inspect-element.js';

/** Help text. */
export const INSPECT_HELP = `usage: nnport inspect MODEL [--json] [--stats] [--shapes] [--input NAME=D1,D2,...] [--from FORMAT]
       nnport inspect MODEL --element E [--json] [--input NAME=D1,D2,...] [--from FORMAT]

Shows a model's format, metadata, graph size and every tensor: name, dtype, shape,
parameter count and bytes, with totals. Reads only headers unless --stats is given.
For a model with a graph, also the number of op kinds and the nodes nnport cannot
execute (ops outside its ONNX op set, grouped by op).

options:
  --stats          per-tensor min, max, mean, std, zeros, NaN and Inf counts (reads all data)
  --shapes         the inferred dtype and shape of every graph value (graph inputs, node outputs)
  --input NAME=D1,D2,...
                   a graph input's shape where the file does not say (repeatable; implies
                   --shapes); a dim is a size, a symbolic name, or -1 or ? for unknown;
                   NAME= may be left out for a graph with one input
${ELEMENT_HELP}
  --arrays PATH|none
                   MXNet: the .params file to use instead of the one found beside the
                   symbol (the Wolfram Language's ArrayPath); none = the graph alone
  --json           one JSON document on stdout, for scripts
  --from FORMAT    read as FORMAT instead of detecting it

examples:
  nnport inspect model.safetensors
  nnport inspect weights.npz --stats
  nnport inspect model.onnx --shapes --input data=1,3,224,224
  nnport inspect net-symbol.json --element NodeGraphPlot > net.svg
  nnport inspect model.json --json | jq '.totals'`;

/**
 * TorchScript archives carry their model's code: shown as text (DESIGN §5: never run), so a
 * reader sees what the file would execute under PyTorch.
 */
function codeSection(metadata: Readonly<Record<string, JsonValue>>): string[] {
  const ts = metadata.torchscript;
  if (ts === null || typeof ts !== 'object' || Array.isArray(ts)) return [];
  const code = (ts as Record<string, JsonValue>).code;
  if (code === null || typeof code !== 'object' || Array.isArray(code)) return [];
  const out = ['', 'TorchScript code (shown as text, never run):'];
  for (const [path, text] of Object.entries(code)) {
    out.push(
      `--- ${path}`,
      ...String(text)
        .replace(/\n$/, '')
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  return out;
}

/**
 * Keras Lambda layers carry Python code (Keras 2: base64 of the marshalled code object; Keras 3
 * the same inside `{class_name: '__lambda__'}`): shown whole as text, never unmarshalled or run,
 * so a reader sees what loading the file in Keras would execute (issue #7).
 */
function lambdaSection(metadata: Readonly<Record<string, JsonValue>>): string[] {
  const out: string[] = [];
  for (const section of ['keras', 'tfjs']) {
    const m = metadata[section];
    if (m === null || typeof m !== 'object' || Array.isArray(m)) continue;
    const lambdas = (m as Record<string, JsonValue>).lambdas;
    if (lambdas === null || typeof lambdas !== 'object' || Array.isArray(lambdas)) continue;
    for (const [name, code] of Object.entries(lambdas)) {
      if (out.length === 0) out.push('', 'Lambda layers (serialized Python code, shown as text, never run):');
      const text = String(code);
      out.push(`--- ${name}`);
      // one-line base64 is wrapped at 76 columns; source text keeps its own lines
      const lines = text.includes('\n')
        ? text.replace(/\n$/, '').split('\n')
        : (text.match(/.{1,76}/g) ?? ['']);
      out.push(...lines.map((l) => `  ${l}`));
    }
  }
  return out;
}

function fmt(x: number | null): string {
  if (x === null) return '-';
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

/** The nodes of one op nnport does not execute. */
interface NotExecutable {
  op: string;
  domain: string;
  nodes: string[];
}

/** Op kinds of a graph and its nodes outside the executable op set, grouped by (domain, op) in first-seen order. */
function opSummary(graph: Graph): { kinds: number; notExecutable: NotExecutable[] } {
  const kinds = new Set<string>();
  const groups = new Map<string, NotExecutable>();
  graph.nodes.forEach((node, i) => {
    const domain = node.domain ?? '';
    const key = `${domain}\u0000${node.op}`;
    kinds.add(key);
    if (isExecutableOp(domain, node.op, opsetOf(graph, domain))) return;
    const g = groups.get(key) ?? { op: node.op, domain, nodes: [] };
    g.nodes.push(node.name !== '' ? node.name : `#${i}`);
    groups.set(key, g);
  });
  return { kinds: kinds.size, notExecutable: [...groups.values()] };
}

/** `ops: 12 kinds; not executable: Foo (a, b, c, +2 more), ai.onnx.ml:Bar (x)`. */
function opsLine(summary: { kinds: number; notExecutable: NotExecutable[] }): string {
  const head = `ops: ${plural(summary.kinds, 'kind')}`;
  if (summary.notExecutable.length === 0) return head;
  const parts = summary.notExecutable.map((g) => {
    const shown = g.nodes.slice(0, 3).join(', ');
    const more = g.nodes.length > 3 ? `, +${g.nodes.length - 3} more` : '';
    return `${g.domain === '' ? '' : `${g.domain}:`}${g.op} (${shown}${more})`;
  });
  return `${head}; not executable: ${parts.join(', ')}`;
}

/** Dtypes whose small tensors are read as constants for shape inference (shape vectors, scales). */
/**
 * Every graph input's and node output's inferred type (analysis/elements/shapes.ts: small
 * tensors are read so Reshape's shape, Slice's starts etc. are known). `given` holds the shapes of
 * `--input NAME=D1,D2,...`, which replace what the file declares for those inputs.
 */
async function graphShapes(model: Model, graph: Graph, given: readonly ValueInfo[]): Promise<ValueInfo[]> {
  const inferred = await inferredValues(model, given, true);
  const names = [...graph.inputs.map((v) => v.name), ...graph.nodes.flatMap((n) => n.outputs)];
  return [...new Set(names)].filter((n) => n !== '').map((n) => inferred.get(n) ?? { name: n });
}

function dimsText(v: ValueInfo): string {
  return v.shape === undefined ? '?' : `[${v.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** Runs `inspect`. */
export async function inspect(argv: string[]): Promise<number> {
  const { values, positionals: pos } = parse(argv, {
    stats: { type: 'boolean' },
    shapes: { type: 'boolean' },
    from: { type: 'string' },
    input: { type: 'string', multiple: true },
    element: { type: 'string' },
    arrays: { type: 'string' },
  });
  const [path] = positionals(
    pos,
    1,
    1,
    'nnport inspect MODEL [--json] [--stats] [--shapes] [--input NAME=D1,D2,...] [--element E]',
  ) as [string];
  const element = values.element === undefined ? undefined : resolveElement(values.element);
  if (element !== undefined && (values.stats || values.shapes)) {
    throw new NnportError(
      'USAGE',
      '--element shows one element; it does not combine with --stats or --shapes',
    );
  }
  const model = await openModel(path, {
    ...(values.from === undefined ? {} : { from: values.from }),
    reader: await readerOptions({ input: values.input, arrays: values.arrays }),
  });
  // --input NAME=D1,D2: the shape replaces the declared one; the declared dtype is kept.
  const given: ValueInfo[] = matchInputArgs(model, values.input ?? []).map(({ input, arg }) => ({
    ...input,
    shape: parseDims(arg),
  }));
  if (element !== undefined) return printElement(path, model, element, given, values.json === true);
  const rows = [];
  let params = 0;
  let bytes = 0;
  for (const t of model.tensors) {
    const n = elementCount(t.shape);
    params += n;
    bytes += t.data.byteLength;
    const stats: TensorStats | undefined = values.stats ? await tensorStats(t) : undefined;
    const tiedTo = typeof t.meta?.tiedTo === 'string' ? t.meta.tiedTo : undefined;
    rows.push({
      tiedTo,
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      parameters: n,
      bytes: t.data.byteLength,
      stats,
    });
  }
  const graph = model.graph
    ? {
        nodes: model.graph.nodes.length,
        inputs: model.graph.inputs.length,
        outputs: model.graph.outputs.length,
      }
    : null;
  const ops = model.graph ? opSummary(model.graph) : undefined;
  const wantShapes = values.shapes === true || given.length > 0;
  const shapes = model.graph && wantShapes ? await graphShapes(model, model.graph, given) : undefined;
  if (values.json) {
    printJson({
      file: path,
      format: model.format,
      metadata: model.metadata,
      graph,
      tensors: rows.map(({ tiedTo, ...r }) => ({
        ...r,
        ...(tiedTo === undefined ? {} : { tiedTo }),
        stats: r.stats,
      })),
      totals: { tensors: rows.length, parameters: params, bytes },
      ...(ops === undefined ? {} : { opKinds: ops.kinds, notExecutable: ops.notExecutable }),
      ...(shapes === undefined
        ? {}
        : { shapes: shapes.map((v) => ({ name: v.name, dtype: v.dtype ?? null, shape: v.shape ?? null })) }),
    });
    return 0;
  }
  const lines: string[] = [
    `${path}: ${model.format}, ${plural(rows.length, 'tensor')}, ${plural(params, 'parameter')}, ${humanBytes(bytes)}`,
  ];
  const meta = Object.entries(model.metadata).filter(([k]) => k !== 'torchscript');
  if (meta.length > 0) {
    lines.push('metadata:');
    for (const [k, v] of meta) {
      const text = typeof v === 'string' ? v : JSON.stringify(v);
      lines.push(`  ${k}: ${text.length > 120 ? `${text.slice(0, 117)}...` : text}`);
    }
  }
  if (graph) lines.push(`graph: ${graph.nodes} nodes, ${graph.inputs} inputs, ${graph.outputs} outputs`);
  if (ops) lines.push(opsLine(ops));
  lines.push(...codeSection(model.metadata), ...lambdaSection(model.metadata));
  const header = ['name', 'dtype', 'shape', 'parameters', 'bytes'];
  const right = [false, false, false, true, true];
  if (values.stats) {
    header.push('min', 'max', 'mean', 'std', 'zeros', 'NaN', 'Inf');
    right.push(true, true, true, true, true, true, true);
  }
  const cells = rows.map((r) => {
    const base = [
      r.tiedTo === undefined ? r.name : `${r.name} (tied to ${r.tiedTo})`,
      r.dtype,
      `[${r.shape.join(', ')}]`,
      groupDigits(r.parameters),
      groupDigits(r.bytes),
    ];
    if (r.stats) {
      const s = r.stats;
      base.push(
        fmt(s.min),
        fmt(s.max),
        fmt(s.mean),
        fmt(s.std),
        groupDigits(s.zeros),
        groupDigits(s.nan),
        groupDigits(s.inf),
      );
    }
    return base;
  });
  cells.push(['total', '', '', groupDigits(params), groupDigits(bytes)]);
  lines.push('', table(header, cells, right));
  if (shapes !== undefined) {
    lines.push(
      '',
      'inferred shapes:',
      table(
        ['value', 'dtype', 'shape'],
        shapes.map((v) => [v.name, v.dtype ?? '?', dimsText(v)]),
      ),
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
