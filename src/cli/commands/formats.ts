/** `nnport formats`: the formats nnport reads and writes. */
import { formats } from '../../api.js';
import { parse, positionals } from '../args.js';
import { printJson, table } from '../output.js';

/** Help text. */
export const FORMATS_HELP = `usage: nnport formats [--json]

Lists every format: its id (for --to and --from), title, extensions, and whether
nnport reads and writes it.

examples:
  nnport formats
  nnport formats --json`;

/** Runs `formats`. */
export function listFormats(argv: string[]): number {
  const { values, positionals: pos } = parse(argv, {});
  positionals(pos, 0, 0, 'nnport formats [--json]');
  const rows = formats().formats.map((f) => ({
    id: f.id,
    title: f.title,
    extensions: f.extensions,
    read: f.read !== undefined,
    write: f.write !== undefined,
    output: f.output ?? 'file',
  }));
  if (values.json) {
    printJson({ formats: rows });
    return 0;
  }
  const cells = rows.map((r) => [
    r.id,
    r.title,
    r.extensions.join(' ') || (r.output === 'folder' ? '(folder)' : ''),
    r.read ? 'yes' : '',
    r.write ? 'yes' : '',
  ]);
  process.stdout.write(`${table(['id', 'format', 'extensions', 'read', 'write'], cells)}\n`);
  return 0;
}
