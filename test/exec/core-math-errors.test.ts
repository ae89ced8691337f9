/** Inputs the logic, math and reduction kernels reject, by error code (onnxruntime rejects them too). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NnportError } from '../../src/core/errors.js';
import { runGraph } from '../../src/exec/executor.js';
import type { ExecTensor } from '../../src/exec/kernel.js';
import { A, type Case, caseModel, i64, rand, runOrt, tensor } from './core-harness.js';

function feeds(c: Case): Record<string, ExecTensor> {
  const f: Record<string, ExecTensor> = {};
  c.inputs.forEach((t, i) => {
    if (t !== undefined) f[`in${i}`] = t;
  });
  return f;
}

async function bothReject(c: Case): Promise<void> {
  await assert.rejects(runOrt(caseModel(c), feeds(c)), `onnxruntime accepts ${c.op}`);
  await assert.rejects(
    runGraph(caseModel(c), feeds(c)),
    (e: unknown) => e instanceof NnportError && e.code === 'INVALID_STRUCTURE',
  );
}

test('Mod of floats needs fmod=1', async () => {
  await bothReject({ op: 'Mod', opset: 13, inputs: [rand([3], 1), rand([3], 2)] });
});

test('Range with a zero delta or non-scalar inputs', async () => {
  await bothReject({ op: 'Range', opset: 11, inputs: [i64([0], []), i64([5], []), i64([0], [])] });
  await bothReject({ op: 'Range', opset: 11, inputs: [i64([0, 1]), i64([5], []), i64([1], [])] });
});

test('broadcast mismatches in comparisons and variadic ops', async () => {
  await bothReject({ op: 'Less', opset: 13, inputs: [rand([2, 3], 3), rand([4], 4)], out: ['bool'] });
  await bothReject({ op: 'Max', opset: 13, inputs: [rand([2], 5), rand([2], 6), rand([3], 7)] });
  await bothReject({
    op: 'Equal',
    opset: 13,
    inputs: [tensor('int32', [1, 2]), tensor('int32', [1, 2, 3])],
    out: ['bool'],
  });
});

test('reductions with an axis out of range', async () => {
  await bothReject({ op: 'ReduceMax', opset: 13, inputs: [rand([2, 3], 8)], attrs: { axes: A.is([2]) } });
  await bothReject({ op: 'ReduceL2', opset: 18, inputs: [rand([2, 3], 9), i64([-3])] });
});
