/**
 * MXNet writer, op level (tensor and elementwise ops, constants, the mxnet domain, the list of
 * unsupported nodes, unused tensors, and the whole writer on a memory target).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GraphNode } from '../../src/core/graph.js';
import type { Model } from '../../src/core/model.js';
import { readTensor, type Tensor, tensorFromArray } from '../../src/core/tensor.js';
import { readMxnetParams } from '../../src/formats/mxnet/params.js';
import { writeMxnet } from '../../src/formats/mxnet/write.js';
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { BytesSource } from '../../src/io/byte-source.js';
import { exportMxnet } from '../../src/ops/mxnet/export.js';
import { rejectsWith } from '../assert-errors.js';
import { inputFromSource } from '../npy/helpers.js';
import { exported, f, f32, i, is, model, node, ops, s, single, X } from './write-build.js';

function i64(name: string, values: number[]): Tensor {
  return tensorFromArray(name, 'int64', [values.length], BigInt64Array.from(values, BigInt));
}
const x4 = [X([2, 3, 4, 5])];

describe('mxnet export: tensor and elementwise ops', () => {
  it('Flatten, Reshape (0/-1 kept, shape not written as a parameter), Transpose, Concat', async () => {
    await single(model([node('Flatten', ['x'], ['y'])], [], x4), 'Flatten', {});
    await single(model([node('Flatten', ['x'], ['y'], { axis: i(0) })], [], x4), 'Reshape', {
      shape: '(1, -1)',
    });
    await single(model([node('Flatten', ['x'], ['y'], { axis: i(2) })], [], x4), 'Reshape', {
      shape: '(6, -1)',
    });
    const r = await single(
      model([node('Reshape', ['x', 'shape'], ['y'])], [i64('shape', [0, -1, 5])], x4),
      'Reshape',
      {
        shape: '(0, -1, 5)',
      },
    );
    assert.deepEqual(r.params, []);
    assert.deepEqual(r.warnings, []);
    await single(model([node('Transpose', ['x'], ['y'], { perm: is(0, 2, 3, 1) })], [], x4), 'transpose', {
      axes: '(0, 2, 3, 1)',
    });
    await single(model([node('Concat', ['x', 'x'], ['y'], { axis: i(-1) })], [], x4), 'Concat', {
      dim: '-1',
      num_args: '2',
    });
  });

  it('a reshape computed by a Shape → Gather → Unsqueeze → Concat chain is folded into the attribute', async () => {
    const nodes: GraphNode[] = [
      node('Shape', ['x'], ['sh']),
      node('Gather', ['sh', 'zero'], ['b'], { axis: i(0) }),
      node('Unsqueeze', ['b', 'axes'], ['b1']),
      node('Concat', ['b1', 'minus1'], ['target'], { axis: i(0) }),
      node('Reshape', ['x', 'target'], ['y']),
    ];
    const tensors = [
      tensorFromArray('zero', 'int64', [], new BigInt64Array([0n])),
      i64('axes', [0]),
      i64('minus1', [-1]),
    ];
    const r = await exported(model(nodes, tensors, x4));
    assert.deepEqual(
      ops(r).map((n) => [n.op, n.attrs]),
      [['Reshape', { shape: '(2, -1)' }]],
    );
    assert.deepEqual(r.params, []);
  });

  it('Add/Sub/Mul/Div: tensors → broadcast_*, one-element constants → scalar ops (reversed when on the left)', async () => {
    const one = tensorFromArray('c', 'float32', [], new Float32Array([0.5]));
    for (const [op, mx] of [
      ['Add', 'broadcast_add'],
      ['Sub', 'broadcast_sub'],
      ['Mul', 'broadcast_mul'],
      ['Div', 'broadcast_div'],
    ] as const) {
      await single(model([node(op, ['x', 'w'], ['y'])], [f32('w', [5])], x4), mx, {});
    }
    await single(model([node('Add', ['x', 'c'], ['y'])], [one], x4), '_plus_scalar', { scalar: '0.5' });
    await single(model([node('Sub', ['c', 'x'], ['y'])], [one], x4), '_rminus_scalar', { scalar: '0.5' });
    await single(model([node('Div', ['c', 'x'], ['y'])], [one], x4), '_rdiv_scalar', { scalar: '0.5' });
    await single(model([node('Mul', ['x', 'c'], ['y'])], [one], x4), '_mul_scalar', { scalar: '0.5' });
  });

  it('unary math, Identity, Unsqueeze/Squeeze, Clip', async () => {
    for (const [op, mx] of [
      ['Sqrt', 'sqrt'],
      ['Exp', 'exp'],
      ['Log', 'log'],
      ['Abs', 'abs'],
      ['Neg', 'negative'],
      ['Identity', '_copy'],
    ] as const) {
      await single(model([node(op, ['x'], ['y'])], [], x4), mx, {});
    }
    const r = await exported(model([node('Unsqueeze', ['x', 'axes'], ['y'])], [i64('axes', [-1, 0])], x4));
    assert.deepEqual(
      ops(r).map((n) => n.attrs.axis),
      ['0', '5'],
    );
    await single(model([node('Unsqueeze', ['x'], ['y'], { axes: is(1) })], [], x4, 11), 'expand_dims', {
      axis: '1',
    });
    await single(
      model([node('Squeeze', ['x', 'axes'], ['y'])], [i64('axes', [1, 2])], [X([2, 1, 1, 5])]),
      'squeeze',
      {
        axis: '(1, 2)',
      },
    );
    await single(model([node('Squeeze', ['x'], ['y'])], [], x4), 'squeeze', {});
    const lo = tensorFromArray('lo', 'float32', [], new Float32Array([-1]));
    await single(model([node('Clip', ['x', 'lo'], ['y'])], [lo], x4), 'clip', {
      a_max: '3.4028235e+38',
      a_min: '-1.0',
    });
    await single(model([node('Clip', ['x'], ['y'], { min: f(0), max: f(6) })], [], x4, 6), 'clip', {
      a_max: '6.0',
      a_min: '0.0',
    });
  });

  it('Gather: a constant 2-D table on axis 0 → Embedding, otherwise take', async () => {
    const table = f32('table', [10, 3]);
    const ids = [{ name: 'ids', dtype: 'int64' as const, shape: [2, 4] }];
    const r = await single(model([node('Gather', ['table', 'ids'], ['y'])], [table], ids), 'Embedding', {
      dtype: 'float32',
      input_dim: '10',
      output_dim: '3',
      sparse_grad: 'False',
    });
    // Embedding takes (data, weight): the indices come first.
    const emb = ops(r)[0];
    assert.deepEqual(
      emb?.inputs.map((e) => r.symbol.nodes[e[0]]?.name),
      ['ids', 'table'],
    );
    await single(
      model([node('Gather', ['x', 'idx'], ['y'], { axis: i(1) })], [i64('idx', [0, 2])], x4),
      'take',
      { axis: '1', mode: 'wrap' },
    );
  });

  it('Split: equal parts → SliceChannel (all its outputs counted), uneven → slice_axis per part', async () => {
    const m: Model = model([node('Split', ['x'], ['a', 'b', 'c'], { axis: i(2) })], [], [X([2, 3, 6])], 11);
    const graph = { ...m.graph, outputs: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] } as NonNullable<
      Model['graph']
    >;
    const r = await exported({ ...m, graph });
    assert.deepEqual(ops(r)[0]?.attrs, { axis: '2', num_outputs: '3', squeeze_axis: 'False' });
    assert.deepEqual(r.symbol.heads, [
      [1, 0, 0],
      [1, 1, 0],
      [1, 2, 0],
    ]);
    assert.deepEqual(r.symbol.node_row_ptr, [0, 1, 4]);
    const uneven = await exported({
      ...m,
      tensors: [i64('split', [1, 5])],
      graph: {
        ...graph,
        nodes: [node('Split', ['x', 'split'], ['a', 'b'], { axis: i(2) })],
        outputs: [{ name: 'a' }, { name: 'b' }],
        opsets: { '': 13 },
      },
    });
    assert.deepEqual(
      ops(uneven).map((n) => [n.op, n.attrs.begin, n.attrs.end]),
      [
        ['slice_axis', '0', '1'],
        ['slice_axis', '1', '6'],
      ],
    );
  });

  it('Pad (constant, 4-D, spatial axes) → Pad; padding the channel axis is refused', async () => {
    await single(
      model([node('Pad', ['x', 'pads'], ['y'])], [i64('pads', [0, 0, 1, 2, 0, 0, 3, 4])], x4),
      'Pad',
      {
        constant_value: '0.0',
        mode: 'constant',
        pad_width: '(0, 0, 0, 0, 1, 3, 2, 4)',
      },
    );
    await single(
      model([node('Pad', ['x'], ['y'], { mode: s('edge'), pads: is(0, 0, 1, 1, 0, 0, 1, 1) })], [], x4, 2),
      'Pad',
      {
        constant_value: '0.0',
        mode: 'edge',
        pad_width: '(0, 0, 0, 0, 1, 1, 1, 1)',
      },
    );
    await rejectsWith(
      exportMxnet(model([node('Pad', ['x', 'pads'], ['y'])], [i64('pads', [0, 1, 0, 0, 0, 0, 0, 0])], x4)),
      'UNREPRESENTABLE',
    );
  });

  it('Constants: a tensor value becomes a variable named by the output, a float scalar a scalar attribute', async () => {
    const c: GraphNode = {
      ...node('Constant', [], ['k']),
      attributes: { value: { type: 'tensor', value: 'kt' } },
    };
    const r = await exported(model([c, node('Add', ['x', 'k'], ['y'])], [f32('kt', [5])], x4));
    assert.deepEqual(
      r.params.map((p) => [p.name, p.tensor.shape]),
      [['arg:k', [5]]],
    );
    assert.deepEqual(r.warnings, []);
    const v: GraphNode = { ...node('Constant', [], ['h']), attributes: { value_float: f(0.25) } };
    await single(model([v, node('Mul', ['x', 'h'], ['y'])], [], x4), '_mul_scalar', { scalar: '0.25' });
  });

  it('ConstantOfShape and Expand of a constant become filled parameters', async () => {
    const fill = tensorFromArray('fill', 'float32', [1], new Float32Array([1.5]));
    const cos: GraphNode = {
      ...node('ConstantOfShape', ['shape'], ['c']),
      attributes: { value: { type: 'tensor', value: 'fill' } },
    };
    const r = await exported(model([cos, node('Add', ['x', 'c'], ['y'])], [i64('shape', [4, 5]), fill], x4));
    assert.deepEqual(ops(r)[0]?.op, 'broadcast_add');
    const p = r.params.find((e) => e.name === 'arg:c')?.tensor as Tensor & { dtype: 'float32' };
    assert.deepEqual(p.shape, [4, 5]);
    assert.deepEqual([...(await readTensor(p))], new Array(20).fill(1.5));
    assert.deepEqual(r.warnings, []);
    const e = await exported(
      model(
        [node('Expand', ['fill', 'shape'], ['c']), node('Add', ['x', 'c'], ['y'])],
        [i64('shape', [4, 5]), fill],
        x4,
      ),
    );
    assert.deepEqual(e.params.find((q) => q.name === 'arg:c')?.tensor.shape, [4, 5]);
  });

  it('nodes of domain mxnet are written back as that op with string attributes', async () => {
    const n: GraphNode = {
      name: 'nms',
      op: '_contrib_box_nms',
      domain: 'mxnet',
      inputs: ['x'],
      outputs: ['y'],
      attributes: { overlap_thresh: { type: 'string', value: '0.45' }, topk: { type: 'int', value: 400 } },
    };
    const r = await single(model([n], [], x4), '_contrib_box_nms', { overlap_thresh: '0.45', topk: '400' });
    assert.equal(ops(r)[0]?.name, 'nms');
  });

  it('every unsupported node is listed in one UNSUPPORTED_OP before anything is converted', async () => {
    const nodes: GraphNode[] = [
      node('TopK', ['x', 'k'], ['v', 'idx']),
      node('Relu', ['v'], ['r']),
      { ...node('Foo', ['r'], ['q']), domain: 'com.example' },
      node('NonZero', ['q'], ['y']),
    ];
    const e = await rejectsWith(exportMxnet(model(nodes, [i64('k', [2])], x4)), 'UNSUPPORTED_OP');
    assert.match(e.message, /TopK \(v\)/);
    assert.match(e.message, /com\.example\.Foo \(q\)/);
    assert.match(e.message, /NonZero \(y\)/);
    assert.doesNotMatch(e.message, /Relu/);
  });

  it('unused tensors are still written (with a warning); names colliding with tensors are made unique', async () => {
    const nodes = [{ ...node('Relu', ['x'], ['y']), name: 'w' }];
    const r = await exported(model(nodes, [f32('w', [2]), f32('spare', [3])], x4));
    assert.deepEqual(
      ops(r).map((n) => n.name),
      ['w_1'],
    );
    assert.deepEqual(
      r.params.map((p) => p.name),
      ['arg:w', 'arg:spare'],
    );
    assert.equal(r.warnings.length, 1);
  });

  it('the writer puts the symbol in the target and the params beside it', async () => {
    const m = model(
      [node('Gemm', ['x', 'w', 'b'], ['y'], { transB: i(1) })],
      [f32('w', [3, 4]), f32('b', [3])],
      [X([null, 4])],
    );
    const t = new MemoryTarget('dir/net-symbol.json');
    await writeMxnet(m, t, {});
    const sym = JSON.parse(new TextDecoder().decode(t.bytes)) as {
      nodes: { attrs?: Record<string, string> }[];
    };
    assert.equal(sym.nodes[0]?.attrs?.__shape__, '(0, 4)');
    const params = t.files.get('net-0000.params') as Uint8Array;
    const back = await readMxnetParams(inputFromSource(new BytesSource(params, 'p'), 'p'));
    assert.deepEqual(
      back.tensors.map((x) => x.name),
      ['arg:w', 'arg:b'],
    );
  });
});
