/**
 * Parses the text of one tensor's `data` value (a byte range the first pass of the JSON reader
 * recorded) into canonical bytes, checking that the nesting matches the shape exactly
 * (json-layout.ts). `DataParser` takes the text in pieces cut between tokens and reports errors
 * at line:column; `parsePiece` + `checkPiece` let workers parse pieces cut at any byte offset
 * without knowing where they start, the shape being checked afterwards in order.
 *
 * Whitespace is free between tokens; values are JSON numbers, `true`/`false`, or strings whose
 * content is a value (the non-finite spellings `"NaN"`, `"Infinity"`, `"NaN(0x7fc00001)"`); bare
 * `NaN`/`Infinity` (as Python's json module writes them) are accepted too. Errors are
 * INVALID_STRUCTURE at line:column with the offending array's JSON path in the message.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_TOKEN_BYTES } from '../../core/limits.js';
import { type DataLayout, Odometer } from './json-layout.js';
import type { ValueParser } from './values.js';

/** Bytes between tokens: JSON whitespace, commas and brackets. Everything else is part of a token. */
export const DELIMITER = new Uint8Array(256);
for (const c of ' \t\r\n,[]') DELIMITER[c.charCodeAt(0)] = 1;

const P_OPEN = 0; // expecting `need` more '['
const P_LEAF = 1; // expecting a value (or '[' of an empty leaf)
const P_LEAF_CLOSE = 2; // inside an empty leaf: expecting ']'
const P_CLOSE = 3; // expecting `need` more ']'
const P_COMMA = 4; // expecting ','
const P_END = 5; // after the last ']': nothing else

/** Where a piece of data text begins. */
export interface PieceStart {
  /** Index of the first leaf the piece holds (0: the piece starts the data value). */
  readonly first: number;
  /** 1-based line of the piece's first byte. */
  readonly line: number;
  /** 1-based column (in bytes) of the piece's first byte. */
  readonly column: number;
}

/** A resumable parser of one tensor's data text. */
export class DataParser {
  readonly #layout: DataLayout;
  readonly #parse: ValueParser | undefined;
  readonly #outBase: number;
  readonly #path: string;
  readonly #odo: Odometer;
  #k: number;
  #phase: number;
  #need: number;
  /** The separator's m: arrays to reopen after the comma. */
  #m: number;
  #consumed = 0;
  #line: number;
  #lineStart: number;

  /**
   * @param layout the tensor's layout
   * @param parse writes leaf `i - outBase` of the output (undefined for an empty tensor)
   * @param outBase the leaf index of the output's first element
   * @param path the data value's JSON path, for messages (`$.tensors[3].data`)
   * @param start where the text begins
   */
  constructor(
    layout: DataLayout,
    parse: ValueParser | undefined,
    outBase: number,
    path: string,
    start: PieceStart,
  ) {
    this.#layout = layout;
    this.#parse = parse;
    this.#outBase = outBase;
    this.#path = path;
    this.#k = start.first;
    this.#line = start.line;
    this.#lineStart = 1 - start.column;
    this.#odo = new Odometer(layout.dims, start.first);
    if (start.first === 0) {
      this.#need = layout.dims.length;
      this.#m = 0;
      this.#phase = this.#need > 0 ? P_OPEN : P_LEAF;
    } else {
      this.#m = this.#odo.trailingZeros();
      this.#need = this.#m;
      this.#phase = this.#m > 0 ? P_CLOSE : P_COMMA;
    }
  }

  /** Index of the next leaf expected. */
  get next(): number {
    return this.#k;
  }

