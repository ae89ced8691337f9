/**
 * `nnport verify A B` (issue #5): runs two models on the same inputs (seeded random ones, or
 * .npy files) with the reference executor and compares every output, like polygraphy's
 * `run --onnxrt --onnxrt` comparison report. Exit 0 when every output passes, 1 when one fails,
 * 2 on errors. Two weight-only models fall back to `nnport diff` with the same tolerances.
 */
import {
  accumulate,
  emptyStats,
  matchNames,
  type OutputStats,
  passed,
  seededRandom,
  type Tolerance,
} from '../../analysis/verify.js';
import { isNnportError, NnportError } from '../../core/errors.js';
import type { Graph } from '../../core/graph.js';
import { planGraph, runGraph } from '../../exec/executor.js';
import type { ExecTensor } from '../../exec/kernel.js';
import { openModel } from '../../node.js';
import { alignLayouts } from '../../ops/layout/index.js';
import { numberOption, parse, positionals } from '../args.js';
import { readerOptions } from '../inputs.js';
import { printJson } from '../output.js';
import { makeInputs, parseInputs, planInputs } from '../verify-inputs.js';
import { diff } from './diff.js';

/** Help text. */
export const VERIFY_HELP = `usage: nnport verify A B [--input NAME=FILE.npy ...] [--input NAME=D1,D2 ...]
                     [--samples N] [--seed S] [--atol X] [--rtol X] [--json]

Runs both models with nnport's reference executor on the same inputs and compares
every output. For each output it reports the largest absolute error, the largest
relative error |a - b| / |b| (|b| below 1e-12 counts as 1e-12), the index of the
worst element, the smallest atol (at the given rtol) and rtol (at the given atol)
that would pass, and PASSED or FAILED: an output passes when every element has
|a - b| <= atol + rtol * |b| (NumPy allclose, B is the reference). NaN against NaN
passes; NaN against a number fails.

Inputs are matched by name when both models have the same input names, else by
position (the report says which); outputs likewise. Random inputs are seeded
(--seed, default 0): float inputs uniform in [-1, 1), integer and bool inputs 0
(a valid range for indices is not knowable from the graph). Dimensions the file
leaves symbolic or unknown need --input NAME=D1,D2,... (A's input names).
--input NAME=FILE.npy uses that array for every sample.
When neither model has a graph, verify compares the tensors like nnport diff
(with verify's tolerances).

options:
  --input NAME=FILE.npy | NAME=D1,D2,...   an input's data, or its shape
  --samples N   random input sets to run (default 1)
  --seed S      PRNG seed (default 0)
  --atol X      absolute tolerance (default 1e-5)
  --rtol X      relative tolerance (default 1e-5)
  --arrays PATH|none   A is an MXNet symbol: the .params to use (default: found beside it)
  --json        the report as JSON

Exit status: 0 every output passed, 1 one failed, 2 on errors.

examples:
  nnport verify model.onnx model.json
  nnport verify torch.onnx nnport.onnx --samples 5 --seed 42 --atol 1e-4
  nnport verify a.onnx b.onnx --input x=2,3,224,224
  nnport verify a.onnx b.onnx --input x=batch.npy --json
  nnport verify net-symbol.json net.onnx --input data=1,3,224,224`;

/** Most random samples one run may ask for (each runs both models once). */
const MAX_SAMPLES = 10_000;

/** One compared output. */
interface OutputResult {
  a: string;
  b: string;
  stats: OutputStats;
  /** Why the output failed without element comparison (shape mismatch). */
  mismatch?: string;
  dtype: [string, string];
  shape: [number[], number[]];
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  // Five significant digits, trailing zeros of the fraction dropped ("0.50000" → "0.5", "10000" kept).
  const [mant, exp] = x.toPrecision(5).split('e') as [string, string | undefined];
  const m = mant.includes('.') ? mant.replace(/\.?0+$/, '') : mant;
  return exp === undefined ? m : `${m}e${exp}`;
}

/** Non-finite numbers as strings in JSON (JSON has no Infinity or NaN). */
function jnum(x: number): number | string {
  return Number.isFinite(x) ? x : String(x);
}

