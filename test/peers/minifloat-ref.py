"""Reference decoding and rounding of ONNX's float8/float4 types, written from the specs
(ONNX docs/docs/Float8.md, Float4e2m1.md; OCP MX v1.0 for E8M0) with exact rational arithmetic,
independently of nnport's TypeScript. numpy is used for the float64 bit patterns of the values.

stdin: JSON {"decimals": {dtype: [...]}}. stdout: JSON {dtype: {"values": [hex of float64 bits per pattern],
"encode": [pattern per decimal (null when not representable)]}}.
"""
import bisect
import json
import struct
import sys
from fractions import Fraction

import numpy as np

# name: (exponent bits, mantissa bits, bias, special)
FORMATS = {
    "float8e4m3fn": (4, 3, 7, "fn"),
    "float8e4m3fnuz": (4, 3, 8, "fnuz"),
    "float8e5m2": (5, 2, 15, "ieee"),
    "float8e5m2fnuz": (5, 2, 16, "fnuz"),
    "float8e8m0": (8, 0, 127, "e8m0"),
    "float4e2m1": (2, 1, 1, "none"),
}


def decode(name, code):
    """Exact value as a Fraction, or 'nan', 'inf', '-inf', '-0'."""
    e, m, bias, special = FORMATS[name]
    if special == "e8m0":
        return "nan" if code == 0xFF else Fraction(2) ** (code - 127)
    sign = (code >> (e + m)) & 1
    exp = (code >> m) & ((1 << e) - 1)
    man = code & ((1 << m) - 1)
    if special == "fnuz" and code == 1 << (e + m):
        return "nan"
    if special == "fn" and exp == (1 << e) - 1 and man == (1 << m) - 1:
        return "nan"
    if special == "ieee" and exp == (1 << e) - 1:
        return "nan" if man else ("-inf" if sign else "inf")
    if exp == 0:
        mag = Fraction(man, 1 << m) * Fraction(2) ** (1 - bias)
    else:
        mag = (1 + Fraction(man, 1 << m)) * Fraction(2) ** (exp - bias)
    if sign and mag == 0:
        return "-0"
    return -mag if sign else mag


def bits_of(v):
    x = {"nan": np.nan, "inf": np.inf, "-inf": -np.inf, "-0": -0.0}.get(v) if isinstance(v, str) else float(v)
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def ladder_of(name):
    """Finite non-negative values and their patterns, increasing."""
    e, m, bias, special = FORMATS[name]
    n = 1 << (1 + e + m) if special != "e8m0" else 256
    ladder = []
    for c in range(n):
        v = decode(name, c)
        if isinstance(v, Fraction) and v >= 0 and not (special != "e8m0" and c >> (e + m)):
            ladder.append((v, c))
    ladder.sort()
    return ladder


def encode(name, ladder, text):
    """Nearest pattern: ties to even pattern (up for E8M0), saturating; None if unrepresentable."""
    e, m, bias, special = FORMATS[name]
    x = Fraction(text)
    negative = text.strip().startswith("-")
    if special == "e8m0" and (negative or x == 0):
        return None
    a = abs(x)
    if a >= ladder[-1][0]:
        code = ladder[-1][1]
    elif a <= ladder[0][0]:
        code = ladder[0][1]
    else:
        i = bisect.bisect_right([v for v, _ in ladder], a) - 1
        (lo, clo), (hi, chi) = ladder[i], ladder[i + 1]
        mid = (lo + hi) / 2
        if a < mid:
            code = clo
        elif a > mid:
            code = chi
        elif special == "e8m0":
            code = chi
        else:
            code = clo if clo % 2 == 0 else chi
    if negative:
        if code == 0 and special in ("fnuz",):
            return 0
        return code | (1 << (e + m))
    return code


def main():
    req = json.load(sys.stdin)
    out = {}
    for name, (e, m, bias, special) in FORMATS.items():
        n = 16 if name == "float4e2m1" else 256
        ladder = ladder_of(name)
        out[name] = {
            "values": [format(bits_of(decode(name, c)), "016x") for c in range(n)],
            "encode": [encode(name, ladder, t) for t in req["decimals"][name]],
        }
    json.dump(out, sys.stdout)


main()
