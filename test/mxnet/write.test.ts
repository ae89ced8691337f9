/**
 * MXNet writer, file level: the `.params` writer (bytes equal to MXNet's own files, every type
 * flag through the nnport reader and the NumPy reference reader, 0-d and empty tensors, refusals,
 * streaming), the symbol text (byte-equal to MXNet-written symbol files), attribute spelling, the
 * params file name, the `mxnet-params` plug-in's writer and the refusal of graph-less models.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { byteLengthOf, type DType } from '../../src/core/dtype.js';
import type { Model } from '../../src/core/model.js';
import { readTensorBytes, type Tensor, tensorFromBytes } from '../../src/core/tensor.js';
import { mxnetParamsFormat } from '../../src/formats/mxnet/index.js';
import { readMxnetParams } from '../../src/formats/mxnet/params.js';
import { type ParamsEntry, writeParamsRecords } from '../../src/formats/mxnet/params-write.js';
import { paramsFileName, writeMxnet } from '../../src/formats/mxnet/write.js';
import { type ByteSink, MemoryTarget } from '../../src/io/byte-sink.js';
import { BytesSource } from '../../src/io/byte-source.js';
import { mxFloat, mxTuple } from '../../src/ops/mxnet/export-attrs.js';
import { dmlcString, type SymbolJson, symbolJsonText } from '../../src/ops/mxnet/export-json.js';
import { rejectsWith, sha256 } from '../assert-errors.js';
import { inputFromSource } from '../npy/helpers.js';
import { PYTHON, tempDir } from './write-helpers.js';

const FIXTURES = path.resolve(process.cwd(), '../shared/fixtures/mxnet');
const REF = path.resolve(process.cwd(), 'test/peers/mxnet-params-ref.py');
const dir = tempDir();
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes entries to memory; returns the bytes and the warnings. */
async function paramsBytes(
  entries: readonly ParamsEntry[],
): Promise<{ bytes: Uint8Array; warnings: string[] }> {
  const t = new MemoryTarget('x.params');
  const warnings: string[] = [];
  await writeParamsRecords(await t.create(), entries, { onWarning: (w) => warnings.push(w) });
  return { bytes: t.bytes, warnings };
}

function readBack(bytes: Uint8Array): Promise<Model> {
  return readMxnetParams(inputFromSource(new BytesSource(bytes, 'x.params'), 'x.params'));
}

/** A tensor of `dtype` and `shape` with byte pattern data. */
function patterned(name: string, dtype: DType, shape: number[], bytesPerElement: number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const b = new Uint8Array(n * bytesPerElement);
  for (let i = 0; i < b.length; i++) b[i] = dtype === 'bool' ? i % 2 : (i * 37 + 11) & 0xff;
  return tensorFromBytes(name, dtype, shape, b);
}

test('params: the bytes are exactly the NDArray list layout (V2 records, cpu context, names)', async () => {
  const t = tensorFromBytes('w', 'float32', [2], new Uint8Array(new Float32Array([1.5, -2]).buffer));
  const { bytes } = await paramsBytes([{ name: 'arg:w', tensor: t }]);
  const want: number[] = [];
  const le = (v: bigint, n: number): void => {
    for (let i = 0; i < n; i++) want.push(Number((v >> BigInt(8 * i)) & 0xffn));
  };
  le(0x112n, 8);
  le(0n, 8);
  le(1n, 8);
  le(0xf993fac9n, 4);
  le(0n, 4); // dense
  le(1n, 4); // ndim
  le(2n, 8); // dim
  le(1n, 4); // cpu
  le(0n, 4); // dev_id
  le(0n, 4); // float32
  want.push(...new Uint8Array(new Float32Array([1.5, -2]).buffer));
  le(1n, 8);
  le(5n, 8);
  want.push(...new TextEncoder().encode('arg:w'));
  assert.deepEqual([...bytes], want);
});

