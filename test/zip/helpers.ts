/**
 * Zip test helpers: write members to bytes with nnport's writer, read them back, and patch fields
 * of a finished archive to build malformed ones.
 */
import { MemoryTarget } from '../../src/io/byte-sink.js';
import { BytesSource, readAll } from '../../src/io/byte-source.js';
import { openZip, type ZipArchive } from '../../src/io/zip/reader.js';
import { type ZipMethod, ZipWriter, type ZipWriterOptions } from '../../src/io/zip/writer.js';

/** One member to write. */
export interface Member {
  readonly name: string;
  readonly data: Uint8Array;
  readonly method?: ZipMethod;
  /** Write through `addBytes` (sizes in the local header) instead of streaming. */
  readonly inMemory?: boolean;
  /** Split the streamed data into chunks of this size. */
  readonly chunk?: number;
}

/** Writes members with nnport's zip writer and returns the archive bytes. */
export async function zipOf(members: readonly Member[], options: ZipWriterOptions = {}): Promise<Uint8Array> {
  const target = new MemoryTarget('t.zip');
  const zip = new ZipWriter(await target.create(), options);
  for (const m of members) {
    const method = m.method ?? 'stored';
    if (m.inMemory === true) {
      await zip.addBytes(m.name, m.data, { method });
      continue;
    }
    const w = await zip.begin(m.name, { method, size: m.data.length });
    const step = Math.max(1, m.chunk ?? (m.data.length || 1));
    for (let i = 0; i < m.data.length; i += step) await w.write(m.data.subarray(i, i + step));
    await w.end();
  }
  await zip.close();
  return target.bytes;
}

/** Opens archive bytes. */
export function open(bytes: Uint8Array): Promise<ZipArchive> {
  return openZip(new BytesSource(bytes, 't.zip'));
}

/** Every member's name and bytes, in order. */
export async function readMembers(bytes: Uint8Array): Promise<{ name: string; data: Uint8Array }[]> {
  const zip = await open(bytes);
  const out: { name: string; data: Uint8Array }[] = [];
  for (const e of zip.entries) out.push({ name: e.name, data: (await readAll(await zip.open(e))).slice() });
  return out;
}

/** Offset of the central directory of an archive written without a comment or zip64. */
export function centralOffset(bytes: Uint8Array): number {
  return new DataView(bytes.buffer, bytes.byteOffset).getUint32(bytes.length - 22 + 16, true);
}

/** A copy of `bytes` with a little-endian field set. */
export function patch(bytes: Uint8Array, offset: number, value: number, width: 2 | 4 = 4): Uint8Array {
  const out = bytes.slice();
  const v = new DataView(out.buffer);
  if (width === 2) v.setUint16(offset, value, true);
  else v.setUint32(offset, value, true);
  return out;
}
