/**
 * TF Einsum → canonical ops (the canonical set has no Einsum). One or two operands, no ellipsis,
 * no letter repeated within an operand (no traces or diagonals): letters only one operand has and
 * the output lacks are summed away first; then, for two operands, the letters both have split into
 * batch (kept in the output) and contracted ones, each operand is transposed to
 * [batch, own, contracted] / [batch, contracted, own], flattened to 3 groups, multiplied with
 * MatMul, unflattened and transposed to the output's order. Batch dimensions may be unknown
 * (Reshape's 0 copies them); each Reshape allows one other unknown dimension (its -1).
 */
import { attr, type NodeContext } from './context.js';
import type { TfImporter } from './import-math.js';

interface Operand {
  value: string;
  letters: string[];
}

/** Sums away the letters of `op` in neither `keep` list; returns the reduced operand. */
function sumAway(ctx: NodeContext, op: Operand, keep: ReadonlySet<string>): Operand {
  const axes = op.letters.flatMap((l, i) => (keep.has(l) ? [] : [i]));
  if (axes.length === 0) return op;
  const value = ctx.emit('ReduceSum', [op.value, ctx.int64('sum_axes', axes)], { keepdims: attr(0) });
  return { value, letters: op.letters.filter((l) => keep.has(l)) };
}

/** `op` transposed so its letters come in `order` (no node when they already do). */
function arrange(ctx: NodeContext, op: Operand, order: readonly string[], out?: string): string {
  const perm = order.map((l) => op.letters.indexOf(l));
  if (perm.every((p, i) => p === i))
    return out === undefined ? op.value : ctx.emit('Identity', [op.value], {}, out);
  return ctx.emit('Transpose', [op.value], { perm: attr(perm) }, out ?? ctx.tmp('Transpose'));
}

function parse(ctx: NodeContext): { ins: string[][]; out: string[] } {
  const eq = ctx.attrs.str('equation', '').replace(/\s+/g, '');
  const m = /^([a-zA-Z,]+)->([a-zA-Z]*)$/.exec(eq);
  if (m === null)
    throw ctx.error(`equation '${eq}' (ellipsis or implicit output) is not supported`, 'UNSUPPORTED_OP');
  const ins = (m[1] as string).split(',').map((s) => [...s]);
  const out = [...(m[2] as string)];
  for (const letters of [...ins, out])
    if (new Set(letters).size !== letters.length)
      throw ctx.error(`equation '${eq}' repeats a letter in one term`, 'UNSUPPORTED_OP');
  if (ins.length > 2 || ins.length !== ctx.arity)
    throw ctx.error(`equation '${eq}' with ${ctx.arity} operands is not supported`, 'UNSUPPORTED_OP');
  return { ins, out };
}

const einsum: TfImporter = (ctx) => {
  const { ins, out } = parse(ctx);
  const outSet = new Set(out);
  const raw: Operand[] = ins.map((letters, i) => ({ value: ctx.input(i), letters }));
  for (const op of raw)
    if (ctx.rank(op.value) !== op.letters.length) throw ctx.error('an operand rank differs from its term');
  if (raw.length === 1) {
    arrange(ctx, sumAway(ctx, raw[0] as Operand, outSet), out, ctx.out());
    return;
  }
  const [a0, b0] = raw as [Operand, Operand];
  const keepA = new Set([...outSet, ...b0.letters]);
  const keepB = new Set([...outSet, ...a0.letters]);
  const lettersA = a0.letters.filter((l) => keepA.has(l));
  const lettersB = b0.letters.filter((l) => keepB.has(l));
  const both = lettersA.filter((l) => lettersB.includes(l));
  const batch = out.filter((l) => both.includes(l));
  const contract = both.filter((l) => !outSet.has(l));
  const ownA = lettersA.filter((l) => !both.includes(l));
  const ownB = lettersB.filter((l) => !both.includes(l));
  // a letter's size (-1 unknown) and the flattened groups' sizes, checked before anything is emitted
  const size = (l: string): number => {
    for (const op of [a0, b0]) {
      const d = ctx.info(op.value)?.shape?.[op.letters.indexOf(l)];
      if (op.letters.includes(l) && typeof d === 'number') return d;
    }
    return -1;
  };
  const prod = (ls: readonly string[]): number =>
    ls.reduce((p, l) => (p < 0 || size(l) < 0 ? -1 : p * size(l)), 1);
  const zeros = batch.map(() => 0);
  const dims = [
    [prod(ownA), prod(contract)],
    [prod(contract), prod(ownB)],
    [...ownA.map(size), ...ownB.map(size)],
  ];
  if (dims.some((ds) => ds.filter((d) => d < 0).length > 1))
    throw ctx.error('more than one unknown non-batch dimension in a group', 'UNSUPPORTED_OP');
  const [aShape, bShape, yShape] = dims.map((ds, i) => ctx.int64(`shape${i}`, [...zeros, ...ds])) as [
    string,
    string,
    string,
  ];
  const a = sumAway(ctx, a0, keepA);
  const b = sumAway(ctx, b0, keepB);
  const a3 = ctx.emit('Reshape', [arrange(ctx, a, [...batch, ...ownA, ...contract]), aShape]);
  const b3 = ctx.emit('Reshape', [arrange(ctx, b, [...batch, ...contract, ...ownB]), bShape]);
  const y = ctx.emit('Reshape', [ctx.emit('MatMul', [a3, b3]), yShape]);
  arrange(ctx, { value: y, letters: [...batch, ...ownA, ...ownB] }, out, ctx.out());
};

/** Einsum by TF op name. */
export const EINSUM: ReadonlyMap<string, TfImporter> = new Map<string, TfImporter>([['Einsum', einsum]]);
