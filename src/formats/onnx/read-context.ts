/**
 * State shared by the ONNX reader's parts while one model is read: the protobuf reader, the input
 * (for external data), the model tensors gathered so far and the names already taken.
 */
import { NnportError } from '../../core/errors.js';
import type { ReadInput } from '../../core/format.js';
import { MAX_ONNX_ENTRIES, MAX_TENSORS } from '../../core/limits.js';
import type { Tensor } from '../../core/tensor.js';
import type { ByteSource } from '../../io/byte-source.js';
import type { ProtoReader } from '../../io/protobuf/reader.js';

/** Reader state for one model. */
export interface ReadContext {
  /** The lazy protobuf reader over the model file. */
  readonly reader: ProtoReader;
  /** The input, for sibling (external data) files. */
  readonly input: ReadInput;
  /** Model tensors in the order they were met. */
  readonly tensors: Tensor[];
  /** Tensor and string-tensor names already used (ONNX names are unique across graphs). */
  readonly names: Set<string>;
  /** External data files opened so far, by normalized location. */
  readonly external: Map<string, Promise<ByteSource>>;
  /** Repeated entries (nodes, attributes, values) seen so far, against MAX_ONNX_ENTRIES. */
  entries: number;
}

/** Counts one more repeated entry; LIMIT_EXCEEDED past MAX_ONNX_ENTRIES. */
export function countEntry(ctx: ReadContext, path: string): void {
  ctx.entries++;
  if (ctx.entries > MAX_ONNX_ENTRIES) {
    throw new NnportError(
      'LIMIT_EXCEEDED',
      `${path}: more than MAX_ONNX_ENTRIES ${MAX_ONNX_ENTRIES} entries`,
    );
  }
}

/** Adds a tensor under its final name (the caller made the name unique). */
export function addTensor(ctx: ReadContext, t: Tensor): void {
  if (ctx.tensors.length >= MAX_TENSORS) {
    throw new NnportError('LIMIT_EXCEEDED', `more than MAX_TENSORS ${MAX_TENSORS} tensors`);
  }
  ctx.names.add(t.name);
  ctx.tensors.push(t);
}

/** `base`, or `base#2`, `base#3`… : the first name not used yet (for generated attribute-tensor names). */
export function uniqueName(ctx: ReadContext, base: string): string {
  if (!ctx.names.has(base)) return base;
  for (let i = 2; ; i++) {
    const n = `${base}#${i}`;
    if (!ctx.names.has(n)) return n;
  }
}
