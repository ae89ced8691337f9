/**
 * The recurrent kernels' checks (INVALID_STRUCTURE for inputs and attributes that do not fit,
 * UNSUPPORTED_OP for an unknown activation) and their float64 path.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ErrorCode, NnportError } from '../../src/core/errors.js';
import type { AttributeValue, GraphNode } from '../../src/core/graph.js';
import type { ExecTensor, Kernel, KernelContext } from '../../src/exec/kernel.js';
import { gruKernel } from '../../src/exec/kernels/GRU.js';
import { lstmKernel } from '../../src/exec/kernels/LSTM.js';
import { rnnKernel } from '../../src/exec/kernels/RNN.js';
import { values } from '../onnx/write-models.js';

const [S, N, I, H] = [3, 2, 4, 5];

function f32(shape: number[], seed: number): ExecTensor {
  return {
    dtype: 'float32',
    shape,
    data: values(
      shape.reduce((a, b) => a * b, 1),
      seed,
    ),
  };
}

function ctx(op: string, attrs: Record<string, AttributeValue> = {}, outputs = ['Y', 'Y_h']): KernelContext {
  const node: GraphNode = { name: 'n', op, inputs: [], outputs, attributes: attrs };
  return { node, attrs, opset: 14, since: 14 };
}

/** Asserts that `work` throws an NnportError of `code` located at the node. */
function assertNnportError(work: () => unknown, code: ErrorCode): void {
  assert.throws(work, (e) => {
    assert.ok(e instanceof NnportError, `expected NnportError ${code}, got ${String(e)}`);
    assert.equal(e.code, code, `expected ${code}, got ${e.code}: ${e.message}`);
    assert.deepEqual(e.at, { node: 'n' });
    return true;
  });
}

const KERNELS: [string, Kernel, number][] = [
  ['LSTM', lstmKernel, 4],
  ['GRU', gruKernel, 3],
  ['RNN', rnnKernel, 1],
];

function base(gates: number, dirs = 1): (ExecTensor | undefined)[] {
  return [f32([S, N, I], 1), f32([dirs, gates * H, I], 2), f32([dirs, gates * H, H], 3)];
}

describe('recurrent kernels: errors', () => {
  for (const [op, kernel, gates] of KERNELS) {
    it(`${op}: missing W is INVALID_STRUCTURE`, () => {
      assertNnportError(() => kernel([f32([S, N, I], 1)], ctx(op)), 'INVALID_STRUCTURE');
    });
    it(`${op}: X of rank 2 is INVALID_STRUCTURE`, () => {
      const inputs = base(gates);
      inputs[0] = f32([S, I], 1);
      assertNnportError(() => kernel(inputs, ctx(op)), 'INVALID_STRUCTURE');
    });
    it(`${op}: integer X is INVALID_STRUCTURE`, () => {
      const inputs = base(gates);
      inputs[0] = { dtype: 'int32', shape: [S, N, I], data: new Int32Array(S * N * I) };
      assertNnportError(() => kernel(inputs, ctx(op)), 'INVALID_STRUCTURE');
    });
    it(`${op}: W with the wrong gate count is INVALID_STRUCTURE`, () => {
      const inputs = base(gates);
      inputs[1] = f32([1, (gates + 1) * H, I], 2);
      assertNnportError(() => kernel(inputs, ctx(op)), 'INVALID_STRUCTURE');
    });
    it(`${op}: W for one direction on a bidirectional node is INVALID_STRUCTURE`, () => {
      assertNnportError(
        () => kernel(base(gates), ctx(op, { direction: { type: 'string', value: 'bidirectional' } })),
        'INVALID_STRUCTURE',
      );
    });
    it(`${op}: hidden_size disagreeing with R is INVALID_STRUCTURE`, () => {
      assertNnportError(
        () => kernel(base(gates), ctx(op, { hidden_size: { type: 'int', value: H + 1 } })),
        'INVALID_STRUCTURE',
      );
    });
    it(`${op}: B of the wrong length is INVALID_STRUCTURE`, () => {
      const inputs = [...base(gates), f32([1, gates * H], 4)];
      assertNnportError(() => kernel(inputs, ctx(op)), 'INVALID_STRUCTURE');
    });
    it(`${op}: sequence_lens beyond seq_length is INVALID_STRUCTURE`, () => {
      const inputs = [
        ...base(gates),
        undefined,
        { dtype: 'int32', shape: [N], data: Int32Array.from([S, S + 1]) } as ExecTensor,
      ];
      assertNnportError(() => kernel(inputs, ctx(op)), 'INVALID_STRUCTURE');
    });
    it(`${op}: initial_h of the wrong shape is INVALID_STRUCTURE`, () => {
      const inputs = [...base(gates), undefined, undefined, f32([1, N + 1, H], 5)];
      assertNnportError(() => kernel(inputs, ctx(op)), 'INVALID_STRUCTURE');
    });
    it(`${op}: unknown direction is INVALID_STRUCTURE`, () => {
      assertNnportError(
        () => kernel(base(gates), ctx(op, { direction: { type: 'string', value: 'sideways' } })),
        'INVALID_STRUCTURE',
      );
    });
    it(`${op}: too few activations is INVALID_STRUCTURE`, () => {
      const attrs: Record<string, AttributeValue> = {
        direction: { type: 'string', value: 'bidirectional' },
        activations: {
          type: 'strings',
          value: op === 'RNN' ? ['Tanh'] : ['Sigmoid', 'Tanh', 'Tanh'].slice(0, gates === 4 ? 3 : 2),
        },
      };
      assertNnportError(() => kernel(base(gates, 2), ctx(op, attrs)), 'INVALID_STRUCTURE');
    });
    it(`${op}: an unknown activation is UNSUPPORTED_OP`, () => {
      const names =
        op === 'LSTM' ? ['Sigmoid', 'Gelu', 'Tanh'] : op === 'GRU' ? ['Sigmoid', 'Gelu'] : ['Gelu'];
      assertNnportError(
        () => kernel(base(gates), ctx(op, { activations: { type: 'strings', value: names } })),
        'UNSUPPORTED_OP',
      );
    });
    it(`${op}: float64 inputs give float64 outputs equal to the float32 path`, () => {
      const inputs32 = [...base(gates, 2), f32([2, 2 * gates * H], 6)];
      const inputs64 = inputs32.map((t) =>
        t === undefined
          ? t
          : { dtype: 'float64' as const, shape: t.shape, data: Float64Array.from(t.data as Float32Array) },
      );
      const c = ctx(op, { direction: { type: 'string', value: 'bidirectional' } });
      const [y32, h32] = kernel(inputs32, c);
      const [y64, h64] = kernel(inputs64, c);
      assert.equal(y64?.dtype, 'float64');
      assert.equal(h64?.dtype, 'float64');
      for (const [a, b] of [
        [y32, y64],
        [h32, h64],
      ] as const) {
        const [p, q] = [a?.data as Float32Array, b?.data as Float64Array];
        assert.equal(p.length, q.length);
        for (let i = 0; i < p.length; i++) assert.ok(Math.abs((p[i] as number) - (q[i] as number)) <= 1e-6);
      }
    });
  }
});
