/**
 * Reading the zip format `torch.save` writes since PyTorch 1.6 and `torch.jit.save` writes for
 * TorchScript (caffe2/serialize/inline_container.h): one folder (any name) holding `data.pkl`,
 * `byteorder` (since 2.1; absent means little), `version`, and one record `data/<key>` per
 * storage. TorchScript archives add `constants.pkl` (storages in `constants/`) and the model's
 * code in `code/`, which nnport shows as text and never runs.
 */
import { NnportError } from '../../core/errors.js';
import { MAX_PICKLE_BYTES } from '../../core/limits.js';
import type { JsonValue, Model } from '../../core/model.js';
import { readAll } from '../../io/byte-source.js';
import { decodeUtf8 } from '../../io/cursor.js';
import { unpickle } from '../../io/pickle/machine.js';
import type { ZipArchive, ZipEntry } from '../../io/zip/reader.js';
import { assembleTensors } from './assemble.js';
import { type Collected, collectTensors } from './collect.js';
import { storageFromPid, type TorchStorage, torchResolve } from './torch-globals.js';

/** Largest code or small text record shown in metadata; bigger ones are listed, not included. */
const MAX_CODE_RECORD_BYTES = 1 << 20;

/**
 * The archive folder: the one holding `data.pkl` (torch names it after the file, or `archive`).
 * Two folders each with a `data.pkl` are refused: torch reads one archive per file (its reader
 * takes the folder from the first record), and guessing which one is meant could hide tensors.
 */
export function archiveFolder(zip: ZipArchive): string | undefined {
  const folders: string[] = [];
  for (const e of zip.entries) {
    const m = /^([^/]+)\/data\.pkl$/.exec(e.name);
    if (m !== null && !folders.includes(m[1] as string)) folders.push(m[1] as string);
  }
  if (folders.length > 1) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `the zip holds ${folders.length} torch archives (${folders.slice(0, 3).join(', ')}): one file, one archive`,
    );
  }
  return folders[0];
}

async function recordBytes(zip: ZipArchive, entry: ZipEntry, limit: number): Promise<Uint8Array> {
  if (entry.size > limit) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `record ${entry.name} is ${entry.size} bytes, more than ${limit}`,
      {
        at: { byte: entry.localHeaderOffset },
      },
    );
  }
  return readAll(await zip.open(entry));
}

async function recordText(zip: ZipArchive, name: string): Promise<string | undefined> {
  const e = zip.find(name);
  if (e === undefined) return undefined;
  return decodeUtf8(await recordBytes(zip, e, 4096)).trim();
}

/** Unpickles one of the archive's pickles, its storages in `folder/records/`. */
async function readPickle(
  zip: ZipArchive,
  entry: ZipEntry,
  records: string,
  used: Map<string, string>,
  names: Set<string>,
  prefix?: string,
): Promise<Collected> {
  const bytes = await recordBytes(zip, entry, MAX_PICKLE_BYTES);
  const storages = new Map<string, TorchStorage>();
  const { value } = unpickle(bytes, {
    resolve: torchResolve(),
    label: entry.name,
    persistentLoad(pid, at) {
      const s = storageFromPid(pid, at);
      // torch caches loaded storages by key: the same key is the same storage.
      const known = storages.get(s.key);
      if (known !== undefined && known.type === s.type) return known;
      storages.set(s.key, s);
      return s;
    },
  });
  return collectTensors(value, records, entry.name, used, names, prefix);
}

/** Reads a torch zip archive (already opened). */
export async function readTorchZip(zip: ZipArchive): Promise<Model> {
  const folder = archiveFolder(zip);
  if (folder === undefined) {
    throw new NnportError(
      'INVALID_STRUCTURE',
      'a zip without a <folder>/data.pkl record is not a torch.save file',
    );
  }
  const order = (await recordText(zip, `${folder}/byteorder`)) ?? 'little';
  if (order !== 'little' && order !== 'big') {
    throw new NnportError(
      'INVALID_STRUCTURE',
      `record ${folder}/byteorder says '${order}', not little or big`,
    );
  }
  const used = new Map<string, string>();
  const names = new Set<string>();
  const data = await readPickle(zip, zip.find(`${folder}/data.pkl`) as ZipEntry, 'data', used, names);
  const found = [...data.tensors];
  const constantsEntry = zip.find(`${folder}/constants.pkl`);
  const codeEntries = zip.entries.filter((e) => e.name.startsWith(`${folder}/code/`) && !e.isDirectory);
  const torchscript = constantsEntry !== undefined || codeEntries.length > 0;
  const metadata: Record<string, JsonValue> = {};
  const pytorch: Record<string, JsonValue> = {
    archive: folder,
    byteorder: order,
    structure: data.structure,
  };
  const version = await recordText(zip, `${folder}/version`);
  if (version !== undefined) pytorch.version = version;
  if (torchscript) {
    const ts: Record<string, JsonValue> = {};
    if (constantsEntry !== undefined) {
      const constants = await readPickle(zip, constantsEntry, 'constants', used, names, 'constants');
      for (const t of constants.tensors) found.push(t); // no spread: there may be 10^5 of them
      ts.constants = constants.structure;
    }
    const code: Record<string, JsonValue> = {};
    for (const e of codeEntries) {
      const rel = e.name.slice(folder.length + 1);
      if (!rel.endsWith('.py')) continue; // .debug_pkl: source ranges for error messages
      code[rel] =
        e.size <= MAX_CODE_RECORD_BYTES
          ? decodeUtf8(await recordBytes(zip, e, MAX_CODE_RECORD_BYTES))
          : `(${e.size} bytes, not shown)`;
    }
    ts.code = code;
    metadata.torchscript = ts;
  }
  const { tensors, tied } = await assembleTensors(
    found,
    async (records, key) => {
      const e = zip.find(`${folder}/${records}/${key}`);
      return e === undefined ? undefined : { source: await zip.open(e), record: e.name };
    },
    order === 'big',
  );
  metadata.pytorch = pytorch;
  if (tied.length > 0) metadata.nnport = { tied };
  return { format: 'pytorch', metadata, tensors };
}