/** Runs `verify`. */
export async function verify(argv: string[]): Promise<number> {
  const { values, positionals: pos } = parse(argv, {
    input: { type: 'string', multiple: true },
    samples: { type: 'string' },
    seed: { type: 'string' },
    atol: { type: 'string' },
    rtol: { type: 'string' },
    arrays: { type: 'string' },
  } as const);
  const [pa, pb] = positionals(
    pos,
    2,
    2,
    'nnport verify A B [--input NAME=...] [--samples N] [--seed S]',
  ) as [string, string];
  const tol: Tolerance = {
    atol: numberOption(values.atol, 'atol') ?? 1e-5,
    rtol: numberOption(values.rtol, 'rtol') ?? 1e-5,
  };
  const samples = numberOption(values.samples, 'samples') ?? 1;
  const seed = numberOption(values.seed, 'seed') ?? 0;
  if (!Number.isInteger(samples) || samples < 1 || samples > MAX_SAMPLES) {
    throw new NnportError('USAGE', `--samples needs an integer from 1 to ${MAX_SAMPLES}`);
  }
  if (!Number.isSafeInteger(seed)) throw new NnportError('USAGE', '--seed needs an integer');
  const specs = parseInputs((values.input as string[] | undefined) ?? []);

  // --input shapes also reach the readers (MXNet graphs need them to translate); --arrays is A's.
  const shapes = await readerOptions({ input: (values.input as string[] | undefined) ?? [] });
  const readerA = await readerOptions({
    input: (values.input as string[] | undefined) ?? [],
    arrays: values.arrays,
  });
  // A side nnport wrote with --layout nchw runs behind Transposes back to channels-last (docs/layout.md).
  const { a, b, adapted } = alignLayouts(
    await openModel(pa, { reader: readerA }),
    await openModel(pb, { reader: shapes }),
  );
  if (a.graph === undefined && b.graph === undefined) {
    // Weight-only files: nothing to run, so compare the tensors (same tolerances and exit codes).
    const note = 'neither model has a graph: comparing tensors as nnport diff does';
    if (values.json) process.stderr.write(`nnport: ${note}\n`);
    else process.stdout.write(`${note}\n`);
    const args = [pa, pb, '--atol', String(tol.atol), '--rtol', String(tol.rtol)];
    return diff(values.json ? [...args, '--json'] : args);
  }
  if (a.graph === undefined || b.graph === undefined) {
    const [has, lacks] = a.graph === undefined ? [pb, pa] : [pa, pb];
    throw new NnportError(
      'USAGE',
      `${has} has a graph but ${lacks} holds only tensors: verify runs two graphs (nnport diff compares tensors)`,
    );
  }
  // Every op either model cannot run is named before anything runs (each error lists its file's ops).
  for (const [m, path] of [
    [a, pa],
    [b, pb],
  ] as const) {
    try {
      planGraph(m.graph as Graph);
    } catch (e) {
      throw isNnportError(e) ? e.locate(path, m.format) : e;
    }
  }

  const inMatch = matchNames(
    a.graph.inputs.map((v) => v.name),
    b.graph.inputs.map((v) => v.name),
  );
  if (inMatch === undefined) {
    throw new NnportError(
      'USAGE',
      `A has ${a.graph.inputs.length} inputs and B ${b.graph.inputs.length}: they cannot be matched by name or position`,
    );
  }
  const outMatch = matchNames(
    a.graph.outputs.map((v) => v.name),
    b.graph.outputs.map((v) => v.name),
  );
  if (outMatch === undefined) {
    throw new NnportError(
      'USAGE',
      `A has ${a.graph.outputs.length} outputs and B ${b.graph.outputs.length}: they cannot be matched by name or position`,
    );
  }
  const plans = await planInputs(a, b, inMatch, specs);

  const random = seededRandom(seed);
  const results: OutputResult[] = outMatch.pairs.map(([oa, ob]) => ({
    a: oa,
    b: ob,
    stats: emptyStats(),
    dtype: ['', ''],
    shape: [[], []],
  }));
  for (let s = 0; s < samples; s++) {
    const inputs = makeInputs(plans, random);
    const ra = await runGraph(a, inputs.a);
    const rb = await runGraph(b, inputs.b);
    for (const r of results) {
      const ta = ra[r.a] as ExecTensor;
      const tb = rb[r.b] as ExecTensor;
      r.dtype = [ta.dtype, tb.dtype];
      r.shape = [[...ta.shape], [...tb.shape]];
      const sameShape = ta.shape.length === tb.shape.length && ta.shape.every((d, i) => d === tb.shape[i]);
      if (!sameShape) {
        r.mismatch = `shapes differ: [${ta.shape.join(', ')}] vs [${tb.shape.join(', ')}]`;
        continue;
      }
      accumulate(r.stats, ta, tb, tol, s);
    }
  }
  const ok = results.every((r) => r.mismatch === undefined && passed(r.stats));

  if (values.json) {
    printJson({
      a: pa,
      b: pb,
      atol: tol.atol,
      rtol: tol.rtol,
      samples,
      seed,
      ...(adapted === undefined ? {} : { layout: adapted }),
      inputMatch: inMatch.by,
      inputs: plans.map((p) => ({ a: p.a.name, b: p.b.name, shape: p.shape, source: p.source })),
      outputMatch: outMatch.by,
      outputs: results.map((r) => ({
        a: r.a,
        b: r.b,
        status: r.mismatch === undefined && passed(r.stats) ? 'PASSED' : 'FAILED',
        dtype: r.dtype,
        shape: r.shape,
        ...(r.mismatch === undefined
          ? {
              elements: r.stats.elements,
              failing: r.stats.failing,
              nanMismatches: r.stats.nanMismatches,
              maxAbs: jnum(r.stats.maxAbs),
              maxRel: jnum(r.stats.maxRel),
              worstIndex: r.stats.worstIndex ?? null,
              worstSample: r.stats.worstSample,
              worstA: jnum(r.stats.worstA),
              worstB: jnum(r.stats.worstB),
              minAtol: jnum(r.stats.minAtol),
              minRtol: jnum(r.stats.minRtol),
            }
          : { mismatch: r.mismatch }),
      })),
      passed: ok,
    });
    return ok ? 0 : 1;
  }

  const pairName = (x: string, y: string): string => (x === y ? `'${x}'` : `'${x}' (A) / '${y}' (B)`);
  const lines = [
    `nnport verify: A ${pa} vs B ${pb} (B is the reference)`,
    `inputs matched by ${inMatch.by}; ${samples} sample${samples === 1 ? '' : 's'}, seed ${seed}; atol ${tol.atol}, rtol ${tol.rtol}`,
  ];
  if (adapted !== undefined)
    lines.push(
      `${adapted.side} was moved to ${adapted.to} by nnport: fed ${adapted.inputs.join(', ')} transposed from the source's layout, ${adapted.outputs.length === 0 ? 'no output to transpose back' : `${adapted.outputs.join(', ')} transposed back`}`,
    );
  for (const p of plans) {
    const from = p.file === undefined ? `random (${p.a.dtype ?? p.b.dtype})` : p.source;
    lines.push(`  input ${pairName(p.a.name, p.b.name)}: [${p.shape.join(', ')}] ${from}`);
  }
  lines.push(`outputs matched by ${outMatch.by}`);
  for (const r of results) {
    const st = r.stats;
    const status = r.mismatch === undefined && passed(st) ? 'PASSED' : 'FAILED';
    lines.push('', `output ${pairName(r.a, r.b)}: ${r.dtype[0]} [${r.shape[0].join(', ')}]`);
    if (r.mismatch !== undefined) {
      lines.push(`  ${r.mismatch}`);
    } else {
      const where =
        st.worstIndex === undefined
          ? '(empty)'
          : `at [${st.worstIndex.join(', ')}]${samples > 1 ? ` of sample ${st.worstSample}` : ''} (A ${fmt(st.worstA)}, B ${fmt(st.worstB)})`;
      lines.push(
        `  max abs error ${fmt(st.maxAbs)} ${where}`,
        `  max rel error ${fmt(st.maxRel)}`,
        `  ${st.failing} of ${st.elements} elements outside tolerance${st.nanMismatches > 0 ? `, ${st.nanMismatches} NaN against a number` : ''}`,
        `  would pass with atol ${fmt(st.minAtol)} (rtol ${tol.rtol}) or rtol ${fmt(st.minRtol)} (atol ${tol.atol})`,
      );
    }
    lines.push(`  ${status}: ${pairName(r.a, r.b)}`);
  }
  lines.push('', ok ? `PASSED: all ${results.length} outputs match` : 'FAILED');
  process.stdout.write(`${lines.join('\n')}\n`);
  return ok ? 0 : 1;
}
