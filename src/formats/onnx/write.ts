/**
 * Writes a Model as an ONNX ModelProto (onnx.proto), streaming: the message is planned in memory
 * without tensor bytes (write-model.ts, write-graph.ts, write-tensor.ts), sized, then written in
 * one pass with tensor data copied chunk by chunk from its source (io/protobuf/writer.ts).
 *
 * External data (onnx docs/ExternalData.md): option `externalData` is
 * - `'auto'` (default): everything inline unless the file would pass protobuf's 2 GiB limit; then
 *   the largest initializers of at least `externalThreshold` bytes move out until it fits;
 * - `'all'`: every initializer of at least `externalThreshold` bytes (default 1024, the
 *   `size_threshold` of onnx's `convert_model_to_external_data`) moves out;
 * - `'none'`: never; a model that does not fit is UNREPRESENTABLE.
 * Moved tensors go to one file beside the output, `<output name>.data` (option `externalLocation`
 * names another), opened with `WriteTarget.createSibling`. Tensors of at least 1 MiB start at a
 * multiple of 4096 bytes there (onnxruntime's `ModelSavingOptions`: align_threshold 1 MiB,
 * on_disk_alignment_factor 4096, so the file can be memory-mapped); smaller ones follow
 * contiguously. Only initializers move, as in onnx's helper with `convert_attribute=False`.
 */
import { NnportError } from '../../core/errors.js';
import type { WriteOptions } from '../../core/format.js';
import type { Graph, StringTensor } from '../../core/graph.js';
import type { Model } from '../../core/model.js';
import type { Tensor } from '../../core/tensor.js';
import type { WriteTarget } from '../../io/byte-sink.js';
import { type PbMessage, writeMessage } from '../../io/protobuf/writer.js';
import { BufferedWriter } from '../../io/writer.js';
import { type GraphContext, graphProto, tensorsUsedElsewhere, walkGraphs } from './write-graph.js';
import { modelFields, modelProto } from './write-model.js';
import { type ExternalPlacement, tensorChunks } from './write-tensor.js';

/**
 * Largest ModelProto protobuf serializes or parses: 2 GiB - 1 (`INT_MAX`; protobuf's
 * `SerializeToString` fails past it and `CodedInputStream` refuses larger messages).
 */
export const MAX_PROTOBUF_MODEL_BYTES = 2 ** 31 - 1;

/** Default `externalThreshold`: onnx's `size_threshold` default. */
export const DEFAULT_EXTERNAL_THRESHOLD = 1024;

/** Tensors of at least this many bytes are aligned in the external file (onnxruntime's align_threshold). */
export const EXTERNAL_ALIGN_THRESHOLD = 1 << 20;

/** Alignment of large tensors in the external file (onnxruntime's on_disk_alignment_factor, a page). */
export const EXTERNAL_ALIGNMENT = 4096;

/** The ONNX writer's options (besides WriteOptions' common ones). */
export interface OnnxWriteOptions {
  /** When tensors go to an external data file; default `'auto'`. */
  readonly externalData: 'auto' | 'all' | 'none';
  /** Smallest initializer (bytes) that may go external; default 1024. */
  readonly externalThreshold: number;
  /** The external file's name beside the output; default `<output name>.data`. */
  readonly externalLocation: string | undefined;
  /** Default-domain opset version to write instead of the source's or the default 17. */
  readonly opset: number | undefined;
  /** The size limit the 'auto'/'none' decisions use; only lowering it makes sense (tests). */
  readonly maxModelBytes: number;
}

function usage(detail: string): NnportError {
  return new NnportError('USAGE', detail, { format: 'onnx' });
}

