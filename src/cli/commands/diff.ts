/**
 * `nnport diff A B`: compares two models tensor by tensor. Exit 0 when every tensor is bit-exact
 * (or within --atol/--rtol when given) and both have the same names; 1 otherwise.
 */
import { diffModels } from '../../analysis/diff.js';
import { openModel } from '../../node.js';
import { numberOption, parse, positionals } from '../args.js';
import { printJson, table } from '../output.js';

/** Help text. */
export const DIFF_HELP = `usage: nnport diff A B [--atol X] [--rtol X] [--json]

Compares the tensors of two models (any formats) by name. Each tensor is bit-exact,
close (within tolerance), different (with the largest absolute and relative difference
and where it is) or mismatched (dtype or shape). Names found on one side only are listed.
Exit status: 0 when nothing differs, 1 when something does, 2 on errors.
Without --atol/--rtol only bit-exact tensors count as equal; with them, a tensor passes
when every |a - b| <= atol + rtol * |b| (NumPy allclose).

examples:
  nnport diff model.safetensors model.json
  nnport diff epoch10.npz epoch11.npz --atol 1e-6 --json`;

function num(x: number | undefined): string {
  return x === undefined ? '' : x.toPrecision(4);
}

/** Runs `diff`. */
export async function diff(argv: string[]): Promise<number> {
  const { values, positionals: pos } = parse(argv, { atol: { type: 'string' }, rtol: { type: 'string' } });
  const [pa, pb] = positionals(pos, 2, 2, 'nnport diff A B [--atol X] [--rtol X]') as [string, string];
  const atol = numberOption(values.atol, 'atol') ?? 0;
  const rtol = numberOption(values.rtol, 'rtol') ?? 0;
  const [a, b] = [await openModel(pa), await openModel(pb)];
  const result = await diffModels(a, b, { atol, rtol });
  if (values.json) {
    printJson({ a: pa, b: pb, atol, rtol, ...result });
    return result.differs ? 1 : 0;
  }
  const counts = { equal: 0, close: 0, different: 0, mismatch: 0 };
  for (const t of result.tensors) counts[t.status]++;
  const lines = [
    `${pa} vs ${pb}: ${counts.equal} bit-exact, ${counts.close} close, ${counts.different} different, ${counts.mismatch} mismatched; ${result.onlyInA.length} only in A, ${result.onlyInB.length} only in B`,
  ];
  const bad = result.tensors.filter((t) => t.status !== 'equal');
  if (bad.length > 0) {
    const rows = bad.map((t) =>
      t.status === 'mismatch'
        ? [
            t.name,
            'mismatch',
            `${t.a.dtype}[${t.a.shape.join(',')}] vs ${t.b.dtype}[${t.b.shape.join(',')}]`,
            '',
            '',
            '',
          ]
        : [
            t.name,
            t.status,
            String(t.differing ?? ''),
            num(t.maxAbs),
            num(t.maxRel),
            String(t.worstIndex ?? ''),
          ],
    );
    lines.push(
      '',
      table(['tensor', 'status', 'differing', 'max abs', 'max rel', 'worst index'], rows, [
        false,
        false,
        true,
        true,
        true,
        true,
      ]),
    );
  }
  for (const n of result.onlyInA) lines.push(`only in A: ${n}`);
  for (const n of result.onlyInB) lines.push(`only in B: ${n}`);
  lines.push(result.differs ? 'DIFFERENT' : 'SAME');
  process.stdout.write(`${lines.join('\n')}\n`);
  return result.differs ? 1 : 0;
}
