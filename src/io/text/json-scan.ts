/**
 * A streaming JSON tokenizer over byte chunks (RFC 8259). It is pushed chunks in file order and
 * reports events (begin/end of containers, member names, scalars) to a handler, so a document is
 * never one string and never one `JSON.parse`. A handler may ask for a member's value to be
 * *skipped*: the scanner then only finds where the value ends (bracket depth, strings) and reports
 * its byte range, which is how the nnport JSON reader steps over tensor data at memory speed and
 * parses it later, lazily, from that range.
 *
 * Limits (DESIGN §5): nesting depth ≤ MAX_JSON_DEPTH, one token ≤ MAX_TOKEN_BYTES, and the bytes
 * outside skipped values ≤ a caller-given budget. Positions in errors are 1-based line and column,
 * columns counted in bytes of UTF-8.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_JSON_DEPTH, MAX_TOKEN_BYTES } from '../../core/limits.js';
import { decodeUtf8 } from '../cursor.js';

/** A scalar as the scanner reports it: integers beyond 2^53 stay exact as `bigint`. */
export type JsonScalar = string | number | bigint | boolean | null;

/** Where a skipped value lies: bytes `[start, end)` of the input, and the position of `start`. */
export interface ValueRange {
  /** Absolute byte offset of the value's first byte. */
  readonly start: number;
  /** Absolute byte offset just past the value's last byte. */
  readonly end: number;
  /** 1-based line of `start`. */
  readonly line: number;
  /** 1-based column (in bytes) of `start`. */
  readonly column: number;
}

/** What the scanner reports, in document order. */
export interface JsonEvents {
  /** `{` opened. */
  beginObject(): void;
  /** `[` opened. */
  beginArray(): void;
  /** A member name inside an object. Return true to skip the member's value (reported by `skipped`). */
  key(name: string): boolean;
  /** The innermost open container closed. */
  end(): void;
  /** A string, number, `true`, `false` or `null` value. */
  scalar(value: JsonScalar): void;
  /** A value the handler asked to skip, by its range. Its content is not checked beyond bracket balance. */
  skipped(range: ValueRange): void;
}

/** Options of a scanner. */
export interface ScanOptions {
  /** Most bytes outside skipped values (LIMIT_EXCEEDED beyond; checked once per chunk). */
  readonly maxStructureBytes?: number;
  /** Position of the first byte, when the text is part of a larger file (a CSV header line). */
  readonly origin?: { readonly line: number; readonly column: number };
  /**
   * Accept the bare words `NaN`, `Infinity` and `-Infinity` as numbers: not JSON (RFC 8259 §6),
   * but what Python's `json.dumps` writes for non-finite floats and `json.loads` reads, so files
   * written by Python tools (nexport) hold them.
   */
  readonly nonFinite?: boolean;
}

// What the scanner expects next. Plain numbers: const enums do not survive isolatedModules.
const S_VALUE = 0; // a value: document start, after ':' or after ',' in an array
const S_VALUE_OR_END = 1; // after '['
const S_KEY_OR_END = 2; // after '{'
const S_KEY = 3; // after ',' in an object
const S_COLON = 4; // after a member name
const S_COMMA_OR_END = 5; // after a value inside a container
const S_DONE = 6; // after the root value: only whitespace may follow

const OBJECT = 1;
const ARRAY = 2;

/** Bytes that end a bare token (number or literal): whitespace and structural characters. */
const ENDS_TOKEN = new Uint8Array(256);
for (const c of ' \t\r\n,:[]{}"') ENDS_TOKEN[c.charCodeAt(0)] = 1;

/** Bytes a skipped container's scan must look at: brackets, quotes and newlines. */
const SKIP_STOPS = new Uint8Array(256);
for (const c of '[]{}"\n') SKIP_STOPS[c.charCodeAt(0)] = 1;

