/**
 * Test helpers for the pickle format: in-memory inputs (with sibling files), direct plug-in
 * calls, the live scikit-learn peer, and a small pickle assembler for building malformed and
 * hand-made streams in test code (hermetic on purpose).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReadInput } from '../../src/core/format.js';
import type { Model } from '../../src/core/model.js';
import { pickleFormat } from '../../src/formats/pickle/index.js';
import { BytesSource } from '../../src/io/byte-source.js';
import { OP } from '../../src/io/pickle/opcodes.js';

export { rejectsWith, sha256 } from '../assert-errors.js';

/** The repository root (tests run from dist/test/<area>/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** A ReadInput over bytes in memory; `siblings` are the files beside it. */
export function memoryInput(
  name: string,
  bytes: Uint8Array,
  siblings: Record<string, Uint8Array> = {},
): ReadInput {
  return {
    source: new BytesSource(bytes, name),
    name,
    isFolder: false,
    sibling: (path) => {
      const b = siblings[path];
      return Promise.resolve(b === undefined ? undefined : new BytesSource(b, path));
    },
    list: () => Promise.resolve(Object.keys(siblings)),
  };
}

/** Reads pickle bytes with the plug-in directly (not through the registry). */
export function readPickleBytes(
  bytes: Uint8Array,
  name = 'x.pkl',
  siblings: Record<string, Uint8Array> = {},
): Promise<Model> {
  // biome-ignore lint/style/noNonNullAssertion: the pickle plug-in has a reader
  return pickleFormat.read!(memoryInput(name, bytes, siblings), {});
}

/** Path of Debian's Python, which has NumPy, scikit-learn and joblib (the `python3` on PATH may not). */
export const PYTHON = '/usr/bin/python3';

let peerChecked = false;

/**
 * Runs a Python script with scikit-learn and joblib. A missing peer fails the test with the
 * install command; it is never skipped (common brief, DESIGN §6).
 */