/** Reads and checks the ONNX options from WriteOptions (USAGE for bad values). */
export function onnxOptions(options: WriteOptions, targetName: string): OnnxWriteOptions {
  const mode = options.externalData ?? 'auto';
  if (mode !== 'auto' && mode !== 'all' && mode !== 'none') {
    throw usage(`externalData is auto, all or none, not '${String(mode)}'`);
  }
  const threshold = options.externalThreshold ?? DEFAULT_EXTERNAL_THRESHOLD;
  if (typeof threshold !== 'number' || !Number.isSafeInteger(threshold) || threshold < 0) {
    throw usage(`externalThreshold must be a byte count, not '${String(threshold)}'`);
  }
  const opset = options.opset;
  if (
    opset !== undefined &&
    (typeof opset !== 'number' || !Number.isInteger(opset) || opset < 1 || opset > 1000)
  ) {
    throw usage(`opset must be a positive whole number, not '${String(opset)}'`);
  }
  const location = options.externalLocation;
  if (location !== undefined && typeof location !== 'string')
    throw usage('externalLocation must be a file name');
  const maxBytes = options.maxModelBytes ?? MAX_PROTOBUF_MODEL_BYTES;
  if (typeof maxBytes !== 'number' || !(maxBytes > 0) || maxBytes > MAX_PROTOBUF_MODEL_BYTES) {
    throw usage(`maxModelBytes must be at most ${MAX_PROTOBUF_MODEL_BYTES}`);
  }
  const base = targetName.split(/[/\\]/).pop() ?? targetName;
  const externalLocation = location ?? `${base}.data`;
  if (externalLocation === '' || /[/\\]/.test(externalLocation) || externalLocation.includes('..')) {
    throw new NnportError(
      'UNSAFE_PATH',
      `external data file '${externalLocation}' is not a plain file name`,
      {
        format: 'onnx',
      },
    );
  }
  return {
    externalData: mode,
    externalThreshold: threshold,
    externalLocation,
    opset: opset as number | undefined,
    maxModelBytes: maxBytes,
  };
}

/** The model's pieces the graph plan needs, resolved once. */
interface Prepared {
  readonly graph: Graph;
  readonly ctx: Omit<GraphContext, 'external'>;
  /** Initializers (numeric) in the order the file lists them: candidates for external data. */
  readonly initializerOrder: readonly Tensor[];
}

/** The graph to write: the model's, or for a weights-only model a graph named 'nnport' with no nodes. */
function prepare(model: Model, warn: (m: string) => void): Prepared {
  const graph: Graph = model.graph ?? { name: 'nnport', nodes: [], inputs: [], outputs: [] };
  const tensors = new Map<string, Tensor>();
  for (const t of model.tensors) {
    if (tensors.has(t.name)) {
      throw new NnportError('UNREPRESENTABLE', `two tensors are named '${t.name}'`, {
        at: { tensor: t.name },
      });
    }
    tensors.set(t.name, t);
  }
  const strings = new Map<string, StringTensor>();
  walkGraphs(graph, (g) => {
    for (const s of g.stringTensors ?? []) if (!strings.has(s.name)) strings.set(s.name, s);
  });
  let mainInitializers: readonly string[];
  if (graph.initializers !== undefined) {
    mainInitializers = graph.initializers;
    const listed = new Set([...tensorsUsedElsewhere(graph), ...mainInitializers]);
    const unlisted = model.tensors.filter((t) => !listed.has(t.name));
    if (unlisted.length > 0) {
      warn(
        `${unlisted.length} tensor(s) the graph does not use are not written (${unlisted
          .slice(0, 3)
          .map((t) => t.name)
          .join(', ')}${unlisted.length > 3 ? ', ...' : ''})`,
      );
    }
  } else {
    const used = tensorsUsedElsewhere(graph);
    const names = model.tensors.filter((t) => !used.has(t.name)).map((t) => t.name);
    for (const s of graph.stringTensors ?? []) if (!used.has(s.name)) names.push(s.name);
    mainInitializers = names;
  }
  // File order: a graph's nodes (and their subgraphs) come before its initializers (fields 1, 5).
  const order: Tensor[] = [];
  const seen = new Set<string>();
  const visit = (g: Graph, inits: readonly string[]): void => {
    for (const node of g.nodes) {
      for (const a of Object.values(node.attributes)) {
        if (a.type === 'graph') visit(a.value, a.value.initializers ?? []);
        else if (a.type === 'graphs') for (const s of a.value) visit(s, s.initializers ?? []);
      }
    }
    for (const n of inits) {
      const t = tensors.get(n);
      if (t !== undefined && !seen.has(n)) {
        seen.add(n);
        order.push(t);
      }
    }
  };
  visit(graph, mainInitializers);
  return { graph, ctx: { tensors, strings, mainInitializers }, initializerOrder: order };
}