/**
 * Flags in bit 7 of some byte of little-endian word `x` when one of its four bytes may be a skip
 * stop (SKIP_STOPS): a byte below 0x20 (newline), a quote 0x22, or a byte at or above 0x5b
 * (brackets, braces; letters and non-ASCII bytes too, which the caller then looks at one by one).
 * A word holding a stop is always flagged: `(x − 0x20…) & ~x` flags some byte below 0x20 when
 * there is one, the same on `x ^ 0x22…` less 0x01… flags a quote, and `x + 0x25…` sets the high
 * bit of every ASCII byte ≥ 0x5b (a carry into the next byte comes only from a byte ≥ 0xdb, itself
 * flagged by `x`'s own high bit) — Hacker's Delight §6-1. The other bits are noise: callers mask
 * with 0x80808080 (after ORing the flags of several words).
 */
function stopBits(x: number): number {
  const y = x ^ 0x22222222;
  return ((x - 0x20202020) & ~x) | ((y - 0x01010101) & ~y) | (x + 0x25252525) | x;
}

/** A push tokenizer: call `feed` with each chunk in order, then `finish`. */
export class JsonScanner {
  readonly #events: JsonEvents;
  readonly #maxStructure: number;
  readonly #nonFinite: boolean;
  /** Container kinds from the root down (OBJECT/ARRAY). */
  readonly #kinds = new Uint8Array(MAX_JSON_DEPTH);
  #depth = 0;
  #state = S_VALUE;
  /** Absolute offset of the next byte `feed` will receive. */
  #offset = 0;
  /** The unfinished token at the end of the last chunk, carried into the next. */
  #carry: Uint8Array | undefined;
  #line: number;
  /** Absolute offset where the current line starts (may be negative to shift the first line's columns). */
  #lineStart: number;
  /** Bytes inside skipped values so far (the rest count against the structure budget). */
  #skippedBytes = 0;
  #started = false;

  // Skip mode: set by `key` returning true, active from the value's first byte to its end.
  #skipPending = false;
  #skipActive = false;
  /** 0 container, 1 string at depth 0, 2 bare token. */
  #skipMode = 0;
  #skipDepth = 0;
  #skipInString = false;
  #skipEscape = false;
  readonly #skipKinds = new Uint8Array(MAX_JSON_DEPTH);
  #skipStart = 0;
  #skipLine = 0;
  #skipColumn = 0;

  constructor(events: JsonEvents, options: ScanOptions = {}) {
    this.#events = events;
    this.#maxStructure = options.maxStructureBytes ?? Number.POSITIVE_INFINITY;
    this.#nonFinite = options.nonFinite ?? false;
    this.#line = options.origin?.line ?? 1;
    this.#lineStart = 1 - (options.origin?.column ?? 1);
  }

