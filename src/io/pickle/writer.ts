/**
 * A small pickle emitter for protocol 2 (PEP 307), over a growable in-memory buffer. It writes
 * only the opcodes PyTorch's restricted `weights_only` unpickler reads, in torch 1.13
 * (`torch/_weights_only_unpickler.py`) and later: PROTO, NONE, NEWTRUE/NEWFALSE,
 * BININT1/BININT2/BININT/LONG1, BINUNICODE, GLOBAL, EMPTY_TUPLE/TUPLE1–3/MARK…TUPLE,
 * EMPTY_DICT + SETITEM(S), EMPTY_LIST + APPEND(S), REDUCE, BUILD, BINPERSID, BINPUT/LONG_BINPUT,
 * BINGET/LONG_BINGET and STOP. There is deliberately no float opcode (torch 1.13 refuses
 * BINFLOAT) and no LONG4 (no version of that unpickler reads it).
 *
 * The emitter is generic: it knows nothing of tensors. Callers push values in pickle order
 * (arguments before the REDUCE that consumes them) exactly as CPython's `pickle._Pickler` would
 * (`Lib/pickle.py`), including its batching of dict and list items by 1000.
 */
import { NnportError } from '../../core/errors.js';
import { OP } from './opcodes.js';

/** CPython's `_Pickler._BATCHSIZE`: items per SETITEMS/APPENDS run (`Lib/pickle.py`). */
export const PICKLE_BATCH_SIZE = 1000;

/** Largest memo index BINPUT/BINGET hold; beyond it LONG_BINPUT/LONG_BINGET (u32). */
const SHORT_MEMO_MAX = 0xff;
/** Largest memo index LONG_BINPUT holds. */
const LONG_MEMO_MAX = 0xffffffff;
/** Longest UTF-8 string BINUNICODE holds (u32 length); BINUNICODE8 is protocol 4. */
const MAX_BINUNICODE_BYTES = 0xffffffff;
/** Longest integer LONG1 holds, in bytes (u8 length). */
const MAX_LONG1_BYTES = 0xff;
/** Initial buffer size; it doubles as needed. */
const INITIAL_BYTES = 4096;

/** The ranges of BININT1 (u8), BININT2 (u16) and BININT (i32), as CPython's `save_long` picks them. */
const U8_MAX = 0xff;
const U16_MAX = 0xffff;
const I32_MIN = -0x80000000;
const I32_MAX = 0x7fffffff;

/** Builds one pickle in memory. */
export class PickleWriter {
  #buf = new Uint8Array(INITIAL_BYTES);
  #pos = 0;
  #view = new DataView(this.#buf.buffer);
  /** Memo keys (chosen by callers) to memo indices. */
  readonly #memo = new Map<string, number>();
  #nextMemo = 0;

  /** Bytes written so far. */
  get length(): number {
    return this.#pos;
  }

  /** The pickle so far (a view; valid until the next write). */
  bytes(): Uint8Array {
    return this.#buf.subarray(0, this.#pos);
  }

  /** PROTO n: the first opcode of a protocol 2+ pickle. */
  proto(version: number): void {
    this.#op(OP.PROTO);
    this.#u8(version);
  }

  /** STOP: the end of the pickle. */
  stop(): void {
    this.#op(OP.STOP);
  }

  /** None. */
  none(): void {
    this.#op(OP.NONE);
  }

  /** True or False (NEWTRUE/NEWFALSE, protocol 2). */
  bool(value: boolean): void {
    this.#op(value ? OP.NEWTRUE : OP.NEWFALSE);
  }

  /**
   * An int, in CPython's choice of opcode: BININT1 for 0..255, BININT2 for 256..65535, BININT for
   * the rest of int32, LONG1 (little-endian two's complement, shortest form) beyond. Numbers must
   * be safe integers. Integers needing more than 255 bytes would need LONG4: UNREPRESENTABLE.
   */
  int(value: number | bigint): void {
    if (typeof value === 'number') {
      if (!Number.isSafeInteger(value)) throw new Error(`PickleWriter.int: ${value} is not a safe integer`);
      if (value >= 0 && value <= U8_MAX) {
        this.#op(OP.BININT1);
        this.#u8(value);
        return;
      }
      if (value >= 0 && value <= U16_MAX) {
        this.#op(OP.BININT2);
        this.#reserve(2);
        this.#view.setUint16(this.#pos, value, true);
        this.#pos += 2;
        return;
      }
      if (value >= I32_MIN && value <= I32_MAX) {
        this.#op(OP.BININT);
        this.#reserve(4);
        this.#view.setInt32(this.#pos, value, true);
        this.#pos += 4;
        return;
      }
      this.int(BigInt(value));
      return;
    }
    if (value >= BigInt(I32_MIN) && value <= BigInt(I32_MAX)) {
      this.int(Number(value));
      return;
    }
    const bytes = encodeLong(value);
    if (bytes.length > MAX_LONG1_BYTES) {
      throw new NnportError(
        'UNREPRESENTABLE',
        `an integer of ${bytes.length} bytes needs LONG4, which torch's weights_only unpickler does not read`,
      );
    }
    this.#op(OP.LONG1);
    this.#u8(bytes.length);
    this.#raw(bytes);
  }

