"""Checks an ONNX file nnport wrote, with the onnx package (python3-onnx) as the peer.

usage: onnx-check.py MODEL.onnx [basic]

With `basic`, full_check is off: for models whose original onnx 1.12 itself cannot shape-infer
(ai.onnx.ml ZipMap outputs: "type case unsupported for symbolic shape inference").

Runs onnx.checker.check_model with full_check=True (shape inference too): on the path for a
self-contained model, on the loaded model (external data read in) otherwise. Prints one JSON line:
{"ok": true, "ir_version", "opsets", "initializers": [{"name", "dtype", "dims", "sha256"}],
"sparse": [...], "nodes": [op_type, ...]} or exits non-zero with the checker's message on stderr.
sha256 is of the C-order bytes numpy_helper.to_array gives (strings: NUL-joined UTF-8).
"""
import hashlib
import json
import os
import sys
import tempfile

import numpy as np
import onnx
from onnx import numpy_helper


def digest(t):
    a = numpy_helper.to_array(t)
    if a.dtype == object:
        data = b"\0".join(x if isinstance(x, bytes) else str(x).encode() for x in a.ravel())
    else:
        data = np.ascontiguousarray(a).tobytes()
    return hashlib.sha256(data).hexdigest()


def check_path(path, full):
    """onnx.checker.check_model(path, full_check=True) without its side effect: onnx 1.12 runs
    infer_shapes_path(path) with no output path, which rewrites the checked file in place (a
    fixture, or the file under test). The inferred model goes to a temporary file instead."""
    onnx.checker.check_model(path)
    if full:
        with tempfile.TemporaryDirectory() as d:
            onnx.shape_inference.infer_shapes_path(
                path, os.path.join(d, "inferred.onnx"), check_type=True, strict_mode=True
            )


def main(path, full=True):
    shallow = onnx.load(path, load_external_data=False)
    external = any(
        t.data_location == onnx.TensorProto.EXTERNAL for t in shallow.graph.initializer
    )
    if external:
        model = onnx.load(path)
        onnx.checker.check_model(model, full_check=full)
    else:
        check_path(path, full)
        model = onnx.load(path)
    out = {
        "ok": True,
        "external": external,
        "ir_version": model.ir_version,
        "opsets": {o.domain: o.version for o in model.opset_import},
        "initializers": [
            {
                "name": t.name,
                "dtype": t.data_type,
                "dims": list(t.dims),
                "sha256": digest(t),
            }
            for t in model.graph.initializer
        ],
        "sparse": [
            {"name": s.values.name, "dims": list(s.dims)} for s in model.graph.sparse_initializer
        ],
        "nodes": [n.op_type for n in model.graph.node],
        "metadata": {p.key: p.value for p in model.metadata_props},
    }
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1], len(sys.argv) < 3 or sys.argv[2] != "basic")