export function runSklearnPython(args: readonly string[]): string {
  if (!peerChecked) {
    try {
      execFileSync(PYTHON, ['-c', 'import numpy, sklearn, joblib'], { stdio: 'pipe' });
    } catch (e) {
      assert.fail(
        `the scikit-learn peer is missing (${PYTHON} -c 'import numpy, sklearn, joblib' failed: ${String(e)}); install it with: apt-get install python3-sklearn python3-joblib`,
      );
    }
    peerChecked = true;
  }
  return execFileSync(PYTHON, args, { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** Path of a peer script under test/peers. */
export function peerScript(name: string): string {
  return resolve(REPO_ROOT, 'test/peers', name);
}

export { concat } from '../npy/helpers.js';

/** The bytes of typed array values (little-endian, as the host is). */
export function bytesOf(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

/**
 * A tiny pickle assembler: each method appends one opcode (binary protocols) and returns the
 * builder. `numpyArray` and `numpyDType` write what NumPy's `__reduce__` writes.
 */
export class PickleBuilder {
  readonly #out: number[] = [];

  /** Raw bytes. */
  raw(...bytes: (number | Uint8Array)[]): this {
    for (const b of bytes) {
      if (typeof b === 'number') this.#out.push(b);
      else for (const x of b) this.#out.push(x);
    }
    return this;
  }

  op(code: number): this {
    return this.raw(code);
  }

  proto(p: number): this {
    return this.raw(OP.PROTO, p);
  }

  /** GLOBAL `module\nname\n`. */
  global(module: string, name: string): this {
    return this.raw(OP.GLOBAL, ...ascii(`${module}\n${name}\n`));
  }

  /** BINUNICODE. */
  str(s: string): this {
    const b = new TextEncoder().encode(s);
    return this.raw(OP.BINUNICODE, ...u32(b.length), b);
  }

  /** BINBYTES. */
  bytes(b: Uint8Array | number[]): this {
    const a = b instanceof Uint8Array ? b : Uint8Array.from(b);
    return this.raw(OP.BINBYTES, ...u32(a.length), a);
  }

  /** BININT. */
  int(n: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, n, true);
    return this.raw(OP.BININT, b);
  }

  /** BINFLOAT (big-endian). */
  float(x: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, false);
    return this.raw(OP.BINFLOAT, b);
  }

  none(): this {
    return this.op(OP.NONE);
  }

  bool(v: boolean): this {
    return this.op(v ? OP.NEWTRUE : OP.NEWFALSE);
  }

  mark(): this {
    return this.op(OP.MARK);
  }

  /** TUPLE (items since MARK). */
  tuple(): this {
    return this.op(OP.TUPLE);
  }

  /** A tuple of ints: MARK, BININTs, TUPLE. */
  ints(values: readonly number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }

  /** `numpy.dtype(typestr, False, True)` then BUILD with a version-3 state. */
  numpyDType(typestr: string, order = '<', elsize = -1): this {
    this.global('numpy', 'dtype').str(typestr).bool(false).bool(true).op(OP.TUPLE3).op(OP.REDUCE);
    this.mark().int(3).str(order).none().none().none().int(elsize).int(-1).int(0).tuple();
    return this.op(OP.BUILD);
  }

  /** `_reconstruct(ndarray, (0,), b'b')` then BUILD `(1, shape, dtype, fortran, data)`. */
  numpyArray(
    typestr: string,
    shape: readonly number[],
    data: Uint8Array | ((b: PickleBuilder) => void),
    options: { order?: string; fortran?: boolean; core?: string; elsize?: number } = {},
  ): this {
    this.global(`${options.core ?? 'numpy.core'}.multiarray`, '_reconstruct').global('numpy', 'ndarray');
    this.int(0).op(OP.TUPLE1).bytes([0x62]).op(OP.TUPLE3).op(OP.REDUCE);
    this.mark()
      .int(1)
      .ints(shape)
      .numpyDType(typestr, options.order ?? '<', options.elsize ?? -1);
    this.bool(options.fortran ?? false);
    if (typeof data === 'function') data(this);
    else this.bytes(data);
    return this.tuple().op(OP.BUILD);
  }

  /** A dict of entries, each written by its function: EMPTY_DICT, MARK, key/value…, SETITEMS. */
  dict(entries: readonly [string, (b: PickleBuilder) => void][]): this {
    this.op(OP.EMPTY_DICT).mark();
    for (const [k, write] of entries) {
      this.str(k);
      write(this);
    }
    return this.op(OP.SETITEMS);
  }

  /** STOP. */
  stop(): this {
    return this.op(OP.STOP);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.#out.length;
  }

  /**
   * A joblib `NumpyArrayWrapper` for `data` (already in `order`), then the data as joblib writes it:
   * with `alignment`, one padding-length byte and padding so the data starts at a multiple of it
   * (never for object arrays, whose data is a pickle).
   */
  joblibArray(
    typestr: string,
    shape: readonly number[],
    data: Uint8Array,
    options: { order?: 'C' | 'F'; alignment?: number | null; module?: string } = {},
  ): this {
    this.global(options.module ?? 'joblib.numpy_pickle', 'NumpyArrayWrapper')
      .op(OP.EMPTY_TUPLE)
      .op(OP.NEWOBJ);
    const entries: [string, (b: PickleBuilder) => void][] = [
      ['subclass', (b) => b.global('numpy', 'ndarray')],
      ['shape', (b) => b.ints(shape)],
      ['order', (b) => b.str(options.order ?? 'C')],
      ['dtype', (b) => b.numpyDType(typestr, typestr.startsWith('O') ? '|' : '<')],
      ['allow_mmap', (b) => b.bool(true)],
    ];
    const alignment = options.alignment;
    if (alignment !== undefined) {
      entries.push([
        'numpy_array_alignment_bytes',
        (b) => (alignment === null ? b.none() : b.int(alignment)),
      ]);
    }
    this.dict(entries).op(OP.BUILD);
    if (typeof alignment === 'number' && !typestr.startsWith('O')) {
      const padding = alignment - ((this.length + 1) % alignment);
      this.raw(padding, ...new Array<number>(padding).fill(0xff));
    }
    return this.raw(data);
  }

  /** The bytes so far. */
  done(): Uint8Array {
    return Uint8Array.from(this.#out);
  }
}

function ascii(s: string): number[] {
  return Array.from(s, (c) => c.charCodeAt(0));
}

function u32(n: number): number[] {
  return [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff];
}
