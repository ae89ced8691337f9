/**
 * nnport's pickle machine (protocols 0–5). It interprets the opcodes of CPython's
 * `Lib/pickle.py` `_Unpickler` and builds plain values (values.ts), but where Python would import
 * a module and call into it, the machine only consults an allow-list: a global it does not know is
 * refused with UNSAFE (or, when scanning, recorded and replaced by an inert stand-in). Nothing in a
 * pickle is ever imported, called or evaluated (DESIGN §5).
 *
 * The machine never recurses: nested containers are built with an explicit stack, so a deeply
 * nested pickle cannot overflow the JS stack here (walkers of the result cap depth separately).
 */
import { NnportError } from '../../core/errors.js';
import { MAX_PICKLE_BYTES, MAX_PICKLE_VALUES } from '../../core/limits.js';
import { Cursor, decodeUtf8 } from '../cursor.js';
import { HIGHEST_PROTOCOL, OP, OP_NAMES } from './opcodes.js';
import {
  decodeLongBytes,
  parseFloatOpcode,
  parseIntOpcode,
  parseLongOpcode,
  parseStringOpcode,
  parseUnicodeOpcode,
} from './text-opcodes.js';
import {
  type BuildContext,
  type GlobalHandler,
  PyBytes,
  PyDict,
  PyFloat,
  PyGlobal,
  PyHost,
  PyObject,
  PySet,
  PyTuple,
  PyUnsafe,
  type PyValue,
  pushAll,
  pyTypeName,
} from './values.js';

/** How the machine treats a global outside the allow-list. */
export type PickleMode = 'strict' | 'scan';

/** Options of `unpickle`. */
export interface UnpickleOptions {
  /** The allow-list: a handler for `module.name`, or undefined when the global is not allowed. */
  resolve(module: string, name: string): GlobalHandler | undefined;
  /** Turns a persistent id into a value (torch storages); absent means persistent ids are refused. */
  persistentLoad?(pid: PyValue, at: number): PyValue;
  /** `strict` (default): the first unknown global throws UNSAFE. `scan`: record it and go on. */
  readonly mode?: PickleMode;
  /** Told about every import (GLOBAL, STACK_GLOBAL, INST), allowed or not. */
  onImport?(qualifiedName: string, allowed: boolean, at: number): void;
  /** Told (in scan mode) about every call, instantiation or `__setstate__` of something unsafe. */
  onUnsafeCall?(what: string, opcode: string, at: number): void;
  /** Told about every call or instantiation of an allowed global (REDUCE, NEWOBJ, OBJ, INST). */
  onCall?(what: string, opcode: string, at: number): void;
  /** Where `bytes[0]` sits in the file, so offsets in errors are the file's. */
  readonly base?: number;
  /** What the stream is, for messages (`archive/data.pkl`). */
  readonly label?: string;
}

/** What `unpickle` returns. */
export interface UnpickleResult {
  /** The object STOP returned. */
  readonly value: PyValue;
  /** Offset in `bytes` just after the STOP opcode (more data may follow: legacy torch, joblib). */
  readonly end: number;
  /** The protocol the PROTO opcode declared (0 when there was none). */
  readonly protocol: number;
}