test('params: re-writing the MXNet-written fixtures gives back their exact bytes', async (t) => {
  if (!existsSync(FIXTURES)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  for (const f of [
    'mlp-symbol-api-v0.12/Neural_Net-0100.params',
    'fused-rnn-v0.12/Fused_Neural_Net-0100.params',
    'gluon-save-params-noprefix/MNIST-100.params',
  ]) {
    const original = new Uint8Array(readFileSync(path.join(FIXTURES, f)));
    const model = await readBack(original);
    const { bytes } = await paramsBytes(model.tensors.map((x) => ({ name: x.name, tensor: x })));
    assert.equal(sha256(bytes), sha256(original), f);
  }
});

/** Every dtype with an mshadow type flag and its element size. */
const FLAGGED: readonly [DType, number][] = [
  ['float32', 4],
  ['float64', 8],
  ['float16', 2],
  ['uint8', 1],
  ['int32', 4],
  ['int8', 1],
  ['int64', 8],
  ['bool', 1],
  ['int16', 2],
  ['uint16', 2],
  ['uint32', 4],
  ['uint64', 8],
  ['bfloat16', 2],
];

test('params: every type flag round-trips through the nnport reader and the NumPy reference reader', async () => {
  const tensors = FLAGGED.map(([d, size], i) => patterned(`t_${d}`, d, [2, i + 1], size));
  const { bytes, warnings } = await paramsBytes(tensors.map((t) => ({ name: `arg:${t.name}`, tensor: t })));
  assert.deepEqual(warnings, []);
  const back = await readBack(bytes);
  assert.deepEqual(
    back.tensors.map((t) => [t.name, t.dtype, t.shape]),
    tensors.map((t) => [`arg:${t.name}`, t.dtype, t.shape]),
  );
  for (const [i, t] of back.tensors.entries()) {
    assert.deepEqual(await readTensorBytes(t), await readTensorBytes(tensors[i] as Tensor));
  }
  const file = path.join(dir, 'flags.params');
  writeFileSync(file, bytes);
  const ref = JSON.parse(execFileSync(PYTHON, [REF, file], { encoding: 'utf8' })) as {
    name: string;
    dtype: string;
    shape: number[];
    sha256: string;
  }[];
  assert.equal(ref.length, tensors.length);
  for (const [i, r] of ref.entries()) {
    const t = tensors[i] as Tensor;
    assert.deepEqual([r.name, r.dtype, r.shape], [`arg:${t.name}`, t.dtype, t.shape]);
    assert.equal(r.sha256, sha256(await readTensorBytes(t)));
  }
});

test('params: a 0-d tensor is stored as shape [1], an empty one as a none array, each with a warning', async () => {
  const scalar = tensorFromBytes('s', 'int64', [], new Uint8Array(new BigInt64Array([7n]).buffer));
  const empty = tensorFromBytes('e', 'float32', [3, 0], new Uint8Array(0));
  const { bytes, warnings } = await paramsBytes([
    { name: 's', tensor: scalar },
    { name: 'e', tensor: empty },
  ]);
  assert.equal(warnings.length, 2);
  const back = await readBack(bytes);
  assert.deepEqual(back.tensors[0]?.shape, [1]);
  assert.deepEqual([...(await readTensorBytes(back.tensors[0] as Tensor))], [7, 0, 0, 0, 0, 0, 0, 0]);
  assert.deepEqual(back.metadata.mxnet, {
    prefixes: false,
    names: 'stored',
    records: ['v2'],
    noneArrays: ['e'],
  });
});

test('params: dtypes without a type flag, duplicate names and short data are refused before writing', async () => {
  for (const d of ['complex64', 'float8e4m3fn', 'int4'] as const) {
    const t = tensorFromBytes('bad', d, [2], new Uint8Array(byteLengthOf(d, 2)));
    let written = 0;
    const sink: ByteSink = {
      write: (c) => {
        written += c.length;
        return Promise.resolve();
      },
      close: () => Promise.resolve(),
    };
    const e = await rejectsWith(
      writeParamsRecords(sink, [{ name: 'arg:bad', tensor: t }]),
      'UNREPRESENTABLE',
    );
    assert.deepEqual(e.at, { tensor: 'arg:bad' });
    assert.equal(written, 0);
  }
  const a = patterned('a', 'float32', [1], 4);
  await rejectsWith(
    paramsBytes([
      { name: 'x', tensor: a },
      { name: 'x', tensor: a },
    ]),
    'UNREPRESENTABLE',
  );
  const short: Tensor = { ...a, shape: [2] };
  await rejectsWith(paramsBytes([{ name: 'x', tensor: short }]), 'INVALID_STRUCTURE');
});

test('params: tensor data are streamed in chunks, never gathered whole', async () => {
  const big = patterned('big', 'uint8', [10 << 20], 1);
  let largest = 0;
  let total = 0;
  const sink: ByteSink = {
    write: (c) => {
      largest = Math.max(largest, c.length);
      total += c.length;
      return Promise.resolve();
    },
    close: () => Promise.resolve(),
  };
  await writeParamsRecords(sink, [{ name: 'big', tensor: big }]);
  assert.ok(largest <= 4 << 20, `largest write ${largest}`);
  assert.equal(total, 24 + 4 + 4 + 4 + 8 + 12 + (10 << 20) + 8 + 8 + 3);
});

test('mxnet-params plug-in writes the tensors under their own names', async () => {
  const model: Model = {
    format: 'memory',
    metadata: {},
    tensors: [patterned('arg:fc_weight', 'float32', [2, 2], 4), patterned('dense0_bias', 'float16', [2], 2)],
  };
  const t = new MemoryTarget('w.params');
  await mxnetParamsFormat.write?.(model, t, {});
  const back = await readBack(t.bytes);
  assert.deepEqual(
    back.tensors.map((x) => x.name),
    ['arg:fc_weight', 'dense0_bias'],
  );
});

test('mxnet writer refuses a model without a graph, pointing at mxnet-params', async () => {
  const model: Model = { format: 'memory', metadata: {}, tensors: [patterned('w', 'float32', [1], 4)] };
  await rejectsWith(writeMxnet(model, new MemoryTarget('net-symbol.json'), {}), 'UNREPRESENTABLE');
});

test('symbol text: MXNet-written symbol files are reproduced byte for byte', async (t) => {
  if (!existsSync(FIXTURES)) {
    t.skip('../shared/fixtures absent');
    return;
  }
  for (const f of [
    'mlp-symbol-api-v0.12/Neural_Net-symbol.json',
    'fused-rnn-v0.12/Fused_Neural_Net-symbol.json',
    'apache-mxnet-tests/test_dnnl_test_dnnl_model_model1.json',
  ]) {
    const text = readFileSync(path.join(FIXTURES, f), 'utf8');
    const j = JSON.parse(text) as {
      nodes: {
        op: string;
        name: string;
        attrs?: Record<string, string>;
        inputs: [number, number, number][];
      }[];
      arg_nodes: number[];
      node_row_ptr: number[];
      heads: [number, number, number][];
      attrs: Record<string, ['int', number]>;
    };
    const g: SymbolJson = {
      nodes: j.nodes.map((n) => ({ op: n.op, name: n.name, attrs: n.attrs ?? {}, inputs: n.inputs })),
      arg_nodes: j.arg_nodes,
      node_row_ptr: j.node_row_ptr,
      heads: j.heads,
      attrs: Object.entries(j.attrs),
    };
    // The dnnl file gained a final newline in git; MXNet writes none.
    assert.equal(symbolJsonText(g), text.replace(/\n$/, ''), f);
  }
});

test('symbol text: strings escape as dmlc does; control characters are refused', async () => {
  assert.equal(dmlcString('a"b\\c\nd\te\r'), '"a\\"b\\\\c\\nd\\te\\r"');
  assert.equal(dmlcString('poids_é'), '"poids_é"');
  assert.throws(
    () => dmlcString('a\u0001'),
    (e: { code?: string }) => e.code === 'UNREPRESENTABLE',
  );
});

test('attributes are spelled as Python str() spells them', () => {
  const floats: [number, string][] = [
    [1e-5, '1e-05'],
    [0.9, '0.9'],
    [1, '1.0'],
    [100, '100.0'],
    [0.0001, '0.0001'],
    [1.5e-7, '1.5e-07'],
    [-2.5, '-2.5'],
    [1e16, '1e+16'],
    [0.2, '0.2'],
    [3.4028234663852886e38, '3.4028235e+38'],
    [0, '0.0'],
  ];
  for (const [v, s] of floats) assert.equal(mxFloat(Math.fround(v)), s, String(v));
  assert.equal(mxFloat(Math.SQRT2, false), '1.4142135623730951');
  assert.equal(mxTuple([3, 3]), '(3, 3)');
  assert.equal(mxTuple([3]), '(3,)');
  assert.equal(mxTuple([]), '()');
});

test('the params file sits beside the symbol file as <prefix>-0000.params', () => {
  assert.equal(paramsFileName('out/net-symbol.json'), 'net-0000.params');
  assert.equal(paramsFileName('net'), 'net-0000.params');
  assert.equal(paramsFileName('a\\b\\model.json', 12), 'model-0012.params');
});
