/**
 * Content detection for pickles and joblib files. Protocols 2–5 start with PROTO (0x80) and the
 * protocol number (the pickler always writes it first); protocols 0 and 1 have no magic, so the
 * first opcodes are walked and must be well-formed. joblib's zlib and gzip files are claimed when
 * the first bytes of the head inflate to a pickle (gzip alone would claim every .tgz); bz2, xz,
 * lzma and lz4 files, which nnport refuses by name, when they are named like joblib dumps. Not claimed: PyTorch's legacy files (a protocol-2
 * pickle of torch's magic number, torch/serialization.py `MAGIC_NUMBER`), npy files and zips.
 */
import type { Detection, Probe } from '../../core/format.js';
import { HIGHEST_PROTOCOL, OP } from '../../io/pickle/opcodes.js';
import { compressionOf, inflatedPrefix } from './compression.js';

/** File extensions of pickles and joblib dumps. */
export const PICKLE_EXTENSIONS: readonly string[] = ['.pkl', '.pickle', '.joblib'];

/** LONG1 of 0x1950a86a20f9469cfc6c: the first value of a legacy `torch.save` file. */
const TORCH_MAGIC: readonly number[] = [
  0x8a, 0x0a, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19,
];

/** How many opcodes of a protocol 0/1 stream detection walks. */
const DETECT_OPCODES = 24;

/** Longest text argument (a GLOBAL module path, an INT) detection accepts. */
const MAX_DETECT_LINE = 256;

/** True when `head` holds torch's magic number within its first bytes (after PROTO and maybe FRAME). */
function hasTorchMagic(head: Uint8Array): boolean {
  const end = Math.min(head.length - TORCH_MAGIC.length, 16);
  for (let i = 2; i <= end; i++) if (TORCH_MAGIC.every((b, k) => head[i + k] === b)) return true;
  return false;
}

/**
 * Names joblib gives compressed dumps (`joblib.dump(x, 'model.pkl.bz2')` picks the compressor from
 * the extension, joblib/numpy_pickle.py `dump`).
 */
const JOBLIB_COMPRESSED = /\.(pkl|pickle|joblib)\.(z|gz|bz2|xz|lzma|lz4)$/i;

/** True when `h` starts like an uncompressed pickle: PROTO 2–5 (not torch's legacy magic) or protocol 0/1 opcodes. */
export function looksLikePickle(h: Uint8Array): boolean {
  if (h.length >= 2 && h[0] === OP.PROTO) {
    const p = h[1] as number;
    return p >= 2 && p <= HIGHEST_PROTOCOL && !hasTorchMagic(h);
  }
  return looksLikeTextProtocol(h);
}

/** Detects a pickle or joblib file by content, then by extension. Cheap, pure, never throws. */
export function detectPickle(probe: Probe): Detection {
  if (probe.isFolder) return undefined;
  const h = probe.head;
  const named = PICKLE_EXTENSIONS.some((ext) => probe.name.toLowerCase().endsWith(ext));
  if (looksLikePickle(h)) return 'content';
  if (h.length >= 2 && h[0] === OP.PROTO) return named && !hasTorchMagic(h) ? 'name' : undefined;
  const c = compressionOf(h);
  if (typeof c === 'string') {
    // gzip and zlib are everywhere (a .tgz is gzip): claim them only when they inflate to a pickle.
    const inner = inflatedPrefix(h, c);
    if (inner !== undefined && looksLikePickle(inner)) return 'content';
  } else if (c !== undefined && (named || JOBLIB_COMPRESSED.test(probe.name))) {
    return 'content'; // bz2/xz/lzma/lz4 named as joblib names them: read to refuse by name
  }
  // A zip (torch, npz) or an npy named .pkl belongs to its own reader.
  const zip = h[0] === 0x50 && h[1] === 0x4b;
  const npy = h[0] === 0x93 && h[1] === 0x4e;
  return named && !zip && !npy ? 'name' : undefined;
}

