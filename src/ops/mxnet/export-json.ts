/**
 * The text of an MXNet symbol file, laid out byte for byte as MXNet 1.x `Symbol.tojson()` /
 * `Symbol.save` lays it out. MXNet serializes with dmlc-core's `JSONWriter` (include/dmlc/json.h)
 * through nnvm's `SaveJSON` (nnvm/src/pass/saveload_json.cc); facts from those, no code copied:
 *
 * - a multi-line scope puts every member on its own line, indented two spaces per open scope, and
 *   separates members with `", "` before the line break (so lines end in a space);
 * - objects are multi-line, except maps of at most one entry (`"attrs": {"act_type": "relu"}`);
 * - arrays of numbers or of input entries are multi-line only past 10 elements; arrays of strings
 *   or objects always are; an input entry `[node, index, version]` and a typed graph attribute
 *   `["int", 10600]` are one-line;
 * - node keys come in the order op, name, attrs (sorted by key, omitted when empty), inputs; graph
 *   keys nodes, arg_nodes, node_row_ptr, heads, attrs;
 * - strings escape only `"`, `\`, CR, LF and TAB (dmlc's reader knows no other escape); the file
 *   has no final newline.
 */
import { NnportError } from '../../core/errors.js';
import { encodeUtf8 } from '../../io/cursor.js';

/** One node of a symbol file. */
export interface SymbolJsonNode {
  /** The operator, or `'null'` for a variable. */
  readonly op: string;
  /** The node's name (a variable's name is its argument name). */
  readonly name: string;
  /** Attributes, all strings. */
  readonly attrs: Readonly<Record<string, string>>;
  /** Inputs as `[node index, output index, version]`. */
  readonly inputs: readonly (readonly [number, number, number])[];
}

/** A typed graph attribute as dmlc's `any` serializes it (types nnvm registers: int, str, list_str). */
export type SymbolGraphAttr =
  | readonly ['int', number]
  | readonly ['str', string]
  | readonly ['list_str', readonly string[]];

/** A whole symbol file. */
export interface SymbolJson {
  readonly nodes: readonly SymbolJsonNode[];
  readonly arg_nodes: readonly number[];
  readonly node_row_ptr: readonly number[];
  readonly heads: readonly (readonly [number, number, number])[];
  /** Graph attributes in file order (MXNet writes `mxnet_version`). */
  readonly attrs: readonly (readonly [string, SymbolGraphAttr])[];
}

/** A string the way dmlc's `WriteString` escapes it; other control characters are refused (no reader takes them). */
export function dmlcString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff)) {
      throw new NnportError(
        'UNREPRESENTABLE',
        `the name or value ${JSON.stringify(s)} holds a control character or lone surrogate, which an MXNet symbol file cannot hold`,
        { format: 'mxnet' },
      );
    } else out += ch;
  }
  return `${out}"`;
}

/** dmlc JSONWriter's scope bookkeeping: which scopes are multi-line and how many members each has. */
class DmlcWriter {
  readonly parts: string[] = [];
  readonly #multi: boolean[] = [];
  readonly #count: number[] = [];

  #sep(): void {
    if (this.#multi.length === 0 || this.#multi[this.#multi.length - 1]) {
      this.parts.push(`\n${' '.repeat(this.#multi.length * 2)}`);
    }
  }
  begin(open: '[' | '{', multi: boolean): void {
    this.parts.push(open);
    this.#multi.push(multi);
    this.#count.push(0);
  }
  end(close: ']' | '}'): void {
    const multi = this.#multi.pop();
    const n = this.#count.pop();
    if (multi && n !== 0) this.#sep();
    this.parts.push(close);
  }
  /** Before an array item. */
  item(): void {
    const i = this.#count.length - 1;
    if ((this.#count[i] as number) !== 0) this.parts.push(', ');
    this.#count[i] = (this.#count[i] as number) + 1;
    this.#sep();
  }
  /** Before an object value: the separator and `"key": `. */
  key(k: string): void {
    const i = this.#count.length - 1;
    if ((this.#count[i] as number) > 0) this.parts.push(', ');
    this.#sep();
    this.parts.push(`"${k}": `);
    this.#count[i] = (this.#count[i] as number) + 1;
  }
  raw(s: string): void {
    this.parts.push(s);
  }
  /** A vector of numbers or of POD entries: multi-line past 10 elements. */
  numbers(list: readonly number[]): void {
    this.begin('[', list.length > 10);
    for (const v of list) {
      this.item();
      this.raw(String(v));
    }
    this.end(']');
  }
  entries(list: readonly (readonly [number, number, number])[]): void {
    this.begin('[', list.length > 10);
    for (const e of list) {
      this.item();
      this.raw(`[${e[0]}, ${e[1]}, ${e[2]}]`);
    }
    this.end(']');
  }
}

/** Sorts keys as `std::map<std::string, …>` does: by UTF-8 bytes (UTF-16 order differs only past the BMP). */
function byteOrder(a: string, b: string): number {
  const x = encodeUtf8(a);
  const y = encodeUtf8(b);
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x.length - y.length;
}

/** The symbol file's text, exactly as MXNet 1.x writes it for the same graph. */
export function symbolJsonText(g: SymbolJson): string {
  const w = new DmlcWriter();
  w.begin('{', true);
  w.key('nodes');
  w.begin('[', true);
  for (const n of g.nodes) {
    w.item();
    w.begin('{', true);
    w.key('op');
    w.raw(dmlcString(n.op));
    w.key('name');
    w.raw(dmlcString(n.name));
    const keys = Object.keys(n.attrs).sort(byteOrder);
    if (keys.length > 0) {
      w.key('attrs');
      w.begin('{', keys.length > 1);
      for (const k of keys) {
        w.key(dmlcKey(k));
        w.raw(dmlcString(n.attrs[k] as string));
      }
      w.end('}');
    }
    w.key('inputs');
    w.entries(n.inputs);
    w.end('}');
  }
  w.end(']');
  w.key('arg_nodes');
  w.numbers(g.arg_nodes);
  w.key('node_row_ptr');
  w.numbers(g.node_row_ptr);
  w.key('heads');
  w.entries(g.heads);
  if (g.attrs.length > 0) {
    w.key('attrs');
    w.begin('{', g.attrs.length > 1);
    for (const [k, v] of g.attrs) {
      w.key(dmlcKey(k));
      w.begin('[', false);
      w.item();
      w.raw(dmlcString(v[0]));
      w.item();
      if (v[0] === 'int') w.raw(String(v[1]));
      else if (v[0] === 'str') w.raw(dmlcString(v[1]));
      else {
        // A vector of strings is a multi-line array even inside the one-line `any` pair.
        w.begin('[', true);
        for (const s of v[1]) {
          w.item();
          w.raw(dmlcString(s));
        }
        w.end(']');
      }
      w.end(']');
    }
    w.end('}');
  }
  w.end('}');
  return w.parts.join('');
}

/** dmlc writes object keys unescaped; keys are attribute names, so only plain ones are accepted. */
function dmlcKey(k: string): string {
  if (!/^[\x20-\x7e]*$/.test(k) || k.includes('"') || k.includes('\\')) {
    throw new NnportError(
      'UNREPRESENTABLE',
      `attribute name ${JSON.stringify(k)} cannot be written in an MXNet symbol file`,
      {
        format: 'mxnet',
      },
    );
  }
  return k;
}
