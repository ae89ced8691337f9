/**
 * `nnport inspect MODEL`: what is in a model — its format, metadata, graph size and a table of
 * tensors (name, dtype, shape, parameters, bytes) with totals; `--stats` adds per-tensor statistics.
 */
import { type TensorStats, tensorStats } from '../../analysis/stats.js';
import type { JsonValue } from '../../core/model.js';
import { elementCount } from '../../core/tensor.js';
import { openModel } from '../../node.js';
import { parse, positionals } from '../args.js';
import { groupDigits, humanBytes, plural, printJson, table } from '../output.js';

/** Help text. */
export const INSPECT_HELP = `usage: nnport inspect MODEL [--json] [--stats] [--from FORMAT]

Shows a model's format, metadata, graph size and every tensor: name, dtype, shape,
parameter count and bytes, with totals. Reads only headers unless --stats is given.

options:
  --stats          per-tensor min, max, mean, std, zeros, NaN and Inf counts (reads all data)
  --json           one JSON document on stdout, for scripts
  --from FORMAT    read as FORMAT instead of detecting it

examples:
  nnport inspect model.safetensors
  nnport inspect weights.npz --stats
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

function fmt(x: number | null): string {
  if (x === null) return '-';
  return Number.isInteger(x) ? String(x) : x.toPrecision(6);
}

/** Runs `inspect`. */
export async function inspect(argv: string[]): Promise<number> {
  const { values, positionals: pos } = parse(argv, { stats: { type: 'boolean' }, from: { type: 'string' } });
  const [path] = positionals(pos, 1, 1, 'nnport inspect MODEL [--json] [--stats]') as [string];
  const model = await openModel(path, values.from === undefined ? {} : { from: values.from });
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
  lines.push(...codeSection(model.metadata));
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
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