/** Lays out `chosen` tensors (in file order) in the external file. */
function placeExternal(
  order: readonly Tensor[],
  chosen: ReadonlySet<string>,
  location: string,
): Map<string, ExternalPlacement> {
  const out = new Map<string, ExternalPlacement>();
  let offset = 0;
  for (const t of order) {
    if (!chosen.has(t.name)) continue;
    const length = t.data.byteLength;
    if (length >= EXTERNAL_ALIGN_THRESHOLD)
      offset = Math.ceil(offset / EXTERNAL_ALIGNMENT) * EXTERNAL_ALIGNMENT;
    out.set(t.name, { location, offset, length });
    offset += length;
  }
  return out;
}

/**
 * Writes `model` as ONNX to `target` (and `<name>.data` beside it when tensors go external).
 * Throws UNREPRESENTABLE for a dtype ONNX lacks or a model over 2 GiB that may not use external
 * data, INVALID_STRUCTURE for a tensor whose bytes disagree with its shape or a graph naming a
 * tensor the model lacks, USAGE for bad options.
 */
export async function writeOnnx(model: Model, target: WriteTarget, options: WriteOptions): Promise<void> {
  const opts = onnxOptions(options, target.name);
  const warn = (m: string): void => options.onWarning?.(m);
  const prepared = prepare(model, warn);
  const fields = modelFields(model, opts.opset, warn);
  const plan = (external: ReadonlyMap<string, ExternalPlacement>): PbMessage =>
    modelProto(fields, graphProto({ ...prepared.ctx, external }, prepared.graph, 'graph', 'nnport', true));

  const candidates = prepared.initializerOrder.filter((t) => t.data.byteLength >= opts.externalThreshold);
  let external = new Map<string, ExternalPlacement>();
  if (opts.externalData === 'all') {
    external = placeExternal(
      prepared.initializerOrder,
      new Set(candidates.map((t) => t.name)),
      opts.externalLocation as string,
    );
  }
  let message = plan(external);
  if (message.size > opts.maxModelBytes && opts.externalData === 'auto') {
    // Move the largest candidates out (ties in file order) until the rest fits.
    const bySize = [...candidates].sort((a, b) => b.data.byteLength - a.data.byteLength);
    const chosen = new Set<string>();
    let estimate = message.size;
    for (const t of bySize) {
      if (estimate <= opts.maxModelBytes) break;
      chosen.add(t.name);
      estimate -= t.data.byteLength;
    }
    external = placeExternal(prepared.initializerOrder, chosen, opts.externalLocation as string);
    message = plan(external);
    // External entries add a few bytes per tensor: move more while the exact size is still over.
    for (const t of bySize) {
      if (message.size <= opts.maxModelBytes) break;
      if (chosen.has(t.name)) continue;
      chosen.add(t.name);
      external = placeExternal(prepared.initializerOrder, chosen, opts.externalLocation as string);
      message = plan(external);
    }
  }
  if (message.size > opts.maxModelBytes) {
    throw new NnportError(
      'UNREPRESENTABLE',
      `the ONNX model would take ${message.size} bytes, over protobuf's limit of ${opts.maxModelBytes}` +
        (opts.externalData === 'none' ? '; allow external data (--external-data auto)' : ''),
      { format: 'onnx' },
    );
  }

  const total = model.tensors.reduce((s, t) => s + t.data.byteLength, 0);
  let done = 0;
  if (external.size > 0) {
    if (target.createSibling === undefined) {
      throw new NnportError(
        'UNREPRESENTABLE',
        'this output cannot hold an external data file beside the model',
        {
          format: 'onnx',
        },
      );
    }
    const w = new BufferedWriter(await target.createSibling(opts.externalLocation as string));
    for (const t of prepared.initializerOrder) {
      const place = external.get(t.name);
      if (place === undefined) continue;
      const pad = place.offset - w.written - w.pos;
      if (pad > 0) await w.bytes(new Uint8Array(pad));
      let copied = 0;
      for await (const chunk of tensorChunks(t)) {
        copied += chunk.byteLength;
        await w.bytes(chunk);
        options.onProgress?.(done + copied, total);
      }
      if (copied !== place.length) {
        throw new NnportError('INVALID_STRUCTURE', `read ${copied} of ${place.length} bytes`, {
          at: { tensor: t.name },
        });
      }
      done += copied;
    }
    await w.close();
  }
  const w = new BufferedWriter(await target.create());
  await writeMessage(w, message);
  await w.close();
  options.onProgress?.(total, total);
}
