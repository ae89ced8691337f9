#!/usr/bin/env python3
"""Read an nnport CSV matrix export with the Python standard library only.

An export is a folder written by `nnport convert MODEL OUT.csvdir --to csv-matrix`:

    OUT.csvdir/manifest.json      names, dtypes, shapes and file names of the tensors
    OUT.csvdir/<tensor>.csv       one CSV per tensor, no header row: the first dimension as rows,
                                  the other dimensions flattened in C order as columns

Usage:
    python3 read_csv_matrix.py FOLDER            # one summary line per tensor
    python3 read_csv_matrix.py FOLDER --dump     # one JSON line per tensor with its exact bytes

See docs/formats/csv.md for the layout. Values are the shortest decimals of their dtype, so
float() gives the nearest double and packing it into the dtype gives back the exact value;
integers are exact (int64 and uint64 included); `NaN(0x7fc00001)` spells a NaN by its bits.
"""
import csv
import json
import os
import re
import struct
import sys

NAN_BITS = re.compile(r'^NaN\(0x([0-9a-fA-F]+)\)$')
STRUCT = {'float64': 'd', 'float32': 'f', 'float16': 'e', 'int8': 'b', 'int16': 'h', 'int32': 'i',
          'int64': 'q', 'uint8': 'B', 'uint16': 'H', 'uint32': 'I', 'uint64': 'Q', 'bool': '?'}
WIDTH = {'float64': 8, 'float32': 4, 'float16': 2, 'bfloat16': 2}


def parse_value(text, dtype):
    """One value: a float for float dtypes (NaN payloads become plain NaN), an int otherwise."""
    if dtype in WIDTH:
        if NAN_BITS.match(text):
            return float('nan')
        return float(text)  # accepts 'NaN', 'Infinity', '-Infinity', '-0', '1e-7'
    if dtype == 'bool':
        return text in ('1', 'true')
    return int(text)


def read_csv_matrix(folder):
    """Returns [(name, dtype, shape, values)] in manifest order; values flat, in C order."""
    with open(os.path.join(folder, 'manifest.json'), encoding='utf-8') as f:
        manifest = json.load(f)
    if manifest.get('format') != 'nnport-csv-matrix':
        raise ValueError('not an nnport CSV matrix manifest')
    tensors = []
    for t in manifest['tensors']:
        values = []
        with open(os.path.join(folder, t['file']), newline='', encoding='utf-8') as f:
            for row in csv.reader(f):
                if not row:
                    continue  # blank line
                if len(row) != t['columns']:
                    raise ValueError('%s: a row has %d values, expected %d' % (t['file'], len(row), t['columns']))
                values.extend(parse_value(v.strip(), t['dtype']) for v in row)
        count = 1
        for d in t['shape']:
            count *= d
        if len(values) != count:
            raise ValueError('%s: %d values, shape %s needs %d' % (t['file'], len(values), t['shape'], count))
        tensors.append((t['name'], t['dtype'], t['shape'], values))
    return tensors


def pack(dtype, values):
    """The values as little-endian bytes of their dtype."""
    if dtype == 'bfloat16':
        out = b''
        for v in values:
            bits = struct.unpack('<I', struct.pack('<f', v))[0]
            if v != v:
                bits = 0x7fc00000
            out += struct.pack('<H', (bits + 0x7fff + ((bits >> 16) & 1)) >> 16)  # round to nearest even
        return out
    return struct.pack('<%d%s' % (len(values), STRUCT[dtype]), *values)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    for name, dtype, shape, values in read_csv_matrix(sys.argv[1]):
        if '--dump' in sys.argv[2:]:
            print(json.dumps({'name': name, 'dtype': dtype, 'shape': shape, 'hex': pack(dtype, values).hex()}))
        else:
            finite = [float(v) for v in values if float(v) == float(v)]
            low = min(finite) if finite else float('nan')
            high = max(finite) if finite else float('nan')
            print('%s %s %s: %d values, min %g, max %g' % (name, dtype, shape, len(values), low, high))


if __name__ == '__main__':
    main()
