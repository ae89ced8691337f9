/**
 * A small, strict parser for the Python literals an npy header holds (NumPy's format.py writes
 * `repr()` of a dict and reads it back with `ast.literal_eval`): dicts, lists, tuples, strings,
 * integers, `True`, `False` and `None`. Nothing is ever evaluated. Floats, sets, bytes, operators
 * and names other than those three are refused: no npy writer produces them.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_LITERAL_DEPTH } from '../../core/limits.js';

/** A parsed Python literal. Integers are `bigint` (shapes can pass 2^53; the caller checks). */
export type PyLiteral = string | bigint | boolean | null | PyTuple | PyLiteral[] | PyDict;

/** A Python tuple (kept apart from lists: npy shapes must be tuples). */
export class PyTuple {
  /** The items. */
  readonly items: readonly PyLiteral[];
  constructor(items: readonly PyLiteral[]) {
    this.items = items;
  }
}

/** A Python dict with string keys (the only keys npy headers have). Later duplicates win, as in Python. */
export class PyDict {
  /** Entries in source order. */
  readonly entries: ReadonlyMap<string, PyLiteral>;
  constructor(entries: ReadonlyMap<string, PyLiteral>) {
    this.entries = entries;
  }
}

/**
 * Longest integer literal parsed: shapes are checked against 2^53 anyway, and parsing a
 * megabyte of digits into a bigint would take quadratic time.
 */
const MAX_INTEGER_DIGITS = 40;

/** Single-character escapes Python's `repr` emits (Python reference §2.4.1). */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  n: '\n',
  r: '\r',
  t: '\t',
  '0': '\0',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
};

/**
 * Parses one literal filling `text` (surrounding whitespace allowed). `base` is the byte offset
 * of `text[0]` in the file, so INVALID_STRUCTURE errors name a file offset (exact for the
 * Latin-1 headers of npy 1.0/2.0; for UTF-8 3.0 headers, exact up to the first non-ASCII byte).
 */
export function parsePyLiteral(text: string, base = 0): PyLiteral {
  const p = new Parser(text, base);
  p.space();
  const value = p.value(0);
  p.space();
  if (p.pos < text.length) p.fail(`unexpected '${text[p.pos]}' after the value`);
  return value;
}

class Parser {
  pos = 0;
  readonly #s: string;
  readonly #base: number;

  constructor(s: string, base: number) {
    this.#s = s;
    this.#base = base;
  }

