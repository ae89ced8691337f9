/**
 * What convert does with a Keras or TF.js model whose config nnport could not translate: the
 * reader keeps the weights and says why there is no graph (`metadata.keras.graphError` or
 * `metadata.tfjs.graphError`, "CODE: detail"). Writing such a model to a format that would carry
 * a graph would give a graph-less file that looks like a complete conversion, so convert stops
 * with the translation's error instead; a tensor format keeps the weights.
 */
import { type ErrorCode, NnportError } from '../core/errors.js';
import type { FormatPlugin } from '../core/format.js';
import type { Model } from '../core/model.js';
import { channelsLastInputs, recordChannelsLast, toChannelsFirst } from '../ops/layout/index.js';

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'TRUNCATED',
  'BAD_MAGIC',
  'UNSUPPORTED_VERSION',
  'UNSUPPORTED_DTYPE',
  'UNSUPPORTED_OP',
  'LIMIT_EXCEEDED',
  'INVALID_OFFSET',
  'INVALID_STRUCTURE',
  'MISSING_FILE',
  'UNSAFE',
  'UNREPRESENTABLE',
]);

/** The recorded graphError of a graph-less Keras or TF.js model, if any. */
function graphError(model: Model): { section: string; text: string } | undefined {
  if (model.graph !== undefined) return undefined;
  for (const section of ['keras', 'tfjs']) {
    const meta = model.metadata[section];
    if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) continue;
    const text = (meta as Record<string, unknown>).graphError;
    if (typeof text === 'string') return { section, text };
  }
  return undefined;
}

/** Formats whose file is the graph (a runtime executes it): a graph-less one is no conversion. */
const GRAPH_FORMATS: ReadonlySet<string> = new Set(['onnx', 'mxnet']);

/**
 * For a model that has no graph because its config could not be translated: throws the recorded
 * translation error (its own code, `input` named) when `writer` is a graph format (ONNX, MXNet),
 * whose output would look like a complete conversion; for a writer that keeps a graph beside
 * the tensors (JSON, CSV, ...) returns a note to print, as the weights are what such files are
 * for and the reason stays in their metadata. Undefined when nothing applies, or when the writer
 * keeps the source's config itself (keeps.graphFrom: Keras → Keras, TF.js → TF.js).
 */
export function checkGraphPolicy(model: Model, writer: FormatPlugin, input: string): string | undefined {
  const found = graphError(model);
  if (found === undefined || writer.keeps?.graph !== true) return undefined;
  if ((writer.keeps.graphFrom ?? []).includes(model.format)) return undefined;
  const m = /^([A-Z_]+): ([\s\S]*)$/.exec(found.text);
  const code = (m !== null && CODES.has(m[1] as string) ? m[1] : 'INVALID_STRUCTURE') as ErrorCode;
  const detail = m === null ? found.text : (m[2] as string);
  if (!GRAPH_FORMATS.has(writer.id))
    return `no graph could be made of the ${found.section} config (${detail}); ${writer.id} gets the weights only`;
  throw new NnportError(
    code,
    `no graph could be made of the ${found.section} config (${detail}), so ${writer.id} would get the weights without the graph; nothing was written (a tensor format such as safetensors or npz keeps the weights)`,
    { file: input },
  );
}

/**
 * The model convert writes for `--layout` (nchw, nhwc or none): nchw moves channels-last image
 * inputs and outputs channels-first (toChannelsFirst); nhwc, and no --layout for a Keras or TF.js
 * source going to a graph format, keep them and record so. USAGE when nchw/nhwc cannot apply: a
 * writer that holds no graph, a model without one, or a graph with no channels-last image input.
 */
export function applyLayout(
  model: Model,
  writer: FormatPlugin,
  layout: string | undefined,
  input: string,
): Model {
  const graphWriter = writer.keeps?.graph === true;
  if (layout !== 'nchw' && layout !== 'nhwc') {
    const source = model.format === 'keras' || model.format === 'tfjs';
    return layout === undefined && source && graphWriter ? recordChannelsLast(model) : model;
  }
  if (!graphWriter) {
    throw new NnportError(
      'USAGE',
      `--layout ${layout} sets a graph's input layout, and ${writer.id} holds no graph (use a graph format such as onnx)`,
    );
  }
  if (model.graph === undefined)
    throw new NnportError('USAGE', `--layout ${layout}: ${input} has no graph whose layout could be set`);
  if (channelsLastInputs(model.graph).length === 0) {
    throw new NnportError(
      'USAGE',
      `--layout ${layout}: the graph of ${input} has no channels-last image input (rank 3-5, transposed channels-first for a convolution or pool), so there is no layout to choose`,
    );
  }
  return layout === 'nchw' ? toChannelsFirst(model) : recordChannelsLast(model);
}
