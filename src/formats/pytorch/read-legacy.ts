/**
 * Reading the legacy format `torch.save` wrote before PyTorch 1.6 (and still writes with
 * `_use_new_zipfile_serialization=False`), per torch/serialization.py `_legacy_save`: five pickles
 * in a row — the magic number, the protocol version (1001), `sys_info` (byte order, type sizes),
 * the object (storages as persistent ids), the list of storage keys — then, for each key in that
 * list, an 8-byte element count and the storage's raw bytes.
 */
import { itemSize } from '../../core/dtype.js';
import { isNnportError, NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import { MAX_PICKLE_BYTES } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { SubSource } from '../../io/byte-source.js';
import { unpickle } from '../../io/pickle/machine.js';
import { asInt, asSequence, asText, PyDict, type PyValue } from '../../io/pickle/values.js';
import { assembleTensors } from './assemble.js';
import { collectTensors } from './collect.js';
import type { StorageBytes } from './tensors.js';
import { storageFromPid, TorchStorage, torchResolve } from './torch-globals.js';

/** torch/serialization.py `MAGIC_NUMBER`. */
const MAGIC_NUMBER = 0x1950a86a20f9469cfc6cn;
/** torch/serialization.py `PROTOCOL_VERSION`. */
const PROTOCOL_VERSION = 1001;
/** The first bytes of every legacy file: PROTO 2, LONG1 of 10 bytes holding MAGIC_NUMBER. */
export const LEGACY_PREFIX = Uint8Array.of(
  0x80,
  0x02,
  0x8a,
  0x0a,
  0x6c,
  0xfc,
  0x9c,
  0x46,
  0xf9,
  0x20,
  0x6a,
  0xa8,
  0x50,
  0x19,
);
/** How much of the file the first attempt reads for the pickles; grows ×8 while they run past it. */
const FIRST_READ_BYTES = 1 << 20;

interface Pickles {
  readonly littleEndian: boolean;
  readonly object: PyValue;
  readonly keys: string[];
  readonly roots: Map<string, TorchStorage>;
  /** File offset just after the last pickle: the storages start here. */
  readonly end: number;
}

function fail(detail: string, at: number): never {
  throw new NnportError('INVALID_STRUCTURE', detail, { at: { byte: at } });
}

function parsePickles(bytes: Uint8Array): Pickles {
  const none = () => undefined;
  let pos = 0;
  const next = (what: string, extra: Partial<Parameters<typeof unpickle>[1]> = {}) => {
    const r = unpickle(bytes.subarray(pos), { resolve: none, base: pos, label: what, ...extra });
    const at = pos;
    pos += r.end;
    return { value: r.value, at };
  };
  const magic = next('the magic number');
  if (magic.value !== MAGIC_NUMBER) {
    throw new NnportError('BAD_MAGIC', 'not a legacy torch.save file (wrong magic number)', {
      at: { byte: 0 },
    });
  }
  const proto = next('the protocol version');
  if (proto.value !== PROTOCOL_VERSION) {
    throw new NnportError(
      'UNSUPPORTED_VERSION',
      `legacy torch protocol ${String(proto.value)} (nnport reads ${PROTOCOL_VERSION})`,
      {
        at: { byte: proto.at },
      },
    );
  }
  const sys = next('sys_info');
  const little = sys.value instanceof PyDict ? sys.value.get('little_endian') : undefined;
  const roots = new Map<string, TorchStorage>();
  const object = next('the object', {
    resolve: torchResolve(),
    persistentLoad(pid, at) {
      const s = storageFromPid(pid, at);
      const root = roots.get(s.key) ?? s;
      roots.set(s.key, root);
      // view_metadata: (view_key, offset, view_size) — a view into the root storage (torch < 1.0).
      const view = asSequence(asSequence(pid)?.[5] ?? null);
      if (view === undefined) return root;
      const offset = asInt(view[1]);
      const size = asInt(view[2]);
      if (
        offset === undefined ||
        size === undefined ||
        offset < 0 ||
        size < 0 ||
        offset + size > root.numel
      ) {
        return fail(`storage view of '${s.key}' outside the storage`, at);
      }
      return new TorchStorage(s.key, s.type, s.location, size, offset);
    },
  });
  const keysPickle = next('the storage keys');
  const keyList = asSequence(keysPickle.value);
  const keys = keyList?.map((k) => asText(k) ?? (typeof k === 'number' ? String(k) : undefined));
  if (keys === undefined || keys.some((k) => k === undefined))
    fail('the storage key list is not a list of strings', keysPickle.at);
  return { littleEndian: little !== false, object: object.value, keys: keys as string[], roots, end: pos };
}

/** Reads the pickles, reading more of the file while they run past what was read. */
async function readPickles(input: ReadInput): Promise<Pickles> {
  const size = input.source.size;
  for (let want = Math.min(size, FIRST_READ_BYTES); ; want = Math.min(size, want * 8, MAX_PICKLE_BYTES)) {
    const bytes = await input.source.read(0, want);
    try {
      return parsePickles(bytes);
    } catch (e) {
      if (!isNnportError(e, 'TRUNCATED') || want >= size || want >= MAX_PICKLE_BYTES) throw e;
    }
  }
}

/** Reads a legacy torch file. */
export async function readTorchLegacy(input: ReadInput): Promise<Model> {
  // The tar magic sits at bytes 257..261 (POSIX ustar header); a shorter file cannot be a tar.
  const tar = input.source.size >= 262 ? await input.source.read(257, 5) : new Uint8Array(0);
  if (tar.length === 5 && String.fromCharCode(...tar) === 'ustar') {
    throw new NnportError(
      'UNSUPPORTED_VERSION',
      'the tar-based torch.save format of PyTorch before 0.4 is not supported',
    );
  }
  const p = await readPickles(input);
  // Lay out the storages after the pickles: each an 8-byte count, then its bytes.
  const located = new Map<string, StorageBytes>();
  let pos = p.end;
  for (const key of p.keys) {
    const root = p.roots.get(key);
    if (root === undefined) fail(`storage '${key}' is listed but no tensor names its type`, pos);
    if (pos + 8 > input.source.size) {
      throw new NnportError('TRUNCATED', `storage '${key}' count runs past the end of the file`, {
        at: { byte: pos },
      });
    }
    const head = await input.source.read(pos, 8);
    const count = new DataView(head.buffer, head.byteOffset, 8).getBigInt64(0, p.littleEndian);
    const size = 'dtype' in root.type ? itemSize(root.type.dtype) : 1;
    if (count < 0n || count > BigInt(Number.MAX_SAFE_INTEGER) / BigInt(size))
      fail(`storage '${key}' has ${count} elements`, pos);
    const bytes = Number(count) * size;
    pos += 8;
    if (pos + bytes > input.source.size) {
      throw new NnportError('TRUNCATED', `storage '${key}' (${bytes} bytes) runs past the end of the file`, {
        at: { byte: pos },
      });
    }
    located.set(key, {
      source: new SubSource(input.source, pos, bytes),
      record: `storage '${key}' at byte ${pos}`,
    });
    pos += bytes;
  }
  const used = new Map<string, string>();
  const collected = collectTensors(p.object, 'data', 'the object pickle', used, new Set());
  const { tensors, tied } = await assembleTensors(
    collected.tensors,
    async (_records, key) => located.get(key),
    !p.littleEndian,
  );
  const metadata: Record<string, JsonValue> = {
    pytorch: { legacy: true, byteorder: p.littleEndian ? 'little' : 'big', structure: collected.structure },
  };
  if (tied.length > 0) metadata.nnport = { tied };
  return { format: 'pytorch', metadata, tensors };
}
