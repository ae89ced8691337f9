/**
 * `nnport scan FILE...`: reports what the pickles in each file would import and call, without
 * importing or calling anything. Exit 0 when nothing unsafe was found, 1 when something was,
 * 2 when a file could not be read (and nothing unsafe was found).
 */
import { type ScanReport, scanSource } from '../../analysis/scan.js';
import { SCAN_TABLES, scanDecompress, scanStreamTables } from '../../formats/pickle-tables.js';
import { openInput } from '../../node/file-source.js';
import { parse, positionals } from '../args.js';
import { plural, printJson } from '../output.js';

/** Help text. */
export const SCAN_HELP = `usage: nnport scan FILE... [--json]

Lists what the pickles inside each file would import and call if Python loaded them:
PyTorch .pt/.pth/.bin/.ckpt (every .pkl record, legacy files too), .pkl/.pickle,
.joblib (compressed or not), and .npy/.npz with object arrays. Nothing is imported,
called or evaluated: nnport's own pickle machine only records what it sees. Globals
nnport knows as plain data (tensors, arrays, containers, scikit-learn estimators) are
safe; anything else (os.system, builtins.eval, subprocess...) is UNSAFE.

options:
  --json    one JSON document on stdout, for scripts

exit status: 0 nothing unsafe, 1 something unsafe was found, 2 a file could not be read

examples:
  nnport scan model.pt
  nnport scan downloads/*.pkl --json`;

function describe(path: string, r: ScanReport): string[] {
  const verdict = r.unsafe ? 'UNSAFE' : r.error !== undefined ? 'unreadable' : 'safe';
  const lines = [`${path}: ${verdict} (${plural(r.pickles.length, 'pickle')})`];
  for (const p of r.pickles) {
    lines.push(`  ${p.label} (protocol ${p.protocol}):`);
    for (const i of p.imports)
      lines.push(`    import ${i.name}${i.safe ? '' : '  UNSAFE'} (at byte ${i.at})`);
    for (const c of p.calls) {
      const times = c.count === 1 ? '' : ` ×${c.count}`;
      lines.push(`    call   ${c.what} by ${c.opcode}${times}${c.safe ? '' : '  UNSAFE'} (at byte ${c.at})`);
    }
  }
  if (r.error !== undefined) lines.push(`  error: ${r.error.message}`);
  return lines;
}

/** Runs `scan`. */
export async function scan(argv: string[]): Promise<number> {
  const { values, positionals: pos } = parse(argv, {});
  const files = positionals(pos, 1, Number.POSITIVE_INFINITY, 'nnport scan FILE... [--json]');
  const results: { file: string; report: ScanReport }[] = [];
  for (const file of files) {
    const input = await openInput(file);
    results.push({
      file,
      report: await scanSource(input.source, {
        tables: SCAN_TABLES,
        decompress: scanDecompress,
        streamTables: scanStreamTables,
      }),
    });
  }
  const unsafe = results.some((r) => r.report.unsafe);
  const unreadable = results.some((r) => r.report.error !== undefined);
  if (values.json) {
    printJson({
      files: results.map(({ file, report }) => ({
        file,
        unsafe: report.unsafe,
        error: report.error === undefined ? null : { code: report.error.code, message: report.error.message },
        pickles: report.pickles,
      })),
      unsafe,
    });
  } else {
    process.stdout.write(`${results.flatMap((r) => describe(r.file, r.report)).join('\n')}\n`);
  }
  return unsafe ? 1 : unreadable ? 2 : 0;
}