  /**
   * A str (BINUNICODE: u32 length + UTF-8). Lone surrogates are encoded as their 3-byte forms,
   * as CPython's pickler does with 'surrogatepass' and torch's unpickler decodes them.
   */
  unicode(value: string): void {
    const bytes = encodeUtf8SurrogatePass(value);
    if (bytes.length > MAX_BINUNICODE_BYTES) {
      throw new NnportError(
        'UNREPRESENTABLE',
        `a string of ${bytes.length} bytes exceeds BINUNICODE's 4 GiB`,
      );
    }
    this.#op(OP.BINUNICODE);
    this.#reserve(4);
    this.#view.setUint32(this.#pos, bytes.length, true);
    this.#pos += 4;
    this.#raw(bytes);
  }

  /**
   * A bytes object the way CPython pickles it under protocol 2 (`save_bytes`):
   * `_codecs.encode(<the bytes as a Latin-1 str>, 'latin1')` through REDUCE. Current torch's
   * weights_only unpickler allows `_codecs.encode` for this; torch 1.13's does not.
   */
  bytesObject(value: Uint8Array): void {
    this.global('_codecs', 'encode');
    let text = '';
    for (let i = 0; i < value.length; i += 8192) {
      text += String.fromCharCode(...value.subarray(i, i + 8192));
    }
    this.unicode(text);
    this.memoized('s:latin1', () => this.unicode('latin1'));
    this.#op(OP.TUPLE2);
    this.reduce();
  }

  /**
   * GLOBAL module\nname\n (protocol 0 text; the form protocol 2 uses), memoized: the first use
   * is followed by a BINPUT, later uses are a BINGET.
   */
  global(module: string, name: string): void {
    if (/[\n\r]/.test(module + name)) throw new Error('PickleWriter.global: names cannot hold newlines');
    this.memoized(`g:${module}\n${name}`, () => {
      this.#op(OP.GLOBAL);
      this.#raw(encodeUtf8SurrogatePass(`${module}\n${name}\n`));
    });
  }

  /**
   * Emits the value `emit` pushes once, memoized under `key` (any caller-chosen string); later
   * calls with the same key push it again with BINGET instead, so the unpickler yields the same
   * object (as CPython's memo does for repeated references).
   */
  memoized(key: string, emit: () => void): void {
    const index = this.#memo.get(key);
    if (index !== undefined) {
      this.get(index);
      return;
    }
    emit();
    this.#memo.set(key, this.put());
  }

  /** Stores the top of the stack in the next memo slot (BINPUT/LONG_BINPUT); returns the slot. */
  put(): number {
    const index = this.#nextMemo++;
    if (index > LONG_MEMO_MAX) throw new NnportError('LIMIT_EXCEEDED', 'more than 2^32 pickle memo entries');
    this.#memoOp(OP.BINPUT, OP.LONG_BINPUT, index);
    return index;
  }

  /** Pushes memo slot `index` (BINGET/LONG_BINGET). */
  get(index: number): void {
    this.#memoOp(OP.BINGET, OP.LONG_BINGET, index);
  }

  /** MARK: starts the items of a TUPLE, SETITEMS or APPENDS. */
  mark(): void {
    this.#op(OP.MARK);
  }

  /**
   * Starts a tuple of `count` items: a MARK when the tuple will need TUPLE (more than 3 items);
   * push the items, then call `endTuple(count)`.
   */
  beginTuple(count: number): void {
    if (count > 3) this.mark();
  }

  /** Ends a tuple started with `beginTuple(count)`: EMPTY_TUPLE, TUPLE1–3 or TUPLE. */
  endTuple(count: number): void {
    if (count === 0) this.#op(OP.EMPTY_TUPLE);
    else if (count === 1) this.#op(OP.TUPLE1);
    else if (count === 2) this.#op(OP.TUPLE2);
    else if (count === 3) this.#op(OP.TUPLE3);
    else this.#op(OP.TUPLE);
  }

