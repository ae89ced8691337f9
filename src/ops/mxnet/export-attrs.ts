/**
 * How MXNet symbol files spell attribute values. Every value in a symbol's `attrs` is a string that
 * the op's dmlc::Parameter parses: MXNet's Python front end writes `str(value)`, so tuples read
 * `(3, 3)` (one element: `(3,)`), booleans `True`/`False` and floats as Python's `repr` does
 * (`1e-05`, `0.9`, `1.0`). The exporter writes the same, so that its files look like MXNet's own.
 */
import type { DType } from '../../core/dtype.js';
import { typeFlagOf } from '../../formats/mxnet/params.js';

/** An integer attribute (`"64"`). */
export function mxInt(v: number | bigint): string {
  return String(v);
}

/** A boolean attribute, as Python spells it. */
export function mxBool(v: boolean): string {
  return v ? 'True' : 'False';
}

/** A tuple attribute as Python's `str(tuple)`: `(3, 3)`, `(3,)`, `()`. */
export function mxTuple(values: readonly (number | bigint)[]): string {
  if (values.length === 1) return `(${String(values[0])},)`;
  return `(${values.map(String).join(', ')})`;
}

/**
 * The shortest decimal that reads back as `v` (as a float32 when `single`, else as a double), in
 * Python's `repr` layout: positional for 1e-4 ≤ |v| < 1e16 with at least one decimal (`0.9`,
 * `1.0`), otherwise a mantissa and a signed exponent of at least two digits (`1e-05`, `2.5e+20`).
 * ONNX float attributes are float32, so `single` keeps `1e-05` from printing as its float32
 * neighbour `9.999999747378752e-06`.
 */
export function mxFloat(v: number, single = true): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const target = single ? Math.fround(v) : v;
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 17; p++) {
    const s = target.toExponential(p - 1);
    const back = Number(s);
    if ((single ? Math.fround(back) : back) === target) {
      const [mant, e] = s.split('e') as [string, string];
      digits = mant.replace('-', '').replace('.', '');
      exp = Number(e);
      break;
    }
  }
  digits = digits.replace(/0+$/, '') || '0';
  const sign = target < 0 ? '-' : '';
  if (exp >= -5 + 1 && exp < 16) {
    // Positional: the decimal point goes after digit exp+1.
    if (exp >= 0) {
      const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
      const frac = digits.slice(exp + 1);
      return `${sign}${int}.${frac === '' ? '0' : frac}`;
    }
    return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const e = Math.abs(exp).toString().padStart(2, '0');
  return `${sign}${mant}e${exp < 0 ? '-' : '+'}${e}`;
}

/** MXNet's dtype names (`dtype` parameters of Cast, Embedding, ...), for the dtypes it has. */
const MX_DTYPE_NAMES: Partial<Record<DType, string>> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  uint8: 'uint8',
  int8: 'int8',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

/** The name an MXNet `dtype` parameter takes for `dtype`, or undefined when MXNet 1.x has none. */
export function mxDtypeName(dtype: DType): string | undefined {
  return MX_DTYPE_NAMES[dtype];
}

/** A variable's `__dtype__` attribute: the mshadow type flag as a string (`"0"` for float32). */
export function mxDtypeFlag(dtype: DType): string | undefined {
  const f = typeFlagOf(dtype);
  return f === undefined ? undefined : String(f);
}

/** A variable's `__shape__`: known dims as numbers, unknown (symbolic or missing) as 0, MXNet's "unknown". */
export function mxShape(shape: readonly (number | string | null)[]): string {
  return mxTuple(shape.map((d) => (typeof d === 'number' ? d : 0)));
}
