/**
 * Test helpers for src/ops: single-node graphs built in test code, nnport's inference on them,
 * and the live ONNX peer (test/peers/onnx-shapes.py, Debian python3-onnx 1.12) on the same cases.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import type { DType } from '../../src/core/dtype.js';
import type { AttributeValue, Graph, GraphNode, ValueInfo } from '../../src/core/graph.js';
import { type Dim, inferShapes, onnxDType, onnxTypeCode } from '../../src/ops/index.js';

/** One input of a case: its dtype and shape (`null` = unknown rank). */
export interface CaseInput {
  readonly dtype: DType;
  readonly shape: readonly Dim[] | null;
}

/** A single-node case. */
export interface Case {
  /** Label for messages. */
  readonly name: string;
  readonly op: string;
  readonly opset: number;
  /** Inputs by position; `null` for an omitted optional input. */
  readonly inputs: readonly (CaseInput | null)[];
  /** Constant values of some inputs (by position): 1-D, they become initializers. */
  readonly consts?: Readonly<Record<number, readonly number[]>>;
  readonly attrs?: Readonly<Record<string, AttributeValue>>;
  /** Number of outputs (default 1). */
  readonly outputs?: number;
  /** The node is invalid per the ONNX spec but onnx 1.12's inference does not check it: why. nnport must reject it. */
  readonly stricter?: string;
}

/** A value type as both sides report it: dtype and shape (`undefined` = unknown). */
export interface Outcome {
  readonly dtype: DType | undefined;
  readonly shape: readonly Dim[] | undefined;
}

/** A result: per-output types or an error. */
export type Result = { readonly outputs: readonly (Outcome | undefined)[] } | { readonly error: string };

/** Shorthand for an input. */
export function t(shape: readonly Dim[] | null, dtype: DType = 'float32'): CaseInput {
  return { dtype, shape };
}

/** Shorthand attributes. */
export const a = {
  int: (value: number): AttributeValue => ({ type: 'int', value }),
  ints: (value: number[]): AttributeValue => ({ type: 'ints', value }),
  float: (value: number): AttributeValue => ({ type: 'float', value }),
  floats: (value: number[]): AttributeValue => ({ type: 'floats', value }),
  string: (value: string): AttributeValue => ({ type: 'string', value }),
  strings: (value: string[]): AttributeValue => ({ type: 'strings', value }),
};

/** The single-node graph of a case and what inference needs beside it. */
export function caseGraph(c: Case): {
  graph: Graph;
  shapes: Map<string, ValueInfo>;
  values: Map<string, number[]>;
} {
  const inputs: ValueInfo[] = [];
  const shapes = new Map<string, ValueInfo>();
  const values = new Map<string, number[]>();
  const names = c.inputs.map((inp, i) => {
    if (inp === null) return '';
    const name = `in${i}`;
    const v = c.consts?.[i];
    if (v !== undefined) {
      shapes.set(name, { name, dtype: inp.dtype, shape: [v.length] });
      values.set(name, [...v]);
    } else
      inputs.push(
        inp.shape === null ? { name, dtype: inp.dtype } : { name, dtype: inp.dtype, shape: inp.shape },
      );
    return name;
  });
  const outputs = Array.from({ length: c.outputs ?? 1 }, (_, i) => `out${i}`);
  const graph: Graph = {
    nodes: [{ name: 'n', op: c.op, inputs: names, outputs, attributes: c.attrs ?? {} }],
    inputs,
    outputs: [],
    opsets: { '': c.opset },
  };
  return { graph, shapes, values };
}

/** nnport's inference on a case. */
export function ours(c: Case): Result {
  const { graph, shapes, values } = caseGraph(c);
  try {
    const m = inferShapes(graph, shapes, (n) => values.get(n));
    return {
      outputs: (graph.nodes[0] as GraphNode).outputs.map((o) => {
        const v = m.get(o);
        return v === undefined ? undefined : { dtype: v.dtype, shape: v.shape };
      }),
    };
  } catch (e) {
    return { error: String(e) };
  }
}

const SCRIPT = resolve(process.cwd(), 'test/peers/onnx-shapes.py');
const INSTALL = 'the live peer is /usr/bin/python3 with onnx; install it with: apt-get install python3-onnx';

function runPeer(mode: string, input: unknown): unknown {
  try {
    return JSON.parse(
      execFileSync('/usr/bin/python3', [SCRIPT, mode], {
        input: JSON.stringify(input),
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      }),
    );
  } catch (e) {
    assert.fail(`onnx peer failed (${INSTALL}): ${String(e)}`);
  }
}

/** onnx 1.12's inference on many cases at once (one Python process). */
export function peer(cases: readonly Case[]): Result[] {
  const wire = cases.map((c) => ({
    op: c.op,
    opset: c.opset,
    outputs: c.outputs ?? 1,
    inputs: c.inputs.map((i) => (i === null ? null : { elem: onnxTypeCode(i.dtype), shape: i.shape })),
    consts: Object.fromEntries(
      Object.entries(c.consts ?? {}).map(([k, v]) => [
        k,
        { elem: onnxTypeCode((c.inputs[Number(k)] as CaseInput).dtype), dims: [v.length], values: v },
      ]),
    ),
    attrs: c.attrs ?? {},
  }));
  const raw = runPeer('shapes', wire) as (
    | { outputs: ({ elem: number; shape: Dim[] | null } | null)[] }
    | { error: string }
  )[];
  return raw.map((r) =>
    'error' in r
      ? r
      : {
          outputs: r.outputs.map((o) =>
            o === null
              ? undefined
              : { dtype: onnxDType(o.elem), shape: o.shape === null ? undefined : o.shape },
          ),
        },
  );
}

/** A schema as onnx 1.12 resolves it (see onnx-shapes.py `schemas`). */
export interface PeerSchema {
  readonly since: number;
  readonly deprecated: boolean;
  readonly inputs: string[];
  readonly outputs: string[];
  readonly attributes: Record<string, { type: string; required: boolean; default: unknown }>;
}

/** onnx 1.12's schemas for (op, opset) pairs. */
export function peerSchemas(pairs: readonly [string, number][]): (PeerSchema | null)[] {
  return runPeer('schemas', pairs) as (PeerSchema | null)[];
}
