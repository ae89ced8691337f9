"""Live ONNX peer for nnport's op set (src/ops). Two modes, both reading JSON on stdin and
printing JSON on stdout:

  onnx-shapes.py shapes   — stdin: a list of cases {op, opset, inputs, consts, attrs, outputs}.
      Each case becomes a single-node model (onnx.helper); onnx.shape_inference.infer_shapes
      (strict mode) gives the outputs' types. Prints per case {"outputs": [{"elem", "shape"}|null]}
      or {"error": message} when onnx rejects the node.
  onnx-shapes.py schemas  — stdin: a list of [op, opset] pairs. Prints, per pair, the schema
      onnx resolves (since_version, attributes with type / required / default, inputs and outputs
      with their option), or null.

Inputs are [{"elem": N, "shape": [dim...] | null} | null]; a dim is an int, a symbolic name or
null. consts maps an input index to {"elem", "dims", "values"}: that input becomes an initializer.
attrs maps a name to {"type": "int"|"float"|"ints"|"floats"|"string"|"strings"|"tensor", "value"}.

Usage: /usr/bin/python3 onnx-shapes.py shapes|schemas < cases.json   (needs python3-onnx)
"""
import json
import sys

import onnx
from onnx import helper, shape_inference, defs


def make_attr(name, spec):
    t, v = spec['type'], spec['value']
    if t == 'float':
        v = float(v)
    elif t == 'floats':
        v = [float(x) for x in v]
    elif t == 'tensor':
        v = helper.make_tensor(name, v['elem'], v['dims'], v['values'])
    return helper.make_attribute(name, v)


def value_info(name, spec):
    shape = spec.get('shape')
    return helper.make_tensor_value_info(name, spec['elem'], shape)


def run_case(case):
    consts = case.get('consts', {})
    inputs, inits, names = [], [], []
    for i, spec in enumerate(case['inputs']):
        if spec is None:
            names.append('')
            continue
        name = 'in%d' % i
        names.append(name)
        c = consts.get(str(i))
        if c is not None:
            inits.append(helper.make_tensor(name, c['elem'], c['dims'], c['values']))
        else:
            inputs.append(value_info(name, spec))
    outs = ['out%d' % i for i in range(case.get('outputs', 1))]
    node = helper.make_node(case['op'], names, outs, name='n')
    for k, spec in case.get('attrs', {}).items():
        node.attribute.append(make_attr(k, spec))
    graph = helper.make_graph([node], 'g', inputs, [helper.make_value_info(o, onnx.TypeProto()) for o in outs], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', case['opset'])])
    model.ir_version = 8
    try:
        inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True)
    except Exception as e:  # onnx raises InferenceError / ValidationError for inconsistent nodes
        return {'error': str(e).splitlines()[0][:300]}
    found = {v.name: v for v in list(inferred.graph.value_info) + list(inferred.graph.output)}
    result = []
    for o in outs:
        v = found.get(o)
        if v is None or not v.type.HasField('tensor_type'):
            result.append(None)
            continue
        tt = v.type.tensor_type
        shape = None
        if tt.HasField('shape'):
            shape = [d.dim_value if d.HasField('dim_value') else (d.dim_param if d.HasField('dim_param') else None)
                     for d in tt.shape.dim]
        result.append({'elem': tt.elem_type, 'shape': shape})
    return {'outputs': result}


def attr_default(a):
    if a.default_value is None or a.default_value.type == 0:
        return None
    v = helper.get_attribute_value(a.default_value)
    if isinstance(v, bytes):
        return v.decode()
    if isinstance(v, list):
        return [x.decode() if isinstance(x, bytes) else x for x in v]
    return v


def schema(op, opset):
    try:
        s = defs.get_schema(op, opset)
    except Exception:
        return None
    opt = lambda f: {'Single': '', 'Optional': '?', 'Variadic': '*'}[f.option.name]
    return {
        'since': s.since_version,
        'deprecated': bool(s.deprecated),
        'inputs': [f.name + opt(f) for f in s.inputs],
        'outputs': [f.name + opt(f) for f in s.outputs],
        'attributes': {a.name: {'type': a.type.name.lower(), 'required': bool(a.required), 'default': attr_default(a)}
                       for a in s.attributes.values()},
    }


def main():
    mode = sys.argv[1]
    data = json.load(sys.stdin)
    if mode == 'shapes':
        print(json.dumps([run_case(c) for c in data]))
    elif mode == 'schemas':
        print(json.dumps([schema(op, v) for op, v in data]))
    else:
        sys.exit('usage: onnx-shapes.py shapes|schemas')


main()
