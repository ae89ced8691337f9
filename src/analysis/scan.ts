/**
 * `nnport scan`: what the pickles in a file would import and call if Python loaded them, found by
 * running nnport's pickle machine in scan mode (globals outside the allow-lists are recorded and
 * replaced by inert stand-ins, never imported). Handles torch zips (every `.pkl` record), legacy
 * torch files (the pickles before the storages), plain and joblib pickles, and NumPy `.npy` /
 * `.npz` files whose object arrays are pickles.
 */
import { isNnportError, NnportError } from '../core/errors.js';
import { MAX_PICKLE_BYTES } from '../core/limits.js';
import { LEGACY_PREFIX } from '../formats/pytorch/read-legacy.js';
import { TORCH_GLOBALS } from '../formats/pytorch/torch-globals.js';
import { type ByteSource, readAll } from '../io/byte-source.js';
import { allowList, type GlobalTable, PYTHON_GLOBALS, plainClass } from '../io/pickle/allow-list.js';
import { type UnpickleOptions, unpickle } from '../io/pickle/machine.js';
import { type GlobalHandler, PyObject } from '../io/pickle/values.js';
import { openZip } from '../io/zip/reader.js';

/** One global a pickle imports. */
export interface ScanImport {
  /** `module.name`. */
  readonly name: string;
  /** True when nnport's allow-lists know it as plain data. */
  readonly safe: boolean;
  /** Byte offset of the opcode in the pickle (the first time it is imported). */
  readonly at: number;
}

/** Calls of one callee, counted. */
export interface ScanCall {
  /** What is called (`os.system`, `torch._utils._rebuild_tensor_v2`, `x.__setstate__`). */
  readonly what: string;
  /** The opcode that would call it (REDUCE, NEWOBJ, OBJ, INST, BUILD). */
  readonly opcode: string;
  /** True when the callee is on the allow-list. */
  readonly safe: boolean;
  /** How many times. */
  readonly count: number;
  /** Offset of the first call. */
  readonly at: number;
}

/** The findings for one pickle stream. */
export interface PickleScan {
  /** Which stream (`archive/data.pkl`, `pickle 4 of 5`, `member x.npy`). */
  readonly label: string;
  /** The protocol its PROTO opcode declares (0 when none). */
  readonly protocol: number;
  /** Every distinct import. */
  readonly imports: ScanImport[];
  /** Every distinct call. */
  readonly calls: ScanCall[];
}

/** The report for a file. */
export interface ScanReport {
  /** The pickles found. */
  readonly pickles: PickleScan[];
  /** True when any pickle imports or calls something outside the allow-lists. */
  readonly unsafe: boolean;
  /** What made (part of) the file unreadable, if anything. */
  readonly error?: NnportError;
}

/**
 * Extra tables the scanner counts as safe (NumPy's, scikit-learn's, joblib's), and a way to
 * decompress joblib files; given by the caller so this module does not depend on every format.
 */
export interface ScanOptions {
  /** Allow-list tables beyond Python's and torch's. */
  readonly tables?: readonly GlobalTable[];
  /** Turns a compressed pickle file (joblib zlib/gzip) into its pickle bytes, or undefined when it is not one. */
  readonly decompress?: (bytes: Uint8Array) => Uint8Array | undefined;
  /** Tables bound to one stream (joblib's wrappers, which read array data and nested pickles from it). */
  readonly streamTables?: StreamTables;
}

/** The scanner's own machine options, for a pickle nested in the stream (a joblib object array). */
export type NestedScan = Omit<UnpickleOptions, 'base' | 'label'>;

/** Makes tables for one stream: `bytes[0]` is at file offset `base`; nested pickles use `nested`. */
export type StreamTables = (bytes: Uint8Array, base: number, nested: NestedScan) => readonly GlobalTable[];

/** Wraps allowed handlers so a malformed argument gives a placeholder instead of ending the scan. */
function tolerant(h: GlobalHandler, name: string): GlobalHandler {
  const placeholder = () => new PyObject(`<unreadable result of ${name}>`, []);
  const out: { -readonly [K in keyof GlobalHandler]: GlobalHandler[K] } = {};
  const { call, instantiate } = h;
  if (call !== undefined) {
    out.call = (args, at) => {
      try {
        return call(args, at);
      } catch (e) {
        if (isNnportError(e)) return placeholder();
        throw e;
      }
    };
  }
  if (instantiate !== undefined) {
    out.instantiate = (args, kw, at) => {
      try {
        return instantiate(args, kw, at);
      } catch (e) {
        if (isNnportError(e)) return placeholder();
        throw e;
      }
    };
  }
  return out;
}

/**
 * Scans one pickle stream starting at `bytes[0]`; returns its findings and where it ended.
 * `found` receives the findings even when the stream turns out malformed and this throws: what a
 * pickle imported before its error still counts (a broken tail must not hide an `os.system`).
 */
