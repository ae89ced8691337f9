/**
 * `nnport verify`'s inputs: what `--input` says (a .npy file or a shape per name), how each pair
 * of matched graph inputs gets its shape and data, and the seeded random tensors fed to both.
 */
import { type NameMatch, randomInput } from '../analysis/verify.js';
import { NnportError } from '../core/errors.js';
import type { ValueInfo } from '../core/graph.js';
import type { Model } from '../core/model.js';
import type { ExecTensor } from '../exec/kernel.js';
import { execDTypeOf, fromModelTensor } from '../exec/tensors.js';
import { openModel } from '../node.js';

/** What the user said about one input. */
export type InputSpec = { kind: 'file'; path: string } | { kind: 'shape'; shape: number[] };

export function parseInputs(list: readonly string[]): Map<string, InputSpec> {
  const out = new Map<string, InputSpec>();
  for (const item of list) {
    const eq = item.indexOf('=');
    if (eq <= 0)
      throw new NnportError('USAGE', `--input needs NAME=FILE.npy or NAME=D1,D2,..., not '${item}'`);
    const name = item.slice(0, eq);
    const value = item.slice(eq + 1);
    if (out.has(name)) throw new NnportError('USAGE', `--input ${name} is given twice`);
    if (/^(\d+(,\d+)*)?$/.test(value)) {
      const shape = value === '' ? [] : value.split(',').map(Number);
      if (!shape.every((d) => Number.isSafeInteger(d))) {
        throw new NnportError('USAGE', `--input ${name}: dimensions too large in '${value}'`);
      }
      out.set(name, { kind: 'shape', shape });
    } else {
      out.set(name, { kind: 'file', path: value });
    }
  }
  return out;
}

/** One paired input: its value info in each model and how its data is made. */
export interface InputPlan {
  a: ValueInfo;
  b: ValueInfo;
  source: string;
  file?: ExecTensor;
  shape: number[];
}

export function describeShape(shape: readonly (number | string | null)[] | undefined): string {
  return shape === undefined ? '[?]' : `[${shape.map((d) => d ?? '?').join(', ')}]`;
}

export async function planInputs(
  a: Model,
  b: Model,
  match: NameMatch,
  specs: Map<string, InputSpec>,
): Promise<InputPlan[]> {
  const ga = a.graph?.inputs ?? [];
  const gb = b.graph?.inputs ?? [];
  const infoA = new Map(ga.map((v) => [v.name, v] as const));
  const infoB = new Map(gb.map((v) => [v.name, v] as const));
  for (const name of specs.keys()) {
    if (!infoA.has(name)) {
      throw new NnportError(
        'USAGE',
        `--input ${name}: A has no input '${name}' (inputs: ${ga.map((v) => v.name).join(', ')})`,
      );
    }
  }
  const plans: InputPlan[] = [];
  for (const [na, nb] of match.pairs) {
    const va = infoA.get(na) as ValueInfo;
    const vb = infoB.get(nb) as ValueInfo;
    const spec = specs.get(na);
    if (spec?.kind === 'file') {
      const m = await openModel(spec.path);
      const t = m.tensors[0];
      if (m.tensors.length !== 1 || t === undefined) {
        throw new NnportError(
          'USAGE',
          `--input ${na}: ${spec.path} holds ${m.tensors.length} tensors, not one`,
        );
      }
      const file = await fromModelTensor(t);
      plans.push({ a: va, b: vb, source: spec.path, file, shape: [...file.shape] });
      continue;
    }
    if (spec?.kind === 'shape') {
      plans.push({ a: va, b: vb, source: 'random', shape: spec.shape });
      continue;
    }
    // Each dimension from A, else from B when B knows it; symbolic or unknown on both needs --input.
    const sa = va.shape;
    const sb = vb.shape;
    const dims = sa ?? sb;
    if (dims === undefined) {
      throw new NnportError('USAGE', `input '${na}' has no declared shape: give --input ${na}=D1,D2,...`);
    }
    const shape: number[] = [];
    for (const [i, d] of dims.entries()) {
      const other = sb !== undefined && sb.length === dims.length ? sb[i] : undefined;
      const n = typeof d === 'number' ? d : typeof other === 'number' ? other : undefined;
      if (n === undefined) {
        throw new NnportError(
          'USAGE',
          `input '${na}' has shape ${describeShape(dims)} with symbolic or unknown dimensions: give --input ${na}=D1,D2,...`,
        );
      }
      shape.push(n);
    }
    plans.push({ a: va, b: vb, source: 'random', shape });
  }
  return plans;
}

export function makeInputs(
  plans: readonly InputPlan[],
  random: () => number,
): { a: Record<string, ExecTensor>; b: Record<string, ExecTensor> } {
  const a: Record<string, ExecTensor> = {};
  const b: Record<string, ExecTensor> = {};
  for (const p of plans) {
    let t = p.file;
    if (t === undefined) {
      const declared = p.a.dtype ?? p.b.dtype;
      const dt = declared === undefined ? undefined : execDTypeOf(declared);
      if (dt === undefined) {
        throw new NnportError(
          'USAGE',
          `input '${p.a.name}' has ${declared === undefined ? 'no declared element type' : `element type ${declared}, which the executor does not compute in`}`,
        );
      }
      t = randomInput(dt, p.shape, random);
    }
    a[p.a.name] = t;
    b[p.b.name] = t;
  }
  return { a, b };
}