  fail(why: string): never {
    throw new NnportError('INVALID_STRUCTURE', `npy header: ${why}`, { at: { byte: this.#base + this.pos } });
  }

  /** Skips whitespace Python's tokenizer allows inside brackets. */
  space(): void {
    const s = this.#s;
    while (this.pos < s.length) {
      const c = s.charCodeAt(this.pos);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d || c === 0x0c) this.pos++;
      else break;
    }
  }

  value(depth: number): PyLiteral {
    if (depth > MAX_LITERAL_DEPTH) {
      throw new NnportError(
        'LIMIT_EXCEEDED',
        `npy header nests deeper than MAX_LITERAL_DEPTH ${MAX_LITERAL_DEPTH}`,
        {
          at: { byte: this.#base + this.pos },
        },
      );
    }
    const s = this.#s;
    if (this.pos >= s.length) this.fail('ends where a value should be');
    const c = s[this.pos];
    if (c === '{') return this.dict(depth);
    if (c === '[') return this.sequence(depth, ']');
    if (c === '(') return this.sequence(depth, ')');
    if (c === "'" || c === '"') return this.string();
    if ((c === 'u' || c === 'U') && (s[this.pos + 1] === "'" || s[this.pos + 1] === '"')) {
      this.pos++; // Python 2 unicode prefix: same text
      return this.string();
    }
    if (c === '-' || c === '+' || (c >= '0' && c <= '9')) return this.integer();
    for (const [word, v] of [
      ['True', true],
      ['False', false],
      ['None', null],
    ] as const) {
      if (s.startsWith(word, this.pos) && !isNameChar(s.charCodeAt(this.pos + word.length))) {
        this.pos += word.length;
        return v;
      }
    }
    return this.fail(`unexpected '${c}'`);
  }

  dict(depth: number): PyDict {
    this.pos++; // {
    const entries = new Map<string, PyLiteral>();
    for (;;) {
      this.space();
      if (this.#s[this.pos] === '}') break;
      const keyAt = this.pos;
      const key = this.value(depth + 1);
      if (typeof key !== 'string') {
        this.pos = keyAt;
        this.fail('dict keys must be strings');
      }
      this.space();
      if (this.#s[this.pos] !== ':') this.fail("expected ':' after a dict key");
      this.pos++;
      this.space();
      entries.set(key, this.value(depth + 1));
      this.space();
      if (this.#s[this.pos] === ',') this.pos++;
      else if (this.#s[this.pos] !== '}') this.fail("expected ',' or '}' in a dict");
    }
    this.pos++; // }
    return new PyDict(entries);
  }

  /** A list or tuple. `(x)` without a comma is just `x`, as in Python; `(x,)` is a tuple. */
  sequence(depth: number, close: ']' | ')'): PyLiteral {
    this.pos++;
    const items: PyLiteral[] = [];
    let sawComma = false;
    for (;;) {
      this.space();
      if (this.#s[this.pos] === close) break;
      items.push(this.value(depth + 1));
      this.space();
      if (this.#s[this.pos] === ',') {
        this.pos++;
        sawComma = true;
      } else if (this.#s[this.pos] !== close) {
        this.fail(`expected ',' or '${close}'`);
      }
    }
    this.pos++;
    if (close === ']') return items;
    if (items.length === 1 && !sawComma) return items[0];
    return new PyTuple(items);
  }

  /** A quoted string with Python's escapes; raw and byte strings are not npy syntax. */
  string(): string {
    const s = this.#s;
    const quote = s[this.pos];
    if (s.startsWith(quote.repeat(3), this.pos)) this.fail('triple-quoted strings are not npy syntax');
    this.pos++;
    let out = '';
    for (;;) {
      if (this.pos >= s.length) this.fail('unterminated string');
      const c = s[this.pos];
      if (c === quote) {
        this.pos++;
        return out;
      }
      if (c === '\n') this.fail('newline inside a string');
      if (c !== '\\') {
        out += c;
        this.pos++;
        continue;
      }
      const e = s[this.pos + 1];
      if (e === undefined) this.fail('unterminated string');
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.pos += 2;
      } else if (e === 'x' || e === 'u' || e === 'U') {
        const digits = e === 'x' ? 2 : e === 'u' ? 4 : 8;
        const hex = s.slice(this.pos + 2, this.pos + 2 + digits);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) this.fail(`bad \\${e} escape`);
        const code = Number.parseInt(hex, 16);
        if (code > 0x10ffff) this.fail(`bad \\${e} escape`);
        out += String.fromCodePoint(code);
        this.pos += 2 + digits;
      } else {
        this.fail(`unsupported escape '\\${e}'`);
      }
    }
  }

  /** A decimal integer, optionally signed, with Python 2's `L` suffix allowed (numpy's `_filter_header`). */
  integer(): bigint {
    const s = this.#s;
    const start = this.pos;
    if (s[this.pos] === '-' || s[this.pos] === '+') {
      this.pos++;
      this.space();
    }
    const digitsAt = this.pos;
    while (this.pos < s.length && s[this.pos] >= '0' && s[this.pos] <= '9') this.pos++;
    const digits = s.slice(digitsAt, this.pos);
    if (digits === '') this.fail('expected digits');
    if (digits.length > MAX_INTEGER_DIGITS) {
      throw new NnportError('LIMIT_EXCEEDED', `npy header: integer of ${digits.length} digits`, {
        at: { byte: this.#base + digitsAt },
      });
    }
    if (digits.length > 1 && digits[0] === '0')
      this.fail('integers with leading zeros are not Python 3 syntax');
    if (s[this.pos] === 'L' || s[this.pos] === 'l') this.pos++;
    if (this.pos < s.length && (isNameChar(s.charCodeAt(this.pos)) || s[this.pos] === '.')) {
      this.fail('only integers are allowed here');
    }
    const v = BigInt(digits);
    return s[start] === '-' ? -v : v;
  }
}

/** Letters, digits and `_`: what may continue a Python name or number. */
function isNameChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}
