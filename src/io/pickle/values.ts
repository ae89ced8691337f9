/**
 * The values nnport's pickle machine builds. Python's `None`, `bool`, `int` and `str` map to JS
 * `null`, `boolean`, `number` (a safe integer) or `bigint`, and `string`; everything else has a
 * small class so that a float stays distinct from an int and a tuple from a list. Nothing here
 * can run code: objects of allow-listed classes are inert records of what the pickle said.
 */
import { NnportError } from '../../core/errors.js';

/** A Python `float` (kept apart from ints, which are JS numbers). */
export class PyFloat {
  /** The float64 value. */
  readonly value: number;
  constructor(value: number) {
    this.value = value;
  }
}

/** Python `bytes`, `bytearray`, or a Python 2 `str` (BINSTRING / STRING: 8-bit, encoding unknown). */
export class PyBytes {
  /** The bytes (a view into the pickle when read zero-copy). */
  readonly bytes: Uint8Array;
  /** Which Python type produced them. */
  readonly kind: 'bytes' | 'bytearray' | 'str8';
  constructor(bytes: Uint8Array, kind: 'bytes' | 'bytearray' | 'str8' = 'bytes') {
    this.bytes = bytes;
    this.kind = kind;
  }
}

/** A Python `tuple`. */
export class PyTuple {
  /** The items. */
  readonly items: readonly PyValue[];
  constructor(items: readonly PyValue[]) {
    this.items = items;
  }
}

/** A Python `dict` (or an allow-listed dict subclass such as `collections.OrderedDict`), in insertion order. */
export class PyDict {
  /** Key/value pairs in insertion order. */
  readonly entries: [PyValue, PyValue][] = [];
  /** The dict subclass, e.g. `collections.OrderedDict`; undefined for a plain dict. */
  readonly cls: string | undefined;
  /** Instance state given by BUILD (a state_dict's `_metadata`, ...). */
  state: PyValue | undefined;
  readonly #index = new Map<string | number | bigint | null, number>();

  constructor(cls?: string) {
    this.cls = cls;
  }

  /** Sets `key` to `value`, replacing an equal primitive key as Python would. */
  set(key: PyValue, value: PyValue): void {
    const k = primitiveKey(key);
    if (k !== undefined) {
      const i = this.#index.get(k);
      if (i !== undefined) {
        (this.entries[i] as [PyValue, PyValue])[1] = value;
        return;
      }
      this.#index.set(k, this.entries.length);
    }
    this.entries.push([key, value]);
  }

  /** The value for a string key, if any. */
  get(key: string): PyValue | undefined {
    const i = this.#index.get(key);
    return i === undefined ? undefined : (this.entries[i] as [PyValue, PyValue])[1];
  }
}

/** Python `set` or `frozenset`. */
export class PySet {
  /** The items, in pickle order. */
  readonly items: PyValue[] = [];
  /** True for `frozenset`. */
  readonly frozen: boolean;
  constructor(frozen: boolean) {
    this.frozen = frozen;
  }
}

/** A global (class or function) the pickle imported and the allow-list knows. */
export class PyGlobal {
  /** `module.name`. */
  readonly qualifiedName: string;
  /** What the allow-list lets the machine do with it. */
  readonly handler: GlobalHandler;
  constructor(qualifiedName: string, handler: GlobalHandler) {
    this.qualifiedName = qualifiedName;
    this.handler = handler;
  }
}

/**
 * An instance of an allow-listed plain-data class (a TorchScript module, a scikit-learn
 * estimator, `torch.Size`...): the class name, the constructor arguments and the state BUILD gave,
 * recorded and never run.
 */
export class PyObject {
  /** `module.Class`. */
  readonly cls: string;
  /** Positional arguments given to the class (NEWOBJ, REDUCE, OBJ, INST). */
  readonly args: readonly PyValue[];
  /** Keyword arguments (NEWOBJ_EX). */
  readonly kwargs: PyDict | undefined;
  /** The state BUILD set (usually the instance `__dict__`). */
  state: PyValue | undefined;
  /** Items APPEND/SETITEM added to a list or dict subclass instance. */
  readonly items: PyValue[] = [];
  constructor(cls: string, args: readonly PyValue[], kwargs?: PyDict) {
    this.cls = cls;
    this.args = args;
    this.kwargs = kwargs;
  }
}

/**
 * A stand-in used only while scanning: something that came from a global outside the allow-list
 * (or from calling one). It records what would have happened; nothing happens.
 */