/** Interprets one pickle from `bytes[0]` up to its STOP opcode. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions): UnpickleResult {
  return new Machine(bytes, options).run();
}

class Machine {
  readonly #c: Cursor;
  readonly #o: UnpickleOptions;
  readonly #strict: boolean;
  readonly #where: string;
  #stack: PyValue[] = [];
  readonly #marks: PyValue[][] = [];
  readonly #memo = new Map<number, PyValue>();
  #protocol = 0;
  #values = 0;
  #at = 0;

  readonly #bytes: Uint8Array;
  readonly #base: number;
  /** Bytes BUILD handed to a host (joblib array data): not opcodes, so not counted against MAX_PICKLE_BYTES. */
  #taken = 0;

  constructor(bytes: Uint8Array, options: UnpickleOptions) {
    this.#bytes = bytes;
    this.#base = options.base ?? 0;
    this.#c = new Cursor(bytes, this.#base);
    this.#o = options;
    this.#strict = (options.mode ?? 'strict') === 'strict';
    this.#where = options.label === undefined ? '' : ` in ${options.label}`;
  }

  #fail(
    code: 'INVALID_STRUCTURE' | 'UNSAFE' | 'UNSUPPORTED_VERSION' | 'LIMIT_EXCEEDED',
    detail: string,
  ): never {
    throw new NnportError(code, `${detail}${this.#where}`, { at: { byte: this.#at } });
  }

  #push(v: PyValue): void {
    if (++this.#values > MAX_PICKLE_VALUES)
      this.#fail('LIMIT_EXCEEDED', `more than ${MAX_PICKLE_VALUES} pickle values`);
    this.#stack.push(v);
  }

  #pop(): PyValue {
    if (this.#stack.length === 0) {
      this.#fail(
        'INVALID_STRUCTURE',
        `${this.#opName()} needs a value but the stack is empty (or at a MARK)`,
      );
    }
    return this.#stack.pop() as PyValue;
  }

  #top(): PyValue {
    if (this.#stack.length === 0)
      this.#fail('INVALID_STRUCTURE', `${this.#opName()} needs a value on the stack`);
    return this.#stack[this.#stack.length - 1] as PyValue;
  }

  #popMark(): PyValue[] {
    const items = this.#stack;
    const prev = this.#marks.pop();
    if (prev === undefined) this.#fail('INVALID_STRUCTURE', `${this.#opName()} without a MARK`);
    this.#stack = prev;
    return items;
  }

  #op = 0;
  #opName(): string {
    return OP_NAMES.get(this.#op) ?? `opcode 0x${this.#op.toString(16)}`;
  }

  /** A newline-terminated argument of a text opcode, without the newline (and a `\r` before it). */
  #line(): string {
    const bytes = this.#lineBytes();
    let s = '';
    for (const b of bytes) s += String.fromCharCode(b);
    return s.endsWith('\r') ? s.slice(0, -1) : s;
  }

  #lineBytes(): Uint8Array {
    const start = this.#c.offset;
    const nl = this.#bytes.indexOf(0x0a, start - this.#base);
    if (nl < 0) {
      throw new NnportError('TRUNCATED', `${this.#opName()} argument has no newline${this.#where}`, {
        at: { byte: start },
      });
    }
    const line = this.#c.bytes(nl - (start - this.#base), 'text argument');
    this.#c.skip(1);
    return line;
  }

  #memoGet(index: number): PyValue {
    const v = this.#memo.get(index);
    if (v === undefined) this.#fail('INVALID_STRUCTURE', `memo entry ${index} was never stored`);
    return v;
  }

  #memoPut(index: number, v: PyValue): void {
    if (!Number.isSafeInteger(index) || index < 0) this.#fail('INVALID_STRUCTURE', `bad memo index ${index}`);
    if (!this.#memo.has(index) && ++this.#values > MAX_PICKLE_VALUES) {
      this.#fail('LIMIT_EXCEEDED', `more than ${MAX_PICKLE_VALUES} pickle values`);
    }
    this.#memo.set(index, v);
  }

  /** GLOBAL / STACK_GLOBAL / INST: look the name up in the allow-list. */
  #global(module: string, name: string): PyValue {
    const qualified = `${module}.${name}`;
    const handler = this.#o.resolve(module, name);
    this.#o.onImport?.(qualified, handler !== undefined, this.#at);
    if (handler !== undefined) return new PyGlobal(qualified, handler);
    if (this.#strict) {
      this.#fail(
        'UNSAFE',
        `the pickle imports ${qualified}, which is not on nnport's allow-list (nothing was run; 'nnport scan' lists every import)`,
      );
    }
    return new PyUnsafe(qualified);
  }

  /** REDUCE: `callable(*args)`. */
  #call(callee: PyValue, args: PyValue): PyValue {
    const list = args instanceof PyTuple ? args.items : undefined;
    if (callee instanceof PyUnsafe) return this.#unsafeCall(callee, 'REDUCE');
    if (list === undefined)
      this.#fail('INVALID_STRUCTURE', `REDUCE arguments are a ${pyTypeName(args)}, not a tuple`);
    if (callee instanceof PyGlobal) {
      const h = callee.handler;
      if (h.call === undefined && h.instantiate === undefined) {
        return this.#disallowedUse(callee, 'REDUCE', 'calls', 'only as a value');
      }
      this.#o.onCall?.(callee.qualifiedName, 'REDUCE', this.#at);
      if (h.call !== undefined) return h.call(list, this.#at);
      return (h.instantiate as NonNullable<GlobalHandler['instantiate']>)(list, undefined, this.#at);
    }
    return this.#fail('INVALID_STRUCTURE', `REDUCE calls a ${pyTypeName(callee)}, which is not callable`);
  }

  /** NEWOBJ, NEWOBJ_EX, OBJ, INST: `cls.__new__(cls, *args)` or `cls(*args)`. */
  #instantiate(cls: PyValue, args: readonly PyValue[], kwargs: PyDict | undefined, op: string): PyValue {
    if (cls instanceof PyUnsafe) return this.#unsafeCall(cls, op);
    if (cls instanceof PyGlobal) {
      const h = cls.handler;
      if (h.instantiate === undefined) {
        return this.#disallowedUse(
          cls,
          op,
          'instantiates',
          h.call === undefined ? 'only as a value' : 'only as a function',
        );
      }
      this.#o.onCall?.(cls.qualifiedName, op, this.#at);
      return h.instantiate(args, kwargs, this.#at);
    }
    return this.#fail('INVALID_STRUCTURE', `${op} on a ${pyTypeName(cls)}, which is not a class`);
  }

  /**
   * An allowed global used in a way its handler does not allow (calling a dtype, instantiating a
   * function): refused when reading; when scanning, reported as an unsafe call (a scan must not
   * call a file merely unreadable when Python would run something) and replaced by a stand-in.
   */
  #disallowedUse(g: PyGlobal, op: string, verb: string, allowed: string): PyValue {
    if (this.#strict) {
      this.#fail('UNSAFE', `the pickle ${verb} ${g.qualifiedName}, which nnport allows ${allowed}`);
    }
    return this.#unsafeCall(new PyUnsafe(g.qualifiedName), op);
  }

  #unsafeCall(callee: PyUnsafe, op: string): PyValue {
    this.#o.onUnsafeCall?.(callee.what, op, this.#at);
    return new PyUnsafe(`${callee.what}(...)`);
  }

  /** BUILD: `obj.__setstate__(state)` or `obj.__dict__.update(state)`. */
  #build(obj: PyValue, state: PyValue): void {
    if (obj instanceof PyObject || obj instanceof PyDict) {
      obj.state = state;
      return;
    }
    if (obj instanceof PyUnsafe) {
      this.#o.onUnsafeCall?.(`${obj.what}.__setstate__`, 'BUILD', this.#at);
      return;
    }
    if (obj instanceof PyGlobal) {
      // Python sets attributes of the class or function itself (pickle.py load_build: `setattr`
      // with slot state), changing what later imports of it see (modelscan issue #85).
      if (this.#strict) {
        this.#fail('UNSAFE', `the pickle sets attributes of ${obj.qualifiedName} (BUILD on a global)`);
      }
      this.#o.onUnsafeCall?.(`${obj.qualifiedName}.__setstate__`, 'BUILD', this.#at);
      return;
    }
    if (obj instanceof PyHost) {
      const c = this.#c;
      const ctx: BuildContext = {
        get position() {
          return c.offset;
        },
        take: (length: number) => {
          const b = c.bytes(length, 'data after BUILD');
          this.#taken += length;
          return b;
        },
      };
      obj.build(state, ctx);
      return;
    }
    this.#fail('INVALID_STRUCTURE', `BUILD on a ${pyTypeName(obj)}`);
  }

  #append(target: PyValue, items: readonly PyValue[]): void {
    if (Array.isArray(target)) {
      for (const v of items) target.push(v);
    } else if (target instanceof PyObject) {
      pushAll(target.items, items);
    } else if (target instanceof PySet && !target.frozen) {
      pushAll(target.items, items);
    } else if (!(target instanceof PyUnsafe)) {
      this.#fail('INVALID_STRUCTURE', `${this.#opName()} on a ${pyTypeName(target)}`);
    }
  }

  #setItems(target: PyValue, items: readonly PyValue[]): void {
    if (items.length % 2 !== 0) this.#fail('INVALID_STRUCTURE', 'SETITEMS with an odd number of items');
    if (target instanceof PyDict) {
      for (let i = 0; i < items.length; i += 2) target.set(items[i] as PyValue, items[i + 1] as PyValue);
    } else if (target instanceof PyObject) {
      for (let i = 0; i < items.length; i += 2)
        target.items.push(new PyTuple([items[i] as PyValue, items[i + 1] as PyValue]));
    } else if (!(target instanceof PyUnsafe)) {
      this.#fail('INVALID_STRUCTURE', `${this.#opName()} on a ${pyTypeName(target)}`);
    }
  }

  #persistent(pid: PyValue): PyValue {
    const load = this.#o.persistentLoad;
    if (load !== undefined) return load(pid, this.#at);
    if (!this.#strict) return new PyUnsafe('persistent_load(...)');
    return this.#fail('INVALID_STRUCTURE', 'a persistent id, which only a host format (torch) can resolve');
  }

  #utf8(n: number): string {
    const at = this.#c.offset;
    return decodeUtf8(this.#c.bytes(n, 'string'), at);
  }

  #len64(): number {
    return this.#c.safeU64('length');
  }

  run(): UnpickleResult {
    const c = this.#c;
    for (;;) {
      this.#at = c.offset;
      if (this.#at - this.#base - this.#taken > MAX_PICKLE_BYTES) {
        this.#fail('LIMIT_EXCEEDED', `pickle longer than MAX_PICKLE_BYTES (${MAX_PICKLE_BYTES})`);
      }
      const op = c.u8();
      this.#op = op;
      switch (op) {
        case OP.PROTO: {
          const p = c.u8();
          if (p > HIGHEST_PROTOCOL)
            this.#fail('UNSUPPORTED_VERSION', `pickle protocol ${p} (nnport reads 0–5)`);
          this.#protocol = p;
          break;
        }
        case OP.FRAME:
          c.safeU64('frame length'); // a read-ahead hint only; the opcodes inside are ordinary
          break;
        case OP.STOP: {
          const value = this.#pop();
          return { value, end: c.offset - this.#base, protocol: this.#protocol };
        }
        case OP.MARK:
          this.#marks.push(this.#stack);
          this.#stack = [];
          break;
        case OP.POP:
          if (this.#stack.length > 0) this.#stack.pop();
          else this.#popMark(); // CPython: POP at a mark pops the mark
          break;
        case OP.POP_MARK:
          this.#popMark();
          break;
        case OP.DUP:
          this.#push(this.#top());
          break;
        // numbers
        case OP.INT: {
          const v = parseIntOpcode(this.#line());
          if (v === undefined) this.#fail('INVALID_STRUCTURE', 'INT with a malformed number');
          this.#push(v);
          break;
        }
        case OP.LONG: {
          const v = parseLongOpcode(this.#line());
          if (v === undefined) this.#fail('INVALID_STRUCTURE', 'LONG with a malformed number');
          this.#push(v);
          break;
        }
        case OP.FLOAT: {
          const v = parseFloatOpcode(this.#line());
          if (v === undefined) this.#fail('INVALID_STRUCTURE', 'FLOAT with a malformed number');
          this.#push(v);
          break;
        }
        case OP.BININT:
          this.#push(c.i32());
          break;
        case OP.BININT1:
          this.#push(c.u8());
          break;
        case OP.BININT2:
          this.#push(c.u16());
          break;
        case OP.LONG1:
          this.#push(decodeLongBytes(c.bytes(c.u8(), 'LONG1')));
          break;
        case OP.LONG4: {
          const n = c.i32();
          if (n < 0) this.#fail('INVALID_STRUCTURE', `LONG4 with negative length ${n}`);
          this.#push(decodeLongBytes(c.bytes(n, 'LONG4')));
          break;
        }
        case OP.BINFLOAT: {
          const b = c.bytes(8, 'BINFLOAT');
          this.#push(new PyFloat(new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, false)));
          break;
        }
        case OP.NONE:
          this.#push(null);
          break;
        case OP.NEWTRUE:
          this.#push(true);
          break;
        case OP.NEWFALSE:
          this.#push(false);
          break;
        // strings and bytes
        case OP.STRING: {
          const v = parseStringOpcode(this.#line());
          if (v === undefined) this.#fail('INVALID_STRUCTURE', 'STRING with a malformed literal');
          this.#push(v);
          break;
        }
        case OP.BINSTRING: {
          const n = c.i32();
          if (n < 0) this.#fail('INVALID_STRUCTURE', `BINSTRING with negative length ${n}`);
          this.#push(new PyBytes(c.bytes(n, 'BINSTRING'), 'str8'));
          break;
        }
        case OP.SHORT_BINSTRING:
          this.#push(new PyBytes(c.bytes(c.u8(), 'SHORT_BINSTRING'), 'str8'));
          break;
        case OP.UNICODE: {
          const v = parseUnicodeOpcode(this.#lineBytes());
          if (v === undefined) this.#fail('INVALID_STRUCTURE', 'UNICODE with a malformed escape');
          this.#push(v);
          break;
        }
        case OP.BINUNICODE:
          this.#push(this.#utf8(c.u32()));
          break;
        case OP.SHORT_BINUNICODE:
          this.#push(this.#utf8(c.u8()));
          break;
        case OP.BINUNICODE8:
          this.#push(this.#utf8(this.#len64()));
          break;
        case OP.BINBYTES:
          this.#push(new PyBytes(c.bytes(c.u32(), 'BINBYTES')));
          break;
        case OP.SHORT_BINBYTES:
          this.#push(new PyBytes(c.bytes(c.u8(), 'SHORT_BINBYTES')));
          break;
        case OP.BINBYTES8:
          this.#push(new PyBytes(c.bytes(this.#len64(), 'BINBYTES8')));
          break;
        case OP.BYTEARRAY8:
          this.#push(new PyBytes(c.bytes(this.#len64(), 'BYTEARRAY8'), 'bytearray'));
          break;
        case OP.NEXT_BUFFER:
        case OP.READONLY_BUFFER:
          this.#fail(
            'INVALID_STRUCTURE',
            `${this.#opName()}: out-of-band buffers are never stored in a file`,
          );
          break;
        // containers
        case OP.EMPTY_TUPLE:
          this.#push(new PyTuple([]));
          break;
        case OP.TUPLE1: {
          const a = this.#pop();
          this.#push(new PyTuple([a]));
          break;
        }
        case OP.TUPLE2: {
          const b = this.#pop();
          const a = this.#pop();
          this.#push(new PyTuple([a, b]));
          break;
        }
        case OP.TUPLE3: {
          const z = this.#pop();
          const b = this.#pop();
          const a = this.#pop();
          this.#push(new PyTuple([a, b, z]));
          break;
        }
        case OP.TUPLE:
          this.#push(new PyTuple(this.#popMark()));
          break;
        case OP.EMPTY_LIST:
          this.#push([]);
          break;
        case OP.LIST:
          this.#push(this.#popMark());
          break;
        case OP.EMPTY_DICT:
          this.#push(new PyDict());
          break;
        case OP.DICT: {
          const items = this.#popMark();
          const d = new PyDict();
          this.#setItems(d, items);
          this.#push(d);
          break;
        }
        case OP.EMPTY_SET:
          this.#push(new PySet(false));
          break;
        case OP.FROZENSET: {
          const s = new PySet(true);
          pushAll(s.items, this.#popMark());
          this.#push(s);
          break;
        }
        case OP.APPEND: {
          const v = this.#pop();
          this.#append(this.#top(), [v]);
          break;
        }
        case OP.APPENDS: {
          const items = this.#popMark();
          this.#append(this.#top(), items);
          break;
        }
        case OP.ADDITEMS: {
          const items = this.#popMark();
          const target = this.#top();
          if (!(target instanceof PySet))
            this.#fail('INVALID_STRUCTURE', `ADDITEMS on a ${pyTypeName(target)}`);
          pushAll(target.items, items);
          break;
        }
        case OP.SETITEM: {
          const v = this.#pop();
          const k = this.#pop();
          this.#setItems(this.#top(), [k, v]);
          break;
        }
        case OP.SETITEMS: {
          const items = this.#popMark();
          this.#setItems(this.#top(), items);
          break;
        }
        // memo
        case OP.PUT: {
          const i = parseIntOpcode(this.#line());
          if (typeof i !== 'number') this.#fail('INVALID_STRUCTURE', 'PUT with a malformed index');
          this.#memoPut(i, this.#top());
          break;
        }
        case OP.BINPUT:
          this.#memoPut(c.u8(), this.#top());
          break;
        case OP.LONG_BINPUT:
          this.#memoPut(c.u32(), this.#top());
          break;
        case OP.MEMOIZE:
          this.#memoPut(this.#memo.size, this.#top());
          break;
        case OP.GET: {
          const i = parseIntOpcode(this.#line());
          if (typeof i !== 'number') this.#fail('INVALID_STRUCTURE', 'GET with a malformed index');
          this.#push(this.#memoGet(i));
          break;
        }
        case OP.BINGET:
          this.#push(this.#memoGet(c.u8()));
          break;
        case OP.LONG_BINGET:
          this.#push(this.#memoGet(c.u32()));
          break;
        // globals, calls and objects
        case OP.GLOBAL: {
          const module = this.#line();
          const name = this.#line();
          this.#push(this.#global(module, name));
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = this.#pop();
          const module = this.#pop();
          if (typeof module !== 'string' || typeof name !== 'string') {
            // A name computed from other values: its target cannot be known without running code.
            if (this.#strict) this.#fail('UNSAFE', 'STACK_GLOBAL with a module or name that is not a string');
            this.#o.onImport?.('<computed name>', false, this.#at);
            this.#push(new PyUnsafe('<computed global>'));
            break;
          }
          this.#push(this.#global(module, name));
          break;
        }
        case OP.EXT1:
        case OP.EXT2:
        case OP.EXT4: {
          const code = op === OP.EXT1 ? c.u8() : op === OP.EXT2 ? c.u16() : c.i32();
          // copyreg's extension registry maps codes to globals registered at run time: unknowable here.
          const what = `copyreg extension ${code}`;
          this.#o.onImport?.(what, false, this.#at);
          if (this.#strict)
            this.#fail('UNSAFE', `the pickle imports ${what}, which names a global only Python knows`);
          this.#push(new PyUnsafe(what));
          break;
        }
        case OP.REDUCE: {
          const args = this.#pop();
          const callee = this.#pop();
          this.#push(this.#call(callee, args));
          break;
        }
        case OP.NEWOBJ: {
          const args = this.#pop();
          const cls = this.#pop();
          if (!(args instanceof PyTuple))
            this.#fail('INVALID_STRUCTURE', `NEWOBJ arguments are a ${pyTypeName(args)}`);
          this.#push(this.#instantiate(cls, args.items, undefined, 'NEWOBJ'));
          break;
        }
        case OP.NEWOBJ_EX: {
          const kwargs = this.#pop();
          const args = this.#pop();
          const cls = this.#pop();
          if (!(args instanceof PyTuple) || !(kwargs instanceof PyDict)) {
            this.#fail('INVALID_STRUCTURE', 'NEWOBJ_EX needs a tuple and a dict');
          }
          this.#push(this.#instantiate(cls, args.items, kwargs, 'NEWOBJ_EX'));
          break;
        }
        case OP.OBJ: {
          const items = this.#popMark();
          if (items.length === 0) this.#fail('INVALID_STRUCTURE', 'OBJ without a class');
          const [cls, ...args] = items;
          this.#push(this.#instantiate(cls as PyValue, args, undefined, 'OBJ'));
          break;
        }
        case OP.INST: {
          const module = this.#line();
          const name = this.#line();
          const args = this.#popMark();
          this.#push(this.#instantiate(this.#global(module, name), args, undefined, 'INST'));
          break;
        }
        case OP.BUILD: {
          const state = this.#pop();
          this.#build(this.#top(), state);
          break;
        }
        case OP.PERSID: {
          const line = this.#line();
          this.#push(this.#persistent(line));
          break;
        }
        case OP.BINPERSID:
          this.#push(this.#persistent(this.#pop()));
          break;
        default:
          this.#fail('INVALID_STRUCTURE', `unknown pickle opcode 0x${op.toString(16).padStart(2, '0')}`);
      }
    }
  }
}