  /** Scans the next chunk of the document. */
  feed(chunk: Uint8Array): void {
    let buf = chunk;
    let base = this.#offset;
    if (this.#carry !== undefined) {
      buf = new Uint8Array(this.#carry.length + chunk.length);
      buf.set(this.#carry);
      buf.set(chunk, this.#carry.length);
      base -= this.#carry.length;
      this.#carry = undefined;
    }
    this.#offset += chunk.length;
    this.#scan(buf, base, false);
    const inSkip = this.#skipActive ? this.#offset - this.#skipStart : 0;
    if (this.#offset - this.#skippedBytes - inSkip > this.#maxStructure) {
      throw new NnportError(
        'LIMIT_EXCEEDED',
        `more than ${this.#maxStructure} bytes of JSON outside tensor data (MAX_HEADER_BYTES)`,
        { at: this.#at(base + buf.length) },
      );
    }
  }

  /** Ends the document: TRUNCATED unless the root value is complete. */
  finish(): void {
    if (this.#carry !== undefined) {
      const buf = this.#carry;
      this.#carry = undefined;
      this.#scan(buf, this.#offset - buf.length, true);
    }
    if (this.#skipActive && this.#skipMode === 2) this.#endSkip(this.#offset);
    if (this.#state !== S_DONE || this.#skipActive) {
      const what = this.#started ? 'inside a value' : 'before any value';
      throw new NnportError('TRUNCATED', `the JSON text ends ${what}`, { at: this.#at(this.#offset) });
    }
  }

  /** The 1-based line and column of an absolute offset on the current line. */
  #at(offset: number): { line: number; column: number } {
    return { line: this.#line, column: offset - this.#lineStart + 1 };
  }

  #fail(detail: string, offset: number): never {
    throw new NnportError('INVALID_STRUCTURE', detail, { at: this.#at(offset) });
  }

  #scan(buf: Uint8Array, base: number, final: boolean): void {
    const n = buf.length;
    let p = 0;
    if (base === 0 && !this.#started && n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
      p = 3; // a UTF-8 byte order mark some editors add; RFC 8259 §8.1 lets parsers ignore it
      this.#lineStart += 3;
    }
    while (p < n) {
      if (this.#skipActive) {
        p = this.#skip(buf, p, base);
        continue;
      }
      const c = buf[p];
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        p++;
        continue;
      }
      if (c === 0x0a) {
        this.#line++;
        this.#lineStart = base + p + 1;
        p++;
        continue;
      }
      this.#started = true;
      if (this.#skipPending && this.#state === S_VALUE) {
        this.#startSkip(c, base + p);
        continue;
      }
      switch (c) {
        case 0x7b: // {
        case 0x5b: // [
          this.#expectValue(base + p);
          this.#push(c === 0x7b ? OBJECT : ARRAY, base + p);
          if (c === 0x7b) {
            this.#state = S_KEY_OR_END;
            this.#events.beginObject();
          } else {
            this.#state = S_VALUE_OR_END;
            this.#events.beginArray();
          }
          p++;
          break;
        case 0x7d: // }
        case 0x5d: {
          // ]
          const kind = c === 0x7d ? OBJECT : ARRAY;
          const top = this.#depth > 0 ? this.#kinds[this.#depth - 1] : 0;
          const canEnd =
            top === kind &&
            (this.#state === S_COMMA_OR_END ||
              this.#state === (kind === OBJECT ? S_KEY_OR_END : S_VALUE_OR_END));
          if (!canEnd) this.#fail(`unexpected '${String.fromCharCode(c)}'`, base + p);
          this.#depth--;
          this.#events.end();
          this.#afterValue();
          p++;
          break;
        }
        case 0x2c: // ,
          if (this.#state !== S_COMMA_OR_END) this.#fail("unexpected ','", base + p);
          this.#state = this.#kinds[this.#depth - 1] === OBJECT ? S_KEY : S_VALUE;
          p++;
          break;
        case 0x3a: // :
          if (this.#state !== S_COLON) this.#fail("unexpected ':'", base + p);
          this.#state = S_VALUE;
          p++;
          break;
        case 0x22: {
          // "
          const end = this.#stringEnd(buf, p, base);
          if (end < 0) {
            this.#carryFrom(buf, p, base, final);
            return;
          }
          const text = decodeString(buf, p + 1, end, base, this.#at(base + p));
          if (this.#state === S_KEY || this.#state === S_KEY_OR_END) {
            this.#skipPending = this.#events.key(text);
            this.#state = S_COLON;
          } else {
            this.#expectValue(base + p);
            this.#events.scalar(text);
            this.#afterValue();
          }
          p = end + 1;
          break;
        }
        default: {
          let e = p;
          while (e < n && ENDS_TOKEN[buf[e]] === 0) e++;
          if (e === n && !final) {
            this.#carryFrom(buf, p, base, final);
            return;
          }
          if (e - p > MAX_TOKEN_BYTES) this.#tokenTooLong(base + p);
          this.#expectValue(base + p);
          this.#events.scalar(this.#bareValue(buf, p, e, base));
          this.#afterValue();
          p = e;
        }
      }
    }
  }

  #expectValue(offset: number): void {
    if (this.#state !== S_VALUE && this.#state !== S_VALUE_OR_END) {
      const want =
        this.#state === S_DONE
          ? 'nothing after the document'
          : this.#state === S_COLON
            ? "':'"
            : this.#state === S_COMMA_OR_END
              ? "',' or the end of the container"
              : 'a member name';
      this.#fail(`expected ${want}`, offset);
    }
  }

  #afterValue(): void {
    this.#state = this.#depth === 0 ? S_DONE : S_COMMA_OR_END;
  }

  #push(kind: number, offset: number): void {
    if (this.#depth >= MAX_JSON_DEPTH) {
      throw new NnportError('LIMIT_EXCEEDED', `JSON nested deeper than MAX_JSON_DEPTH ${MAX_JSON_DEPTH}`, {
        at: this.#at(offset),
      });
    }
    this.#kinds[this.#depth++] = kind;
  }

  #tokenTooLong(offset: number): never {
    throw new NnportError('LIMIT_EXCEEDED', `a JSON token longer than MAX_TOKEN_BYTES ${MAX_TOKEN_BYTES}`, {
      at: this.#at(offset),
    });
  }

  /** Keeps `buf[p..]` (an unfinished token) for the next chunk. */
  #carryFrom(buf: Uint8Array, p: number, base: number, final: boolean): void {
    if (final)
      throw new NnportError('TRUNCATED', 'the JSON text ends inside a string', { at: this.#at(base + p) });
    if (buf.length - p > MAX_TOKEN_BYTES) this.#tokenTooLong(base + p);
    this.#carry = buf.slice(p);
  }

  /**
   * Index of the closing quote of the string opening at `buf[p]`, or -1 when the chunk ends first.
   * Raw control characters are refused here (RFC 8259 §7: they must be escaped).
   */
  #stringEnd(buf: Uint8Array, p: number, base: number): number {
    const n = buf.length;
    for (let i = p + 1; i < n; i++) {
      const c = buf[i];
      if (c === 0x22) {
        if (i - p > MAX_TOKEN_BYTES) this.#tokenTooLong(base + p);
        return i;
      }
      if (c === 0x5c) i++;
      else if (c < 0x20) this.#fail('a control character inside a string', base + i);
    }
    return -1;
  }

  /** A number or a literal, checked against the JSON grammar (RFC 8259 §6). */
  #bareValue(buf: Uint8Array, p: number, e: number, base: number): JsonScalar {
    const text = asciiOf(buf, p, e);
    if (text === 'true') return true;
    if (text === 'false') return false;
    if (text === 'null') return null;
    if (this.#nonFinite) {
      if (text === 'NaN') return Number.NaN;
      if (text === 'Infinity') return Number.POSITIVE_INFINITY;
      if (text === '-Infinity') return Number.NEGATIVE_INFINITY;
    }
    if (!JSON_NUMBER.test(text)) this.#fail(`not a JSON value: ${clip(text)}`, base + p);
    return numberOf(text);
  }

  #startSkip(c: number, offset: number): void {
    this.#skipPending = false;
    if (c === 0x2c || c === 0x5d || c === 0x7d || c === 0x3a) this.#fail('expected a value', offset);
    this.#skipActive = true;
    this.#skipStart = offset;
    this.#skipLine = this.#line;
    this.#skipColumn = offset - this.#lineStart + 1;
    this.#skipDepth = 0;
    this.#skipInString = false;
    this.#skipEscape = false;
    this.#skipMode = c === 0x5b || c === 0x7b ? 0 : c === 0x22 ? 1 : 2;
  }

  #endSkip(end: number): void {
    this.#skipActive = false;
    this.#skippedBytes += end - this.#skipStart;
    this.#events.skipped({ start: this.#skipStart, end, line: this.#skipLine, column: this.#skipColumn });
    this.#afterValue();
  }

  /**
   * Steps over a skipped value from `buf[p]`: tracks strings (with escapes), bracket depth and
   * kinds, and newlines; nothing else is looked at. Returns where normal scanning resumes.
   */
  #skip(buf: Uint8Array, p: number, base: number): number {
    const n = buf.length;
    const kinds = this.#skipKinds;
    const limit = MAX_JSON_DEPTH - this.#depth;
    let depth = this.#skipDepth;
    let inString = this.#skipInString;
    let escaped = this.#skipEscape;
    const mode = this.#skipMode;
    if (mode === 1 && !inString && depth === 0 && base + p === this.#skipStart) {
      inString = true; // the opening quote of a string value
      p++;
    }
    const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    for (; p < n; p++) {
      if (!inString && mode === 0) {
        // The bulk of a skipped value (tensor data) is digits, commas and blanks: step over them
        // eight bytes at a time while no byte can be a stop, then one table lookup per byte for at
        // most those eight, stopping only at brackets, quotes and newlines.
        for (;;) {
          while (
            p + 8 <= n &&
            ((stopBits(view.getInt32(p, true)) | stopBits(view.getInt32(p + 4, true))) & 0x80808080) === 0
          ) {
            p += 8;
          }
          const lim = Math.min(n, p + 8);
          while (p < lim && SKIP_STOPS[buf[p]] === 0) p++;
          if (p < lim || p === n) break;
        }
        if (p === n) break;
      }
      const c = buf[p];
      if (inString) {
        if (escaped) escaped = false;
        else if (c === 0x5c) escaped = true;
        else if (c === 0x22) {
          inString = false;
          if (depth === 0) {
            this.#endSkip(base + p + 1);
            return p + 1;
          }
        } else if (c === 0x0a) {
          this.#line++;
          this.#lineStart = base + p + 1;
        }
        continue;
      }
      if (mode === 2) {
        if (ENDS_TOKEN[c] === 1 && c !== 0x22) {
          this.#endSkip(base + p);
          return p;
        }
        if (base + p - this.#skipStart >= MAX_TOKEN_BYTES) this.#tokenTooLong(this.#skipStart);
        continue;
      }
      switch (c) {
        case 0x5b:
        case 0x7b:
          if (depth >= limit) {
            throw new NnportError(
              'LIMIT_EXCEEDED',
              `JSON nested deeper than MAX_JSON_DEPTH ${MAX_JSON_DEPTH}`,
              {
                at: this.#at(base + p),
              },
            );
          }
          kinds[depth++] = c === 0x7b ? OBJECT : ARRAY;
          break;
        case 0x5d:
        case 0x7d:
          if (depth === 0 || kinds[depth - 1] !== (c === 0x7d ? OBJECT : ARRAY)) {
            this.#fail(`unexpected '${String.fromCharCode(c)}'`, base + p);
          }
          if (--depth === 0) {
            this.#endSkip(base + p + 1);
            return p + 1;
          }
          break;
        case 0x22:
          inString = true;
          break;
        case 0x0a:
          this.#line++;
          this.#lineStart = base + p + 1;
          break;
      }
    }
    this.#skipDepth = depth;
    this.#skipInString = inString;
    this.#skipEscape = escaped;
    return p;
  }
}

/** The JSON number grammar (RFC 8259 §6). */
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const INTEGER = /^-?[0-9]+$/;

/**
 * The value of a JSON number's text: an integer beyond 2^53 becomes an exact `bigint`; every other
 * number the correctly rounded double (ECMAScript `Number(string)` rounds to nearest).
 */
export function numberOf(text: string): number | bigint {
  if (INTEGER.test(text) && text.length > 15) {
    const big = BigInt(text);
    if (big > BigInt(Number.MAX_SAFE_INTEGER) || big < BigInt(Number.MIN_SAFE_INTEGER)) return big;
  }
  return Number(text);
}

function asciiOf(buf: Uint8Array, start: number, end: number): string {
  let s = '';
  for (let i = start; i < end; i++) s += String.fromCharCode(buf[i]);
  return s;
}

function clip(s: string): string {
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

const ESCAPES: Record<number, string> = {
  34: '"',
  92: '\\',
  47: '/',
  98: '\b',
  102: '\f',
  110: '\n',
  114: '\r',
  116: '\t',
};

/**
 * Decodes the body `buf[start, end)` of a JSON string: UTF-8 (fatal on invalid bytes) and the
 * escapes of RFC 8259 §7. `\u` escapes of lone surrogates are kept, as JavaScript strings can.
 */
function decodeString(
  buf: Uint8Array,
  start: number,
  end: number,
  base: number,
  at: { line: number; column: number },
): string {
  let out = '';
  let run = start;
  for (let i = start; i < end; i++) {
    if (buf[i] !== 0x5c) continue;
    if (i > run) out += decodeUtf8(buf.subarray(run, i), base + run);
    const e = buf[i + 1];
    if (e === 0x75) {
      const hex = asciiOf(buf, i + 2, Math.min(i + 6, end));
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) {
        throw new NnportError('INVALID_STRUCTURE', `bad \\u escape in a string`, { at });
      }
      out += String.fromCharCode(Number.parseInt(hex, 16));
      i += 5;
    } else {
      const ch = ESCAPES[e];
      if (ch === undefined) throw new NnportError('INVALID_STRUCTURE', 'bad escape in a string', { at });
      out += ch;
      i += 1;
    }
    run = i + 1;
  }
  if (end > run) out += decodeUtf8(buf.subarray(run, end), base + run);
  return out;
}