/** Opcodes of protocols 0 and 1 without an argument. */
const NO_ARG = new Set<number>([
  OP.MARK,
  OP.STOP,
  OP.POP,
  OP.POP_MARK,
  OP.DUP,
  OP.NONE,
  OP.REDUCE,
  OP.APPEND,
  OP.BUILD,
  OP.DICT,
  OP.EMPTY_DICT,
  OP.APPENDS,
  OP.LIST,
  OP.EMPTY_LIST,
  OP.OBJ,
  OP.SETITEM,
  OP.TUPLE,
  OP.EMPTY_TUPLE,
  OP.SETITEMS,
  OP.BINPERSID,
]);

/** Opcodes with one newline-terminated text argument. */
const ONE_LINE = new Set<number>([
  OP.INT,
  OP.LONG,
  OP.FLOAT,
  OP.STRING,
  OP.UNICODE,
  OP.PERSID,
  OP.GET,
  OP.PUT,
]);

/** Opcodes with a fixed-size argument, by its size. */
const FIXED = new Map<number, number>([
  [OP.BININT1, 1],
  [OP.BINGET, 1],
  [OP.BINPUT, 1],
  [OP.BININT2, 2],
  [OP.BININT, 4],
  [OP.LONG_BINGET, 4],
  [OP.LONG_BINPUT, 4],
  [OP.BINFLOAT, 8],
]);

/** What protocol 0/1 streams start with: MARK, an empty container, or a GLOBAL. */
const FIRST = new Set<number>([OP.MARK, OP.EMPTY_LIST, OP.EMPTY_DICT, OP.EMPTY_TUPLE, OP.GLOBAL]);

/**
 * Walks the first opcodes of a protocol 0/1 stream. True when they are all well-formed (text
 * arguments printable, GLOBAL/INST names dotted identifiers) up to STOP, DETECT_OPCODES opcodes
 * or the end of the head.
 */
export function looksLikeTextProtocol(h: Uint8Array): boolean {
  if (h.length < 2 || !FIRST.has(h[0] as number)) return false;
  let pos = 0;
  const line = (identifier: boolean): boolean | undefined => {
    const start = pos;
    while (pos < h.length && h[pos] !== 0x0a) {
      const b = h[pos] as number;
      if (b < 0x20 && b !== 0x09 && b !== 0x0d) return false;
      if (pos - start > MAX_DETECT_LINE) return false;
      pos++;
    }
    if (pos >= h.length) return undefined; // runs past the head: cannot tell, accept what was seen
    let text = '';
    for (let i = start; i < pos; i++) text += String.fromCharCode(h[i] as number);
    pos++;
    return !identifier || /^[A-Za-z_][\w.]*$/.test(text);
  };
  for (let n = 0; n < DETECT_OPCODES && pos < h.length; n++) {
    const op = h[pos++] as number;
    if (op === OP.STOP) return n > 0;
    if (NO_ARG.has(op)) continue;
    let ok: boolean | undefined = true;
    if (ONE_LINE.has(op)) ok = line(false);
    else if (op === OP.GLOBAL || op === OP.INST) {
      ok = line(true);
      if (ok === true) ok = line(true);
    } else if (FIXED.has(op)) pos += FIXED.get(op) as number;
    else if (op === OP.SHORT_BINSTRING) pos += 1 + (h[pos] ?? 0);
    else if (op === OP.BINSTRING || op === OP.BINUNICODE) {
      if (pos + 4 > h.length) return true;
      const n32 =
        (h[pos] as number) |
        ((h[pos + 1] as number) << 8) |
        ((h[pos + 2] as number) << 16) |
        ((h[pos + 3] as number) << 24);
      if (n32 < 0) return false;
      pos += 4 + n32;
    } else return false;
    if (ok === undefined) return n > 0;
    if (!ok) return false;
  }
  return true;
}
