#!/usr/bin/env python3
"""Read an nnport JSON export with Python's standard library only.

Prints one line per tensor: its name (as a JSON string), dtype, shape and first values.

    python3 read_json.py model.json [COUNT]

The document layout is in docs/formats/json.md. Two details matter for exact values:
- JSON has no NaN or Infinity numbers: nnport writes them as the strings "NaN", "Infinity",
  "-Infinity", and a NaN with a payload as "NaN(0x7fc00001)" (its bit pattern in hex).
- Python's json module reads `-0` as the integer 0; the parse_int hook below keeps it -0.0
  (nnport writes integers without a sign on zero, so only a float can be `-0`).
"""
import json
import struct
import sys

NON_FINITE = {"NaN": float("nan"), "Infinity": float("inf"), "-Infinity": float("-inf")}


def nan_from_bits(bits, dtype):
    """The float a NaN(0x...) spelling names, as a Python float (payload kept where Python can)."""
    if dtype == "float64":
        return struct.unpack("<d", struct.pack("<Q", bits))[0]
    if dtype == "float32":
        return struct.unpack("<f", struct.pack("<I", bits))[0]
    if dtype == "float16":
        return struct.unpack("<e", struct.pack("<H", bits))[0]
    return struct.unpack("<f", struct.pack("<I", bits << 16))[0]  # bfloat16: the top half of a float32


def value(x, dtype):
    """One element as Python sees it: float for float dtypes, int for integers, bool for bool."""
    if isinstance(x, str):
        if x in NON_FINITE:
            return NON_FINITE[x]
        if x.startswith("NaN(0x") and x.endswith(")"):
            return nan_from_bits(int(x[6:-1], 16), dtype)
        raise ValueError("not a value: %r" % x)
    if dtype == "bool":
        return bool(x)
    if dtype.startswith("float") or dtype == "bfloat16":
        return float(x)
    return x


def flatten(data, shape):
    """The values in C order (last index fastest), checking the nesting against the shape."""
    out = []

    def walk(x, depth):
        if depth == len(shape):
            out.append(x)
            return
        if not isinstance(x, list) or len(x) != shape[depth]:
            raise ValueError("data does not match shape %r" % (shape,))
        for y in x:
            walk(y, depth + 1)

    walk(data, 0)
    return out


def main():
    path = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with open(path, encoding="utf-8") as f:
        doc = json.load(f, parse_int=lambda s: -0.0 if s == "-0" else int(s))
    if doc.get("format") != "nnport":
        raise SystemExit("%s is not an nnport JSON document" % path)
    for t in doc["tensors"]:
        values = [value(x, t["dtype"]) for x in flatten(t["data"], t["shape"])[:count]]
        print(json.dumps(t["name"]), t["dtype"], t["shape"], " ".join(repr(v) for v in values))


if __name__ == "__main__":
    main()
