/**
 * Multi-node graphs for shape inference, run through nnport's `inferShapes` and through onnx 1.12's
 * `infer_shapes` with data propagation on (the live peer, inline Python below), so that chains of
 * int64 constants — Shape → Gather → Concat → Reshape and the like, as format importers write
 * them — can be compared end to end. The single-node peer (onnx-shapes.py) cannot express these.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import type { DType } from '../../src/core/dtype.js';
import type { AttributeValue, Graph, ValueInfo } from '../../src/core/graph.js';
import { type Dim, inferShapes, onnxDType, onnxTypeCode } from '../../src/ops/index.js';

/** A constant (initializer) of a chain graph; `dims` `[]` for a scalar. */
export interface ChainConst {
  readonly name: string;
  readonly dtype: DType;
  readonly dims: readonly number[];
  readonly values: readonly number[];
}

/** One graph: inputs, initializers, nodes (`op in1,in2 -> out1,out2` with attributes). */
export interface Chain {
  readonly name: string;
  readonly opset: number;
  readonly inputs: readonly { name: string; dtype: DType; shape: readonly Dim[] }[];
  readonly consts: readonly ChainConst[];
  readonly nodes: readonly {
    op: string;
    inputs: string[];
    outputs: string[];
    attrs?: Record<string, AttributeValue>;
  }[];
}

/** Type of one value: dtype and shape, `undefined` where unknown. */
export interface ValueType {
  readonly dtype: DType | undefined;
  readonly shape: readonly Dim[] | undefined;
}

const PEER = `
import json, sys
import onnx
from onnx import helper, shape_inference

def attr(name, spec):
    t, v = spec['type'], spec['value']
    if t == 'float': v = float(v)
    if t == 'floats': v = [float(x) for x in v]
    if t == 'tensor': v = helper.make_tensor(name, v['elem'], v['dims'], v['values'])
    return helper.make_attribute(name, v)

out = []
for g in json.load(sys.stdin):
    inputs = [helper.make_tensor_value_info(i['name'], i['elem'], i['shape']) for i in g['inputs']]
    inits = [helper.make_tensor(c['name'], c['elem'], c['dims'], c['values']) for c in g['consts']]
    nodes = []
    for k, n in enumerate(g['nodes']):
        node = helper.make_node(n['op'], n['inputs'], n['outputs'], name='n%d' % k)
        for a, spec in n.get('attrs', {}).items():
            node.attribute.append(attr(a, spec))
        nodes.append(node)
    graph = helper.make_graph(nodes, 'g', inputs, [], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', g['opset'])])
    model.ir_version = 8
    try:
        m = shape_inference.infer_shapes(model, check_type=True, strict_mode=True, data_prop=True)
    except Exception as e:
        out.append({'error': str(e).splitlines()[0][:300]})
        continue
    types = {}
    for v in m.graph.value_info:
        tt = v.type.tensor_type
        shape = None
        if tt.HasField('shape'):
            shape = [d.dim_value if d.HasField('dim_value') else (d.dim_param if d.HasField('dim_param') else None) for d in tt.shape.dim]
        types[v.name] = {'elem': tt.elem_type, 'shape': shape}
    out.append({'types': types})
print(json.dumps(out))
`;

/** onnx 1.12's types of every node output of each chain (or its error). */
export function peerChains(chains: readonly Chain[]): (Record<string, ValueType> | { error: string })[] {
  const wire = chains.map((c) => ({
    opset: c.opset,
    inputs: c.inputs.map((i) => ({ name: i.name, elem: onnxTypeCode(i.dtype), shape: i.shape })),
    consts: c.consts.map((k) => ({
      name: k.name,
      elem: onnxTypeCode(k.dtype),
      dims: k.dims,
      values: k.values,
    })),
    nodes: c.nodes.map((n) => ({ op: n.op, inputs: n.inputs, outputs: n.outputs, attrs: n.attrs ?? {} })),
  }));
  let raw: ({ types: Record<string, { elem: number; shape: Dim[] | null }> } | { error: string })[];
  try {
    raw = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', PEER], { input: JSON.stringify(wire), encoding: 'utf8' }),
    );
  } catch (e) {
    assert.fail(`onnx peer failed (needs /usr/bin/python3 with onnx): ${String(e)}`);
  }
  return raw.map((r) =>
    'error' in r
      ? r
      : Object.fromEntries(
          Object.entries(r.types).map(([k, v]) => [
            k,
            { dtype: onnxDType(v.elem), shape: v.shape === null ? undefined : v.shape },
          ]),
        ),
  );
}

/** nnport's types of every value of a chain (or its error). */
export function ourChain(c: Chain): Record<string, ValueType> | { error: string } {
  const values = new Map(c.consts.map((k) => [k.name, k.values]));
  const shapes = new Map<string, ValueInfo>(
    c.consts.map((k) => [k.name, { name: k.name, dtype: k.dtype, shape: k.dims }]),
  );
  const graph: Graph = {
    nodes: c.nodes.map((n, k) => ({
      name: `n${k}`,
      op: n.op,
      inputs: n.inputs,
      outputs: n.outputs,
      attributes: n.attrs ?? {},
    })),
    inputs: c.inputs.map((i) => ({ name: i.name, dtype: i.dtype, shape: i.shape })),
    outputs: [],
    opsets: { '': c.opset },
  };
  try {
    const m = inferShapes(graph, shapes, (n) => values.get(n));
    return Object.fromEntries([...m].map(([k, v]) => [k, { dtype: v.dtype, shape: v.shape }]));
  } catch (e) {
    return { error: String(e) };
  }
}
