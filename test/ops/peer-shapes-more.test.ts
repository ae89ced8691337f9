/**
 * nnport's shape inference against onnx 1.12's on the cases of cases-more.ts (the comparison,
 * logic, math and extra reduction/pool ops): same dtypes, same known dims, errors where onnx
 * rejects the node.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dim } from '../../src/ops/index.js';
import { MORE_CASES } from './cases-more.js';
import { ours, peer, type Result } from './helpers.js';

/** onnx's unknown dims (`unk__N` or none) agree with anything. */
function isUnknown(d: Dim): boolean {
  return d === null || (typeof d === 'string' && d.startsWith('unk__'));
}

/** Problems of nnport's result `got` against onnx's `want` (empty when they agree). */
function disagreement(name: string, got: Result, want: Result): string[] {
  if ('error' in want)
    return 'error' in got
      ? []
      : [`${name}: onnx rejects (${want.error}) but nnport gives ${JSON.stringify(got)}`];
  if ('error' in got)
    return [`${name}: nnport rejects (${got.error}) but onnx gives ${JSON.stringify(want)}`];
  const out: string[] = [];
  want.outputs.forEach((w, i) => {
    const g = got.outputs[i];
    if (w?.dtype !== undefined && g?.dtype !== w.dtype)
      out.push(`${name} output ${i}: dtype ${g?.dtype} vs onnx ${w.dtype}`);
    if (w?.shape === undefined) return;
    const s = g?.shape;
    if (
      s === undefined ||
      s.length !== w.shape.length ||
      !w.shape.every((d, k) => isUnknown(d) || s[k] === d)
    ) {
      out.push(`${name} output ${i}: nnport ${JSON.stringify(g)} vs onnx ${JSON.stringify(w)}`);
    }
  });
  return out;
}

test('shape inference of the logic, math and reduction ops agrees with onnx 1.12', () => {
  const expected = peer(MORE_CASES);
  const failures = MORE_CASES.flatMap((c, i) => {
    const got = ours(c);
    if (c.stricter === undefined) return disagreement(c.name, got, expected[i] as Result);
    return 'error' in got
      ? []
      : [`${c.name}: invalid (${c.stricter}) but nnport gives ${JSON.stringify(got)}`];
  });
  assert.deepEqual(failures, []);
});

test('the comparison cases are bool-typed and onnx checks them (the peer is not vacuous)', () => {
  const c = MORE_CASES.filter((x) => x.name === 'Equal: bcast' || x.name === 'Max: mismatch');
  const [eq, bad] = peer(c);
  assert.deepEqual(eq, { outputs: [{ dtype: 'bool', shape: [3, 4, 5] }] });
  assert.ok(bad !== undefined && 'error' in bad);
});
