/**
 * The attribute values of a GraphDef node as tfjs-converter writes them in model.json: the JSON
 * form of TensorFlow's AttrValue proto (attr_value.proto), where `s` is base64 bytes, 64-bit
 * ints are decimal strings, `type` is a DataType enum name and `shape` a TensorShapeProto
 * (`dim: [{size: "-1"}]`, `unknownRank`). These helpers turn them into plain values and never
 * throw on a missing attribute: the caller gives the default TensorFlow's op registry documents.
 */
import type { DType } from '../../core/dtype.js';
import type { JsonValue } from '../../core/model.js';

/** A JSON object as parsed from model.json. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** True for a JSON object (not an array, not null). */
export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes standard base64 (padding optional); undefined when it is not base64. Platform-neutral. */
export function base64Bytes(text: string): Uint8Array | undefined {
  const s = text.replace(/=+$/, '');
  if (s.length % 4 === 1) return undefined;
  const out = new Uint8Array(Math.floor((s.length * 3) / 4));
  let acc = 0;
  let bits = 0;
  let k = 0;
  for (const ch of s) {
    const v = B64.indexOf(ch);
    if (v < 0) return undefined;
    acc = (acc << 6) | v;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[k++] = (acc >> bits) & 0xff;
    }
  }
  return out;
}

/** A base64 attribute string (`s`) as text (Latin-1 when it is not ASCII; names and enums are ASCII). */
export function base64Text(text: string): string {
  const bytes = base64Bytes(text);
  if (bytes === undefined) return text;
  let out = '';
  for (const b of bytes) out += String.fromCharCode(b);
  return out;
}

/** TensorFlow DataType enum names → nnport dtypes (types.proto). */
const DTYPES: Readonly<Record<string, DType>> = {
  DT_FLOAT: 'float32',
  DT_DOUBLE: 'float64',
  DT_HALF: 'float16',
  DT_BFLOAT16: 'bfloat16',
  DT_INT8: 'int8',
  DT_INT16: 'int16',
  DT_INT32: 'int32',
  DT_INT64: 'int64',
  DT_UINT8: 'uint8',
  DT_UINT16: 'uint16',
  DT_UINT32: 'uint32',
  DT_UINT64: 'uint64',
  DT_BOOL: 'bool',
};

/** The nnport dtype of a DataType name, undefined for strings, resources and unknown names. */
export function dtypeOf(name: JsonValue | undefined): DType | undefined {
  return typeof name === 'string' ? DTYPES[name] : undefined;
}

/** A 64-bit int as JSON gives it (a decimal string, or a number). */
export function intOf(v: JsonValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
}

/** A TensorShapeProto: dims (-1 or a missing size → null), undefined for unknown rank. */
export function shapeOf(v: JsonValue | undefined): (number | null)[] | undefined {
  if (!isObject(v) || v.unknownRank === true) return undefined;
  const dims = Array.isArray(v.dim) ? v.dim : [];
  return dims.map((d) => {
    const n = isObject(d) ? intOf(d.size) : undefined;
    return n === undefined || n < 0 ? null : n;
  });
}

/** One node's attributes, with typed getters. */
export class TfAttrs {
  readonly raw: JsonObject;

  constructor(raw: JsonValue | undefined) {
    this.raw = isObject(raw) ? raw : {};
  }

  #get(key: string): JsonObject | undefined {
    const v = this.raw[key];
    return isObject(v) ? v : undefined;
  }

  has(key: string): boolean {
    return this.#get(key) !== undefined;
  }

  /** A string attribute (`s`, base64-decoded). */
  str(key: string, fallback: string): string {
    const s = this.#get(key)?.s;
    return typeof s === 'string' ? base64Text(s) : fallback;
  }

  int(key: string, fallback: number): number {
    return intOf(this.#get(key)?.i) ?? fallback;
  }

  float(key: string, fallback: number): number {
    const f = this.#get(key)?.f;
    if (typeof f === 'number') return f;
    // proto3 JSON writes non-finite floats as strings
    if (f === 'NaN' || f === 'Infinity' || f === '-Infinity') return Number(f);
    return fallback;
  }

  bool(key: string, fallback: boolean): boolean {
    const b = this.#get(key)?.b;
    return typeof b === 'boolean' ? b : fallback;
  }

  /** A `type` attribute. */
  dtype(key: string): DType | undefined {
    return dtypeOf(this.#get(key)?.type);
  }

  /** A `shape` attribute (undefined: absent or unknown rank). */
  shape(key: string): (number | null)[] | undefined {
    return shapeOf(this.#get(key)?.shape);
  }

  /** A `list` of ints (`list.i`); an empty list when absent. */
  ints(key: string): number[] {
    const l = this.#get(key)?.list;
    const xs = isObject(l) && Array.isArray(l.i) ? l.i : [];
    return xs.map((x) => intOf(x) ?? 0);
  }

  /** A `list` of strings (`list.s`, base64-decoded). */
  strs(key: string): string[] {
    const l = this.#get(key)?.list;
    const xs = isObject(l) && Array.isArray(l.s) ? l.s : [];
    return xs.map((x) => (typeof x === 'string' ? base64Text(x) : ''));
  }

  /** The `tensor` of an attribute (Const's `value`). */
  tensor(key: string): JsonObject | undefined {
    const t = this.#get(key)?.tensor;
    return isObject(t) ? t : undefined;
  }

  /** Every attribute as readable text: strings decoded, the rest as compact JSON. */
  asStrings(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.raw)) {
      if (isObject(v) && typeof v.s === 'string') out[k] = base64Text(v.s);
      else out[k] = JSON.stringify(v);
    }
    return out;
  }
}