export class PyUnsafe {
  /** What it stands for, e.g. `os.system` or `os.system(...)`. */
  readonly what: string;
  constructor(what: string) {
    this.what = what;
  }
}

/**
 * Base class of values an allow-list handler builds for its host (a torch storage or tensor, a
 * NumPy array). `build` receives BUILD's state when the pickle sets one.
 */
export abstract class PyHost {
  /** A short description for messages. */
  abstract describe(): string;
  /** Applies BUILD's state; hosts that take none refuse it. */
  build(_state: PyValue, ctx: BuildContext): void {
    // ctx.position is just past the one-byte BUILD opcode.
    throw new NnportError('INVALID_STRUCTURE', `BUILD on a ${this.describe()}, which takes no state`, {
      at: { byte: ctx.position - 1 },
    });
  }
}

/** Any value on the machine's stack. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PyFloat
  | PyBytes
  | PyTuple
  | PyValue[]
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | PyUnsafe
  | PyHost;

/** What BUILD gives a host: the stream after the BUILD opcode (joblib puts array bytes there). */
export interface BuildContext {
  /** Byte offset of the next opcode in the pickle. */
  readonly position: number;
  /** Consumes `length` bytes after the current opcode (checked; TRUNCATED past the end). */
  take(length: number): Uint8Array;
}

/** What an allow-listed global may be used for. Absent methods refuse that use with UNSAFE. */
export interface GlobalHandler {
  /** `f(*args)` through REDUCE. */
  call?(args: readonly PyValue[], at: number): PyValue;
  /** `cls.__new__(cls, *args, **kwargs)` through NEWOBJ, NEWOBJ_EX, OBJ or INST. */
  instantiate?(args: readonly PyValue[], kwargs: PyDict | undefined, at: number): PyValue;
}

/**
 * A key usable in a JS Map when Python would compare it by value (str, int, bool, float, None).
 * Python's numbers compare across types: `True == 1 == 1.0` and `2**70 == 2.0**70` are one dict
 * key, so bools and floats map to the int they equal (NaN equals nothing: no key).
 */
function primitiveKey(key: PyValue): string | number | bigint | null | undefined {
  if (key === null || typeof key === 'string' || typeof key === 'number') return key;
  if (typeof key === 'boolean') return key ? 1 : 0;
  if (typeof key === 'bigint') return key;
  if (key instanceof PyFloat) {
    const v = key.value;
    if (Number.isNaN(v)) return undefined;
    // An integral float beyond 2^53 equals the bigint int of the same value (ints that size are bigints).
    return Number.isInteger(v) && !Number.isSafeInteger(v) ? BigInt(v) : v;
  }
  return undefined;
}

/**
 * Appends `items` to `target` one by one: `push(...items)` passes each item as an argument and
 * throws RangeError past about 10^5 (a frozenset of 200000 ints is one FROZENSET in protocol 4).
 */
export function pushAll(target: PyValue[], items: readonly PyValue[]): void {
  for (const v of items) target.push(v);
}

/** The text of a `str` value, or of a Python 2 `str` read as Latin-1; undefined otherwise. */
export function asText(v: PyValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (v instanceof PyBytes && v.kind === 'str8') {
    let s = '';
    for (const b of v.bytes) s += String.fromCharCode(b);
    return s;
  }
  return undefined;
}

/** A Python int as a JS number when it is a safe integer; undefined otherwise. */
export function asInt(v: PyValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'bigint' && v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER))
    return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** The items of a tuple or list; undefined for anything else. */
export function asSequence(v: PyValue | undefined): readonly PyValue[] | undefined {
  if (v instanceof PyTuple) return v.items;
  if (Array.isArray(v)) return v;
  return undefined;
}

/** A short description of a value's Python type, for messages. */
export function pyTypeName(v: PyValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'None';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || typeof v === 'bigint') return 'int';
  if (typeof v === 'string') return 'str';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyFloat) return 'float';
  if (v instanceof PyBytes) return v.kind === 'str8' ? 'str (Python 2)' : v.kind;
  if (v instanceof PyTuple) return 'tuple';
  if (v instanceof PyDict) return v.cls ?? 'dict';
  if (v instanceof PySet) return v.frozen ? 'frozenset' : 'set';
  if (v instanceof PyGlobal) return v.qualifiedName;
  if (v instanceof PyObject) return v.cls;
  if (v instanceof PyUnsafe) return v.what;
  return v.describe();
}
