/**
 * Helpers for the header lines of the line-oriented text formats (TXT, CSV long): UTF-8 decoding
 * with a line location, JSON string tokens (names that need quoting) and one-line JSON payloads
 * (metadata, graph, tensor meta), with errors located at line:column.
 */
import { isNnportError, NnportError } from '../../core/errors.js';
import { metadataFromJson, parseJsonExact } from './header-json.js';
import type { JsonExact } from './model-json.js';

const UTF8 = new TextDecoder('utf-8', { fatal: true });
const ENCODER = new TextEncoder();

/** Encodes ASCII or UTF-8 text as bytes. */
export function utf8(s: string): Uint8Array {
  return ENCODER.encode(s);
}

/** Decodes a header line as UTF-8; invalid bytes are INVALID_STRUCTURE at the line. */
export function decodeLine(bytes: Uint8Array, line: number): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new NnportError('INVALID_STRUCTURE', 'invalid UTF-8 text', { at: { line, column: 1 } });
  }
}

/**
 * True when a string has a lone UTF-16 surrogate, which UTF-8 cannot encode (TextEncoder would
 * silently write U+FFFD): names like that only survive as JSON `\ud800` escapes.
 */
export function hasLoneSurrogate(s: string): boolean {
  return /\p{Cs}/u.test(s);
}

/**
 * Reads the JSON string token starting at `text[start]` (a `"`). Returns its value and the index
 * just past the closing quote. Errors are INVALID_STRUCTURE at `line` and the token's column.
 */
export function readJsonString(text: string, start: number, line: number): { value: string; end: number } {
  let p = start + 1;
  while (p < text.length && text.charCodeAt(p) !== 34) p += text.charCodeAt(p) === 92 ? 2 : 1;
  if (p >= text.length) {
    throw new NnportError('INVALID_STRUCTURE', 'unterminated quoted name', {
      at: { line, column: start + 1 },
    });
  }
  try {
    return { value: JSON.parse(text.slice(start, p + 1)) as string, end: p + 1 };
  } catch {
    throw new NnportError('INVALID_STRUCTURE', 'bad JSON string', { at: { line, column: start + 1 } });
  }
}

/**
 * Parses the JSON text `text.slice(start)` of a header line: an object (metadata, tensor meta;
 * bigints become numbers as `JsonValue` has none) or, with `object: false`, any exact value (a
 * graph, checked by its caller). Syntax errors are located at the file's line:column.
 */
export function parseJsonPayload(
  text: string,
  start: number,
  line: number,
  what: string,
  object = true,
): JsonExact {
  const column = utf8(text.slice(0, start)).length + 1;
  let value: JsonExact;
  try {
    value = parseJsonExact(text.slice(start), { line, column });
  } catch (e) {
    if (!isNnportError(e)) throw e;
    throw new NnportError(e.code, `${what}: ${e.detail}`, { at: e.at ?? { line, column }, cause: e });
  }
  if (!object) return value;
  try {
    return metadataFromJson(value, '$');
  } catch (e) {
    if (!isNnportError(e)) throw e;
    throw new NnportError(e.code, `${what} must be a JSON object`, { at: { line, column }, cause: e });
  }
}

/** Skips a UTF-8 BOM in a detection probe's head; returns the offset of the first real byte. */
export function afterBom(head: Uint8Array): number {
  return head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
}

/** True when `head` (after a BOM) starts with the ASCII `magic` followed by a space, CR, LF or the end. */
export function startsWithWord(head: Uint8Array, magic: string): boolean {
  const at = afterBom(head);
  if (head.length < at + magic.length) return false;
  for (let k = 0; k < magic.length; k++) if (head[at + k] !== magic.charCodeAt(k)) return false;
  const next = head[at + magic.length];
  return next === undefined || next === 32 || next === 13 || next === 10 || next === 9;
}