  /** An empty dict. */
  emptyDict(): void {
    this.#op(OP.EMPTY_DICT);
  }

  /** An empty list. */
  emptyList(): void {
    this.#op(OP.EMPTY_LIST);
  }

  /**
   * Adds `count` items to the dict (or OrderedDict) on the stack. `emitItem(i)` pushes key `i`
   * then value `i`. Batches of PICKLE_BATCH_SIZE go in MARK…SETITEMS, a batch of one in SETITEM,
   * as CPython's `_batch_setitems` does.
   */
  setItems(count: number, emitItem: (index: number) => void): void {
    this.#batch(count, emitItem, OP.SETITEM, OP.SETITEMS);
  }

  /** Appends `count` items to the list on the stack, batched like `setItems` (APPEND/APPENDS). */
  appendItems(count: number, emitItem: (index: number) => void): void {
    this.#batch(count, emitItem, OP.APPEND, OP.APPENDS);
  }

  /** REDUCE: calls the callable below the argument tuple on top of the stack. */
  reduce(): void {
    this.#op(OP.REDUCE);
  }

  /** BUILD: applies the state on top of the stack to the object below it. */
  build(): void {
    this.#op(OP.BUILD);
  }

  /** BINPERSID: replaces the persistent id on top of the stack with the object it names. */
  persistentId(): void {
    this.#op(OP.BINPERSID);
  }

  #batch(count: number, emitItem: (index: number) => void, one: number, many: number): void {
    for (let start = 0; start < count; start += PICKLE_BATCH_SIZE) {
      const end = Math.min(count, start + PICKLE_BATCH_SIZE);
      if (end - start > 1) this.mark();
      for (let i = start; i < end; i++) emitItem(i);
      this.#op(end - start > 1 ? many : one);
    }
  }

  #memoOp(short: number, long: number, index: number): void {
    if (index <= SHORT_MEMO_MAX) {
      this.#op(short);
      this.#u8(index);
      return;
    }
    this.#op(long);
    this.#reserve(4);
    this.#view.setUint32(this.#pos, index, true);
    this.#pos += 4;
  }

  #op(code: number): void {
    this.#u8(code);
  }

  #u8(value: number): void {
    this.#reserve(1);
    this.#buf[this.#pos++] = value;
  }

  #raw(bytes: Uint8Array): void {
    this.#reserve(bytes.length);
    this.#buf.set(bytes, this.#pos);
    this.#pos += bytes.length;
  }

  #reserve(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    let size = this.#buf.length * 2;
    while (size < this.#pos + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.#pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer);
  }
}

/**
 * CPython's `encode_long` (`Lib/pickle.py`): little-endian two's complement in
 * `bit_length // 8 + 1` bytes, then one redundant 0xff dropped from negative numbers.
 */
export function encodeLong(value: bigint): Uint8Array {
  if (value === 0n) return new Uint8Array(0);
  const magnitude = value < 0n ? -value : value;
  const bitLength = magnitude.toString(2).length;
  let n = (bitLength >> 3) + 1;
  let twos = value < 0n ? (1n << BigInt(8 * n)) + value : value;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = Number(twos & 0xffn);
    twos >>= 8n;
  }
  if (value < 0n && n > 1 && out[n - 1] === 0xff && (out[n - 2] & 0x80) !== 0) n -= 1;
  return out.subarray(0, n);
}

/**
 * UTF-8 with lone surrogates encoded as 3-byte sequences (Python's 'surrogatepass'), so every JS
 * string round-trips through `str(data, 'utf-8', 'surrogatepass')`.
 */
export function encodeUtf8SurrogatePass(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 3);
  let p = 0;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) {
      out[p++] = c;
    } else if (c < 0x800) {
      out[p++] = 0xc0 | (c >> 6);
      out[p++] = 0x80 | (c & 0x3f);
    } else if (c < 0x10000) {
      out[p++] = 0xe0 | (c >> 12);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    } else {
      out[p++] = 0xf0 | (c >> 18);
      out[p++] = 0x80 | ((c >> 12) & 0x3f);
      out[p++] = 0x80 | ((c >> 6) & 0x3f);
      out[p++] = 0x80 | (c & 0x3f);
    }
  }
  return out.subarray(0, p);
}