export function scanPickle(
  bytes: Uint8Array,
  label: string,
  tables: readonly GlobalTable[],
  base = 0,
  found?: (scan: PickleScan) => void,
  streamTables?: StreamTables,
): { scan: PickleScan; end: number } {
  const fixed = allowList(PYTHON_GLOBALS, TORCH_GLOBALS, ...tables);
  let resolve = fixed;
  const imports = new Map<string, ScanImport>();
  const calls = new Map<string, { what: string; opcode: string; safe: boolean; count: number; at: number }>();
  const call = (what: string, opcode: string, at: number, safe: boolean) => {
    const key = `${opcode} ${what}`;
    const c = calls.get(key);
    if (c === undefined) calls.set(key, { what, opcode, safe, count: 1, at });
    else c.count++;
  };
  const scan: PickleScan = { label, protocol: 0, imports: [], calls: [] };
  let end = bytes.length;
  let protocol = 0;
  const lookup = (r: typeof fixed) => (module: string, name: string) => {
    const h = r(module, name);
    if (h !== undefined) return tolerant(h, `${module}.${name}`);
    // TorchScript module classes are plain data, as the torch reader treats them.
    if (module === '__torch__' || module.startsWith('__torch__.')) return plainClass(`${module}.${name}`);
    return undefined;
  };
  // A pickle nested in the stream reports into the same findings, with the fixed tables only (so
  // nesting cannot recurse: joblib never nests its wrappers).
  const nested: NestedScan = {
    mode: 'scan',
    resolve: lookup(fixed),
    persistentLoad: (pid) => new PyObject('<persistent id>', [pid]),
    onImport(name, safe, at) {
      if (!imports.has(name)) imports.set(name, { name, safe, at });
    },
    onUnsafeCall: (what, opcode, at) => call(what, opcode, at, false),
    onCall: (what, opcode, at) => call(what, opcode, at, true),
  };
  if (streamTables !== undefined) {
    resolve = allowList(PYTHON_GLOBALS, TORCH_GLOBALS, ...tables, ...streamTables(bytes, base, nested));
  }
  try {
    const r = unpickle(bytes, { ...nested, resolve: lookup(resolve), base, label });
    end = r.end;
    protocol = r.protocol;
  } finally {
    Object.assign(scan, { protocol, imports: [...imports.values()], calls: [...calls.values()] });
    found?.(scan);
  }
  return { scan, end };
}

function isUnsafe(p: PickleScan): boolean {
  return p.imports.some((i) => !i.safe) || p.calls.some((c) => !c.safe);
}

function head(bytes: Uint8Array, ...prefix: number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function startsWithBytes(bytes: Uint8Array, prefix: Uint8Array): boolean {
  return head(bytes, ...prefix);
}

/** The pickle inside an npy with an object dtype (`|O`): its offset, or undefined for plain arrays. */
function npyObjectPayload(bytes: Uint8Array): number | undefined {
  if (!head(bytes, 0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59) || bytes.length < 10) return undefined;
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenBytes = major === 1 ? 2 : 4;
  const len = major === 1 ? view.getUint16(8, true) : bytes.length >= 12 ? view.getUint32(8, true) : 0;
  const start = 8 + lenBytes;
  let text = '';
  for (let i = start; i < Math.min(bytes.length, start + len); i++)
    text += String.fromCharCode(bytes[i] as number);
  return /['"][|<>=]?O\d*['"]/.test(text) ? start + len : undefined;
}

/** Scans a whole file (given as a byte source). Errors are reported in the result, not thrown. */
export async function scanSource(source: ByteSource, options: ScanOptions = {}): Promise<ScanReport> {
  const tables = options.tables ?? [];
  const pickles: PickleScan[] = [];
  const run = (bytes: Uint8Array, label: string, base = 0) =>
    scanPickle(bytes, label, tables, base, (scan) => pickles.push(scan), options.streamTables).end;
  try {
    const size = source.size;
    const lead = await source.read(0, Math.min(size, 16));
    if (head(lead, 0x50, 0x4b)) {
      const zip = await openZip(source);
      for (const e of zip.entries) {
        if (e.isDirectory) continue;
        if (/\.(pkl|debug_pkl)$/.test(e.name)) {
          run(await readLimited(await zip.open(e), e.name), e.name);
        } else if (e.name.endsWith('.npy')) {
          const bytes = await readLimited(await zip.open(e), e.name);
          const at = npyObjectPayload(bytes);
          if (at !== undefined) run(bytes.subarray(at), `${e.name} (object array)`, at);
        }
      }
    } else {
      // The pickles are at the start; a big legacy torch file's storages after them are not needed.
      let bytes = await source.read(0, Math.min(size, MAX_PICKLE_BYTES));
      const npy = npyObjectPayload(bytes);
      if (npy !== undefined) run(bytes.subarray(npy), 'object array', npy);
      else if (!head(bytes, 0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59)) {
        bytes = options.decompress?.(bytes) ?? bytes;
        let pos = 0;
        if (startsWithBytes(bytes, LEGACY_PREFIX)) {
          // A legacy torch file is five pickles in a row, then raw storages.
          for (let i = 1; i <= 5; i++) pos += run(bytes.subarray(pos), `pickle ${i} of 5`, pos);
        } else {
          // pickle.load reads the first pickle, but a loader that calls it again reads the next one:
          // bytes after a STOP are scanned as further pickles, so nothing hides behind a benign one.
          let i = 1;
          do {
            pos += run(bytes.subarray(pos), i === 1 ? 'pickle' : `pickle ${i} at byte ${pos}`, pos);
            i++;
          } while (pos < bytes.length);
        }
      }
    }
  } catch (e) {
    if (!isNnportError(e)) throw e;
    return { pickles, unsafe: pickles.some(isUnsafe), error: e };
  }
  return { pickles, unsafe: pickles.some(isUnsafe) };
}

async function readLimited(source: ByteSource, label: string): Promise<Uint8Array> {
  if (source.size > MAX_PICKLE_BYTES) {
    throw new NnportError('LIMIT_EXCEEDED', `${label} is ${source.size} bytes, more than MAX_PICKLE_BYTES`);
  }
  return readAll(source);
}
