/**
 * The schema tables against onnx 1.12's own schemas (the live peer): for every op of the set and
 * every opset onnx 1.12 knows (1–17), the same `since` version, inputs and outputs with their
 * options, and attributes with the same kind, required flag and default.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { knownOps, type OpSchema, opSchema } from '../../src/ops/index.js';
import { peerSchemas } from './helpers.js';

function slot(s: OpSchema['inputs'][number]): string {
  return s.name + (s.variadic ? '*' : s.optional ? '?' : '');
}

function sameDefault(ours: unknown, theirs: unknown): boolean {
  if (typeof ours === 'number' && typeof theirs === 'number')
    return Math.fround(ours) === Math.fround(theirs);
  return JSON.stringify(ours) === JSON.stringify(theirs);
}

test('schemas agree with onnx 1.12 at opsets 1-17', () => {
  const pairs: [string, number][] = [];
  for (const op of knownOps()) for (let v = 1; v <= 17; v++) pairs.push([op, v]);
  const theirs = peerSchemas(pairs);
  const problems: string[] = [];
  pairs.forEach(([op, v], i) => {
    const want = theirs[i];
    const got = opSchema('', op, v);
    if (want === null || want === undefined) {
      if (got !== undefined) problems.push(`${op}@${v}: onnx has none, nnport has ${op}-${got.since}`);
      return;
    }
    if (got === undefined) {
      problems.push(`${op}@${v}: onnx has ${op}-${want.since}, nnport none`);
      return;
    }
    const where = `${op}-${want.since}`;
    if (got.since !== want.since) problems.push(`${op}@${v}: since ${got.since} vs onnx ${want.since}`);
    if (got.deprecated !== want.deprecated) problems.push(`${where}: deprecated ${got.deprecated}`);
    // onnx 1.12 names Split-1's variadic output "outputs..."; the option is what matters.
    const norm = (s: string): string => s.replace('...', '');
    if (JSON.stringify(got.inputs.map(slot)) !== JSON.stringify(want.inputs.map(norm))) {
      problems.push(`${where}: inputs ${got.inputs.map(slot)} vs onnx ${want.inputs}`);
    }
    if (JSON.stringify(got.outputs.map(slot)) !== JSON.stringify(want.outputs.map(norm))) {
      problems.push(`${where}: outputs ${got.outputs.map(slot)} vs onnx ${want.outputs}`);
    }
    const names = new Set([...got.attributes.map((a) => a.name), ...Object.keys(want.attributes)]);
    for (const n of names) {
      const g = got.attributes.find((a) => a.name === n);
      const w = want.attributes[n];
      if (g === undefined || w === undefined) {
        problems.push(`${where}: attribute ${n} only in ${g === undefined ? 'onnx' : 'nnport'}`);
        continue;
      }
      if (g.type !== w.type) problems.push(`${where}.${n}: type ${g.type} vs onnx ${w.type}`);
      if (g.required !== w.required)
        problems.push(`${where}.${n}: required ${g.required} vs onnx ${w.required}`);
      if (!sameDefault(g.default?.value ?? null, w.default)) {
        problems.push(
          `${where}.${n}: default ${JSON.stringify(g.default?.value)} vs onnx ${JSON.stringify(w.default)}`,
        );
      }
    }
  });
  assert.deepEqual(problems, []);
});
