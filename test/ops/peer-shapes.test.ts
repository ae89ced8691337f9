/**
 * nnport's shape inference against onnx 1.12's (the live peer, test/peers/onnx-shapes.py) on
 * every case of cases.ts: same dtypes, same shapes, and errors exactly where onnx rejects the node.
 * Where onnx infers nothing, the case is listed as a diagnostic (nnport may know more).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Dim } from '../../src/ops/index.js';
import { CASES } from './cases.js';
import { type Case, ours, peer, type Result } from './helpers.js';

/** onnx names the dims it cannot compute `unk__N`; like null, any answer of nnport's agrees with them. */
function isUnknown(d: Dim): boolean {
  return d === null || (typeof d === 'string' && d.startsWith('unk__'));
}

/** Same rank, and every dim onnx knows is nnport's too. */
function agrees(ours: readonly Dim[] | undefined, theirs: readonly Dim[]): boolean {
  return (
    ours !== undefined &&
    ours.length === theirs.length &&
    theirs.every((d, i) => isUnknown(d) || ours[i] === d)
  );
}

function show(r: Result): string {
  return JSON.stringify(r);
}

test('shape inference agrees with onnx 1.12 on every case', (t) => {
  const expected = peer(CASES);
  const byOp = new Map<string, [Case, Result][]>();
  CASES.forEach((c, i) => {
    const list = byOp.get(c.op) ?? [];
    list.push([c, expected[i] as Result]);
    byOp.set(c.op, list);
  });
  const unknownToOnnx: string[] = [];
  const failures: string[] = [];
  for (const [op, list] of byOp) {
    for (const [c, want] of list) {
      const got = ours(c);
      if (c.stricter !== undefined) {
        if (!('error' in got))
          failures.push(`${c.name}: invalid (${c.stricter}) but nnport gives ${show(got)}`);
        else t.diagnostic(`${c.name}: nnport rejects, onnx 1.12 does not check (${c.stricter})`);
        continue;
      }
      if ('error' in want) {
        if (!('error' in got))
          failures.push(`${c.name}: onnx rejects (${want.error}) but nnport gives ${show(got)}`);
        continue;
      }
      if ('error' in got) {
        failures.push(`${c.name}: nnport rejects (${got.error}) but onnx gives ${show(want)}`);
        continue;
      }
      want.outputs.forEach((w, i) => {
        const g = got.outputs[i];
        if (w === undefined || w.shape === undefined) {
          unknownToOnnx.push(
            `${c.name} output ${i}: onnx infers ${w === undefined ? 'nothing' : 'no shape'}, nnport ${JSON.stringify(g)}`,
          );
          if (w?.dtype !== undefined && g?.dtype !== w.dtype) {
            failures.push(`${c.name} output ${i}: dtype ${g?.dtype} vs onnx ${w.dtype}`);
          }
          return;
        }
        if (g === undefined || g.dtype !== w.dtype || !agrees(g.shape, w.shape)) {
          failures.push(
            `${op} ${c.name} output ${i}: nnport ${JSON.stringify(g)} vs onnx ${JSON.stringify(w)}`,
          );
        } else if (w.shape.some(isUnknown)) {
          unknownToOnnx.push(
            `${c.name} output ${i}: onnx ${JSON.stringify(w.shape)}, nnport ${JSON.stringify(g.shape)}`,
          );
        }
      });
    }
  }
  for (const u of unknownToOnnx) t.diagnostic(u);
  assert.deepEqual(failures, [], `${failures.length} of ${CASES.length} cases disagree`);
});