  /** Parses a piece; `final` when it ends the data value. Pieces must be cut between tokens. */
  feed(buf: Uint8Array, final: boolean): void {
    const n = buf.length;
    const dims = this.#layout.dims;
    const depth = dims.length;
    const parse = this.#parse;
    let p = 0;
    while (p < n) {
      const c = buf[p];
      if (c === 0x20 || c === 0x09 || c === 0x0d) {
        p++;
        continue;
      }
      if (c === 0x0a) {
        this.#line++;
        this.#lineStart = this.#consumed + p + 1;
        p++;
        continue;
      }
      switch (this.#phase) {
        case P_LEAF:
          if (parse !== undefined && DELIMITER[c] === 0) {
            p = this.#row(buf, p, parse, depth);
            continue;
          }
          if (parse === undefined && c === 0x5b) {
            this.#phase = P_LEAF_CLOSE;
            p++;
            continue;
          }
          break;
        case P_COMMA:
          if (c === 0x2c) {
            this.#need = this.#m;
            this.#phase = this.#m > 0 ? P_OPEN : P_LEAF;
            p++;
            continue;
          }
          break;
        case P_OPEN:
          if (c === 0x5b) {
            if (--this.#need === 0) this.#phase = P_LEAF;
            p++;
            continue;
          }
          break;
        case P_CLOSE:
          if (c === 0x5d) {
            if (--this.#need === 0) this.#phase = this.#k === this.#layout.leaves ? P_END : P_COMMA;
            p++;
            continue;
          }
          break;
        case P_LEAF_CLOSE:
          if (c === 0x5d) {
            this.#leafDone(depth);
            p++;
            continue;
          }
          break;
      }
      this.#mismatch(buf, p);
    }
    this.#consumed += n;
    if (final && this.#phase !== P_END) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `${this.#path} ends after ${this.#k} of ${this.#layout.leaves} ${this.#layout.emptyLeaves ? 'empty arrays' : 'values'}`,
        { at: this.#at(n - 1) },
      );
    }
  }

  #at(p: number): { line: number; column: number } {
    return { line: this.#line, column: this.#consumed + p - this.#lineStart + 1 };
  }

  /**
   * Parses the value at `buf[p]` and, while the row goes on, the `, value` pairs after it: the hot
   * path, which handles nothing but spaces, commas and values. Anything else (a row's end, other
   * blanks, the piece's end) returns to the phase machine in the state reached. Returns the
   * position after what was consumed.
   */
  #row(buf: Uint8Array, p: number, parse: ValueParser, depth: number): number {
    const n = buf.length;
    let s = p;
    for (;;) {
      let e = s + 1;
      while (e < n && DELIMITER[buf[e]] === 0) e++;
      this.#value(buf, s, e, parse);
      this.#leafDone(depth);
      if (this.#phase !== P_COMMA) return e;
      let q = e;
      while (q < n && buf[q] === 0x20) q++;
      if (q === n || buf[q] !== 0x2c) return q;
      q++;
      this.#phase = P_LEAF; // m is 0 here: no arrays to open after the comma
      while (q < n && buf[q] === 0x20) q++;
      if (q === n || DELIMITER[buf[q]] !== 0) return q;
      s = q;
    }
  }

  #value(buf: Uint8Array, s: number, e: number, parse: ValueParser): void {
    if (e - s > MAX_TOKEN_BYTES) {
      throw new NnportError('LIMIT_EXCEEDED', `a value longer than MAX_TOKEN_BYTES ${MAX_TOKEN_BYTES}`, {
        at: this.#at(s),
      });
    }
    // The parser reads a quoted token as its content: JSON's "NaN", "Infinity", "NaN(0x...)".
    if (!parse(buf, s, e, this.#k - this.#outBase)) {
      let text = '';
      for (let j = s; j < Math.min(e, s + 40); j++) text += String.fromCharCode(buf[j]);
      throw new NnportError(
        'INVALID_STRUCTURE',
        `${this.#odo.path(this.#path, this.#layout.dims.length)} is not a valid value: ${JSON.stringify(text)}`,
        { at: this.#at(s) },
      );
    }
  }

  #leafDone(depth: number): void {
    if (++this.#k === this.#layout.leaves) {
      this.#m = depth;
      this.#need = depth;
      this.#phase = depth > 0 ? P_CLOSE : P_END;
      return;
    }
    this.#m = this.#odo.next();
    this.#need = this.#m;
    this.#phase = this.#m > 0 ? P_CLOSE : P_COMMA;
  }

  /** Throws the error for an unexpected byte at `buf[p]`, naming the array whose length or nesting is wrong. */
  #mismatch(buf: Uint8Array, p: number): never {
    const dims = this.#layout.dims;
    const depth = dims.length;
    const c = buf[p];
    const found = c === 0x5b || c === 0x5d || c === 0x2c ? `'${String.fromCharCode(c)}'` : 'a value';
    const shape = `shape [${dims.join(', ')}${this.#layout.emptyLeaves ? ', 0, …' : ''}]`;
    // The previous leaf's position: the separator's closing arrays hold it.
    const prev = this.#k > 0 ? new Odometer(dims, this.#k - 1) : this.#odo;
    let detail: string;
    switch (this.#phase) {
      case P_CLOSE: {
        const d = depth - this.#m + this.#need - 1;
        detail =
          this.#k === this.#layout.leaves && d === 0 && c === 0x2c
            ? `${this.#path} has more than ${dims[0]} elements (${shape})`
            : `array ${prev.path(this.#path, d)} has more than ${dims[d]} elements (${shape})`;
        break;
      }
      case P_COMMA: {
        const d = depth - this.#m - 1;
        detail =
          c === 0x5d
            ? `array ${prev.path(this.#path, d)} has ${prev.idx[d] + 1} elements, the ${shape} says ${dims[d]}`
            : `expected ',' in ${prev.path(this.#path, d)}, found ${found}`;
        break;
      }
      case P_OPEN: {
        const d = depth - this.#need;
        detail = `expected an array at ${this.#odo.path(this.#path, d)} (${shape}), found ${found}`;
        break;
      }
      case P_LEAF:
        if (c === 0x5d && depth > 0) {
          detail = `array ${this.#odo.path(this.#path, depth - 1)} has ${this.#odo.idx[depth - 1]} elements, the ${shape} says ${dims[depth - 1]}`;
        } else {
          const what = this.#parse === undefined ? "'[]' (the tensor has no elements)" : 'a value';
          detail = `expected ${what} at ${this.#odo.path(this.#path, depth)} (${shape}), found ${found}`;
        }
        break;
      case P_LEAF_CLOSE:
        detail = `expected ']' at ${this.#odo.path(this.#path, depth)}: the ${shape} has no elements`;
        break;
      default:
        detail = `${this.#path} holds more than its ${shape} says`;
    }
    throw new NnportError('INVALID_STRUCTURE', detail, { at: this.#at(p) });
  }
}

/**
 * A fast parser for the values at buf[p]: `run` parses the token there into value `i` and any
 * tokens after it joined by exactly `, ` into `i + 1, …`, and returns the end of the last one
 * (−1 to leave the token to the general tokenizer and `ValueParser`); `values` then says how many.
 */
export interface FastToken {
  run(buf: Uint8Array, p: number, i: number): number;
  values(): number;
}

/** What a piece parsed without knowing its first value's index holds (see `parsePiece`). */
export interface PieceShape {
  /** Values in the piece. */
  count: number;
  /** For each separator that closes and reopens arrays: its value's index in the piece, then how many arrays. */
  readonly marks: number[];
  /** In the piece that starts the data: the `[`s before its first value. */
  lead: number;
  /** In the piece that ends the data: the `]`s after its last value. */
  closing: number;
}

/**
 * Parses a piece of data text whose first value's index is unknown (a worker's share of a large
 * tensor cut at byte offsets): values go to `parse` as 0, 1, 2, …, and each separator is checked
 * to close and reopen the same number of arrays and recorded when that number is not 0. Whether
 * the separators sit where the shape wants them is checked afterwards, once the pieces before
 * have said how many values they held (`checkPiece`). A non-initial piece starts right after a
 * value; a non-final piece ends right after one. Errors carry no location (the caller re-parses
 * to find it).
 */
export function parsePiece(
  buf: Uint8Array,
  parse: ValueParser,
  initial: boolean,
  final: boolean,
  fast?: FastToken,
): PieceShape {
  const shape: PieceShape = { count: 0, marks: [], lead: 0, closing: 0 };
  const n = buf.length;
  let closes = 0;
  let opens = 0;
  let comma = false;
  let count = 0;
  const bad = (what: string): never => {
    throw new NnportError('INVALID_STRUCTURE', `data text: ${what}`);
  };
  for (let p = 0; p < n; ) {
    const c = buf[p];
    if (DELIMITER[c] === 0) {
      // The common tokens parsed as they are scanned, a run of `v, v, …` at once; any other token
      // goes to the general tokenizer and parser.
      let e = fast === undefined ? -1 : fast.run(buf, p, count);
      const settled = e >= 0;
      if (!settled) {
        e = p + 1;
        while (e < n && DELIMITER[buf[e]] === 0) e++;
        if (e - p > MAX_TOKEN_BYTES) bad('a value longer than MAX_TOKEN_BYTES');
      }
      if (count === 0 && initial) {
        if (comma || closes > 0) bad('a separator before the first value');
        shape.lead = opens;
      } else {
        if (!comma || opens !== closes) bad('a malformed separator');
        if (closes > 0) shape.marks.push(count, closes);
      }
      if (!settled && !parse(buf, p, e, count)) bad('not a value');
      // The run's values after the first each followed exactly `, `: a comma, no arrays.
      count += settled ? (fast?.values() ?? 1) : 1;
      closes = 0;
      opens = 0;
      comma = false;
      p = e;
      continue;
    }
    if (c === 0x5d) {
      if (comma || opens > 0) bad("a misplaced ']'");
      closes++;
    } else if (c === 0x2c) {
      if (comma) bad("a second ','");
      comma = true;
    } else if (c === 0x5b) {
      if (!comma && !(initial && count === 0)) bad("a misplaced '['");
      opens++;
    }
    p++;
  }
  if (final) {
    if (comma || opens > 0) bad('text after the last value');
    shape.closing = closes;
  } else if (comma || opens > 0 || closes > 0 || count === 0) {
    bad('a piece that does not end after a value');
  }
  shape.count = count;
  return shape;
}

/**
 * Checks a piece against the shape once the index `first` of its first value is known: each
 * separator must close and reopen exactly the arrays the indices say (json-layout.ts), the first
 * piece must open them all and the last close them all after the shape's last value.
 */
export function checkPiece(
  piece: PieceShape,
  first: number,
  layout: DataLayout,
  initial: boolean,
  final: boolean,
): boolean {
  const dims = layout.dims;
  const rank = dims.length;
  const end = first + piece.count;
  if (layout.emptyLeaves || rank === 0 || end > layout.leaves) return false;
  if (initial && (first !== 0 || piece.lead !== rank)) return false;
  if (final && (end !== layout.leaves || piece.closing !== rank)) return false;
  const row = dims[rank - 1];
  const marks = piece.marks;
  for (let j = 0; j < marks.length; j += 2) {
    let k = first + marks[j];
    if (k === 0 || k % row !== 0) return false;
    // m = how many trailing indices of k are 0 (capped at rank - 1)
    let m = 0;
    for (let d = rank - 1; d > 0 && k % dims[d] === 0; d--) {
      k /= dims[d];
      m++;
    }
    if (marks[j + 1] !== m) return false;
  }
  // Every row boundary in the piece must have been marked: count the multiples of `row` there.
  const start = initial ? 1 : Math.max(first, 1);
  const boundaries = end > start ? Math.floor((end - 1) / row) - Math.floor((start - 1) / row) : 0;
  return boundaries === marks.length / 2;
}
