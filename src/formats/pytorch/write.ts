/**
 * Writing PyTorch `.pt` files in the zip layout `torch.save` has used since 1.6
 * (torch/serialization.py `_save`, caffe2/serialize/inline_container.cc `PyTorchStreamWriter`),
 * readable by `torch.load(weights_only=True)` on torch 1.13 and later:
 *
 * - every record under one folder (option `archiveName`, else the source's folder recorded in
 *   `metadata.pytorch.archive`, else `archive/` as torch.save names it when writing to a buffer):
 *   torch's reader takes the folder from the first member's name and looks every record up under it;
 * - `data.pkl` first (protocol 2, built in memory by write-structure.ts), then `byteorder`
 *   (`little`; current torch reads it to byte-swap, 1.13 ignores it), then `data/<key>` per storage
 *   in key order, streamed from the tensors, then `version` = `3\n` (the
 *   `kMinProducedFileFormatVersion` torch.save writes; readers accept 1..10 in 1.13). Current
 *   torch writes the same `version` record (it only uses `.data/version` from file format 6 on,
 *   which torch.save never reaches); `.data/serialization_id`, `.format_version` and
 *   `.storage_alignment` are optional and left out, so torch finds storages by their headers;
 * - stored, never deflated; each record's data starts at a multiple of 64 bytes, padded in the
 *   local header's extra field as PyTorchStreamWriter does (`kFieldAlignment = 64`), so torch
 *   can mmap them; deterministic (fixed timestamps and attributes, see io/zip/writer.ts).
 */
import { itemSize } from '../../core/dtype.js';
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { JsonValue, Model } from '../../core/model.js';
import { elementCount, readChunks } from '../../core/tensor.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { encodeUtf8 } from '../../io/cursor.js';
import { ZipWriter } from '../../io/zip/writer.js';
import { undoRecordedChanges } from './restore.js';
import { STORAGE_CLASS, WIDER_DTYPE } from './storage-types.js';
import { type PicklePlan, pickleFlat, pickleStructure, structureMismatch } from './write-structure.js';

/** The record folder torch.save uses when writing to a buffer (PyTorchStreamWriter's default). */
export const DEFAULT_ARCHIVE_NAME = 'archive';
/** Record alignment of PyTorchStreamWriter (`kFieldAlignment`, caffe2/serialize/inline_container.h). */
export const PT_RECORD_ALIGNMENT = 64;
/** The `version` record torch.save writes (`kMinProducedFileFormatVersion` = 3, caffe2/serialize/versions.h). */
const VERSION_RECORD = '3\n';
/** Bytes of tensor data read per step: large enough for throughput, small enough for memory. */
const COPY_CHUNK_BYTES = 1 << 22;

/**
 * Writes `model` as a `.pt` file. The pickled object is `metadata.pytorch.structure` when it
 * still matches the tensors, otherwise (with a warning when there was a structure) a flat
 * `OrderedDict` of name → tensor in model order. Options: `archiveName` (the record folder).
 * Warnings (through `options.onWarning`): one when floats became 0-d tensors, one for a stale
 * structure.
 * Throws UNREPRESENTABLE for dtypes torch 1.13 has no storage for (uint16/32/64) and for
 * structure values its weights_only unpickler cannot read (bytes, sets, other classes);
 * INVALID_STRUCTURE for a malformed structure or tensor data that disagrees with its shape.
 */
