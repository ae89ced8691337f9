/**
 * Data-driven op cases (issue #5): every `test/exec/cases/<Op>.json`, written by
 * scripts/make-op-cases.py from real PyTorch, becomes a one-node graph that nnport's executor runs;
 * its outputs must match PyTorch's within the case's tolerance (absolute up to magnitude 1,
 * relative above). Regenerate the cases with `/usr/bin/python3 scripts/make-op-cases.py`.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { AttributeValue, GraphNode } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';

/** A tensor as the generator writes it (an input has a name; '' marks an omitted optional input). */
interface CaseTensor {
  readonly name?: string;
  readonly dtype: 'float32' | 'int64' | 'bool';
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

/** One case of a cases/*.json file. */
interface OpCase {
  readonly name: string;
  readonly op: string;
  readonly opset: number;
  readonly attributes: Record<string, AttributeValue>;
  readonly inputs: readonly CaseTensor[];
  readonly outputs: readonly CaseTensor[];
  readonly tolerance?: number;
}

/** The cases folder: the sources' test/exec/cases (tests run from the repository root). */
const CASES_DIR = join(process.cwd(), 'test', 'exec', 'cases');

/** An executor tensor from case JSON (floats are parsed then rounded to float32 by the typed array; bools are 0/1). */
function toTensor(t: CaseTensor): ExecTensor {
  if (t.dtype === 'int64') {
    return { dtype: 'int64', shape: t.shape, data: BigInt64Array.from(t.data, (v) => BigInt(v)) };
  }
  if (t.dtype === 'bool') return { dtype: 'bool', shape: t.shape, data: Uint8Array.from(t.data) };
  return { dtype: 'float32', shape: t.shape, data: Float32Array.from(t.data) };
}

/** The one-node model of a case: every present input is a graph input. */
function caseModel(c: OpCase): Model {
  const names = c.inputs.map((t) => t.name ?? '');
  while (names.length > 0 && names[names.length - 1] === '') names.pop();
  const outNames = c.outputs.map((_, i) => `out${i}`);
  const node: GraphNode = { name: 'n', op: c.op, inputs: names, outputs: outNames, attributes: c.attributes };
  return {
    format: 'memory',
    metadata: {},
    graph: {
      name: 'g',
      nodes: [node],
      inputs: c.inputs
        .filter((t) => (t.name ?? '') !== '')
        .map((t) => ({ name: t.name as string, dtype: t.dtype, shape: [...t.shape] })),
      outputs: c.outputs.map((t, i) => ({ name: `out${i}`, dtype: t.dtype })),
      opsets: { '': c.opset },
    },
    tensors: [],
  };
}

/** Asserts `got` matches the expected tensor: dtype, shape, values within `tol` (relative above 1). */
function assertMatches(got: ExecTensor, want: CaseTensor, tol: number, label: string): void {
  assert.equal(got.dtype, want.dtype, `${label}: dtype`);
  assert.deepEqual([...got.shape], [...want.shape], `${label}: shape`);
  assert.equal(got.data.length, want.data.length, `${label}: element count`);
  // Expected floats are float32 values; compare against the float32 rounding of the JSON number.
  const w = want.dtype === 'float32' ? Float32Array.from(want.data) : want.data;
  for (let i = 0; i < w.length; i++) {
    const wv = Number(w[i]);
    const gv = Number(got.data[i]);
    if (wv === gv || (Number.isNaN(wv) && Number.isNaN(gv))) continue;
    const err = Math.abs(wv - gv) / Math.max(1, Math.abs(wv));
    if (!(err <= tol))
      assert.fail(`${label}[${i}]: nnport ${gv}, PyTorch ${wv} (error ${err}, tolerance ${tol})`);
  }
}

/** Every cases/*.json file, sorted so the run order is stable. */
function caseFiles(): string[] {
  return readdirSync(CASES_DIR)
    .filter((f) => f.endsWith('.json'))
    .sort();
}

test('the PyTorch op cases exist', () => {
  assert.ok(
    caseFiles().length > 0,
    `no cases in ${CASES_DIR}; run /usr/bin/python3 scripts/make-op-cases.py`,
  );
});

for (const file of caseFiles()) {
  const cases = JSON.parse(readFileSync(join(CASES_DIR, file), 'utf8')) as OpCase[];
  test(`op cases ${file}`, async (t) => {
    assert.ok(cases.length > 0, `${file} has no cases`);
    for (const c of cases) {
      await t.test(`${c.op}-${c.opset} ${c.name}`, async () => {
        const feeds: Record<string, ExecTensor> = {};
        for (const input of c.inputs)
          if ((input.name ?? '') !== '') feeds[input.name as string] = toTensor(input);
        const got = await runGraph(caseModel(c), feeds);
        c.outputs.forEach((want, i) => {
          const g = got[`out${i}`];
          assert.ok(g !== undefined, `${c.name}: output ${i} produced`);
          assertMatches(g, want, c.tolerance ?? 1e-5, `${c.op} ${c.name} out${i}`);
        });
      });
    }
  });
}
