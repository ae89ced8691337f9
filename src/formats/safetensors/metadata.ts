/**
 * `__metadata__` ↔ `Model.metadata`.
 *
 * The header's `__metadata__` is a map string → string (`Option<HashMap<String, String>>` in
 * `tensor.rs`); nnport's metadata holds any JSON value. Mapping, documented in
 * docs/formats/safetensors.md:
 * - string entries are `Model.metadata` entries at the top level, as they are (`format: "pt"`);
 * - every other entry (objects such as the `nnport` manifest, numbers, ...) is written as one
 *   JSON object under the reserved key `__nnport_json__` and decoded from it on read, so a
 *   round trip through safetensors gives back equal metadata while other readers see only
 *   strings, as the format demands.
 */
import { NnportError } from '../../core/errors.js';
import type { JsonValue } from '../../core/model.js';

/** The reserved `__metadata__` key holding nnport's non-string metadata as a JSON object text. */
export const JSON_METADATA_KEY = '__nnport_json__';

/** Sets an own property even for keys like `__proto__` (plain assignment would change the prototype). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

/** True for a JSON object (not null, not an array). */
export function isJsonObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Decodes a parsed `__metadata__` value into model metadata. `null` is accepted as "none" (serde
 * reads it as `None`). Throws INVALID_STRUCTURE at `$.__metadata__...` for anything not a map
 * of strings, or for a `__nnport_json__` entry that is not a JSON object text.
 */
export function decodeMetadata(value: unknown, path = '$.__metadata__'): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  if (value === null || value === undefined) return out;
  if (!isJsonObject(value)) {
    throw new NnportError('INVALID_STRUCTURE', '__metadata__ must be an object of strings', { at: { path } });
  }
  let extra: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const v = value[key];
    const at = { path: `${path}[${JSON.stringify(key)}]` };
    if (typeof v !== 'string') {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `__metadata__ value of ${JSON.stringify(key)} is not a string`,
        { at },
      );
    }
    if (key === JSON_METADATA_KEY) {
      extra = parseJsonObject(v, at);
    } else {
      setOwn(out, key, v);
    }
  }
  if (extra !== undefined) {
    for (const key of Object.keys(extra)) {
      if (Object.hasOwn(out, key)) {
        throw new NnportError('INVALID_STRUCTURE', `metadata key ${JSON.stringify(key)} given twice`, {
          at: { path: `${path}[${JSON.stringify(JSON_METADATA_KEY)}]` },
        });
      }
      setOwn(out, key, extra[key] as JsonValue);
    }
  }
  return out;
}

function parseJsonObject(text: string, at: { path: string }): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new NnportError('INVALID_STRUCTURE', `${JSON_METADATA_KEY} is not JSON`, { at });
  }
  if (!isJsonObject(v)) {
    throw new NnportError('INVALID_STRUCTURE', `${JSON_METADATA_KEY} is not a JSON object`, { at });
  }
  return v;
}

/**
 * Encodes model metadata as `__metadata__` entries, sorted by key in code-point order (the
 * reference keeps them in a HashMap, whose order is random; sorting makes nnport's output
 * deterministic). Non-string values go into `__nnport_json__` (see the module comment).
 */
export function encodeMetadata(metadata: Readonly<Record<string, JsonValue>>): [string, string][] {
  const plain: [string, string][] = [];
  const extra: [string, JsonValue][] = [];
  for (const key of Object.keys(metadata)) {
    const v = metadata[key];
    if (typeof v === 'string' && key !== JSON_METADATA_KEY) plain.push([key, v]);
    else extra.push([key, v]);
  }
  if (extra.length > 0) {
    const bag: Record<string, JsonValue> = {};
    for (const [k, v] of extra) setOwn(bag, k, v);
    plain.push([JSON_METADATA_KEY, stableStringify(bag, '$.metadata')]);
  }
  return plain.sort((a, b) => compareCodePoints(a[0], b[0]));
}

/**
 * Compares strings by Unicode code point, which is UTF-8 byte order: Rust's `String` ordering
 * and Python's `str` ordering. (`<` on JS strings compares UTF-16 units and differs above U+FFFF.)
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      // A surrogate (an astral code point) sorts after every BMP unit, as its code point does.
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/**
 * JSON text of a value with object keys sorted by code point, so equal metadata always gives
 * equal bytes. `-0` is written `-0` (JSON.parse reads it back as -0); non-finite numbers and
 * lone surrogates have no JSON form and are refused with UNREPRESENTABLE.
 */
export function stableStringify(v: JsonValue, path: string): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) {
      throw new NnportError('UNREPRESENTABLE', `metadata number ${v} has no JSON form`, { at: { path } });
    }
    return Object.is(v, -0) ? '-0' : JSON.stringify(v);
  }
  if (typeof v === 'string') return jsonString(v, path);
  if (Array.isArray(v)) {
    return `[${(v as readonly JsonValue[]).map((x, i) => stableStringify(x, `${path}[${i}]`)).join(',')}]`;
  }
  const obj = v as Readonly<Record<string, JsonValue>>;
  const keys = Object.keys(obj).sort(compareCodePoints);
  const parts = keys.map((k) => {
    const p = `${path}[${JSON.stringify(k)}]`;
    return `${jsonString(k, p)}:${stableStringify(obj[k], p)}`;
  });
  return `{${parts.join(',')}}`;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * A JSON string literal exactly as serde_json writes it (`"` and `\` escaped, `\b \t \n \f \r`,
 * other controls `\u00xx` lower-case, everything else raw UTF-8) — which is also what
 * JSON.stringify does for well-formed strings. Lone surrogates cannot be UTF-8: UNREPRESENTABLE.
 */
export function jsonString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) {
    throw new NnportError('UNREPRESENTABLE', 'text with a lone UTF-16 surrogate cannot be stored as UTF-8', {
      at: { path },
    });
  }
  return JSON.stringify(s);
}
