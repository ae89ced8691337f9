#!/usr/bin/env python3
"""onnx.checker (full check) on every ONNX file given, then one JSON object on stdout: per file its
inputs and outputs (name, dims; a symbolic or unknown dim as null), its nodes (op, inputs, outputs, perm of
a Transpose), its initializer names and its metadata_props. One process for a whole test file.
"""
import json
import sys

import onnx


def dims(v):
    return [d.dim_value if d.HasField('dim_value') else None for d in v.type.tensor_type.shape.dim]


report = {}
for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    g = m.graph
    nodes = []
    for n in g.node:
        perm = [list(a.ints) for a in n.attribute if a.name == 'perm']
        nodes.append({'op': n.op_type, 'inputs': list(n.input), 'outputs': list(n.output),
                      'perm': perm[0] if perm else None})
    report[path] = {
        'inputs': [[v.name, dims(v)] for v in g.input],
        'outputs': [[v.name, dims(v)] for v in g.output],
        'nodes': nodes,
        'initializers': [t.name for t in g.initializer],
        'metadata': {p.key: p.value for p in m.metadata_props},
    }
json.dump(report, sys.stdout)
