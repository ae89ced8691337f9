/** The ONNX reader on models built in test code: the mapping, typed fields, external data, detection. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readTensor, readTensorBytes } from '../../src/core/tensor.js';
import { onnxFormat } from '../../src/formats/onnx/index.js';
import { addGraph, f32, ff, lf, model, sf, tensor, vf } from './build.js';
import { readOnnxBytes } from './helpers.js';

test('raw_data initializer is a zero-copy window with the right values', async () => {
  const bytes = model(addGraph(tensor('w', [2, 2], 1, lf(9, f32([1, 2, 3, 4])))));
  const m = await readOnnxBytes(bytes);
  assert.equal(m.format, 'onnx');
  assert.deepEqual((m.metadata.onnx as Record<string, unknown>).irVersion, 8);
  assert.deepEqual(m.graph?.opsets, { '': 17 });
  assert.equal(m.graph?.nodes[0]?.op, 'Add');
  assert.deepEqual(m.graph?.nodes[0]?.inputs, ['x', 'w']);
  assert.deepEqual(m.graph?.initializers, ['w']);
  const t = m.tensors[0];
  assert.ok(t);
  assert.deepEqual([t.name, t.dtype, t.shape], ['w', 'float32', [2, 2]]);
  assert.deepEqual([...(await readTensor(t as typeof t & { dtype: 'float32' }))], [1, 2, 3, 4]);
  const b = await readTensorBytes(t);
  assert.equal(b.buffer, bytes.buffer, 'raw_data is not copied');
});

test('typed fields: float_data packed and unpacked, int64_data, int32_data for float16 and int8', async () => {
  const cases: [number, number[], string, unknown[]][] = [
    [1, lf(4, f32([1.5, -2])), 'float32', [1.5, -2]],
    [1, [...ff(4, 7), ...ff(4, 8)], 'float32', [7, 8]],
    [
      7,
      lf(7, [...vf(0, 5).slice(1), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]),
      'int64',
      [5n, -1n],
    ],
    [10, lf(5, [0x80, 0x78, 0x00]), 'float16', [0x3c00, 0]],
    [3, lf(5, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x05]), 'int8', [-1, 5]],
  ];
  for (const [dt, data, dtype, want] of cases) {
    const m = await readOnnxBytes(model(addGraph(tensor('w', [2], dt, data))));
    const t = m.tensors[0];
    assert.ok(t);
    assert.equal(t.dtype, dtype);
    // biome-ignore lint/suspicious/noExplicitAny: typed array of any dtype
    assert.deepEqual([...((await readTensor(t as any)) as any)], want, dtype);
  }
});

test('Constant value tensor, unnamed, gets a generated name; string tensors go to the graph', async () => {
  const attr = [...sf(1, 'value'), ...vf(20, 4), ...lf(5, tensor('', [1], 1, lf(9, f32([3]))))];
  const node = [...sf(2, 'c'), ...sf(4, 'Constant'), ...lf(5, attr)];
  const strs = tensor('labels', [2], 8, [...sf(6, 'a'), ...sf(6, 'b')]);
  const m = await readOnnxBytes(model([...lf(1, node), ...lf(5, strs)]));
  assert.deepEqual(m.graph?.nodes[0]?.attributes.value, { type: 'tensor', value: 'c:value' });
  assert.equal(m.tensors[0]?.name, 'c:value');
  assert.deepEqual(m.tensors[0]?.meta, { onnx: { name: '' } });
  assert.deepEqual(m.graph?.stringTensors, [{ name: 'labels', shape: [2], values: ['a', 'b'] }]);
});

test('subgraph attributes, value_info shapes and metadata_props are kept', async () => {
  const sub = [...lf(1, [...sf(1, 'a'), ...sf(2, 'b'), ...sf(4, 'Identity')]), ...sf(2, 'then')];
  const attr = [...sf(1, 'then_branch'), ...vf(20, 5), ...lf(6, sub)];
  const dims = [...lf(1, vf(1, 3)), ...lf(1, sf(2, 'N')), ...lf(1, [])];
  const vi = [...sf(1, 'x'), ...lf(2, lf(1, [...vf(1, 1), ...lf(2, dims)]))];
  const graph = [...lf(1, [...sf(4, 'If'), ...lf(5, attr)]), ...lf(11, vi)];
  const bytes = new Uint8Array([...model(graph), ...lf(14, [...sf(1, 'k'), ...sf(2, 'v')])]);
  const m = await readOnnxBytes(bytes);
  const g = m.graph?.nodes[0]?.attributes.then_branch;
  assert.equal(g?.type, 'graph');
  assert.equal(g?.type === 'graph' ? g.value.nodes[0]?.op : '', 'Identity');
  assert.deepEqual(m.graph?.inputs[0], { name: 'x', dtype: 'float32', shape: [3, 'N', null] });
  assert.deepEqual((m.metadata.onnx as Record<string, unknown>).metadataProps, [['k', 'v']]);
});

test('external data: one file with offsets', async () => {
  const ext = (name: string, off: number) =>
    tensor(name, [2], 1, [
      ...lf(13, [...sf(1, 'location'), ...sf(2, 'w.bin')]),
      ...lf(13, [...sf(1, 'offset'), ...sf(2, String(off))]),
      ...lf(13, [...sf(1, 'length'), ...sf(2, '8')]),
      ...vf(14, 1),
    ]);
  const graph = [...lf(5, ext('a', 0)), ...lf(5, ext('b', 8))];
  const m = await readOnnxBytes(model(graph), { 'w.bin': new Uint8Array(f32([1, 2, 3, 4])) });
  // biome-ignore lint/suspicious/noExplicitAny: float32 view
  assert.deepEqual([...(await readTensor(m.tensors[1] as any))], [3, 4]);
  assert.deepEqual((m.tensors[1]?.meta?.onnx as Record<string, unknown> | undefined)?.externalData, {
    location: 'w.bin',
    offset: 8,
    length: 8,
  });
});

test('detect: content for a ModelProto head, name for .onnx, nothing otherwise', () => {
  const head = model(addGraph(tensor('w', [1], 1, lf(9, f32([1])))));
  assert.equal(onnxFormat.detect({ name: 'x.bin', head, size: head.length, isFolder: false }), 'content');
  const junk = new Uint8Array([0x08, 0x05, 0x99, 0x99]);
  assert.equal(onnxFormat.detect({ name: 'x.onnx', head: junk, size: 4, isFolder: false }), 'name');
  assert.equal(onnxFormat.detect({ name: 'x.bin', head: junk, size: 4, isFolder: false }), undefined);
  assert.equal(
    onnxFormat.detect({ name: 'x.bin', head: new Uint8Array([0x93, 0x4e]), size: 2, isFolder: false }),
    undefined,
  );
});
