/**
 * Allow-lists for the pickle machine: which globals a format's pickles may name, and what the
 * machine may do with each. A table maps `module.name` to a handler; anything absent is refused
 * (UNSAFE) or, when scanning, reported. Handlers only build inert values (values.ts); none of them
 * imports, calls or evaluates anything from the file.
 */
import { NnportError } from '../../core/errors.js';
import {
  asSequence,
  asText,
  type GlobalHandler,
  PyBytes,
  PyDict,
  PyGlobal,
  PyObject,
  PySet,
  PyTuple,
  PyUnsafe,
  type PyValue,
  pushAll,
  pyTypeName,
} from './values.js';

/** `module.name` → handler. */
export type GlobalTable = Readonly<Record<string, GlobalHandler>>;

/** A global that may appear as a value (a dtype, a base class) but never be called. */
export const VALUE_ONLY: GlobalHandler = {};

/** A plain-data class: instances record their arguments and state and nothing else. */
export function plainClass(qualifiedName: string): GlobalHandler {
  const make = (args: readonly PyValue[], kwargs?: PyDict) => new PyObject(qualifiedName, args, kwargs);
  return { instantiate: (args, kwargs) => make(args, kwargs), call: (args) => make(args) };
}

/** Throws INVALID_STRUCTURE for a handler whose arguments are not what the producer writes. */
export function badArguments(what: string, detail: string, at: number): never {
  throw new NnportError('INVALID_STRUCTURE', `${what}: ${detail}`, { at: { byte: at } });
}

function orderedDict(args: readonly PyValue[], at: number): PyDict {
  const d = new PyDict('collections.OrderedDict');
  const init = args[0];
  if (init !== undefined && init !== null) {
    const pairs = asSequence(init);
    if (pairs === undefined) badArguments('collections.OrderedDict', `items are a ${pyTypeName(init)}`, at);
    for (const p of pairs) {
      const kv = asSequence(p);
      if (kv?.length !== 2) badArguments('collections.OrderedDict', 'an item is not a pair', at);
      d.set(kv[0] as PyValue, kv[1] as PyValue);
    }
  }
  return d;
}

function setOf(frozen: boolean, args: readonly PyValue[], at: number): PySet {
  const s = new PySet(frozen);
  const init = args[0];
  if (init !== undefined) {
    const items = asSequence(init);
    if (items === undefined)
      badArguments(frozen ? 'frozenset' : 'set', `items are a ${pyTypeName(init)}`, at);
    pushAll(s.items, items);
  }
  return s;
}

/** Latin-1 text → bytes (code points above 255 are refused, as Python's codec would). */
function latin1Bytes(text: string, at: number): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) badArguments('_codecs.encode', 'a character outside Latin-1', at);
    out[i] = c;
  }
  return out;
}

/**
 * `_codecs.encode(text, 'latin1')`: how protocol-2 pickles written by Python 3 carry `bytes`
 * (NumPy array data in particular), since protocol 2 has no bytes opcode.
 */
function codecsEncode(args: readonly PyValue[], at: number): PyBytes {
  const text = asText(args[0]);
  const encoding = (asText(args[1]) ?? 'utf-8').toLowerCase().replace('_', '-');
  if (text === undefined) badArguments('_codecs.encode', `encodes a ${pyTypeName(args[0])}`, at);
  if (encoding === 'latin1' || encoding === 'latin-1' || encoding === 'iso-8859-1') {
    return new PyBytes(latin1Bytes(text, at));
  }
  if (encoding === 'utf-8' || encoding === 'utf8') return new PyBytes(new TextEncoder().encode(text));
  return badArguments('_codecs.encode', `encoding '${encoding}' is not one Python's pickler uses`, at);
}

/** `copyreg._reconstructor(cls, base, state)`: protocol 0/1's way to make an object of `cls`. */
function reconstructor(args: readonly PyValue[], at: number): PyValue {
  const cls = args[0];
  if (cls instanceof PyUnsafe) return new PyUnsafe(`${cls.what}(...)`);
  if (!(cls instanceof PyGlobal) || cls.handler.instantiate === undefined) {
    return badArguments('copyreg._reconstructor', `makes a ${pyTypeName(cls)}, not an allowed class`, at);
  }
  const obj = cls.handler.instantiate([], undefined, at);
  return obj;
}

/** `bytearray(...)` from bytes, a list of ints, or text and an encoding. */
function byteArray(args: readonly PyValue[], at: number): PyBytes {
  const a = args[0];
  if (a === undefined) return new PyBytes(new Uint8Array(0), 'bytearray');
  if (a instanceof PyBytes) return new PyBytes(a.bytes, 'bytearray');
  const items = asSequence(a);
  if (items !== undefined) {
    const out = new Uint8Array(items.length);
    items.forEach((v, i) => {
      if (typeof v !== 'number' || v < 0 || v > 255) badArguments('bytearray', 'an item is not a byte', at);
      out[i] = v;
    });
    return new PyBytes(out, 'bytearray');
  }
  const text = asText(a);
  if (text !== undefined) return new PyBytes(latin1Bytes(text, at), 'bytearray');
  return badArguments('bytearray', `made from a ${pyTypeName(a)}`, at);
}

/**
 * `bytes()` / `bytes(b'...')`: Python 3's pickler writes empty `bytes` at protocols 0–2 as
 * `builtins.bytes` called with no arguments (Lib/pickle.py `save_bytes`).
 */
function bytesOf(args: readonly PyValue[], at: number): PyBytes {
  const a = args[0];
  if (a === undefined) return new PyBytes(new Uint8Array(0));
  if (a instanceof PyBytes) return new PyBytes(a.bytes);
  return badArguments('bytes', `made from a ${pyTypeName(a)}`, at);
}

/** Globals every Python pickle of plain data may use, under Python 3 and Python 2 module names. */
export const PYTHON_GLOBALS: GlobalTable = (() => {
  const t: Record<string, GlobalHandler> = {
    'collections.OrderedDict': {
      instantiate: (args, _kw, at) => orderedDict(args, at),
      call: (args, at) => orderedDict(args, at),
    },
    '_codecs.encode': { call: codecsEncode },
    'copyreg._reconstructor': { call: reconstructor },
    'copy_reg._reconstructor': { call: reconstructor },
  };
  for (const b of ['builtins', '__builtin__']) {
    t[`${b}.set`] = { call: (args, at) => setOf(false, args, at) };
    t[`${b}.frozenset`] = { call: (args, at) => setOf(true, args, at) };
    t[`${b}.bytearray`] = { call: byteArray };
    t[`${b}.bytes`] = { call: bytesOf };
    t[`${b}.object`] = VALUE_ONLY;
  }
  return t;
})();

/** Merges tables (later ones win) into the machine's `resolve`. */
export function allowList(
  ...tables: readonly GlobalTable[]
): (module: string, name: string) => GlobalHandler | undefined {
  const merged = new Map<string, GlobalHandler>();
  for (const t of tables) for (const [k, h] of Object.entries(t)) merged.set(k, h);
  return (module, name) => merged.get(`${module}.${name}`);
}

/** A tuple's items, or INVALID_STRUCTURE naming what was expected. */
export function tupleItems(v: PyValue | undefined, what: string, at: number): readonly PyValue[] {
  if (v instanceof PyTuple) return v.items;
  if (Array.isArray(v)) return v;
  return badArguments(what, `expected a tuple, found a ${pyTypeName(v)}`, at);
}
