/**
 * A structural pre-scan of the JSON documents safetensors stores (the header and the shard
 * index), run before `JSON.parse`:
 *
 * - `JSON.parse` silently keeps the last of duplicate keys, so two entries for one tensor (or
 *   two `data_offsets` in one entry) would hide data; the reference parser (serde) rejects
 *   duplicate fields, and so do we, naming the key by its JSON path.
 * - It bounds nesting depth (MAX_JSON_DEPTH) so a 100 MB header of `[[[[...` is refused before
 *   `JSON.parse` builds millions of arrays.
 * - It records the top-level keys in document order: JS objects list integer-like keys
 *   ("0", "17") first, so `Object.keys` does not give the header's order.
 *
 * The scan is tolerant: on text that is not JSON it stops or skips, and `JSON.parse` reports the
 * syntax error afterwards.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_JSON_DEPTH } from '../../core/limits.js';

/** What the scan found. */
export interface JsonScan {
  /** Keys of the top-level object, in document order (complete when the text is valid JSON). */
  readonly topKeys: readonly string[];
}

interface Frame {
  /** Keys seen so far, for objects; undefined for arrays. */
  readonly keys: Set<string> | undefined;
  /** True when the next string in this object is a key. */
  expectKey: boolean;
  /** The current key (objects) — names the child in paths. */
  key: string | undefined;
  /** The current element index (arrays). */
  index: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Renders one path segment: top-level keys (tensor names) always bracketed, others dotted when they are identifiers. */
export function pathSegment(key: string | number, depth: number): string {
  if (typeof key === 'number') return `[${key}]`;
  if (depth > 0 && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return `.${key}`;
  return `[${JSON.stringify(key)}]`;
}

/** `$["name"]` or `$["name"].field`: the path of a header entry or one of its fields. */
export function entryPath(name: string, field?: string): string {
  return field === undefined ? `$${pathSegment(name, 0)}` : `$${pathSegment(name, 0)}.${field}`;
}

/**
 * Scans `text` for duplicate object keys (anywhere) and nesting beyond `maxDepth`.
 * Throws INVALID_STRUCTURE (duplicate, with its JSON path) or LIMIT_EXCEEDED (depth).
 */
export function scanJson(text: string, maxDepth = MAX_JSON_DEPTH): JsonScan {
  const topKeys: string[] = [];
  const stack: Frame[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let j = i + 1;
      let escaped = false;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === BACKSLASH) {
          escaped = true;
          j += 2;
        } else if (d === QUOTE) {
          break;
        } else {
          j++;
        }
      }
      if (j >= n) break; // unterminated string: JSON.parse reports it
      const top = stack[stack.length - 1];
      if (top?.keys !== undefined && top.expectKey) {
        const key = escaped ? decodeString(text.slice(i, j + 1)) : text.slice(i + 1, j);
        if (key !== undefined) {
          if (top.keys.has(key)) {
            throw new NnportError('INVALID_STRUCTURE', `duplicate key ${JSON.stringify(key)}`, {
              at: { path: pathOf(stack, key) },
            });
          }
          top.keys.add(key);
          if (stack.length === 1) topKeys.push(key);
        }
        top.key = key;
        top.expectKey = false;
      }
      i = j + 1;
      continue;
    }
    if (c === 0x7b || c === 0x5b) {
      // `{` or `[`
      if (stack.length >= maxDepth) {
        throw new NnportError('LIMIT_EXCEEDED', `JSON nested deeper than MAX_JSON_DEPTH ${maxDepth}`, {
          at: { path: pathOf(stack) },
        });
      }
      stack.push({ keys: c === 0x7b ? new Set() : undefined, expectKey: true, key: undefined, index: 0 });
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
    } else if (c === 0x2c) {
      const top = stack[stack.length - 1];
      if (top !== undefined) {
        if (top.keys !== undefined) top.expectKey = true;
        else top.index++;
      }
    }
    i++;
  }
  return { topKeys };
}

/** Decodes one JSON string token (quotes included); undefined when its escapes are invalid. */
function decodeString(token: string): string | undefined {
  try {
    const v: unknown = JSON.parse(token);
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The JSON path of the innermost open value plus `key` (a duplicate key), or without `key` the
 * path of the innermost value's current child (where a too-deep bracket opens).
 */
function pathOf(stack: readonly Frame[], key?: string): string {
  let path = '$';
  const frames = key === undefined ? stack.length : stack.length - 1;
  for (let d = 0; d < frames; d++) {
    const f = stack[d];
    path += f.keys === undefined ? pathSegment(f.index, d) : pathSegment(f.key ?? '?', d);
  }
  if (key !== undefined) path += pathSegment(key, stack.length - 1);
  return path;
}