export async function writePt(source: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  // A model nnport moved out of PyTorch (into Keras) comes back with its names, layouts and dtypes
  const model = await undoRecordedChanges(source, options.onWarning);
  const archive = archiveName(options, model.metadata);
  checkTensors(model);
  const plan = planPickle(model, options);
  if (plan.floats > 0) {
    options.onWarning?.(
      `${plan.floats} Python float${plan.floats === 1 ? '' : 's'} written as 0-d float64 tensors ` +
        `(torch 1.13's weights_only loader reads no floats), the first at ${plan.firstFloat ?? ''}`,
    );
  }

  const zip = new ZipWriter(await target.create());
  const align = PT_RECORD_ALIGNMENT;
  await zip.addBytes(`${archive}/data.pkl`, plan.pickle, { align });
  await zip.addBytes(`${archive}/byteorder`, encodeUtf8('little'), { align });
  const total = plan.storages.reduce((sum, s) => sum + s.byteLength, 0);
  let done = 0;
  for (const s of plan.storages) {
    const out = await zip.begin(`${archive}/data/${s.key}`, { size: s.byteLength, align });
    if (s.tensor !== undefined) {
      for await (const chunk of readChunks(s.tensor, COPY_CHUNK_BYTES, itemSize(s.tensor.dtype))) {
        await out.write(chunk);
        done += chunk.length;
        options.onProgress?.(done, total);
      }
    } else if (s.bytes !== undefined) {
      await out.write(s.bytes);
      done += s.bytes.length;
      options.onProgress?.(done, total);
    }
    await out.end();
  }
  await zip.addBytes(`${archive}/version`, encodeUtf8(VERSION_RECORD), { align });
  await zip.close();
}

/** The pickle: the recorded structure when it still fits the tensors, else a flat state_dict. */
function planPickle(model: Model, options: WriteOptions): PicklePlan {
  const structure = recordedStructure(model.metadata);
  if (structure === undefined) return pickleFlat(model.tensors);
  const mismatch = structureMismatch(structure, model.tensors);
  if (mismatch === undefined) return pickleStructure(structure, model.tensors);
  options.onWarning?.(
    `metadata.pytorch.structure no longer matches the tensors (${mismatch}); writing a flat state_dict instead`,
  );
  return pickleFlat(model.tensors);
}

/** `metadata.pytorch.structure`, when the model has one. */
function recordedStructure(metadata: Readonly<Record<string, JsonValue>>): JsonValue | undefined {
  const pt = metadata.pytorch;
  if (pt === null || typeof pt !== 'object' || Array.isArray(pt)) return undefined;
  return (pt as { readonly [key: string]: JsonValue }).structure;
}

/** Refuses dtypes without a torch 1.13 storage class and data that disagrees with its shape. */
function checkTensors(model: Model): void {
  for (const t of model.tensors) {
    if (STORAGE_CLASS[t.dtype] === undefined) {
      const wider = WIDER_DTYPE[t.dtype];
      throw new NnportError(
        'UNREPRESENTABLE',
        `torch 1.13 has no ${t.dtype} dtype or storage (newer torch writes it through _rebuild_tensor_v3, ` +
          `which 1.13 cannot load); convert the tensor to ${wider ?? 'a signed type'} first`,
        { at: { tensor: t.name } },
      );
    }
    const expected = itemSize(t.dtype) * elementCount(t.shape);
    if (t.data.byteLength !== expected) {
      throw new NnportError(
        'INVALID_STRUCTURE',
        `${t.data.byteLength} bytes of data for ${t.dtype}[${t.shape.join(', ')}], which needs ${expected}`,
        { at: { tensor: t.name } },
      );
    }
  }
}

/**
 * The record folder: the `archiveName` option, else the folder the source file used (the reader
 * records it as `metadata.pytorch.archive`, so a round trip keeps it), else `archive`.
 */
function archiveName(options: WriteOptions, metadata: Readonly<Record<string, JsonValue>>): string {
  const name = options.archiveName;
  if (name === undefined) {
    const pt = metadata.pytorch;
    const recorded =
      pt !== null && typeof pt === 'object' && !Array.isArray(pt)
        ? (pt as { readonly [key: string]: JsonValue }).archive
        : undefined;
    return isFolderName(recorded) ? recorded : DEFAULT_ARCHIVE_NAME;
  }
  if (!isFolderName(name)) {
    throw new NnportError(
      'USAGE',
      `option archiveName must be one folder name (got ${JSON.stringify(name)})`,
    );
  }
  return name;
}

/** One non-empty path component (torch takes the folder up to the first '/' of the first record). */
function isFolderName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name !== '' &&
    name !== '.' &&
    name !== '..' &&
    !/[/\\\0\n]/.test(name) &&
    encodeUtf8(name).length <= 255
  );
}
